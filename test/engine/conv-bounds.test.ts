/**
 * Convolution kernels write only their own output: a write one channel (or one output) past the
 * end lands in the arena's next tensor, which the tensor's own comparison cannot see (and the
 * sanitizer build neither: the arena is one allocation). Here two convolutions of the same input
 * are both engine outputs, each built without aliasing (`alias: false`: a block per tensor), in
 * both orders: whichever is placed just past the other and computed before it is its sentinel.
 * Geometries: channel counts one past (and one short of) the tile's 16 and 32 (conv_lanes.cc,
 * output channels in the lanes: 7x7/2, 3x3/2, 3x3/1 over 64+ patch rows), stride-2 depthwise
 * windows (depthwise_s2.cc: the rows form and the narrow forms of 2 and 4 rows a vector), with
 * output rows whose tiles end part-way. Reference: a direct sum in float64 here (independent of
 * the kernels); tolerance 1e-5 of the output's largest magnitude (helpers/compare.ts's rule for
 * convolutions).
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
  it('output channels in the lanes: 33, 17, 31 and 47 channels beside one another', async () => {
    // 3x3/2 over 16x16 (8 wide: one tile), 3x3/1 "same" over 8x16, 7x7/2 stems over 3 channels.
    await pair({ c: 16, h: 16, w: 16, m: 33, k: 3, s: 2, pads: [1, 1, 1, 1] }, { c: 16, h: 16, w: 16, m: 17, k: 3, s: 2, pads: [1, 1, 1, 1] }, 11);
    await pair({ c: 8, h: 8, w: 16, m: 31, k: 3, s: 1, pads: [1, 1, 1, 1] }, { c: 8, h: 8, w: 16, m: 47, k: 3, s: 1, pads: [1, 1, 1, 1] }, 21);
    await pair({ c: 3, h: 32, w: 32, m: 33, k: 7, s: 2, pads: [3, 3, 3, 3] }, { c: 3, h: 32, w: 32, m: 9, k: 7, s: 2, pads: [3, 3, 3, 3] }, 31);
    // 14 wide (tiles of 8 and 6).
    await pair({ c: 16, h: 20, w: 28, m: 49, k: 3, s: 2, pads: [1, 1, 1, 1] }, { c: 16, h: 20, w: 28, m: 1, k: 3, s: 2, pads: [1, 1, 1, 1] }, 41);
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
      const g = { c: 5, h, w, m: 5, k, s: 2, pads: [p, p, p, p], groups: 5 };
      await pair(g, { ...g }, 50 + h + w);
    }
  });
});
