/**
 * Grouped convolutions whose groups run in parallel, each group's product on one thread
 * (native/cpu/conv.cc by_groups_: 4 or more groups, small products, more than one thread):
 * ResNeXt's 32 groups of 4 to 32 channels and RegNet's groups of 8 (6, 13, 26 and 55 groups),
 * over planes where the packed product takes its patches 'same' (the flat packer), from the
 * input's phases (stride 2), by the general packer (asymmetric pads), through the narrow product
 * (4 x 4 outputs), and grouped 1x1 layers (in place; every other row and column at stride 2),
 * with batch 2, bias, a residual and Relu, on 2 threads (and 1, where the groups run in turn).
 * Against onnxruntime; tolerance: helpers/compare.ts (1e-5 of the output's scale). Then again with
 * HYBRIDRT_CPU_KERNEL=avx2 and portable in a child process (their micro-kernels and packers).
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
  groups: number;
  s: number;
  pads: number[]; // top, left, bottom, right
}

async function conv(g: G, seed: number, residual: boolean, threads: number): Promise<void> {
  const oh = Math.floor((g.x[2]! + g.pads[0]! + g.pads[2]! - g.k) / g.s) + 1;
  const ow = Math.floor((g.x[3]! + g.pads[1]! + g.pads[3]! - g.k) / g.s) + 1;
  const inputs = [randomFloat(g.x, seed), randomFloat([g.m, g.x[1]! / g.groups, g.k, g.k], seed + 1, -0.3, 0.3), randomFloat([g.m], seed + 2)];
  const then: Array<{ op: string; extraInputs?: string[] }> = [];
  if (residual) {
    inputs.push(randomFloat([g.x[0]!, g.m, oh, ow], seed + 3));
    then.push({ op: 'Add', extraInputs: ['x3'] });
  }
  then.push({ op: 'Relu' });
  await checkLayer({
    op: 'Conv',
    attrs: { kernel_shape: [g.k, g.k], strides: [g.s, g.s], pads: g.pads, dilations: [1, 1], group: g.groups },
    inputs,
    constants: [1, 2],
    kind: 'convolution',
    ...(residual ? { onnxInputs: ['x0', 'x1', 'x2'] } : {}),
    then,
    params: {
      kernel: [g.k, g.k],
      strides: [g.s, g.s],
      padsBegin: g.pads.slice(0, 2),
      padsEnd: g.pads.slice(2),
      dilations: [1, 1],
      groups: g.groups,
      activation: { op: 'relu' },
      ...(residual ? { residual: true } : {}),
    },
    threads,
  });
}

const same = [1, 1, 1, 1];
const forced = process.env.HYBRIDRT_CPU_KERNEL !== undefined;

describeIf(HAS_NATIVE, 'grouped convolutions, groups in parallel', NATIVE_MISSING, () => {
  for (const threads of [2, 1]) {
    it(`ResNeXt's 3x3 layers: 32 groups over 16 x 16, 8 x 8 (stride 2 from 16 x 16) and 4 x 4, batch 2; ${threads} thread(s)`, async () => {
      await conv({ x: [2, 128, 16, 16], m: 128, k: 3, groups: 32, s: 1, pads: same }, 300, true, threads);
      await conv({ x: [1, 256, 16, 16], m: 256, k: 3, groups: 32, s: 2, pads: same }, 304, false, threads);
      await conv({ x: [2, 1024, 4, 4], m: 1024, k: 3, groups: 32, s: 1, pads: same }, 308, true, threads);
    });
    it(`RegNet's groups of 8: 6, 13, 26 and 55 groups, odd planes and asymmetric pads; ${threads} thread(s)`, async () => {
      await conv({ x: [1, 48, 13, 19], m: 48, k: 3, groups: 6, s: 1, pads: same }, 312, true, threads);
      await conv({ x: [2, 104, 9, 9], m: 104, k: 3, groups: 13, s: 2, pads: same }, 316, false, threads);
      await conv({ x: [1, 208, 8, 8], m: 208, k: 3, groups: 26, s: 1, pads: [0, 1, 2, 1] }, 320, true, threads);
      await conv({ x: [1, 440, 4, 4], m: 440, k: 3, groups: 55, s: 1, pads: same }, 324, true, threads);
    });
    it(`grouped 1x1 layers: 8 groups in place, 4 groups at stride 2, batch 2; ${threads} thread(s)`, async () => {
      await conv({ x: [2, 64, 12, 12], m: 96, k: 1, groups: 8, s: 1, pads: [0, 0, 0, 0] }, 328, true, threads);
      await conv({ x: [2, 64, 12, 12], m: 32, k: 1, groups: 4, s: 2, pads: [0, 0, 0, 0] }, 332, false, threads);
    });
  }
});

describeIf(HAS_NATIVE && !forced, 'grouped convolutions, groups in parallel (HYBRIDRT_CPU_KERNEL)', NATIVE_MISSING, () => {
  for (const kernel of ['avx2', 'portable']) {
    it(`the suite above passes with HYBRIDRT_CPU_KERNEL=${kernel}`, () => {
      expect(runVitestChild(['test/engine/conv-groups-parallel.test.ts'], { HYBRIDRT_CPU_KERNEL: kernel })).toMatch(/Tests\s+6 passed/);
    }, 300_000);
  }
});
