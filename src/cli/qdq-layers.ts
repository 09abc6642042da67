/**
 * --compare's second look at a Q/DQ model whose outputs differ from onnxruntime's: the model run
 * again with its quantized activations exposed, and each quantized layer checked against
 * onnxruntime from the run's own int8 inputs, rounding ties allowed (src/quantize/layer-check.ts
 * says why a Q/DQ model's outputs are not comparable to fp32 precision, and how). It passes
 * where that run computes the same outputs as the run checked, no activation rounds otherwise
 * than onnxruntime's QuantizeLinear except at a tie, and the outputs agree at --compare's
 * tolerance with onnxruntime's from the run's last activations.
 */
import type { ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { TIE_STEPS, checkLayers, exposeActivations } from '../quantize/layer-check.js';
import type { Comparison } from './compare.js';
import { formatComparison } from './compare.js';
import { formatNumber } from './summary.js';

export interface LayerVerdict {
  pass: boolean;
  lines: string[];
}

/**
 * `run` runs a model with the flags of the run checked; `compare` is --compare's (reference
 * outputs, run's outputs) -> per-output comparisons at its tolerances.
 */
export async function qdqLayerVerdict(
  model: ModelProto,
  feeds: ReadonlyMap<string, TensorData>,
  outputs: ReadonlyMap<string, TensorData>,
  run: (model: ModelProto) => Promise<Map<string, TensorData>>,
  compare: (expected: ReadonlyMap<string, TensorData>, got: ReadonlyMap<string, TensorData>) => Comparison[],
  threads?: number,
): Promise<LayerVerdict> {
  const exposed = exposeActivations(model);
  const head = "layers   each quantized layer from this run's own int8 inputs, on onnxruntime (optimizations off):";
  if (!exposed.names.length) {
    // Nothing to check: saying "all 0 roundings agree" would read as a pass.
    return { pass: false, lines: [`${head} not checked: no QuantizeLinear -> DequantizeLinear pair with constant scales and zero points`] };
  }
  const activations = await run(exposed.model);
  const line = (c: Comparison) => `  ${formatComparison(c)}  atol ${formatNumber(c.atol)} rtol ${formatNumber(c.rtol)}`;
  // The layers are checked on the exposed run: it must be the run checked.
  const same = compare(outputs, new Map([...outputs.keys()].map((name) => [name, activations.get(name)!])));
  if (same.some((c) => !c.pass)) {
    return { pass: false, lines: [`${head} not checked: the run with its activations as outputs computes other outputs`, ...same.map(line)] };
  }
  const check = await checkLayers(model, feeds, activations, threads !== undefined ? { intraOpNumThreads: threads } : {});
  const finals = compare(check.outputs, outputs);
  const ties = `at most ${formatNumber(check.farthestTie)} of a step from a rounding edge; ${formatNumber(TIE_STEPS)} allowed`;
  const counted =
    check.differing === 0
      ? `all ${check.elements} roundings agree`
      : check.wrongCount === 0
        ? `${check.differing} of ${check.elements} roundings differ, all ties (${ties})`
        : `${check.differing} of ${check.elements} roundings differ, ${check.wrongCount} of them not ties (more than ${formatNumber(TIE_STEPS)} of a step from a rounding edge)`;
  const lines = [
    `${head} ${counted}`,
    ...check.wrong.map((w) => `  FAIL  ${w.tensor}[${w.index}]: ${formatNumber(w.steps)} steps, onnxruntime ${w.reference}, here ${w.run}`),
    ...(check.wrongCount > check.wrong.length ? [`  ... ${check.wrongCount - check.wrong.length} more`] : []),
    ...finals.map(line),
  ];
  const pass = check.wrongCount === 0 && finals.every((c) => c.pass);
  if (pass)
    lines.push('  every layer agrees: the outputs differ by rounding ties decided apart, and what later layers made of them (docs/qdq-compare.md)');
  return { pass, lines };
}
