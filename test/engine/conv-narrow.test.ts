/**
 * Convolutions over at most 16 output positions on the cpu backend (cpu/sgemm.h kNarrowN: the
 * narrow product, weights packed in 24-row panels, resnet's 4 x 4 layers) against onnxruntime:
 * a partial last panel of rows, fewer than 16 columns, K past a block of 256 with an odd tail,
 * batch 2, a residual, groups, stride 2 (the phased patches), 1 and 2 threads. Tolerance: see
 * helpers/compare.ts.
 */
import { describe, it } from 'vitest';
import { type ConvCase as Case, checkConvCase } from './helpers/conv-case.js';

const CASES: Record<string, Case> = {
  // 50 rows: panels of 24, 24 and 2; K 2700 = 10 blocks of 256 and 140; batch 2.
  '3x3 over 4 x 4, batch 2, Relu': { x: [2, 300, 4, 4], m: 50, kernel: [3, 3], pads: [1, 1, 1, 1], relu: true, seed: 1 },
  // 15 columns, K 301 (a block of 256, then 45: an odd tail), a residual then Relu.
  '1x1 over 3 x 5, a residual': { x: [1, 301, 3, 5], m: 70, kernel: [1, 1], relu: true, residual: true, seed: 11 },
  // Stride 2 from 8 x 8: the patches from the input's phases.
  '3x3/2 to 4 x 4, bias only': { x: [1, 64, 8, 8], m: 40, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], seed: 21 },
  // Two groups, each packed on its own; a 1x1/2 downsample from 7 x 7.
  '1x1/2 in two groups, batch 2': { x: [2, 64, 7, 7], m: 52, kernel: [1, 1], strides: [2, 2], groups: 2, relu: true, seed: 31 },
};

describe('convolution over at most 16 positions (the narrow product)', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const threads of [1, 2]) it(`${name}, ${threads} thread(s)`, () => checkConvCase(c, threads));
  }
});
