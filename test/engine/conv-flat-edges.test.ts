/**
 * Edges of the im2col_gemm tactic's flat patch forms (native/cpu/conv.cc, patch_pack.cc
 * PackPatchesFlat): unit-stride "same" width, stride-2 patches from the input's phases, and
 * outputs a column or two narrower computed wide and copied out. Odd widths, odd inputs under
 * stride 2, dilations, asymmetric and large pads, an output taller than the input, 1-D,
 * batch > 1, groups, K not a multiple of 16, and planes that cross the GEMM's tiles; against
 * onnxruntime (helpers/compare.ts tolerance). At least 3 channels per group so that the
 * tactic is im2col_gemm (conv.cc Choose), weights constant so that the flat packer runs (and
 * fed, where the column buffer is used instead, over the same geometries).
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';

interface Geo {
  kernel: number[];
  strides?: number[];
  pads?: number[];
  dilations?: number[];
  groups?: number;
}

async function conv(x: number[], m: number, g: Geo, bias = false, seed = 1, fed = false) {
  const sp = g.kernel.length;
  const attrs = {
    kernel_shape: g.kernel,
    strides: g.strides ?? Array(sp).fill(1),
    pads: g.pads ?? Array(2 * sp).fill(0),
    dilations: g.dilations ?? Array(sp).fill(1),
    group: g.groups ?? 1,
  };
  const cg = x[1]! / attrs.group;
  const inputs = [randomFloat(x, seed), randomFloat([m, cg, ...g.kernel], seed + 1)];
  if (bias) inputs.push(randomFloat([m], seed + 2));
  await checkLayer({
    op: 'Conv',
    attrs,
    inputs,
    constants: fed ? [] : inputs.map((_, i) => i).slice(1),
    kind: 'convolution',
    params: {
      kernel: g.kernel,
      strides: attrs.strides,
      padsBegin: attrs.pads.slice(0, sp),
      padsEnd: attrs.pads.slice(sp),
      dilations: attrs.dilations,
      groups: attrs.group,
    },
  });
}

describe('flat patches, unit stride, same width', () => {
  it.each<[string, number[], number, Geo]>([
    ['odd sizes, batch 2, K 45', [2, 5, 7, 9], 7, { kernel: [3, 3], pads: [1, 1, 1, 1] }],
    ['dilation 2', [1, 4, 9, 11], 6, { kernel: [3, 3], pads: [2, 2, 2, 2], dilations: [2, 2] }],
    ['left pad 2, right 0', [1, 3, 6, 10], 5, { kernel: [3, 3], pads: [0, 2, 2, 0] }],
    ['an output taller than the input', [1, 3, 5, 7], 4, { kernel: [3, 3], pads: [3, 1, 0, 1] }],
    ['1-D', [2, 6, 37], 9, { kernel: [5], pads: [2, 2] }],
    ['a 1x1 plane', [1, 6, 1, 1], 8, { kernel: [3, 3], pads: [1, 1, 1, 1] }],
    ['300 channels', [1, 300, 5, 5], 20, { kernel: [3, 3], pads: [1, 1, 1, 1] }],
    ['groups 3, batch 2', [2, 9, 6, 6], 6, { kernel: [3, 3], pads: [1, 1, 1, 1], groups: 3 }],
    ['kernel wider than the input', [1, 4, 3, 2], 5, { kernel: [3, 5], pads: [1, 2, 1, 2] }],
    ['dilation past the input, pads 3', [1, 4, 4, 3], 5, { kernel: [3, 3], pads: [3, 3, 3, 3], dilations: [3, 3] }],
    ['a plane across tiles', [1, 16, 40, 41], 24, { kernel: [3, 3], pads: [1, 1, 1, 1] }],
  ])('%s', async (_, x, m, g) => conv(x, m, g, true));
});

describe('flat patches, stride 2 from phases', () => {
  it.each<[string, number[], number, Geo]>([
    ['3x3/2 odd width, batch 2', [2, 5, 9, 11], 7, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
    ['5x5/2 on 7x7', [1, 4, 7, 7], 6, { kernel: [5, 5], strides: [2, 2], pads: [2, 2, 2, 2] }],
    ['7x7/2 stem on 15x15', [1, 3, 15, 15], 8, { kernel: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3] }],
    ['stride 1x2', [1, 4, 6, 9], 5, { kernel: [3, 3], strides: [1, 2], pads: [1, 1, 1, 1] }],
    ['stride 2x1', [1, 4, 9, 6], 5, { kernel: [3, 3], strides: [2, 1], pads: [1, 1, 1, 1] }],
    ['stride 2, dilation 2', [1, 4, 9, 9], 5, { kernel: [3, 3], strides: [2, 2], pads: [2, 2, 2, 2], dilations: [2, 2] }],
    ['TF same (pads at the end)', [1, 4, 8, 8], 5, { kernel: [3, 3], strides: [2, 2], pads: [0, 0, 1, 1] }],
    ['pads 2 at the start', [1, 4, 8, 8], 5, { kernel: [3, 3], strides: [2, 2], pads: [2, 2, 0, 0] }],
    ['1x1/2, batch 3', [3, 6, 7, 7], 5, { kernel: [1, 1], strides: [2, 2] }],
    ['groups 2, batch 2', [2, 8, 9, 9], 6, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], groups: 2 }],
    ['1-D', [2, 5, 41], 7, { kernel: [3], strides: [2], pads: [1, 1] }],
    ['a plane across tiles', [1, 16, 61, 63], 24, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
    // The case above takes output channels in the lanes on AVX-512 (conv_lanes.cc: K of 64 and
    // more, rows of full tiles); with K 63 the flat phases keep it.
    ['a plane across tiles, K 63', [1, 7, 61, 63], 24, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
  ])('%s', async (_, x, m, g) => conv(x, m, g, true));
});

describe('outputs narrower than the phases, computed wide', () => {
  it.each<[string, number[], number, Geo]>([
    ['valid 3x3, batch 2', [2, 5, 8, 9], 7, { kernel: [3, 3] }],
    ['valid 3x3/2, odd', [1, 4, 9, 11], 6, { kernel: [3, 3], strides: [2, 2] }],
    ['valid 3x3/2, 13 wide', [2, 4, 9, 13], 6, { kernel: [3, 3], strides: [2, 2] }],
    ['height pads only', [1, 4, 6, 10], 5, { kernel: [3, 3], pads: [1, 0, 1, 0] }],
    ['one right pad', [1, 4, 6, 10], 5, { kernel: [3, 3], pads: [0, 0, 0, 1] }],
    ['one left pad', [1, 4, 6, 10], 5, { kernel: [3, 3], pads: [0, 1, 0, 0] }],
    ['dilation 2, wide', [1, 4, 8, 30], 5, { kernel: [3, 3], dilations: [2, 2] }],
    ['1-D', [2, 4, 40], 6, { kernel: [3] }],
    ['groups 2', [2, 6, 7, 7], 4, { kernel: [3, 3], groups: 2 }],
    ['a plane across tiles', [1, 16, 40, 43], 24, { kernel: [3, 3] }],
    ['valid 5x5/2 across tiles', [1, 8, 47, 47], 16, { kernel: [5, 5], strides: [2, 2] }],
  ])('%s', async (_, x, m, g) => conv(x, m, g, true));
});

describe('the same geometries with fed weights (column buffer)', () => {
  it.each<[string, number[], number, Geo]>([
    ['same 3x3, odd, batch 2', [2, 5, 7, 9], 7, { kernel: [3, 3], pads: [1, 1, 1, 1] }],
    ['3x3/2 odd', [2, 5, 9, 11], 7, { kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }],
    ['valid 3x3/2', [1, 4, 9, 11], 6, { kernel: [3, 3], strides: [2, 2] }],
    ['valid across tiles', [1, 16, 40, 43], 24, { kernel: [3, 3] }],
  ])('%s', async (_, x, m, g) => conv(x, m, g, true, 3, true));
});
