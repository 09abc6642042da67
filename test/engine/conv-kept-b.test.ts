/**
 * The blocked product with B kept across tiles (cpu/sgemm.cc Blocked, keep_b: the weights packed
 * as A in several blocks of rows, each thread packing a column block of the positions once, every
 * K slice, and reading it again for its next tiles of that block) against onnxruntime: 1x1 layers
 * over 8 x 8 and 24 x 24 positions (one column block, and two, so that a thread moves on to the
 * next block and packs again), K past a slice of 256, a partial last block of rows, a residual;
 * batch 2 and two groups (products in a row, each of which must pack its own B, not read the
 * last one's); a grouped 3x3 whose patches are packed by the tiles (the packer kept the same
 * way); 1 and 2 threads. Tolerance: see helpers/compare.ts.
 */
import { describe, it } from 'vitest';
import { type ConvCase as Case, checkConvCase } from './helpers/conv-case.js';

const CASES: Record<string, Case> = {
  // 600 rows: 5 blocks of rows, the last partial; K 300 = a slice of 256 and one of 44; 64
  // columns, one block; batch 2, a residual then Relu.
  '1x1 over 8 x 8, 5 row blocks, batch 2, a residual': { x: [2, 300, 8, 8], m: 600, kernel: [1, 1], relu: true, residual: true, seed: 41 },
  // 576 columns: two blocks, so one thread's run of tiles moves to the second; 300 rows, K 200.
  '1x1 over 24 x 24, two column blocks': { x: [1, 200, 24, 24], m: 300, kernel: [1, 1], relu: true, seed: 51 },
  // Two groups of 40 channels (K 360) and 300 rows each over 12 x 12: the tiles' patch packer.
  '3x3 in two groups over 12 x 12': { x: [1, 80, 12, 12], m: 600, kernel: [3, 3], pads: [1, 1, 1, 1], groups: 2, seed: 61 },
};

describe('convolution on the blocked product, B packed once per run of row blocks', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const threads of [1, 2]) it(`${name}, ${threads} thread(s)`, () => checkConvCase(c, threads));
  }
});
