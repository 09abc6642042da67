/**
 * compile()'s options: their types, defaults, and the checks that turn a bad option into a
 * HybridError('OPTION') naming it, before any work is done.
 */
import { defaultRegistry } from '../../converters/index.js';
import { ConverterRegistry } from '../../converters/registry.js';
import type { Converter } from '../../converters/types.js';
import { type Precision, checkPrecision } from '../engine/precision.js';
import { type CacheOptions, DEFAULT_CACHE_MAX_BYTES, openCacheDir } from '../artifact/cache.js';
import { unknownBackend } from './backend-names.js';
import { HybridError } from '../errors.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';
import { LIMITS } from '../limits.js';
import { checkTimingCachePath } from '../engine/timing-cache.js';
import { checkDevice } from '../engine/device.js';
import { checkInlineRunUs } from '../engine/run-placement.js';
import type { TensorData } from '../onnx/tensor.js';
import type { TypedArray } from '../onnx/dtype.js';
import type ort from 'onnxruntime-node';
import type { InputShape, ShapeRange } from './profiles.js';
import { type OrtSessionOptions, checkOrtSessionOptions } from './ort-session-options.js';
import { type CalibrationOption, type Int8Policy, checkCalibrationOption, checkInt8PolicyOption } from './int8.js';
import type { AccuracyTarget } from '../quantize/policy.js';
import type { InputValue } from './input-values.js';

/** An input's shape by name: `{ name: 'input', shape: [1, 3, 224, 224] }`, or a range `{ name, min, opt, max }`. */
export type InputSpec = { name: string; shape: number[] } | ({ name: string } & ShapeRange);

/**
 * The phases compile() reports through `onProgress`, in order: 'analyze' (lowering, shape
 * inference and probing, partitioning), 'build' (one step per engine), 'sessions' (one step per
 * fallback segment's onnxruntime session).
 */
export type CompilePhase = 'analyze' | 'build' | 'sessions';

/** 'info': what compile() decided (e.g. the backend 'auto' chose); 'warn': something worth acting on. */
export type LogLevel = 'info' | 'warn';

/** Where engines run: an NVIDIA GPU ('cuda') or the portable reference kernels ('cpu'). */
export type Backend = 'cpu' | 'cuda';

