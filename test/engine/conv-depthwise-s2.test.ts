/**
 * Stride-2 depthwise convolutions read from the input itself (native/cpu/depthwise_s2.cc, the
 * `depthwise` tactic on AVX-512 for 3x3 and 5x5 windows): the rows form (inputs wider than 16:
 * 16 outputs of a row from two loads a pair of taps, deinterleaved by a permute) and the narrow
 * form (inputs up to 16 wide: two output rows a vector; up to 8: four), Relu and Clip applied
 * as each vector is stored. What matters is where the masks cut: column blocks past the row's
 * end, odd widths, TF-style pads (0 before, 1 or 2 after), output heights not a multiple of the
 * rows a vector, planes not a multiple of the four items run at once, rows in the padding, and
 * the clamp at both bounds. Against onnxruntime; tolerance: helpers/compare.ts (1e-5 of the
 * output's scale). On other CPUs these cases take the phase form, already held by
 * conv-depthwise.test.ts.
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';

interface S2 {
  x: number[]; // N, C, H, W
  k: number;
  pads: number[]; // top, left, bottom, right
}

const scalar = (v: number) => ({ dtype: 'float32' as const, dims: [], data: new Float32Array([v]) });

async function dw(g: S2, seed: number, opts: { act?: 'relu' | 'relu6' | 'clip'; residual?: boolean } = {}): Promise<void> {
  const c = g.x[1]!;
  const kernel = [g.k, g.k];
  const p = { kernel, strides: [2, 2], padsBegin: g.pads.slice(0, 2), padsEnd: g.pads.slice(2), dilations: [1, 1], groups: c };
  const oh = Math.floor((g.x[2]! + g.pads[0]! + g.pads[2]! - g.k) / 2) + 1;
  const ow = Math.floor((g.x[3]! + g.pads[1]! + g.pads[3]! - g.k) / 2) + 1;
  // Values up to 3 so that the clamps cut on both sides.
  const inputs = [randomFloat(g.x, seed, -3, 3), randomFloat([c, 1, ...kernel], seed + 1), randomFloat([c], seed + 2)];
  const then: Array<{ op: string; extraInputs?: string[] }> = [];
  if (opts.residual) {
    inputs.push(randomFloat([g.x[0]!, c, oh, ow], seed + 3));
    then.push({ op: 'Add', extraInputs: ['x3'] });
  }
  const bounds = opts.act === 'relu6' ? [0, 6] : [-0.25, 0.5];
  if (opts.act === 'relu') then.push({ op: 'Relu' });
  if (opts.act === 'relu6' || opts.act === 'clip') then.push({ op: 'Clip', extraInputs: ['lo', 'hi'] });
  const activation = opts.act === 'relu' ? { op: 'relu' } : opts.act ? { op: 'clip', min: bounds[0], max: bounds[1] } : undefined;
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: kernel, strides: [2, 2], pads: g.pads, dilations: [1, 1], group: c },
    inputs,
    constants: [1, 2],
    kind: 'convolution',
    ...(opts.residual ? { onnxInputs: ['x0', 'x1', 'x2'] } : {}),
    ...(then.length ? { then } : {}),
    ...(opts.act === 'relu6' || opts.act === 'clip' ? { onnxExtra: { lo: scalar(bounds[0]!), hi: scalar(bounds[1]!) } } : {}),
    params: { ...p, ...(activation ? { activation } : {}), ...(opts.residual ? { residual: true } : {}) },
  });
}

describe('stride-2 depthwise convolution read from the input', () => {
  it('rows form: a partial column block, odd and even widths, TF-style pads, 5x5', async () => {
    await dw({ x: [1, 5, 6, 40], k: 3, pads: [1, 1, 1, 1] }, 40); // 20 outputs: blocks of 16 and 4
    await dw({ x: [1, 6, 11, 33], k: 3, pads: [1, 1, 1, 1] }, 41); // odd width: the last column in the pad
    await dw({ x: [1, 6, 11, 34], k: 3, pads: [0, 0, 1, 1] }, 42); // TF 'SAME': nothing before
    await dw({ x: [1, 7, 13, 18], k: 5, pads: [2, 2, 2, 2] }, 43); // 9 outputs: one partial block
    await dw({ x: [1, 5, 12, 32], k: 5, pads: [1, 1, 2, 2] }, 44); // TF 'SAME' 5x5 on an even width
    await dw({ x: [1, 3, 9, 70], k: 5, pads: [2, 2, 2, 2] }, 45); // three blocks, the last of 3
  });
  it('narrow form: two rows a vector (inputs 9 to 16 wide), four (up to 8), heights not a multiple', async () => {
    await dw({ x: [1, 7, 16, 16], k: 3, pads: [1, 1, 1, 1] }, 50);
    await dw({ x: [1, 6, 15, 15], k: 3, pads: [1, 1, 1, 1] }, 51);
    await dw({ x: [1, 9, 10, 9], k: 3, pads: [1, 1, 1, 1] }, 52); // 5 x 5 outputs: a group of one row
    await dw({ x: [1, 6, 9, 12], k: 5, pads: [2, 2, 2, 2] }, 53);
    await dw({ x: [1, 5, 16, 16], k: 5, pads: [1, 1, 2, 2] }, 54); // taps past the row's end
    await dw({ x: [1, 9, 8, 8], k: 3, pads: [1, 1, 1, 1] }, 55);
    await dw({ x: [1, 11, 10, 8], k: 3, pads: [0, 0, 1, 1] }, 56); // 5 rows: groups of 4 and 1
    await dw({ x: [1, 6, 7, 5], k: 3, pads: [1, 1, 1, 1] }, 57); // 3 wide: 12 of 16 lanes
    await dw({ x: [1, 11, 8, 7], k: 5, pads: [2, 2, 2, 2] }, 58);
    await dw({ x: [1, 4, 3, 2], k: 5, pads: [2, 2, 2, 2] }, 59); // one output, every row but one in the pad
  });
  it('batch 2, Relu, Clip at both bounds, relu6, a residual then Relu', async () => {
    await dw({ x: [2, 9, 32, 32], k: 3, pads: [1, 1, 1, 1] }, 60, { act: 'relu6' });
    await dw({ x: [2, 13, 8, 8], k: 5, pads: [2, 2, 2, 2] }, 61, { act: 'clip' });
    await dw({ x: [1, 6, 14, 14], k: 3, pads: [1, 1, 1, 1] }, 62, { act: 'relu' });
    await dw({ x: [1, 5, 20, 36], k: 3, pads: [1, 1, 1, 1] }, 63, { act: 'clip' });
    await dw({ x: [2, 7, 12, 20], k: 3, pads: [1, 1, 1, 1] }, 64, { residual: true, act: 'relu' });
    await dw({ x: [1, 10, 6, 6], k: 3, pads: [1, 1, 1, 1] }, 65, { residual: true, act: 'clip' });
  });
});
