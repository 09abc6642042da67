/**
 * The depthwise convolution's, flat max pooling's and softmax lines' AVX2 and portable forms
 * (cpu/depthwise.cc, cpu/softmax_row.cc: their own masks, tails and half-block stores), which an
 * AVX-512 machine never picks: the suites that hold them to onnxruntime (conv-depthwise.test.ts,
 * pool-reduce.test.ts, softmax-lines.test.ts, at their stated tolerances) run again in a child vitest with HYBRIDRT_CPU_KERNEL forcing each form (the
 * choice is made once per process; on a CPU without AVX2 that run falls back to a form it has).
 */
import { expect, it } from 'vitest';
import { runVitestChild } from './helpers/child-vitest.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

const suites = ['test/engine/conv-depthwise.test.ts', 'test/engine/pool-reduce.test.ts', 'test/engine/softmax-lines.test.ts'];

describeIf(HAS_NATIVE, 'depthwise, pooling and softmax kernels forced', NATIVE_MISSING, () => {
  for (const kernel of ['avx2', 'portable']) {
    it(`${kernel}: the depthwise, pooling and softmax suites pass`, () => {
      expect(runVitestChild(suites, { HYBRIDRT_CPU_KERNEL: kernel })).toMatch(new RegExp(`Test Files\\s+${suites.length} passed`));
    }, 300_000);
  }
});
