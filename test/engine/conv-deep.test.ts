/**
 * 3x3 convolutions deeper than the lanes kernel takes (cpu/conv_lanes.h kLanesMaxDepth: more
 * than 4096 weights per output channel run on the packed product, the depth in slices) against
 * onnxruntime: depth 4104 and 5400 over rows wide enough for the lanes kernel, a residual and
 * Relu, stride 2, batch 2, and depth 4095 (the lanes kernel), 1 and 2 threads. Tolerance: see
 * helpers/compare.ts.
 */
import { describe, it } from 'vitest';
import { type ConvCase as Case, checkConvCase } from './helpers/conv-case.js';

const CASES: Record<string, Case> = {
  // 456 channels x 9 taps = 4104: one past the limit; batch 2, a residual then Relu.
  'depth 4104 over 14 x 14, batch 2, a residual': {
    x: [2, 456, 14, 14],
    m: 40,
    kernel: [3, 3],
    pads: [1, 1, 1, 1],
    relu: true,
    residual: true,
    seed: 1,
  },
  // 600 x 9 = 5400 (21 slices of 256 and a tail of 24), stride 2 from 28 x 28.
  'depth 5400, stride 2': { x: [1, 600, 28, 28], m: 36, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], seed: 11 },
  // 455 x 9 = 4095: the lanes kernel.
  'depth 4095 over 16 x 16, Relu': { x: [1, 455, 16, 16], m: 33, kernel: [3, 3], pads: [1, 1, 1, 1], relu: true, seed: 21 },
};

describe('deep 3x3 convolutions (past the lanes kernel)', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const threads of [1, 2]) it(`${name}, ${threads} thread(s)`, () => checkConvCase(c, threads));
  }
});
