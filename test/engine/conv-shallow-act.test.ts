/**
 * HardSwish finished in registers by the shallow product (native/cpu/sgemm_avx512.cc FinishRow:
 * 1x1 convolutions over at most 160 input channels, and the patches of 3-channel stems such as
 * MobileNetV3's 3x3/2 + HardSwish), as formulas.inc computes it: x * clamp01(x / 6 + 0.5). Inputs
 * spread to +-6 so that both ends of the clamp are met; a partial panel of rows and a partial
 * strip; after a residual. Against onnxruntime; tolerance: helpers/compare.ts (1e-5 of the
 * output's scale).
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';

const conv = (kernel: number[], strides: number[], pads: number[]) => ({
  attrs: { kernel_shape: kernel, strides, pads, dilations: [1, 1], group: 1 },
  params: { kernel, strides, padsBegin: pads.slice(0, 2), padsEnd: pads.slice(2), dilations: [1, 1], groups: 1 },
});

describe('HardSwish in the shallow product', () => {
  it('1x1 over few channels: 20 outputs (a partial panel), 99 positions (a partial strip), batch 2', async () => {
    const g = conv([1, 1], [1, 1], [0, 0, 0, 0]);
    await checkLayer({
      op: 'Conv',
      attrs: g.attrs,
      inputs: [randomFloat([2, 16, 9, 11], 110, -6, 6), randomFloat([20, 16, 1, 1], 111, -0.6, 0.6), randomFloat([20], 112)],
      constants: [1, 2],
      kind: 'convolution',
      then: [{ op: 'HardSwish' }],
      params: { ...g.params, activation: { op: 'hard_swish' } },
    });
  });
  it('1x1 after a residual, 40 -> 72 over 16 x 16', async () => {
    const g = conv([1, 1], [1, 1], [0, 0, 0, 0]);
    await checkLayer({
      op: 'Conv',
      attrs: g.attrs,
      inputs: [
        randomFloat([1, 40, 16, 16], 113, -3, 3),
        randomFloat([72, 40, 1, 1], 114, -0.4, 0.4),
        randomFloat([72], 115),
        randomFloat([1, 72, 16, 16], 116, -3, 3),
      ],
      onnxInputs: ['x0', 'x1', 'x2'],
      constants: [1, 2],
      kind: 'convolution',
      then: [{ op: 'Add', extraInputs: ['x3'] }, { op: 'HardSwish' }],
      params: { ...g.params, residual: true, activation: { op: 'hard_swish' } },
    });
  });
  it("MobileNetV3's stem: 3 -> 16, 3x3/2 over 3 channels", async () => {
    const g = conv([3, 3], [2, 2], [1, 1, 1, 1]);
    await checkLayer({
      op: 'Conv',
      attrs: g.attrs,
      inputs: [randomFloat([1, 3, 33, 40], 117, -6, 6), randomFloat([16, 3, 3, 3], 118, -0.5, 0.5), randomFloat([16], 119)],
      constants: [1, 2],
      kind: 'convolution',
      then: [{ op: 'HardSwish' }],
      params: { ...g.params, activation: { op: 'hard_swish' } },
    });
  });
});
