/**
 * Convolutions with taps that read only padding on the cpu backend (cpu/conv_cut.h: the window
 * cut to the taps that read the input, the weights sliced to match) against onnxruntime:
 * DeepLabV3's ASPP 3x3 layers with dilations 24 and 36 over 14 x 14 (only the centre tap reads
 * the input: run as 1x1 layers), rows cut but not columns, pads at the start only, a stride
 * (run as a 1x1/2), groups, batch 2, a residual and Relu, 1 and 2 threads; and a dilation-12
 * layer over 14 x 14, whose every tap reads the input somewhere (nothing cut). Tolerance: see
 * helpers/compare.ts.
 */
import { describe, it } from 'vitest';
import { type ConvCase as Case, checkConvCase } from './helpers/conv-case.js';

const CASES: Record<string, Case> = {
  // Only the centre tap reads the 14 x 14 input: a 1x1 over 96 channels (the shallow product).
  'dilation 24 over 14 x 14, batch 2, Relu': {
    x: [2, 96, 14, 14],
    m: 40,
    kernel: [3, 3],
    pads: [24, 24, 24, 24],
    dilations: [24, 24],
    relu: true,
    seed: 1,
  },
  // The same over 300 channels (the blocked product), a residual then Relu.
  'dilation 36 over 14 x 14, a residual': {
    x: [1, 300, 14, 14],
    m: 64,
    kernel: [3, 3],
    pads: [36, 36, 36, 36],
    dilations: [36, 36],
    relu: true,
    residual: true,
    seed: 11,
  },
  // 5x5, dilation 4 over 6 x 9: rows 1 to 3 read the input, every column does; two groups.
  'rows cut, columns kept, two groups': { x: [1, 64, 6, 9], m: 24, kernel: [5, 5], pads: [8, 8, 8, 8], dilations: [4, 4], groups: 2, seed: 21 },
  // Pads at the start only: taps 1 and 2 of each dim are kept, the pads 10 -> 5.
  'pads at the start only': { x: [1, 32, 7, 7], m: 16, kernel: [3, 3], pads: [10, 10, 0, 0], dilations: [5, 5], relu: true, seed: 31 },
  // Stride 2, dilation 12 over 9 x 9: the centre tap alone, a 1x1/2.
  'stride 2, the centre tap alone': {
    x: [2, 64, 9, 9],
    m: 48,
    kernel: [3, 3],
    strides: [2, 2],
    pads: [12, 12, 12, 12],
    dilations: [12, 12],
    seed: 41,
  },
  // Every tap reads the input somewhere: nothing cut.
  'dilation 12 over 14 x 14, nothing cut': { x: [1, 40, 14, 14], m: 24, kernel: [3, 3], pads: [12, 12, 12, 12], dilations: [12, 12], seed: 51 },
};

describe('convolution taps that read only padding', () => {
  for (const [name, c] of Object.entries(CASES)) {
    for (const threads of [1, 2]) it(`${name}, ${threads} thread(s)`, () => checkConvCase(c, threads));
  }
});
