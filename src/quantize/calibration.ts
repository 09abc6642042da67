/**
 * calibrate(): per-tensor activation scales of an fp32 model, from calibration data or a
 * calibration cache. With data, the fp32 model runs over every batch, compiled as compile()
 * compiles it (engines and onnxruntime fallbacks; or on onnxruntime alone with runner
 * 'onnxruntime': runner.ts), its statistics collected (collect.ts), and each tensor's |x|
 * bound comes from its method:
 * - 'entropy' (the default, TensorRT's EntropyCalibration2): the KL-optimal threshold of a
 *   2048-bin histogram of |x| (entropy.ts);
 * - 'minmax': the largest |x| seen;
 * - 'percentile': the given percentile of |x| (99.99 by default).
 * The scale is symmetric: amax / 127. A `cache` file that exists is read instead of
 * calibrating (as TensorRT's calibrators do), and must name every tensor wanted; otherwise
 * the scales found are written to it.
 */
import fs from 'node:fs';
import { type BackendChoice, unknownBackend } from '../compiler/backend-names.js';
import { HybridError } from '../errors.js';
import { Graph } from '../ir/graph.js';
import { inferShapes } from '../ir/infer/index.js';
import { loadModelProto } from '../onnx/model.js';
import type { ModelProto } from '../onnx/proto.js';
import { type CalibrationMethod, checkCacheCovers, readCache, writeCache } from './cache.js';
import { collectStats } from './collect.js';
import { type CalibrationData, calibrationBatches } from './data.js';
import { entropyAmax } from './entropy.js';
import { percentileAmax } from './histogram.js';
import { activationTargets, constantsAsInitializers, residualTargets } from './targets.js';
import { symmetricScale } from './weights.js';
import { CALIBRATION_RUNNERS, type CalibrationRunner, type RunnerCompileOptions } from './runner.js';

export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['entropy', 'minmax', 'percentile'];

export interface CalibrationOptions {
  /** Batches of feeds (an iterable or async iterable), or the path of a folder of .npy batches (data.ts). */
  data?: CalibrationData;
  /** Default 'entropy'. */
  method?: CalibrationMethod;
  /** The percentile of |x| for method 'percentile', in (0, 100]; default 99.99. */
  percentile?: number;
  /** A TensorRT-format cache file: read where it exists, else written after calibrating. */
  cache?: string;
  /** The tensors to calibrate; default: the float32 activations entering Conv, MatMul and Gemm. */
  tensors?: readonly string[];
  /** A progress bar on stderr; default: where stderr is a terminal. */
  progress?: boolean;
  /**
   * What runs the fp32 model over the data (runner.ts): 'engines' (default: the model compiled
   * as compile() compiles it, fp32, engines and onnxruntime fallbacks) or 'onnxruntime'.
   */
  runner?: CalibrationRunner;
  /** The backend of the 'engines' runner: 'auto' (default: cuda where available, else cpu), 'cpu' or 'cuda'. */
  backend?: BackendChoice;
}

export interface Calibration {
  method: CalibrationMethod | 'cache';
  /** Scale (amax / 127) per tensor. */
  scales: Map<string, number>;
}

/** The model as a graph with inferred types, Constant nodes as initializers (targets.ts). */
export function modelGraph(model: string | Uint8Array | ModelProto, label?: string): Graph {
  const proto = typeof model === 'string' || model instanceof Uint8Array ? loadModelProto(model) : model;
  const graph = Graph.fromModel(proto, label ?? (typeof model === 'string' ? model : 'model'));
  inferShapes(graph);
  constantsAsInitializers(graph);
  return graph;
}

/**
 * Why a calibration cache file cannot be read as one, or undefined where it can: it does not
 * exist, or it is empty (as TensorRT's calibrators read an empty cache: as none, calibrating
 * again where there is data and writing the file).
 */
export function cacheAbsence(file: string): 'does not exist' | 'is empty' | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st) return 'does not exist';
  return st.isFile() && st.size === 0 ? 'is empty' : undefined;
}

/**
 * Why a calibration can neither read its cache nor make one (its cache file's absence, and no
 * data), or undefined. The one rule behind compile()'s, quantize()'s and the CLI's errors, each
 * of which names the options in its caller's words.
 */
export function cacheMissingWithoutData(o: { data?: unknown; cache?: string }): string | undefined {
  return o.data === undefined && o.cache !== undefined ? cacheAbsence(o.cache) : undefined;
}