export interface CompileOptions {
  /**
   * Precisions the engine builder may use (default ['fp32']; fp32 is always allowed). The cpu
   * backend computes its float layers in fp32 whatever is allowed (said through `onLog`);
   * 'int8' needs `calibration` and makes the Conv, MatMul and Gemm layers int8 on cpu, and
   * the 2-d convolutions of one group on cuda (its other layers: the float precisions).
   * `model.report.precisions` is what the engines compute in.
   */
  precisions?: Precision[];
  /**
   * With 'int8' in precisions: calibration data (`data`: batches of feeds or a folder of .npy
   * batches) or a TensorRT calibration cache (`cache`), `method` ('entropy', 'minmax',
   * 'percentile') and `percentile`. The model is calibrated, laid out as quantize()'s Q/DQ
   * model in memory, and that is compiled. docs/quantization.md.
   */
  calibration?: CalibrationOption;
  /**
   * With 'int8' and calibration data (a folder or an array): measure each quantizable layer
   * alone in int8 against the fp32 model on that data (cosine, max abs error, top-1), listed
   * in the report's int8 section. docs/quantization.md, "Precision policy".
   */
  int8Sensitivity?: boolean;
  /**
   * With 'int8' and calibration data: keep the most sensitive layers in float until the int8
   * model's outputs meet this agreement with the fp32 model's on that data, e.g.
   * `{ cosine: 0.999 }` or `{ top1: 0.99 }` (argmax over the last axis).
   */
  accuracyTarget?: AccuracyTarget;
  /**
   * The shapes of the model's inputs, as a list or a record: a static shape
   * (`{ input: [1, 3, 224, 224] }`) or a range the engines serve without a rebuild
   * (`{ input: { min: [1, 3, 224, 224], opt: [8, 3, 224, 224], max: [32, 3, 224, 224] } }`,
   * TensorRT's optimization profile; tuned at opt). An input left out keeps its declared shape,
   * with the dims it shares with given inputs (`batch`) bound to theirs; a symbolic dim nobody
   * sizes is 1, said through `onLog`. docs/api.md, "Shape ranges".
   */
  inputs?: InputSpec[] | Record<string, InputShape>;
  /**
   * Several optimization profiles instead of one range per input: a run uses the first whose
   * ranges hold its feeds' shapes (one wide range tunes badly away from opt). `inputs` may then
   * give static shapes only, which every profile shares.
   */
  profiles?: Array<Record<string, InputShape>>;
  /**
   * Inputs fixed at compile time, by name: `{ sr: 16000 }` (a number, bigint or boolean for a
   * scalar or one-element input; a typed array of the input's storage; or a TensorData
   * `{ dtype, dims, data }`), of the input's dtype and a shape its declared shape admits. Each
   * becomes a constant of the model before lowering, so that what is computed from it folds
   * (an If on it takes its branch). A run may leave such an input out; a run that feeds it
   * must feed that value (else an INPUT error). docs/api.md, "Compile-time input values".
   */
  inputValues?: Record<string, InputValue>;
  /** Fewest compute nodes an engine segment may hold; smaller ones run on onnxruntime (default 3, 0 keeps all). */
  minBlockSize?: number;
  /** Op types always left to onnxruntime ('Softmax', or 'com.example::MyOp' for a custom domain). */
  fallbackOps?: string[];
  /** Node names always left to onnxruntime. */
  fallbackNodes?: string[];
  /** Fail with UNSUPPORTED_OP, listing every node an engine cannot run, instead of falling back. */
  requireFullCompilation?: boolean;
  /**
   * Where engines run: 'cuda' (an NVIDIA GPU; BACKEND error where the addon or the device lacks
   * it), 'cpu' (portable reference kernels), or 'auto' (default: cuda where available, else cpu,
   * said through `onLog`; the choice is `model.backend`).
   */
  backend?: 'auto' | Backend;
  /**
   * The GPU the cuda engines are built and run on: a CUDA device ordinal (default 0). A device
   * other than 0 needs the cuda backend (OPTION error otherwise, 'auto' included where it takes
   * cpu); one the machine lacks is a BACKEND error naming it and how many GPUs there are.
   * Engines and cache entries are portable between ordinals of one GPU model.
   */
  device?: number;
  /**
   * Converters: a registry to use instead of the process-wide one, or extra converters (e.g.
   * for custom ops) added to a copy of it for this compile only.
   */
  registry?: ConverterRegistry | Converter[];
  /**
   * Called as each phase advances: `(phase, done, total, step?)`, e.g. ('build', 2, 5). The
   * analysis is ('analyze', 0, 1) until it ends with ('analyze', 1, 1), and `step` names each of
   * its steps as it starts (analyze()'s `onStep`: 'lower: pass 3/14, fold-constants', 'infer
   * shapes', 'probe shapes on onnxruntime, round 1: 12 values', 'partition').
   */
  onProgress?: (phase: CompilePhase, done: number, total: number, step?: string) => void;
  /** Messages worth showing a user: the backend chosen, options that matched nothing, probing. */
  onLog?: (message: string, level: LogLevel) => void;
  /** Threads of the cpu engines and of onnxruntime's fallback sessions (default: every core). */
  threads?: number;
  /**
   * onnxruntime-node session options for every fallback segment's session, as
   * InferenceSession.create takes them: executionProviders (those onnxruntime-node offers here,
   * ort.listSupportedBackends()), intraOpNumThreads (over `threads` for the sessions),
   * interOpNumThreads, graphOptimizationLevel, executionMode, enableCpuMemArena,
   * enableMemPattern, logSeverityLevel, extra. Engines are untouched (their device is `backend`).
   */
  ortSessionOptions?: OrtSessionOptions;
  /** Execution contexts per engine, i.e. runs in flight that do not wait for one (default 4). */
  maxContexts?: number;
  /**
   * Runs of a cpu engine whose recent runs took less than this (us) execute on the calling
   * thread, holding the event loop, instead of a worker thread (default 10000; 0: every run on
   * a worker; HYBRIDRT_INLINE_RUN_US, where set, overrides it). src/engine/run-placement.ts.
   */
  inlineRunUs?: number;
  /**
   * Inputs to run the model on where shapes must be probed (default: seeded random values of
   * the compiled shapes). Give real data where random values would be invalid (e.g. indices).
   */
  probeFeeds?: Record<string, ort.Tensor | TypedArray | TensorData>;
  /** Names the model in messages (default: its path, or '<bytes>'). */
  label?: string;
  /**
   * The engine cache: a folder where compiled models are saved under a key of everything that
   * decides them (the model's bytes, these options, converters, device, versions), and loaded
   * by a later compile of the same thing instead of building (default: $HYBRIDRT_CACHE_DIR, else
   * none). docs/artifacts.md.
   */
  cacheDir?: string;
  /** Bytes the cache folder may hold; the least recently used entries go beyond it (default 10 GiB). */
  cacheMaxBytes?: number;
  /**
   * Timing cache file: tactics the engine builder chose per (layer signature, device), read
   * before each engine build and updated after it, so that a later compile of the same layers
   * on the same GPU skips timing them (created if missing).
   */
  timingCachePath?: string;
}

