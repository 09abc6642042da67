/**
 * The blocked product's partial tiles of rows (cpu/sgemm_avx512.cc MicroRows: a last tile of 1 to
 * 7 rows runs only its rows' FMAs) against onnxruntime: transposed products (positions as rows,
 * cpu/conv.cc) whose positions leave every remainder of 8, one of them with K past a slice of 256
 * (the second slice adds to the first), and a product with the weights as rows whose last panel
 * has 2 rows; 1 and 2 threads. Tolerance: see helpers/compare.ts.
 */
import { describe, it } from 'vitest';
import { type ConvCase as Case, checkConvCase } from './helpers/conv-case.js';

const CASES: Record<string, Case> = {
  // squeezenet1_1's classifier's form: 49 positions = 6 x 8 + 1; K 300 = 256 + 44; Relu.
  '1x1 over 7 x 7 (1 row left), K 300': { x: [1, 300, 7, 7], m: 260, kernel: [1, 1], relu: true, seed: 71 },
  // 36 positions = 4 x 8 + 4, batch 2, a residual.
  '1x1 over 6 x 6 (4 rows left), batch 2, a residual': { x: [2, 256, 6, 6], m: 256, kernel: [1, 1], relu: true, residual: true, seed: 81 },
  // Fewer positions than a tile's 32 columns, more than the narrow product's 16: 18, 19, 21, 22,
  // 23 positions (2, 3, 5, 6, 7 rows left).
  '3x3 over 3 x 6 (2 rows left)': { x: [1, 40, 3, 6], m: 48, kernel: [3, 3], pads: [1, 1, 1, 1], seed: 91 },
  '3x3 over 1 x 19 (3 rows left)': { x: [1, 40, 1, 19], m: 64, kernel: [3, 3], pads: [1, 1, 1, 1], seed: 101 },
  '1x1 over 3 x 7 (5 rows left)': { x: [1, 72, 3, 7], m: 40, kernel: [1, 1], seed: 111 },
  '1x1 over 2 x 11 (6 rows left)': { x: [1, 72, 2, 11], m: 40, kernel: [1, 1], relu: true, seed: 121 },
  '1x1 over 1 x 23 (7 rows left)': { x: [1, 200, 1, 23], m: 96, kernel: [1, 1], seed: 131 },
  // The weights as rows: 50 channels = 6 x 8 + 2 over 14 x 14, K 300 (not the shallow product).
  '1x1 to 50 channels over 14 x 14, K 300': { x: [1, 300, 14, 14], m: 50, kernel: [1, 1], seed: 141 },
};

describe('the blocked product, partial tiles of rows', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const threads of [1, 2]) it(`${name}, ${threads} thread(s)`, () => checkConvCase(c, threads));
  }
});
