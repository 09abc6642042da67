/**
 * A convolution's or pooling's output must not depend on where a position falls (which tile,
 * which panel, which thread's share, the wide/narrow copy) nor on the thread count: with every
 * input plane constant, every interior output of a channel is the same sum of the same
 * products, so it must be the same float to the bit; and runs at 1, 2 and 3 threads must give
 * the same bits everywhere. (0d34853 fixed such a dependence in the GEMV: identical logits
 * differed in their last bits and a softmax picked one.) Layers: the flat 'same' patches, the
 * stride-2 phases, the narrow wide-copy, output channels in the lanes (conv_lanes.cc: the 'flat
 * same' and 7x7/2 stem cases take it too), 1x1 (in place and shallow), a 3-channel stem, flat
 * average pooling, the squeeze-excite gate's single-row products (batch 3, hidden 37: neither
 * a multiple of 16). The interior: outputs whose window lies wholly
 * inside the input.
 */
import ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildEngine } from '../../src/engine/engine.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { type ExciteShape, exciteNet } from './helpers/excite-net.js';
import { randomFloat } from './helpers/random.js';

interface Case {
  x: number[];
  op: 'Conv' | 'AveragePool';
  m?: number;
  k: number;
  stride?: number;
  pads?: number;
}

function model(c: Case): Uint8Array {
  const r = mulberry32(5);
  const s = c.stride ?? 1;
  const p = c.pads ?? 0;
  const attrs = { kernel_shape: [c.k, c.k], strides: [s, s], pads: [p, p, p, p] };
  const W = {
    dtype: 'float32' as const,
    dims: [c.m ?? 1, c.x[1]!, c.k, c.k],
    data: Float32Array.from({ length: (c.m ?? 1) * c.x[1]! * c.k * c.k }, () => r() * 2 - 1),
  };
  return encodeModel(
    buildModel({
      opset: 13,
      inputs: [{ name: 'x', shape: c.x }],
      outputs: [{ name: 'y' }],
      initializers: c.op === 'Conv' ? { W } : {},
      nodes: [{ op: c.op, inputs: c.op === 'Conv' ? ['x', 'W'] : ['x'], outputs: ['y'], attrs }],
    }),
  );
}

const CASES: Array<[string, Case]> = [
  ['flat same 3x3', { x: [1, 40, 23, 29], op: 'Conv', m: 48, k: 3, pads: 1 }],
  // (29 wide, the case above takes output channels in the lanes on AVX-512; 27 wide, tiles of 8, 8,
  // 8 and 3, keeps the flat patches.)
  ['flat same 3x3, 27 wide', { x: [1, 40, 23, 27], op: 'Conv', m: 48, k: 3, pads: 1 }],
  ['stride-2 phases', { x: [1, 40, 31, 33], op: 'Conv', m: 40, k: 3, stride: 2, pads: 1 }],
  [
    'output channels in the lanes, 3x3/2 (16 wide, 40 channels: a partial panel)',
    { x: [1, 40, 31, 32], op: 'Conv', m: 40, k: 3, stride: 2, pads: 1 },
  ],
  ['narrow valid 3x3', { x: [1, 40, 25, 27], op: 'Conv', m: 40, k: 3 }],
  ['narrow valid 3x3/2', { x: [1, 40, 35, 35], op: 'Conv', m: 40, k: 3, stride: 2 }],
  ['1x1 over 48 channels', { x: [1, 48, 21, 23], op: 'Conv', m: 56, k: 1 }],
  ['1x1 over 150 channels', { x: [1, 150, 21, 23], op: 'Conv', m: 40, k: 1 }],
  ['1x1 over 300 channels', { x: [1, 300, 13, 15], op: 'Conv', m: 40, k: 1 }],
  ['3-channel 3x3/2 stem', { x: [1, 3, 57, 59], op: 'Conv', m: 32, k: 3, stride: 2, pads: 1 }],
  ['3-channel 7x7/2 stem', { x: [1, 3, 63, 63], op: 'Conv', m: 24, k: 7, stride: 2, pads: 3 }],
  ['average 3x3/1', { x: [1, 8, 19, 21], op: 'AveragePool', k: 3, pads: 1 }],
  ['average 3x3/2 valid', { x: [1, 8, 19, 21], op: 'AveragePool', k: 3, stride: 2 }],
];

describe('outputs independent of position and thread count', () => {
  for (const [name, c] of CASES) {
    itIf(HAS_NATIVE, name, NATIVE_MISSING, async () => {
      const r = mulberry32(9);
      const [, ch, h, w] = c.x as [number, number, number, number];
      const values = Float32Array.from({ length: ch }, () => r() * 2 - 1);
      const x = new ort.Tensor(
        'float32',
        Float32Array.from({ length: ch * h * w }, (_, i) => values[Math.floor(i / (h * w))]!),
        c.x,
      );
      const s = c.stride ?? 1;
      const p = c.pads ?? 0;
      const [oh, ow] = [Math.floor((h + 2 * p - c.k) / s) + 1, Math.floor((w + 2 * p - c.k) / s) + 1];
      const inside = (o: number, n: number) => o * s - p >= 0 && o * s - p + c.k <= n;
      let first: Float32Array | undefined;
      for (const threads of [1, 2, 3]) {
        const m = await compile(model(c), { backend: 'cpu', threads, requireFullCompilation: true });
        try {
          const y = (await m.run({ x })).y!.data as Float32Array;
          if (first) expect(Array.from(y), `threads ${threads} against 1`).toEqual(Array.from(first));
          else first = y;
          for (let o = 0; o < (c.m ?? ch); o++) {
            let ref: number | undefined;
            for (let i = 0; i < oh; i++) {
              if (!inside(i, h)) continue;
              for (let j = 0; j < ow; j++) {
                if (!inside(j, w)) continue;
                const v = y[(o * oh + i) * ow + j]!;
                if (ref === undefined) ref = v;
                else if (!Object.is(v, ref)) expect.fail(`threads ${threads}: channel ${o} output (${i}, ${j}) is ${v}, the first interior ${ref}`);
              }
            }
          }
        } finally {
          await m.dispose();
        }
      }
    });
  }
});

describe('the squeeze-excite gate independent of thread count', () => {
  itIf(HAS_NATIVE, 'batch 3, 200 channels through 37', NATIVE_MISSING, async () => {
    const s: ExciteShape = { batch: 3, inChannels: 3, channels: 200, hidden: 37, spatial: 4, gateIsOutput: true };
    const x = randomFloat([3, 3, 4, 4], 4).data as Float32Array;
    let first: Float32Array[] | undefined;
    for (const threads of [1, 2, 3]) {
      const e = await buildEngine(exciteNet(s), { backend: 'cpu', fusion: true, threads });
      try {
        expect(e.info().build.fusions.excite).toBe(1);
        const have = (await e.createContext().run([x])) as Float32Array[];
        if (first) for (const [i, t] of have.entries()) expect(Array.from(t), `threads ${threads}, output ${i}`).toEqual(Array.from(first[i]!));
        else first = have;
      } finally {
        e.dispose();
      }
    }
  });
});
