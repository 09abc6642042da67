/**
 * The conformance cases that run on engines but are not held to their expected outputs as
 * they are, each with why (as onnx-tensorrt's onnx_backend_test.py and tinygrad's exclude list
 * do). Keys are '<suite>/<folder>'. Every entry must still name an engine-supported case, and
 * an excluded case that starts passing fails the test: the lists cannot go stale.
 *
 * Reasons start with BUG: (a defect of hybridrt, to fix) or LIMIT: (a deliberate limit).
 */
import type { Tolerance } from './helpers/compare.js';

/**
 * Cases left out: they run on engines, and are expected to fail. None at present. (Cases with
 * a bfloat16 input or output, such as node/test_cast_FLOAT_to_BFLOAT16, do not get this far:
 * run() takes and returns onnxruntime Tensors, which have no bfloat16, so compile() refuses
 * them; the summary counts them as refused, and each refusal must name its tensor.)
 */
export const EXCLUDED: Readonly<Record<string, string>> = {};

/** Cases held to a looser tolerance than compare.ts's defaults. */
export const TOLERANCES: Readonly<Record<string, Tolerance & { why: string }>> = {
  'node/test_averagepool_2d_ceil_last_window_starts_on_pad': {
    rtol: 1e-5,
    atol: 7.5e-5,
    why:
      'inputs and expected outputs are both rounded to 4 decimals (0.2841 for the 0.284044 the rounded inputs give): ' +
      '5e-5 from rounding the output, up to 4 * 5e-5 / 9 = 2.2e-5 from rounding the 4 inputs its 9-cell average reads',
  },
  // NOTE: onnxruntime has no RoiAlign-22 (the suite's opset, which only adds bfloat16); run at
  // opset 16 it gives the engines' values, and test/converters/roi-align.test.ts holds engines to it.
  'node/test_roialign_aligned_false': {
    rtol: 0,
    atol: 1e-4,
    why: 'the expected outputs come from another implementation, given to 4 decimals: 0.3172 where onnxruntime computes 0.317132 (8.4e-5 apart at worst)',
  },
  'node/test_roialign_aligned_true': {
    rtol: 0,
    atol: 1e-4,
    why: 'as test_roialign_aligned_false: 0.4192 where onnxruntime computes 0.419167 (5.0e-5 apart at worst)',
  },
  'node/test_gridsample_bicubic': {
    rtol: 0,
    atol: 1e-4,
    why: 'the expected outputs are given to 4 decimals: -0.1406 where onnxruntime (and engines) compute -0.140625 (5.0e-5 apart at worst)',
  },
};

/**
 * Cases compared with onnxruntime on the same model and inputs instead of their expected
 * outputs, because the two disagree. Engines follow onnxruntime, which runs every fallback
 * segment: a model must give the same numbers whichever of the two runs a node.
 */
export const ORT_REFERENCE: Readonly<Record<string, string>> = {
  'node/test_resize_downsample_scales_linear_align_corners':
    'ONNX measures align_corners against in*scale (a fractional output size), onnxruntime against the integer output size',
  'node/test_resize_downsample_scales_cubic_align_corners': 'as the linear case: align_corners over a fractional output size',
};