/** Every key of CompileOptions, once (an unknown key is an OPTION error naming the nearest). */
export const COMPILE_OPTION_KEYS = optionKeys<CompileOptions>()([
  'precisions',
  'calibration',
  'inputs',
  'profiles',
  'inputValues',
  'minBlockSize',
  'fallbackOps',
  'fallbackNodes',
  'requireFullCompilation',
  'backend',
  'device',
  'registry',
  'onProgress',
  'onLog',
  'threads',
  'ortSessionOptions',
  'maxContexts',
  'inlineRunUs',
  'probeFeeds',
  'label',
  'cacheDir',
  'cacheMaxBytes',
  'timingCachePath',
  'int8Sensitivity',
  'accuracyTarget',
]);

export interface ResolvedOptions {
  precisions: Precision[];
  /** Where 'int8' is among the precisions (checked: int8.ts). */
  calibration?: CalibrationOption;
  /** int8Sensitivity and accuracyTarget, where asked (checked: int8.ts). */
  int8Policy?: Int8Policy;
  /** Checked here only; absent, the partitioner's DEFAULT_MIN_BLOCK_SIZE (src/partition/partition.ts). */
  minBlockSize?: number;
  fallbackOps: string[];
  fallbackNodes: string[];
  requireFullCompilation: boolean;
  backend: 'auto' | Backend;
  /** The cuda device ordinal (0 by default; checked against the backend by chooseBackend). */
  device: number;
  registry: ConverterRegistry;
  threads?: number;
  /** Checked, and copied from the caller's. */
  ortSessionOptions?: OrtSessionOptions;
  maxContexts: number;
  inlineRunUs?: number;
  timingCachePath?: string;
  /** The engine cache, where one is set (options, or $HYBRIDRT_CACHE_DIR). */
  cache?: CacheOptions;
  /** onProgress and onLog, never throwing: what they throw is kept for `rethrowCallbackError`. */
  progress: (phase: CompilePhase, done: number, total: number, step?: string) => void;
  log: (message: string, level: LogLevel) => void;
  /** Throws the first error onProgress or onLog threw, if any (compile() calls it between phases). */
  rethrowCallbackError: () => void;
}

function bad(message: string): HybridError {
  return new HybridError('OPTION', message);
}

function stringList(name: string, v: unknown): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s === '')) throw bad(`${name} must be an array of non-empty strings`);
  return [...v];
}

