/**
 * The lanes kernel's rows (native/cpu/conv_lanes.cc, AVX-512): each output row is cut into
 * ceil(width / 8) tiles of even widths, 4 to 8 outputs (17 wide: 6, 6, 5), each tile's sums
 * stored 8 lanes wide into the row's buffer, the next tile overwriting the lanes past its end;
 * and 'valid' layers over many channels (Inception's 80 -> 192 over 38 x 38, 288 -> 384 3x3/2
 * over 17 x 17) take it too. What matters: where each tile starts and how wide it is (rows of 9,
 * 13, 17, 36 and 79), stride 2, bands of rows (small weights) and the whole input padded once
 * (large ones), batch 2, the finish (bias, a residual, Relu or Clip), 1 and 2 threads. Against
 * onnxruntime; tolerance: helpers/compare.ts (1e-5 of the output's scale). The same cases then
 * run with HYBRIDRT_CPU_KERNEL=avx2 and portable in a child process: the packed GEMM that other
 * CPUs take for them.
 */
import { expect, it } from 'vitest';
import { runVitestChild } from './helpers/child-vitest.js';
import { checkLayer } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

interface G {
  x: number[]; // N, C, H, W
  m: number;
  k: number;
  pad: number; // every side
  s: number;
}

const scalar = (v: number) => ({ dtype: 'float32' as const, dims: [], data: new Float32Array([v]) });

async function conv(g: G, seed: number, act: 'relu' | 'clip', residual: boolean, threads: number): Promise<void> {
  const pads = [g.pad, g.pad, g.pad, g.pad];
  const oh = Math.floor((g.x[2]! + 2 * g.pad - g.k) / g.s) + 1;
  const ow = Math.floor((g.x[3]! + 2 * g.pad - g.k) / g.s) + 1;
  const inputs = [randomFloat(g.x, seed), randomFloat([g.m, g.x[1]!, g.k, g.k], seed + 1, -0.3, 0.3), randomFloat([g.m], seed + 2)];
  const then: Array<{ op: string; extraInputs?: string[] }> = [];
  if (residual) {
    inputs.push(randomFloat([g.x[0]!, g.m, oh, ow], seed + 3));
    then.push({ op: 'Add', extraInputs: ['x3'] });
  }
  then.push(act === 'relu' ? { op: 'Relu' } : { op: 'Clip', extraInputs: ['lo', 'hi'] });
  const activation = act === 'relu' ? { op: 'relu' } : { op: 'clip', min: -0.25, max: 0.5 };
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [g.k, g.k], strides: [g.s, g.s], pads, dilations: [1, 1], group: 1 },
    inputs,
    constants: [1, 2],
    kind: 'convolution',
    ...(residual ? { onnxInputs: ['x0', 'x1', 'x2'] } : {}),
    then,
    ...(act === 'clip' ? { onnxExtra: { lo: scalar(-0.25), hi: scalar(0.5) } } : {}),
    params: {
      kernel: [g.k, g.k],
      strides: [g.s, g.s],
      padsBegin: [g.pad, g.pad],
      padsEnd: [g.pad, g.pad],
      dilations: [1, 1],
      groups: 1,
      activation,
      ...(residual ? { residual: true } : {}),
    },
    threads,
  });
}

const forced = process.env.HYBRIDRT_CPU_KERNEL !== undefined;

describeIf(HAS_NATIVE, 'convolutions with output channels in the lanes: rows cut into tiles of even widths', NATIVE_MISSING, () => {
  for (const threads of [1, 2]) {
    it(`'same' 3x3 rows of 17 (6, 6, 5), 13 (7, 6) and 9 (5, 4), banded; a residual then Relu or Clip; ${threads} thread(s)`, async () => {
      await conv({ x: [1, 40, 17, 17], m: 48, k: 3, pad: 1, s: 1 }, 200, 'relu', true, threads);
      await conv({ x: [2, 24, 6, 13], m: 33, k: 3, pad: 1, s: 1 }, 204, 'clip', false, threads);
      await conv({ x: [1, 16, 11, 9], m: 40, k: 3, pad: 1, s: 1 }, 208, 'relu', true, threads);
    });
    it(`'valid' layers over many channels: 3x3 to 36 wide (8, 7, 7, 7, 7), 79 wide, 3x3/2 to 8 x 8 over batch 2, 5x5 to 9 wide; ${threads} thread(s)`, async () => {
      await conv({ x: [1, 24, 20, 38], m: 40, k: 3, pad: 0, s: 1 }, 212, 'clip', true, threads);
      await conv({ x: [1, 32, 7, 81], m: 32, k: 3, pad: 0, s: 1 }, 216, 'relu', false, threads);
      await conv({ x: [2, 36, 17, 17], m: 70, k: 3, pad: 0, s: 2 }, 220, 'relu', true, threads);
      await conv({ x: [1, 12, 9, 13], m: 20, k: 5, pad: 0, s: 1 }, 224, 'clip', false, threads);
    });
    it(`large weights (the input padded once, not in bands): 192 -> 96 3x3 over 10 x 10 (5, 5); ${threads} thread(s)`, async () => {
      await conv({ x: [1, 192, 10, 10], m: 96, k: 3, pad: 1, s: 1 }, 228, 'relu', true, threads);
    });
  }
});

describeIf(HAS_NATIVE && !forced, 'the same rows in the packed GEMM (HYBRIDRT_CPU_KERNEL)', NATIVE_MISSING, () => {
  for (const kernel of ['avx2', 'portable']) {
    it(`the suite above passes with HYBRIDRT_CPU_KERNEL=${kernel}`, () => {
      expect(runVitestChild(['test/engine/conv-lanes-rows.test.ts'], { HYBRIDRT_CPU_KERNEL: kernel })).toMatch(/Tests\s+6 passed/);
    }, 300_000);
  }
});
