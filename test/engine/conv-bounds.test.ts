/**
 * Convolution kernels write only their own output: a write one channel (or one output) past the
 * end lands in the arena's next tensor, which the tensor's own comparison cannot see (and the
 * sanitizer build neither: the arena is one allocation). Here two convolutions of the same input
 * are both engine outputs, built without aliasing (`alias: false`: a block per tensor), in both
 * layer orders. The planner places the largest blocks first (memory_planner.h: greedy by size),
 * so the first convolution of each pair, the one under test, has the larger output and the
 * second the next largest (the input is larger than both, or smaller than both): the second
 * lies just past the first, and where it runs first it is the sentinel. Every output is a
 * multiple of the arena's 256-byte alignment (kArenaAlignment): no padding between the two.
 * Geometries: channel counts one past (and one short of) the tiles' 16 and 32 (conv_lanes.cc,
 * output channels in the lanes: 7x7/2, 3x3/2, 3x3/1 over 64+ patch rows; rows of one tile and
 * of a partial one), stride-2 depthwise windows (depthwise_s2.cc: the rows form, 17 and 9 wide,
 * and the narrow forms of 2 and 4 rows a vector). Reference: a direct sum in float64 here
 * (independent of the kernels); tolerance 1e-5 of the output's largest magnitude
 * (helpers/compare.ts's rule for convolutions).
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

interface G {
  c: number; // input channels
  h: number;
  w: number;
  m: number; // output channels
  k: number; // square kernel
  s: number; // both strides
  pads: number[]; // top, left, bottom, right
  groups?: number;
}

const outDims = (g: G) => [Math.floor((g.h + g.pads[0]! + g.pads[2]! - g.k) / g.s) + 1, Math.floor((g.w + g.pads[1]! + g.pads[3]! - g.k) / g.s) + 1];

function reference(g: G, x: Float32Array, wt: Float32Array, bias: Float32Array): Float64Array {
  const [oh, ow] = outDims(g) as [number, number];
  const groups = g.groups ?? 1;
  const cg = g.c / groups,
    mg = g.m / groups;
  const y = new Float64Array(g.m * oh * ow);
  for (let o = 0; o < g.m; ++o) {
    const g0 = Math.floor(o / mg) * cg;
    for (let i = 0; i < oh; ++i) {
      for (let j = 0; j < ow; ++j) {
        let sum = bias[o]!;
        for (let c = 0; c < cg; ++c) {
          for (let a = 0; a < g.k; ++a) {
            const ih = i * g.s + a - g.pads[0]!;
            if (ih < 0 || ih >= g.h) continue;
            for (let b = 0; b < g.k; ++b) {
              const iw = j * g.s + b - g.pads[1]!;
              if (iw < 0 || iw >= g.w) continue;
              sum += wt[((o * cg + c) * g.k + a) * g.k + b]! * x[((g0 + c) * g.h + ih) * g.w + iw]!;
            }
          }
        }
        y[(o * oh + i) * ow + j] = sum;
      }
    }
  }
  return y;
}

async function pair(g1: G, g2: G, seed: number): Promise<void> {
  const [oh1, ow1] = outDims(g1) as [number, number];
  const [oh2, ow2] = outDims(g2) as [number, number];
  const x = randomFloat([1, g1.c, g1.h, g1.w], seed).data as Float32Array;
  const convs = [g1, g2].map((g, n) => ({
    g,
    wt: randomFloat([g.m, g.c / (g.groups ?? 1), g.k, g.k], seed + 1 + n, -0.3, 0.3).data as Float32Array,
    bias: randomFloat([g.m], seed + 3 + n).data as Float32Array,
    shape: n === 0 ? [1, g.m, oh1, ow1] : [1, g.m, oh2, ow2],
  }));
  const want = convs.map((v) => reference(v.g, x, v.wt, v.bias));
  for (const order of [
    [0, 1],
    [1, 0],
  ]) {
    const d = new NetDraft('bounds');
    const xi = d.input('x', 'float32', [1, g1.c, g1.h, g1.w]);
    const ids: number[] = [];
    for (const n of order) {
      const v = convs[n]!;
      const wi = d.constant(`w${n}`, 'float32', [v.g.m, v.g.c / (v.g.groups ?? 1), v.g.k, v.g.k], v.wt);
      const bi = d.constant(`b${n}`, 'float32', [v.g.m], v.bias);
      const params = {
        kernel: [v.g.k, v.g.k],
        strides: [v.g.s, v.g.s],
        padsBegin: v.g.pads.slice(0, 2),
        padsEnd: v.g.pads.slice(2),
        dilations: [1, 1],
        groups: v.g.groups ?? 1,
      };
      ids[n] = d.layer('convolution', `conv${n}`, [xi, wi, bi], params, [{ dtype: 'float32', shape: v.shape }])[0]!;
    }
    // Outputs in declaration order (conv 0 first), layers in `order`.
    d.output(ids[0]!);
    d.output(ids[1]!);
    const e = await buildEngine(d.finish(), { backend: 'cpu', alias: false });
    try {
      const outs = (await e.createContext().run([x])) as Float32Array[];
      for (let n = 0; n < 2; ++n) {
        const got = outs[n]!,
          ref = want[n]!;
        expect(got.length).toBe(ref.length);
        const scale = Math.max(1, ...Array.from(ref, Math.abs));
        let worst = 0,
          at = -1;
        for (let i = 0; i < ref.length; ++i) {
          const err = Math.abs(got[i]! - ref[i]!);
          if (!(err <= worst)) [worst, at] = [err, i];
        }
        expect(worst, `conv ${n} (layers in order ${order.join(', ')}): worst at ${at}`).toBeLessThanOrEqual(1e-5 * scale);
      }
    } finally {
      e.dispose();
    }
  }
}

describe('convolutions write nothing past their output', () => {
  it('output channels in the lanes: 33, 17, 47, 31, 52 channels, each before a smaller output', async () => {
    // 3x3/2 over 16x16 (8 wide: one tile); input 4096 floats, outputs 64 a channel.
    const s2 = { c: 16, h: 16, w: 16, k: 3, s: 2, pads: [1, 1, 1, 1] };
    await pair({ ...s2, m: 33 }, { ...s2, m: 17 }, 11);
    await pair({ ...s2, m: 17 }, { ...s2, m: 9 }, 12);
    // 3x3/1 "same" over 8x16 (two tiles a row); input 1024 floats, outputs 128 a channel.
    const s1 = { c: 8, h: 8, w: 16, k: 3, s: 1, pads: [1, 1, 1, 1] };
    await pair({ ...s1, m: 47 }, { ...s1, m: 31 }, 21);
    await pair({ ...s1, m: 31 }, { ...s1, m: 15 }, 22);
    // 7x7/2 stems over 3 channels; input 3072 floats, outputs 256 a channel.
    const stem = { c: 3, h: 32, w: 32, k: 7, s: 2, pads: [3, 3, 3, 3] };
    await pair({ ...stem, m: 33 }, { ...stem, m: 13 }, 31);
    // 14 wide (tiles of 8 and 6); input 7168 floats, outputs 112 a channel.
    const part = { c: 16, h: 16, w: 28, k: 3, s: 2, pads: [1, 1, 1, 1] };
    await pair({ ...part, m: 52 }, { ...part, m: 4 }, 41);
  });
  it('stride-2 depthwise: the rows form (17 and 9 wide) and the narrow forms (8 and 16 wide inputs)', async () => {
    for (const [h, w, k] of [
      [9, 34, 3],
      [7, 17, 5],
      [5, 8, 3],
      [6, 16, 5],
      [3, 7, 3],
    ] as Array<[number, number, number]>) {
      const p = (k - 1) / 2;
      const g = { c: 64, h, w, k, s: 2, pads: [p, p, p, p] };
      // 64 depthwise planes, then 32 planes of two channels each (half the bytes).
      await pair({ ...g, m: 64, groups: 64 }, { ...g, m: 32, groups: 32 }, 50 + h + w);
    }
  });
});
