/**
 * Implicit int8, as TensorRT's users work: `compile(model, { precisions: ['int8', ...],
 * calibration: { data, method, cache, percentile } })` calibrates the fp32 model over the data
 * (or reads the cache), writes it as a Q/DQ model in memory with quantize()'s machinery
 * (src/quantize: the same layout `hybrid-run quantize` writes), and compiles that: the
 * builder's qdq pass folds each DequantizeLinear -> Conv/MatMul/Gemm (-> QuantizeLinear) that
 * the backend's int8 kernels take into an int8 layer (native/src/builder/qdq_fusion.h: cpu
 * every form, cuda 2-d convolutions of one group). The option is checked here, before any work.
 */
import { HybridError } from '../errors.js';
import type { ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import type { CalibrationMethod } from '../quantize/cache.js';
import { type Calibration, cacheMissingWithoutData, checkCalibrationOptions, modelGraph } from '../quantize/calibration.js';
import type { CalibrationData } from '../quantize/data.js';
import type { CalibrationRunner, RunnerCompileOptions } from '../quantize/runner.js';
import { type Int8Policy, type Int8PolicyOption, type PolicyFindings, checkInt8Policy } from '../quantize/policy.js';
import { type QdqSummary, weightLayout } from '../quantize/qdq.js';
import { type FixedInputs, fixedGraphs, qdqModel } from '../quantize/qdq-model.js';
import { activationTargets, weightTargets } from '../quantize/targets.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';
import { policyLine } from '../report/int8.js';

/** compile()'s `calibration`: what gives each quantized activation its int8 scale (docs/quantization.md). */
export interface CalibrationOption {
  /** Batches: an array, iterable or async iterable of feeds, or a folder of .npy batches (src/quantize/data.ts). */
  data?: CalibrationData;
  /** 'entropy' (default, TensorRT's EntropyCalibration2), 'minmax' or 'percentile'. */
  method?: CalibrationMethod;
  /** The percentile of |x| that 'percentile' keeps, in (0, 100]; default 99.99. */
  percentile?: number;
  /**
   * A calibration cache in TensorRT's text format: read where it exists (instead of the data;
   * it must name every tensor quantized), else written after calibrating.
   */
  cache?: string;
  /** A progress bar of the calibration batches on stderr; default: where stderr is a terminal. */
  progress?: boolean;
  /**
   * What runs the fp32 model over the data: 'engines' (default: compiled as this compile is,
   * fp32, on its backend, with the calibrated tensors as outputs) or 'onnxruntime' (src/quantize/runner.ts).
   */
  runner?: CalibrationRunner;
}

/** Every key of CalibrationOption, once (an unknown key is an OPTION error naming the nearest). */
export const CALIBRATION_OPTION_KEYS = optionKeys<CalibrationOption>()(['data', 'method', 'percentile', 'cache', 'progress', 'runner']);

const WHAT_TO_GIVE =
  "calibration: { data: 'calib/' } (a folder of .npy batches, or an array or iterable of feeds) or calibration: { cache: 'model.cache' } (a TensorRT calibration cache)";

function bad(message: string): HybridError {
  return new HybridError('OPTION', message);
}

function isIterable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (Symbol.iterator in v || Symbol.asyncIterator in v);
}

/**
 * compile()'s `calibration` against its `precisions`, before any work: int8 without a
 * calibration, a calibration without int8, unknown keys (with the nearest key), a bad method
 * or percentile, a cache given alone that does not exist. Returns a copy, or undefined where
 * int8 is not asked for.
 */
export function checkCalibrationOption(precisions: readonly unknown[], calibration: unknown): CalibrationOption | undefined {
  const int8 = precisions.includes('int8');
  if (calibration === undefined) {
    if (int8) throw bad(`precision 'int8' needs a calibration, which gives each quantized activation its int8 scale: give ${WHAT_TO_GIVE}`);
    return undefined;
  }
  if (calibration === null || typeof calibration !== 'object' || Array.isArray(calibration)) {
    throw bad(`calibration must be an object, e.g. ${WHAT_TO_GIVE}`);
  }
  checkKnownKeys(calibration, CALIBRATION_OPTION_KEYS, 'calibration options');
  if (!int8) throw bad("calibration is for precision 'int8': add 'int8' to precisions (e.g. precisions: ['int8', 'fp16']), or leave calibration out");
  const c = calibration as CalibrationOption;
  if (c.data !== undefined && !(typeof c.data === 'string' ? c.data !== '' : isIterable(c.data))) {
    throw bad('calibration.data must be the path of a folder of .npy batches, or an array, iterable or async iterable of feeds');
  }
  if (c.cache !== undefined && (typeof c.cache !== 'string' || c.cache === '')) throw bad('calibration.cache must be a file path');
  if (c.progress !== undefined && typeof c.progress !== 'boolean') throw bad('calibration.progress must be a boolean');
  if (c.data === undefined && c.cache === undefined) throw bad(`calibration needs data or a cache: ${WHAT_TO_GIVE}`);
  const absent = cacheMissingWithoutData(c);
  if (absent) {
    throw bad(`calibration cache '${c.cache}' ${absent}, and no calibration data was given to make it: give calibration.data too`);
  }
  checkCalibrationOptions(c);
  return { ...c };
}