/** The checks calibrate() makes of its options before any work (compile() makes them of its `calibration` too). */
export function checkCalibrationOptions(o: CalibrationOptions): void {
  if (o.method !== undefined && !CALIBRATION_METHODS.includes(o.method)) {
    throw new HybridError(
      'OPTION',
      `calibration method '${String(o.method)}' is unknown; use ${CALIBRATION_METHODS.map((m) => `'${m}'`).join(', ')}`,
    );
  }
  if (o.percentile !== undefined && !(o.percentile > 0 && o.percentile <= 100)) {
    throw new HybridError('OPTION', `calibration percentile ${o.percentile} is not in (0, 100]`);
  }
  if (o.data === undefined && o.cache === undefined) {
    throw new HybridError('OPTION', 'calibration needs data (batches or a folder of .npy batches) or a cache file');
  }
  if (o.runner !== undefined && !CALIBRATION_RUNNERS.includes(o.runner)) {
    throw new HybridError(
      'OPTION',
      `calibration runner '${String(o.runner)}' is unknown; use ${CALIBRATION_RUNNERS.map((r) => `'${r}'`).join(', ')}`,
    );
  }
  const unknown = o.backend === undefined ? undefined : unknownBackend(o.backend, 'calibration backend');
  if (unknown) throw new HybridError('OPTION', unknown);
  if (o.backend !== undefined && o.runner === 'onnxruntime') {
    throw new HybridError('OPTION', "calibration backend is for runner 'engines'; runner 'onnxruntime' runs on onnxruntime's cpu provider");
  }
}

/**
 * Calibrates `graph` (modelGraph) for `tensors` (default: activationTargets, and the residual
 * adds' residualTargets, which a cache may lack: those adds then get no Q/DQ pair, as before).
 * `compile`: the options the 'engines' runner compiles with (compile()'s own, for its implicit
 * int8; `options.backend` over theirs).
 */
export async function calibrateGraph(graph: Graph, options: CalibrationOptions, compile: RunnerCompileOptions = {}): Promise<Calibration> {
  checkCalibrationOptions(options);
  const optional = options.tensors ? [] : residualTargets(graph);
  const tensors = options.tensors ? [...options.tensors] : [...activationTargets(graph), ...optional];
  const unknown = tensors.filter((t) => !graph.types.has(t) && !graph.producer(t) && !graph.inputs.includes(t));
  if (unknown.length) throw new HybridError('OPTION', `calibration tensors not in the model: ${unknown.map((t) => `'${t}'`).join(', ')}`);
  const notFloat = tensors.filter((t) => graph.types.get(t)?.dtype !== 'float32');
  if (notFloat.length) {
    throw new HybridError('OPTION', `calibration tensors that are not float32 (or of unknown type): ${notFloat.map((t) => `'${t}'`).join(', ')}`);
  }
  const absent = cacheMissingWithoutData(options);
  if (absent) throw new HybridError('CALIBRATION', `the calibration cache '${options.cache}' ${absent}, and no calibration data was given`);
  if (options.cache !== undefined && !cacheAbsence(options.cache)) {
    const cache = readCache(options.cache);
    const needed = tensors.filter((t) => !optional.includes(t) || cache.scales.has(t));
    checkCacheCovers(cache, needed, options.cache);
    return { method: 'cache', scales: new Map(needed.map((t) => [t, cache.scales.get(t)!])) };
  }
  if (options.data === undefined) throw new HybridError('CALIBRATION', 'calibration needs data or a cache');
  const method = options.method ?? 'entropy';
  const batches = calibrationBatches(options.data, graph.inputs);
  const stats = await collectStats(graph, tensors, batches, {
    histograms: method !== 'minmax',
    progress: options.progress,
    runner: options.runner ?? 'engines',
    compile: { ...compile, ...(options.backend !== undefined ? { backend: options.backend } : {}) },
  });
  const scales = new Map<string, number>();
  for (const t of tensors) {
    const s = stats.get(t)!;
    const amax =
      method === 'minmax' ? s.absMax : method === 'entropy' ? entropyAmax(s.histogram!) : percentileAmax(s.histogram!, options.percentile ?? 99.99);
    scales.set(t, symmetricScale(amax));
  }
  if (options.cache !== undefined) writeCache(options.cache, scales, method);
  return { method, scales };
}
