/**
 * The Q/DQ model recipe that quantize() writes (quantize.ts) and compile()'s implicit int8
 * compiles (src/compiler/int8.ts): an fp32 graph calibrated (calibration.ts: data, or a
 * TensorRT-format cache) and laid out as a Q/DQ model (qdq.ts). The result runs on onnxruntime
 * as any QDQ model does, and on hybridrt, whose QuantizeLinear/DequantizeLinear converters put
 * the Q/DQ nodes on engines, where the builder's qdq pass folds them into int8 convolutions and
 * matrix products (native/src/builder/qdq_fusion.h; other backends compute the fp32 ops between
 * them). With the precision policy (int8Sensitivity, accuracyTarget: policy.ts), the layers it
 * keeps are left float in the written model, as compile() leaves them. With inputValues
 * (compile()'s), the model is calibrated and written at those values: they are constants of the
 * written model, what they decide folded (an If on one takes its branch).
 * The recipe imports nothing of src/compiler's compile(): compile() reaches it (implicit int8),
 * and the 'engines' calibration runner is handed compile() by its caller (runner.ts).
 */
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { ModelProto } from '../onnx/proto.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';
import { type Calibration, type CalibrationOptions, calibrateGraph, checkCalibrationOptions, modelGraph } from './calibration.js';
import {
  type Int8Policy,
  type Int8PolicyOption,
  type LayerSensitivity,
  type PolicyFindings,
  type PolicyOutcome,
  checkInt8Policy,
  int8Policy,
} from './policy.js';
import { type QdqSummary, qdqLayout } from './qdq.js';
import { withoutFixedInputs } from './data.js';
import type { RunnerCompileOptions } from './runner.js';
import { type InputValue, fixInputs } from '../compiler/input-values.js';
import { LOWERING_PASSES, lower } from '../lowering/index.js';
import type { TensorData } from '../onnx/tensor.js';

export interface QuantizeOptions extends CalibrationOptions, Int8PolicyOption {
  /** Where to write the Q/DQ model (.onnx); it is returned either way. */
  output?: string;
  /**
   * Inputs fixed to one value, by name, as compile()'s `inputValues`: the model is calibrated
   * and written with them as constants and what they decide folded (Silero VAD's `sr`: the If
   * takes its branch, whose layers are quantized too). The written model has them no longer as
   * inputs: onnxruntime could not hold a run to the value. Batches need not give them.
   */
  inputValues?: Record<string, InputValue>;
  /** The model's name in messages (default: its path, else 'model'). */
  label?: string;
}

/** Every key of QuantizeOptions, once (an unknown key is an OPTION error naming the nearest). */
export const QUANTIZE_OPTION_KEYS = optionKeys<QuantizeOptions>()([
  'data',
  'method',
  'percentile',
  'cache',
  'tensors',
  'progress',
  'runner',
  'backend',
  'int8Sensitivity',
  'accuracyTarget',
  'output',
  'inputValues',
  'label',
]);

export interface QuantizeResult extends QdqSummary {
  model: ModelProto;
  calibration: Calibration;
  /** The layers (node names) left float by the precision policy, most sensitive first; [] without accuracyTarget. */
  kept: string[];
  /** With accuracyTarget: the all-int8 and the final agreement with fp32 on the calibration data, and the outcome. */
  policy?: PolicyOutcome;
  /** With int8Sensitivity (or where the target needed it): each layer alone in int8, most sensitive first. */
  sensitivity?: LayerSensitivity[];
}

/** Inputs fixed at compile time (compile's inputValues) and the graph calibration runs with them (fixedGraphs). */
export interface FixedInputs {
  values: ReadonlyMap<string, TensorData>;
  run: Graph;
}

/** Lowering passes that take what fixed inputs decide: folded conditions, an If on one taking its branch. */
const FIXED_PASSES = new Set(['remove-identity', 'fold-constants', 'inline-if', 'eliminate-dead']);

/** A copy of `graph` with `values` made constants and what they decide folded (fixedGraphs' `run`). */
export async function fixedRunGraph(graph: Graph, values: ReadonlyMap<string, TensorData>, label: string): Promise<Graph> {
  const run = graph.clone();
  fixInputs(run, values);
  await lower(run, { label, skip: LOWERING_PASSES.map((p) => p.name).filter((n) => !FIXED_PASSES.has(n)) });
  return run;
}

/**
 * A graph with inputs fixed at compile time: `run`, a copy with them made constants and what
 * they decide folded (an If on Silero VAD's `sr` becomes its branch, whose layers are then
 * calibrated and quantized too), and `layout`, the same with those inputs given back as inputs
 * (the Q/DQ model keeps the model's interface; compile fixes them again).
 */
export async function fixedGraphs(graph: Graph, values: ReadonlyMap<string, TensorData>, label: string): Promise<{ run: Graph; layout: Graph }> {
  const run = await fixedRunGraph(graph, values, label);
  const layout = run.clone();
  for (const name of values.keys()) {
    layout.removeInitializer(name);
    layout.types.set(name, graph.types.get(name)!);
  }
  layout.inputs = [...graph.inputs];
  layout.invalidate();
  return { run, layout };
}

/**
 * A graph (modelGraph's) calibrated and laid out as a Q/DQ model, with the layers the
 * precision policy keeps (where one is asked) left float: the one recipe quantize() writes and
 * compile()'s implicit int8 compiles, so that both build the same model. With `fixed`
 * (fixedGraphs; `graph` its layout, or `fixed.run` itself where the fixed inputs are to be
 * constants of the Q/DQ model, as quantize() writes it), calibration and the policy's
 * measurements run `fixed.run` over batches that need not hold the fixed inputs. `compile`:
 * what calibration's 'engines' runner compiles with (calibrateGraph).
 */
export async function qdqModel(
  graph: Graph,
  options: CalibrationOptions,
  policy?: Int8Policy,
  fixed?: FixedInputs,
  compile?: RunnerCompileOptions,
): Promise<{ proto: ModelProto; calibration: Calibration; summary: QdqSummary; findings?: PolicyFindings }> {
  const run = fixed?.run ?? graph;
  if (fixed && options.data !== undefined) options = { ...options, data: withoutFixedInputs(options.data, fixed.values) };
  const calibration = await calibrateGraph(run, options, compile);
  if (!policy) return { ...qdqLayout(graph, calibration.scales), calibration };
  const findings = await int8Policy(run, calibration.scales, options.data!, {
    ...policy,
    ...(options.progress !== undefined ? { progress: options.progress } : {}),
  });
  return { ...qdqLayout(graph, calibration.scales, findings.exclude), calibration, findings };
}

/** quantize()'s options, before any work: known keys, the calibration's, the policy's, output. */
export function checkQuantizeOptions(options: QuantizeOptions): Int8Policy | undefined {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HybridError('OPTION', "quantize options must be an object, e.g. { data: 'calib/', output: 'model.qdq.onnx' }");
  }
  checkKnownKeys(options, QUANTIZE_OPTION_KEYS, 'quantize options');
  checkCalibrationOptions(options);
  if (options.output !== undefined && (typeof options.output !== 'string' || options.output === '')) {
    throw new HybridError('OPTION', 'output must be a file path (e.g. output: model.qdq.onnx)');
  }
  const v = options.inputValues;
  if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v))) {
    throw new HybridError('OPTION', 'inputValues must be an object of input name -> value, e.g. { sr: 16000 }');
  }
  if (options.label !== undefined && typeof options.label !== 'string') throw new HybridError('OPTION', 'label must be a string');
  return checkInt8Policy(options, options.data, 'data');
}