function positiveInt(name: string, v: unknown, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw bad(`${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  return v;
}

/** A registry option (compile's or load's): the process-wide registry, a given one, or a copy with extra converters. */
export function resolveRegistry(r: CompileOptions['registry']): ConverterRegistry {
  if (r === undefined) return defaultRegistry();
  if (r instanceof ConverterRegistry) return r;
  if (!Array.isArray(r)) throw bad('registry must be a ConverterRegistry or an array of converters');
  const copy = defaultRegistry().clone();
  for (const c of r) copy.register(c);
  return copy;
}

function cacheOption(options: CompileOptions): { cache?: CacheOptions } {
  const dir = options.cacheDir ?? (process.env.HYBRIDRT_CACHE_DIR || undefined);
  if (dir === undefined) {
    if (options.cacheMaxBytes !== undefined) throw bad('cacheMaxBytes needs cacheDir (or HYBRIDRT_CACHE_DIR)');
    return {};
  }
  const max = options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 0) throw bad(`cacheMaxBytes must be a non-negative integer, got ${String(max)}`);
  return { cache: { dir: openCacheDir(dir), maxBytes: max } };
}

/** ortSessionOptions, checked (ort-session-options.ts). */
function ortOption(v: unknown): { ortSessionOptions?: OrtSessionOptions } {
  const checked = checkOrtSessionOptions(v);
  return checked ? { ortSessionOptions: checked } : {};
}

export function resolveOptions(options: CompileOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') throw bad('compile options must be an object');
  checkKnownKeys(options, COMPILE_OPTION_KEYS, 'compile options');
  const precisions = options.precisions ?? ['fp32'];
  if (!Array.isArray(precisions)) throw bad(`precisions must be an array, e.g. ['fp32', 'fp16']`);
  for (const p of precisions) checkPrecision(p, 'precision');
  const calibration = checkCalibrationOption(precisions, options.calibration);
  const int8Policy = checkInt8PolicyOption(precisions, calibration, options);
  const backend = options.backend ?? 'auto';
  const unknown = unknownBackend(backend);
  if (unknown) throw bad(unknown);
  for (const [name, fn] of [
    ['onProgress', options.onProgress],
    ['onLog', options.onLog],
  ] as const) {
    if (fn !== undefined && typeof fn !== 'function') throw bad(`${name} must be a function`);
  }
  const onProgress = options.onProgress;
  const onLog = options.onLog;
  let thrown: { error: unknown } | undefined;
  const guard = (call: () => void) => {
    try {
      call();
    } catch (error) {
      thrown ??= { error };
    }
  };
  return {
    precisions: [...new Set<Precision>(['fp32', ...precisions])],
    ...(calibration ? { calibration } : {}),
    ...(int8Policy ? { int8Policy } : {}),
    minBlockSize: positiveInt('minBlockSize', options.minBlockSize, 0, LIMITS.graphNodes),
    fallbackOps: stringList('fallbackOps', options.fallbackOps),
    fallbackNodes: stringList('fallbackNodes', options.fallbackNodes),
    requireFullCompilation: options.requireFullCompilation === true,
    backend,
    device: checkDevice(options.device),
    registry: resolveRegistry(options.registry),
    threads: positiveInt('threads', options.threads, 1, LIMITS.threads),
    ...ortOption(options.ortSessionOptions),
    maxContexts: positiveInt('maxContexts', options.maxContexts, 1, LIMITS.maxContexts) ?? 4,
    ...(options.inlineRunUs !== undefined ? { inlineRunUs: checkInlineRunUs(options.inlineRunUs) } : {}),
    ...(options.timingCachePath !== undefined ? { timingCachePath: checkTimingCachePath(options.timingCachePath) } : {}),
    ...cacheOption(options),
    // NOTE: a user's callback may throw anywhere, e.g. inside an engine build's completion; that
    // must not read as the engine failing. Its error is kept and thrown as the user's own.
    progress: (phase, done, total, step) =>
      guard(() => (step === undefined ? onProgress?.(phase, done, total) : onProgress?.(phase, done, total, step))),
    log: (message, level) => guard(() => onLog?.(message, level)),
    rethrowCallbackError: () => {
      if (thrown) throw thrown.error;
    },
  };
}
