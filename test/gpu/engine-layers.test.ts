/**
 * The engine layer tests of the cpu backend (test/engine/*.test.ts: every layer kind, with
 * its variants, against onnxruntime on the same inputs), run again on the cuda backend: the
 * shared helper (test/engine/helpers/compare.ts) builds its engines on the backend named by
 * HYBRIDRT_TEST_BACKEND. Tolerances are the helper's: fp32 within 1e-4 of onnxruntime on
 * cuda (relative beyond 1, absolute below; cuda's transcendental functions are within 2 ulp
 * and sums run in other orders), float16 within 1e-3 and bfloat16 within 8e-3 (one rounding
 * of the output: 2^-11 and 2^-8 relative), data movement exact.
 */
import { describe, it } from 'vitest';
import { CUDA, NO_CUDA } from './helpers.js';

process.env.HYBRIDRT_TEST_BACKEND = 'cuda';

if (CUDA) {
  await import('../engine/conv.test.js');
  await import('../engine/matmul.test.js');
  await import('../engine/elementwise.test.js');
  await import('../engine/pool-reduce.test.js');
  await import('../engine/resize.test.js');
  await import('../engine/data.test.js');
  await import('../engine/quantize.test.js');
  await import('../engine/half.test.js');
  await import('../engine/nan-semantics.test.js');
  await import('../engine/argminmax.test.js');
  await import('../engine/cumsum.test.js');
  await import('../engine/scatter.test.js');
  await import('../engine/range.test.js');
  await import('../engine/shape.test.js');
  await import('../engine/detect.test.js');
  await import('../engine/grid-sample.test.js');
  await import('../engine/recurrent-layer.test.js');
  await import('../engine/edge-cases.test.js');
  await import('../engine/attention-layer.test.js');
  await import('../engine/pointwise-layer.test.js');
  // Data-dependent outputs (nonzero, nms): first run on an H100 at 163ac62 (docs/cuda.md).
  await import('../engine/nonzero.test.js');
  await import('../engine/nms.test.js');
} else {
  describe('engine layers on cuda', () => {
    it.skip(NO_CUDA, () => {});
  });
}
