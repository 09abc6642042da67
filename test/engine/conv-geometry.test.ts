/**
 * Convolution geometries drawn at random (seeded) against onnxruntime on the cpu backend:
 * channels, groups, kernels, strides, asymmetric pads, dilations and sizes, so that every
 * tactic (gemm_1x1, direct, im2col_gemm) meets shapes nobody wrote down, including column
 * blocks that split an output line. The sanitizer build (DEVELOPERS.md) runs this file to
 * catch reads and writes outside a buffer that a wrong answer alone would not show.
 * Tolerance: helpers/compare.ts (1e-5 of the output's scale).
 */
import { describe, it } from 'vitest';
import { mulberry32, randomInt } from '../../src/util/random.js';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';

interface Case {
  x: number[];
  m: number;
  kernel: number[];
  strides: number[];
  pads: number[];
  dilations: number[];
  groups: number;
}

function outSize(c: Case, i: number): number {
  const sp = c.kernel.length;
  const span = c.dilations[i]! * (c.kernel[i]! - 1) + 1;
  return Math.floor((c.x[2 + i]! + c.pads[i]! + c.pads[sp + i]! - span) / c.strides[i]!) + 1;
}

/** A random valid geometry; `big` cases have enough patch rows to split output lines into column blocks. */
function draw(seed: number, big: boolean): Case {
  const r = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[randomInt(r, 0, xs.length)]!;
  for (;;) {
    const sp = big ? 2 : pick([1, 2, 2, 2, 3]);
    const groups = big ? 1 : pick([1, 1, 1, 2, 3, 4]);
    const depthwise = !big && r() < 0.2;
    const cg = big ? randomInt(r, 300, 1000) : depthwise ? 1 : randomInt(r, 1, 9);
    const mg = depthwise ? pick([1, 2]) : randomInt(r, 1, 7);
    const g = depthwise ? randomInt(r, 2, 9) : groups;
    const kernel = Array.from({ length: sp }, () => (big ? pick([3, 5]) : pick([1, 1, 2, 3, 5])));
    const strides = Array.from({ length: sp }, () => (big ? 1 : pick([1, 1, 2, 3])));
    const dilations = Array.from({ length: sp }, () => (big ? pick([1, 1, 12]) : pick([1, 1, 2, 3])));
    const pads = Array.from({ length: 2 * sp }, (_, i) => Math.min(kernel[i % sp]! * dilations[i % sp]! - 1, randomInt(r, 0, big ? 13 : 4)));
    const size =
      sp === 3 ? [randomInt(r, 1, 7), randomInt(r, 1, 7), randomInt(r, 1, 8)] : Array.from({ length: sp }, () => randomInt(r, 1, big ? 20 : 18));
    const c: Case = { x: [randomInt(r, 1, 3), cg * g, ...size], m: mg * g, kernel, strides, pads, dilations, groups: g };
    if (kernel.every((_, i) => outSize(c, i) >= 1)) return c;
  }
}

async function check(c: Case, seed: number) {
  const sp = c.kernel.length;
  const inputs = [randomFloat(c.x, seed), randomFloat([c.m, c.x[1]! / c.groups, ...c.kernel], seed + 1), randomFloat([c.m], seed + 2)];
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: c.kernel, strides: c.strides, pads: c.pads, dilations: c.dilations, group: c.groups },
    inputs,
    constants: [1, 2],
    kind: 'convolution',
    params: {
      kernel: c.kernel,
      strides: c.strides,
      padsBegin: c.pads.slice(0, sp),
      padsEnd: c.pads.slice(sp),
      dilations: c.dilations,
      groups: c.groups,
    },
  });
}

const show = (c: Case) => `x ${c.x.join('x')} m ${c.m} k ${c.kernel} s ${c.strides} p ${c.pads} d ${c.dilations} g ${c.groups}`;

describe('convolution over random geometries', () => {
  it('the column-block split that wrote past a row (400 channels, 16x16, 5x5, pads 2)', async () => {
    await check({ x: [1, 400, 16, 16], m: 8, kernel: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2], dilations: [1, 1], groups: 1 }, 3);
  });
  it('a dilation-12 head at 16x16 (deeplabv3_mobilenet_v3_large)', async () => {
    await check({ x: [1, 960, 16, 16], m: 4, kernel: [3, 3], strides: [1, 1], pads: [12, 12, 12, 12], dilations: [12, 12], groups: 1 }, 4);
  });
  // The patch packer (native/cpu/patch_pack.cc) writes each GEMM tile's patches straight into
  // its panels: lines that cross a panel, strides 1, 2 (vector forms) and 3 (portable), pads
  // cut into a line, 3-D windows, and products of several row blocks and column tiles.
  it('patches packed per tile: 200 outputs, stride 2, odd sizes', async () => {
    await check({ x: [1, 48, 23, 19], m: 200, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], dilations: [1, 1], groups: 1 }, 5);
  });
  it('patches packed per tile: lines wider than a panel, asymmetric pads, dilation 2', async () => {
    await check({ x: [2, 16, 9, 70], m: 40, kernel: [3, 5], strides: [1, 1], pads: [1, 2, 0, 1], dilations: [1, 2], groups: 1 }, 6);
  });
  it('patches packed per tile: 3-D, stride 3, two groups', async () => {
    await check({ x: [1, 8, 5, 7, 20], m: 36, kernel: [3, 3, 3], strides: [1, 3, 3], pads: [1, 1, 1, 1, 1, 2], dilations: [1, 1, 1], groups: 2 }, 7);
  });
  for (let seed = 1; seed <= 60; seed++) {
    const c = draw(seed * 7919, false);
    it(`seed ${seed}: ${show(c)}`, () => check(c, seed));
  }
  for (let seed = 1; seed <= 8; seed++) {
    const c = draw(seed * 104729, true);
    it(`large, seed ${seed}: ${show(c)}`, () => check(c, seed + 100));
  }
});
