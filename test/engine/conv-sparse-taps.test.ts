/**
 * Dilated convolutions whose taps read mostly padding on the cpu backend (cpu/conv_sparse.h: one
 * product per tap over the outputs where it reads the input) against onnxruntime: DeepLabV3's
 * dilation-12 ASPP layer over 14 x 14 (the centre tap over every output, the taps above and below
 * it over whole rows in place, the rest through a gathered copy) with batch 2, a residual and Relu;
 * a plane narrower than the dilation (its side columns cut first, conv_cut.h); asymmetric pads; a
 * layer with most products inside the input (not taken); 1 and 2 threads. Tolerance: see
 * helpers/compare.ts.
 */
import { describe, it } from 'vitest';
import { type ConvCase as Case, checkConvCase } from './helpers/conv-case.js';

const CASES: Record<string, Case> = {
  'dilation 12 over 14 x 14, batch 2, a residual': {
    x: [2, 96, 14, 14],
    m: 40,
    kernel: [3, 3],
    pads: [12, 12, 12, 12],
    dilations: [12, 12],
    relu: true,
    residual: true,
    seed: 1,
  },
  // 11 columns: the side taps never read the input (cut); the rows then as above.
  'dilation 12 over 14 x 11, columns cut first': { x: [1, 64, 14, 11], m: 24, kernel: [3, 3], pads: [12, 12, 12, 12], dilations: [12, 12], seed: 11 },
  // Pads 8 before and 4 after over 10 x 10: a 6 x 6 output, rectangles at both edges.
  'dilation 8, asymmetric pads': { x: [1, 48, 10, 10], m: 20, kernel: [3, 3], pads: [8, 8, 4, 4], dilations: [8, 8], relu: true, seed: 21 },
  // Dilation 2 over 14 x 14: most products inside the input (the GEMM tactic).
  'dilation 2 over 14 x 14, not taken': { x: [1, 40, 14, 14], m: 24, kernel: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2], seed: 31 },
};

describe('dilated convolutions whose taps read mostly padding', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const threads of [1, 2]) it(`${name}, ${threads} thread(s)`, () => checkConvCase(c, threads));
  }
});