export type { Int8Policy, Int8PolicyOption } from '../quantize/policy.js';

/**
 * int8Sensitivity and accuracyTarget against the precisions and the (checked) calibration,
 * before any work (src/quantize/policy.ts checkInt8Policy, which quantize() asks too): they
 * need int8 and calibration data that can be read more than once. Undefined where neither is asked.
 */
export function checkInt8PolicyOption(
  precisions: readonly unknown[],
  calibration: CalibrationOption | undefined,
  o: Int8PolicyOption,
): Int8Policy | undefined {
  return checkInt8Policy(o, calibration?.data, 'calibration.data', (what) => {
    if (!precisions.includes('int8')) throw bad(`${what} is for precision 'int8': add 'int8' to precisions (with a calibration), or leave it out`);
  });
}

export interface Int8Model {
  /** The Q/DQ model compile() compiles instead of the fp32 one. */
  proto: ModelProto;
  /** Undefined where the model has nothing to quantize (no float32 Conv, MatMul or Gemm). */
  calibration?: Calibration;
  summary: QdqSummary;
  /** What the precision policy measured and kept, where one was asked. */
  findings?: PolicyFindings;
}

/**
 * The fp32 model calibrated and laid out as a Q/DQ model (quantize()'s layout), in memory;
 * with a policy, the layers it keeps are left float in that layout. `fixed` (compile's
 * inputValues): calibration runs the model with those inputs fixed and what they decide folded
 * (fixedGraphs: an If on one takes its branch, whose layers are quantized too), so its data
 * need not hold them (a batch that does must hold the value); the Q/DQ model keeps them as inputs.
 * `compile`: what the calibration runs the fp32 model with (runner 'engines': this compile's
 * backend and partitioning options).
 */
export async function int8Model(
  proto: ModelProto,
  label: string,
  calibration: CalibrationOption,
  policy?: Int8Policy,
  fixed?: ReadonlyMap<string, TensorData>,
  compile?: RunnerCompileOptions,
): Promise<Int8Model> {
  let graph = modelGraph(proto, label);
  let run: FixedInputs | undefined;
  if (fixed?.size) {
    const g = await fixedGraphs(graph, fixed, label);
    graph = g.layout;
    run = { values: fixed, run: g.run };
  }
  if (!activationTargets(graph).length && !weightTargets(graph).length)
    return { proto, summary: { activations: [], weights: [], perChannel: false } };
  return qdqModel(graph, calibration, policy, run, compile);
}

/** What the policy did, in a sentence (onLog, and the CLI's notes): the report's line. */
export function policyNote(f: PolicyFindings): string {
  const measured = f.sensitivity ? `sensitivity of ${f.sensitivity.length} layer(s) measured` : '';
  return `int8 policy: ${[f.policy ? policyLine(f.policy) : '', measured].filter(Boolean).join('; ')}`;
}

/** What int8Model did, for onLog: from what calibration, how much got quantized, the cache written. */
export function int8Note(m: Int8Model, calibration: CalibrationOption): string {
  if (!m.calibration) return 'precision int8: the model has no float32 Conv, MatMul or Gemm to quantize; nothing calibrated';
  const { method } = m.calibration;
  const from =
    method === 'cache'
      ? `the calibration cache ${calibration.cache}`
      : `${method} calibration${typeof calibration.data === 'string' ? ` over ${calibration.data}` : ''}`;
  const written = method !== 'cache' && calibration.cache !== undefined ? `; cache written to ${calibration.cache}` : '';
  return (
    `precision int8: ${m.summary.activations.length} activation(s) (Q/DQ, per tensor) and ${m.summary.weights.length} weight(s) ` +
    `(${weightLayout(m.summary)}) quantized from ${from}${written}`
  );
}
