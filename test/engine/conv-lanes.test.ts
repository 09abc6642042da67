/**
 * Convolutions with output channels in the vector lanes (native/cpu/conv_lanes.cc: on AVX-512,
 * windows of 3x3 and more, strides 1 or 2, over 64 or more patch rows, one group, constant weights):
 * a zero-padded copy of the input, tiles of 8 outputs of a row x 32 channels, stored transposed
 * with bias, residual and Relu/Clip. What matters is where the tiles cut: output rows not a
 * multiple of 8 (a partial tile past the row's end; rows whose tiles are under 7/8 full keep the
 * packed GEMM; rows of 7, one tile whose last output is not stored), output channels not a
 * multiple of 32,
 * asymmetric and TF-style pads, odd input sizes, batches, the finish (no bias; a residual then
 * Relu; Clip at both bounds), bands (small weights: pieces of (row, block) units, each padding its rows). 'valid' 3x3/2 stems over 3 channels (27 patch rows: squeezenet's,
 * inception's, read in place: no pads) take it too, on 1 and 2 threads; so do ResNet's 7x7/2 stem over 3 channels (the
 * whole input padded once, then rows of tiles) and 5x5 windows over 4. Against onnxruntime; tolerance:
 * helpers/compare.ts (1e-5 of the output's scale). On other CPUs these cases take the packed GEMM.
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';

interface G {
  x: number[]; // N, C, H, W
  m: number;
  k: number[];
  pads: number[]; // top, left, bottom, right
  s?: number; // both strides (default 2)
}

const scalar = (v: number) => ({ dtype: 'float32' as const, dims: [], data: new Float32Array([v]) });

async function conv(g: G, seed: number, opts: { bias?: boolean; act?: 'relu' | 'clip'; residual?: boolean; threads?: number } = {}): Promise<void> {
  const bias = opts.bias ?? true;
  const st = g.s ?? 2;
  const p = { kernel: g.k, strides: [st, st], padsBegin: g.pads.slice(0, 2), padsEnd: g.pads.slice(2), dilations: [1, 1], groups: 1 };
  const oh = Math.floor((g.x[2]! + g.pads[0]! + g.pads[2]! - g.k[0]!) / st) + 1;
  const ow = Math.floor((g.x[3]! + g.pads[1]! + g.pads[3]! - g.k[1]!) / st) + 1;
  const inputs = [randomFloat(g.x, seed), randomFloat([g.m, g.x[1]!, ...g.k], seed + 1, -0.3, 0.3)];
  if (bias) inputs.push(randomFloat([g.m], seed + 2));
  const then: Array<{ op: string; extraInputs?: string[] }> = [];
  if (opts.residual) {
    inputs.push(randomFloat([g.x[0]!, g.m, oh, ow], seed + 3));
    then.push({ op: 'Add', extraInputs: [`x${inputs.length - 1}`] });
  }
  if (opts.act === 'relu') then.push({ op: 'Relu' });
  if (opts.act === 'clip') then.push({ op: 'Clip', extraInputs: ['lo', 'hi'] });
  const activation = opts.act === 'relu' ? { op: 'relu' } : opts.act === 'clip' ? { op: 'clip', min: -0.25, max: 0.5 } : undefined;
  const nodeInputs = bias ? ['x0', 'x1', 'x2'] : ['x0', 'x1'];
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: g.k, strides: [st, st], pads: g.pads, dilations: [1, 1], group: 1 },
    inputs,
    constants: bias ? [1, 2] : [1],
    kind: 'convolution',
    ...(opts.residual ? { onnxInputs: nodeInputs } : {}),
    ...(then.length ? { then } : {}),
    ...(opts.act === 'clip' ? { onnxExtra: { lo: scalar(-0.25), hi: scalar(0.5) } } : {}),
    params: { ...p, ...(activation ? { activation } : {}), ...(opts.residual ? { residual: true } : {}) },
    ...(opts.threads ? { threads: opts.threads } : {}),
  });
}

describe('convolutions with output channels in the lanes', () => {
  it('7x7/2 stems over 3 channels: odd sizes, batch 2, 64 channels (two panels), Relu', async () => {
    await conv({ x: [2, 3, 37, 41], m: 64, k: [7, 7], pads: [3, 3, 3, 3] }, 90, { act: 'relu' });
    await conv({ x: [1, 3, 32, 32], m: 24, k: [7, 7], pads: [3, 3, 3, 3] }, 91, { bias: false });
  });
  it('7x7/2 stems over 3 channels with bias and Relu: odd sizes, partial tiles and panels, 1 and 2 threads', async () => {
    for (const threads of [1, 2]) {
      // 35 x 40 outputs (5 tiles a row); 64 channels (two panels).
      await conv({ x: [1, 3, 69, 79], m: 64, k: [7, 7], pads: [3, 3, 3, 3] }, 111, { act: 'relu', threads });
      // 24 x 75 (9 tiles and 3 outputs a row), batch 2, 13 channels (a panel mostly zero).
      await conv({ x: [2, 3, 47, 149], m: 13, k: [7, 7], pads: [3, 3, 3, 3] }, 112, { act: 'relu', threads });
    }
  });
  it('5x5/1 over 4 channels: asymmetric pads, a residual then Clip, 1 and 2 threads', async () => {
    for (const threads of [1, 2]) {
      await conv({ x: [1, 4, 11, 37], m: 20, k: [5, 5], pads: [2, 1, 0, 3], s: 1 }, 113, { residual: true, act: 'clip', threads }); // 7 x 37
    }
  });
  it("'valid' 3x3/2 stems over 3 channels (narrow rows): partial tiles and panels, batch 2, 1 and 2 threads", async () => {
    for (const threads of [1, 2]) {
      await conv({ x: [2, 3, 33, 31], m: 40, k: [3, 3], pads: [0, 0, 0, 0] }, 102, { act: 'relu', threads }); // 15 wide: 8 and 7
      await conv({ x: [1, 3, 35, 47], m: 64, k: [3, 3], pads: [0, 0, 0, 0] }, 103, { act: 'clip', threads }); // 23 wide
      await conv({ x: [1, 3, 32, 32], m: 17, k: [3, 3], pads: [0, 0, 0, 0] }, 104, { residual: true, act: 'relu', threads });
    }
  });
  // No pads and every window inside the input: the tiles read the input in place (no padded
  // copy); trailing pads alone still take the copy.
  it("'valid' windows read in place: 16+ channels, 5x5/2, batch 2, a residual; trailing pads copied; 1 and 2 threads", async () => {
    for (const threads of [1, 2]) {
      await conv({ x: [2, 24, 21, 23], m: 40, k: [3, 3], pads: [0, 0, 0, 0], s: 1 }, 114, { residual: true, act: 'relu', threads }); // 19 x 21
      await conv({ x: [1, 20, 26, 30], m: 33, k: [5, 5], pads: [0, 0, 0, 0] }, 115, { act: 'clip', threads }); // 11 x 13, the last row and column unread
      await conv({ x: [1, 16, 20, 20], m: 40, k: [3, 3], pads: [0, 0, 1, 1], s: 1 }, 116, { act: 'relu', threads }); // 19 x 19 from the copy
    }
  });
  it('3x3/2 and 5x5/2: partial tiles of a row, channels past a panel, TF-style pads', async () => {
    await conv({ x: [1, 16, 20, 28], m: 40, k: [3, 3], pads: [1, 1, 1, 1] }, 92); // 14 wide: tiles of 8 and 6
    await conv({ x: [1, 8, 34, 30], m: 33, k: [3, 3], pads: [0, 0, 1, 1] }, 93); // 15 wide; 33 channels
    await conv({ x: [2, 12, 17, 31], m: 16, k: [5, 5], pads: [2, 2, 2, 2] }, 94); // 16 wide exactly
    await conv({ x: [1, 9, 19, 29], m: 70, k: [3, 3], pads: [1, 0, 0, 1] }, 95); // asymmetric, 14 wide
  });
  it('stride 1: 3x3 and 5x5 "same", a partial tile, channels past a panel, a residual then Relu', async () => {
    await conv({ x: [1, 16, 13, 21], m: 40, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 98); // 21 wide: 8, 8, 5
    await conv({ x: [2, 8, 9, 16], m: 24, k: [5, 5], pads: [2, 2, 2, 2], s: 1 }, 99, { bias: false });
    await conv({ x: [1, 32, 8, 8], m: 64, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 100, { residual: true, act: 'relu' });
    await conv({ x: [1, 12, 10, 16], m: 17, k: [3, 3], pads: [0, 0, 0, 0], s: 1 }, 101, { act: 'clip' }); // 'valid', 14 wide
  });
  it('rows of 7 (one tile, its last output dropped): 3x3/1 over 7 x 7, 3x3/2, batch 2, 1 and 2 threads', async () => {
    for (const threads of [1, 2]) {
      await conv({ x: [2, 48, 7, 7], m: 72, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 105, { act: 'relu', threads });
      await conv({ x: [1, 64, 7, 7], m: 64, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 106, { residual: true, act: 'clip', threads });
      await conv({ x: [1, 16, 9, 13], m: 40, k: [3, 3], pads: [1, 1, 1, 1] }, 107, { threads }); // 5 x 7
    }
  });
  // Small weights run in bands of output rows, each padding its own input rows (conv_lanes.h
  // LanesPlan::band); large ones (over 640 KB packed) pad the input once.
  // Bands: the units (output row, block of 32 channels) cut into 4 pieces a thread. Padded inputs
  // up to 96 K floats go block by block, each thread padding the whole input once an image (batch
  // 2: the second image's pieces must not reuse the first's copy); larger ones row by row, each
  // piece padding the input rows of its own output rows, starting and ending inside a row where
  // the units per piece are not a multiple of the blocks.
  it('bands: pieces of (row, block) units, whole inputs or rows, stride 2; large weights unbanded; 1 and 2 threads', async () => {
    for (const threads of [1, 2]) {
      await conv({ x: [2, 24, 35, 31], m: 40, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 108, { residual: true, act: 'relu', threads }); // whole: 70 units, pieces of 8-9 (2 threads), 17-18 (1)
      await conv({ x: [1, 64, 39, 39], m: 40, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 113, { act: 'relu', threads }); // rows (110 K floats padded): 78 units, pieces from mid-row
      await conv({ x: [2, 20, 41, 31], m: 33, k: [3, 3], pads: [1, 1, 1, 1] }, 109, { act: 'clip', threads }); // whole: 21 x 16, 42 units
      await conv({ x: [1, 64, 7, 7], m: 256, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 111, { act: 'relu', threads }); // squeezenet's 7 x 7: 56 units of 8 blocks, pieces of 7 or 14
      await conv({ x: [1, 32, 15, 15], m: 128, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 112, { residual: true, act: 'relu', threads }); // 60 units: pieces of 7-8 (2 threads), 15 (1)
      await conv({ x: [1, 256, 8, 8], m: 96, k: [3, 3], pads: [1, 1, 1, 1], s: 1 }, 110, { residual: true, act: 'relu', threads }); // 885 KB
    }
  });
  it('the finish: a residual then Relu, Clip at both bounds', async () => {
    await conv({ x: [2, 16, 18, 30], m: 48, k: [3, 3], pads: [1, 1, 1, 1] }, 96, { residual: true, act: 'relu' });
    await conv({ x: [1, 32, 16, 32], m: 32, k: [3, 3], pads: [1, 1, 1, 1] }, 97, { act: 'clip' });
  });
});
