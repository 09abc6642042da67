/**
 * Edges of pooling's flat masked form (native/cpu/pooling.cc Flat: 'same'-width and
 * narrower-than-the-phases outputs, max and average, average's divisors) against onnxruntime:
 * asymmetric pads with ceil mode overhanging the end, counted pads, strides 2x1 and 1x2,
 * odd inputs under stride 2, a 1x1 output, planes larger than one run (4096 outputs),
 * batches whose planes do not fill a run, 5x5/2, and 1-D. Tolerance: helpers/compare.ts.
 */
import { describe, it } from 'vitest';
import { type Pool, pool } from './helpers/pool-layer.js';

const CASES: Array<[string, number[], Pool]> = [
  ['3x3/2 odd, pads 1, ceil, pads counted', [2, 3, 9, 11], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil: true, includePad: true }],
  ['3x3/2 TF same (end pads), counted', [1, 4, 8, 8], { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1], includePad: true }],
  ['3x3/2 start pads only', [1, 4, 9, 9], { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 0, 0] }],
  ['3x3 asymmetric pads 2/0', [1, 4, 7, 9], { kernel: [3, 3], pads: [2, 2, 0, 0], includePad: true }],
  ['stride 2x1', [1, 4, 9, 10], { kernel: [3, 3], strides: [2, 1], pads: [1, 1, 1, 1] }],
  ['stride 1x2, odd', [1, 4, 10, 9], { kernel: [3, 3], strides: [1, 2], pads: [1, 1, 1, 1], includePad: true }],
  ['a 1x1 output', [3, 5, 2, 2], { kernel: [2, 2], strides: [2, 2] }],
  ['5x5/2 pads 2 on 13x13, ceil', [1, 4, 13, 13], { kernel: [5, 5], strides: [2, 2], pads: [2, 2, 2, 2], ceil: true }],
  ['planes over 4096 outputs', [2, 3, 70, 71], { kernel: [3, 3], pads: [1, 1, 1, 1] }],
  ['planes over 4096 outputs, narrow', [1, 3, 80, 83], { kernel: [3, 3], strides: [2, 2] }],
  ['batch 5 of 7 channels (runs not filled)', [5, 7, 6, 6], { kernel: [3, 3], pads: [1, 1, 1, 1], includePad: true }],
  ['valid 2x2/1 (one column short)', [2, 6, 7, 7], { kernel: [2, 2] }],
  ['valid 3x3/1 on a wide plane (two short)', [1, 4, 5, 33], { kernel: [3, 3] }],
  ['ceil 2x2/2 on odd width', [1, 4, 7, 7], { kernel: [2, 2], strides: [2, 2], ceil: true }],
  ['1-D', [2, 4, 37], { kernel: [3], strides: [2], pads: [1, 1] }],
];

describe('pooling flat form edges', () => {
  for (const mode of ['max', 'average'] as const) {
    it.each(CASES)(`${mode}: %s`, async (_, x, p) => pool(mode, x, p, x.length + x[1]!));
  }
});
