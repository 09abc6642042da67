/**
 * A model's config.json: compile()'s options as JSON (the shapes it is built for, backend,
 * precisions, partitioning) plus the serving settings, checked here with errors that name the
 * file and the key. Serving settings, named as Triton's model configuration names them:
 *
 *   max_batch_size     0 (default): no batching, each request runs at the shape it gives.
 *                      N > 0: dim 0 of every input (but those fixed by inputValues, which
 *                      are not batched) and output is the batch; a request may hold
 *                      1..N items, and the model is compiled for batch 1..N (derived here from
 *                      a static shape; a given range must hold 1..N).
 *   dynamic_batching   { preferred_batch_size: [4, 8], max_queue_delay_microseconds: 500 }:
 *                      concurrent requests are gathered into one run (batcher.ts). Needs
 *                      max_batch_size > 0.
 *   instances          runs of the model in flight at once (default 1) per GPU; each run has
 *                      its own execution contexts (compile's maxContexts is raised to match).
 *   gpus               [0, 1]: the CUDA device ordinals the model runs on (Triton's
 *                      instance_group gpus), `instances` runs on each: one copy of the model
 *                      per GPU (compile's and load's `device`), and the scheduler hands each run
 *                      to the copy with the fewest in flight. Default: device 0 only. Needs the
 *                      cuda backend.
 *
 * Implicit int8 (compile's `calibration`, with "int8" in precisions): a folder of .npy batches
 * and/or a TensorRT calibration cache, their paths relative to the model's folder (where
 * config.json is), checked here as compile() checks them; no progress bar (a server's log).
 */
import fs from 'node:fs';
import path from 'node:path';
import { CALIBRATION_OPTION_KEYS, type CalibrationOption, checkCalibrationOption, checkInt8PolicyOption } from '../compiler/int8.js';
import type { CompileOptions } from '../compiler/options.js';
import { type InputShape, type ShapeRange, profilesOption } from '../compiler/profiles.js';
import type { Dim } from '../ir/types.js';
import { HybridError, messageLine } from '../errors.js';
import { checkKnownKeys } from '../util/option-keys.js';
import { checkDevice } from '../engine/device.js';

/** compile() options config.json may give (the rest, callbacks and registries, have no JSON form). */
const COMPILE_KEYS = [
  'inputs',
  'profiles',
  'precisions',
  'backend',
  'minBlockSize',
  'fallbackOps',
  'fallbackNodes',
  'requireFullCompilation',
  'threads',
  'cacheDir',
  'timingCachePath',
  'inputValues',
  'calibration',
  'int8Sensitivity',
  'accuracyTarget',
] as const;
/** calibration's keys in config.json: compile()'s but progress (a server logs, it draws no bar). */
const CALIBRATION_KEYS = CALIBRATION_OPTION_KEYS.filter((k) => k !== 'progress');
/** What a .hybrid file was already compiled with cannot change; these still apply to it ('backend' as a check). */
const LOAD_KEYS = ['threads', 'backend'] as const;
const SERVING_KEYS = ['max_batch_size', 'dynamic_batching', 'instances', 'gpus'] as const;
const BATCHING_KEYS = ['preferred_batch_size', 'max_queue_delay_microseconds'];

/** Largest max_batch_size accepted (a batch is one engine run: its arena grows with it). */
export const MAX_BATCH_LIMIT = 4096;
/** Most runs in flight per model and GPU. */
export const MAX_INSTANCES = 64;
/** Most GPUs one model may list. */
export const MAX_GPUS = 64;

export interface DynamicBatching {
  /** Batch sizes worth running at once: a batch that reaches one runs without waiting (sorted). */
  preferred: number[];
  /** How long the first request of a batch may wait for more, in milliseconds. */
  maxQueueDelayMs: number;
}

/** One value of config.json's inputValues: a number, a boolean, an integer as a decimal string (int64 beyond 2^53), or a flat array of these. */
type JsonScalar = number | boolean | string;
export type JsonInputValues = Record<string, JsonScalar | JsonScalar[]>;

export interface ModelConfig {
  /** The file, for messages. */
  file: string;
  compile: Pick<CompileOptions, Exclude<(typeof COMPILE_KEYS)[number], 'inputValues'>>;
  /**
   * Inputs fixed at compile time (compile's inputValues, in JSON's form: jsonInputValues turns
   * them into values of the inputs' dtypes). Requests may leave them out; they are not batched.
   */
  inputValues?: JsonInputValues;
  maxBatchSize: number;
  dynamicBatching?: DynamicBatching;
  instances: number;
  /** The device ordinals of the model's copies (`gpus`; absent: one copy, on device 0). */
  gpus?: number[];
}

const bad = (file: string, message: string) => new HybridError('OPTION', `${file}: ${message}`);

function intIn(file: string, key: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw bad(file, `${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return v;
}

/** Reads and checks DIR/<model>/config.json; a missing file is the defaults. */
export function readConfig(file: string, artifact: boolean): ModelConfig {
  if (!fs.existsSync(file)) return { file, compile: {}, maxBatchSize: 0, instances: 1 };
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw bad(file, `not valid JSON (${messageLine(e)})`);
  }
  return parseConfig(json, file, artifact);
}

/** A parsed config.json checked (see the file comment); `artifact`: the model is a .hybrid file. */
export function parseConfig(json: unknown, file: string, artifact: boolean): ModelConfig {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw bad(file, 'must hold a JSON object');
  const o = json as Record<string, unknown>;
  const compileKeys: readonly string[] = artifact ? LOAD_KEYS : COMPILE_KEYS;
  const known = [...compileKeys, ...SERVING_KEYS];
  const misplaced = !artifact ? undefined : Object.keys(o).find((k) => (COMPILE_KEYS as readonly string[]).includes(k) && !known.includes(k));
  if (misplaced) throw bad(file, `'${misplaced}' applies to model.onnx only: a model.hybrid is already compiled (compile it again to change it)`);
  try {
    checkKnownKeys(o, known, 'config.json keys');
  } catch (e) {
    throw bad(file, messageLine(e));
  }
  const compile = Object.fromEntries(Object.entries(o).filter(([k]) => compileKeys.includes(k) && k !== 'inputValues')) as ModelConfig['compile'];
  const maxBatchSize = o.max_batch_size === undefined ? 0 : intIn(file, 'max_batch_size', o.max_batch_size, 0, MAX_BATCH_LIMIT);
  const instances = o.instances === undefined ? 1 : intIn(file, 'instances', o.instances, 1, MAX_INSTANCES);
  const config: ModelConfig = { file, compile, maxBatchSize, instances };
  if (o.dynamic_batching !== undefined) config.dynamicBatching = batchingOf(file, o.dynamic_batching, maxBatchSize);
  if (o.inputValues !== undefined) config.inputValues = inputValuesOf(file, o.inputValues);
  if (o.gpus !== undefined) config.gpus = gpusOf(file, o.gpus, o.backend);
  if (!artifact) {
    try {
      if (compile.calibration !== undefined) compile.calibration = calibrationOf(file, compile.calibration);
      // int8 without a calibration, a calibration without int8, the policy's needs: as compile() says them.
      const calibration = checkCalibrationOption(compile.precisions ?? [], compile.calibration);
      checkInt8PolicyOption(compile.precisions ?? [], calibration, compile);
      profilesOption(compile.inputs, compile.profiles); // shapes checked now, with the file named
    } catch (e) {
      throw bad(file, messageLine(e));
    }
  }
  return config;
}

/**
 * config.json's calibration: compile()'s keys but progress, `data` a folder (JSON has no
 * batches), `data` and `cache` relative to the model's folder (config.json's); no progress bar.
 */
function calibrationOf(file: string, v: unknown): CalibrationOption {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new HybridError('OPTION', 'calibration must be an object, e.g. { "data": "calib/", "cache": "model.cache" }');
  checkKnownKeys(v as Record<string, unknown>, CALIBRATION_KEYS, 'calibration keys');
  const c = { ...(v as CalibrationOption) };
  const folder = path.dirname(file);
  for (const key of ['data', 'cache'] as const) {
    const p = c[key];
    if (p === undefined) continue;
    if (typeof p !== 'string' || p === '')
      throw new HybridError(
        'OPTION',
        `calibration.${key} must be a path relative to the model's folder, e.g. "${key === 'data' ? 'calib/' : 'model.cache'}"`,
      );
    c[key] = path.resolve(folder, p);
  }
  return { ...c, progress: false };
}

/** config.json's inputValues, checked for form (their dtypes and shapes are checked against the model by compile()). */
function inputValuesOf(file: string, v: unknown): JsonInputValues {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad(file, 'inputValues must be an object of input name -> value, e.g. { "sr": 16000 }');
  const scalar = (x: unknown) => typeof x === 'number' || typeof x === 'boolean' || (typeof x === 'string' && /^[+-]?\d+$/.test(x));
  for (const [name, value] of Object.entries(v)) {
    const ok = Array.isArray(value) ? value.length > 0 && value.every(scalar) : scalar(value);
    if (!ok)
      throw bad(
        file,
        `inputValues.${name} must be a number, a boolean, an integer as a decimal string (int64 beyond 2^53), or a flat array of these; got ${JSON.stringify(value)}`,
      );
  }
  return v as JsonInputValues;
}

/** config.json's gpus: distinct device ordinals (device.ts checks each), on the cuda backend. */
function gpusOf(file: string, v: unknown, backend: unknown): number[] {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_GPUS)
    throw bad(file, `gpus must be an array of 1 to ${MAX_GPUS} CUDA device ordinals, e.g. [0, 1]; got ${JSON.stringify(v)}`);
  const gpus = v.map((d, i) => {
    try {
      return checkDevice(d, `gpus[${i}]`);
    } catch (e) {
      throw bad(file, messageLine(e));
    }
  });
  const twice = gpus.find((d, i) => gpus.indexOf(d) !== i);
  if (twice !== undefined) throw bad(file, `gpus lists device ${twice} twice; list each GPU once (instances sets the runs per GPU)`);
  if (backend === 'cpu') throw bad(file, `gpus needs the cuda backend; the model is asked to run on backend 'cpu'`);
  return gpus;
}

function batchingOf(file: string, v: unknown, maxBatchSize: number): DynamicBatching {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw bad(file, 'dynamic_batching must be an object, e.g. { "max_queue_delay_microseconds": 500 }');
  const o = v as Record<string, unknown>;
  try {
    checkKnownKeys(o, BATCHING_KEYS, 'dynamic_batching keys');
  } catch (e) {
    throw bad(file, messageLine(e));
  }
  if (maxBatchSize === 0) throw bad(file, 'dynamic_batching needs max_batch_size > 0 (dim 0 of every input is the batch)');
  const preferred = o.preferred_batch_size === undefined ? [] : o.preferred_batch_size;
  if (!Array.isArray(preferred)) throw bad(file, 'dynamic_batching.preferred_batch_size must be an array of batch sizes, e.g. [4, 8]');
  const sizes = preferred.map((p, i) => intIn(file, `dynamic_batching.preferred_batch_size[${i}]`, p, 1, maxBatchSize));
  const delay =
    o.max_queue_delay_microseconds === undefined
      ? 0
      : intIn(file, 'dynamic_batching.max_queue_delay_microseconds', o.max_queue_delay_microseconds, 0, 60_000_000);
  return { preferred: [...new Set(sizes)].sort((a, b) => a - b), maxQueueDelayMs: delay / 1000 };
}

/**
 * The `inputs`/`profiles` compile() gets for a model served with max_batch_size N: each input
 * given as a static shape, or declared and not given, becomes a range on dim 0 from 1 to N
 * (opt: the largest preferred batch size, else N), its other dims as given or declared; a
 * given range or profiles must already hold batch 1..N. `declared` is the model's data inputs
 * with their declared shapes, less those fixed by inputValues (compile gives those their values' shapes).
 */
export function batchedShapes(
  config: ModelConfig,
  declared: ReadonlyArray<{ name: string; shape?: readonly Dim[] }>,
): Pick<CompileOptions, 'inputs' | 'profiles'> {
  const { file, maxBatchSize: n, compile } = config;
  const given = profilesOption(compile.inputs, compile.profiles);
  if (n === 0) return { ...(compile.inputs ? { inputs: compile.inputs } : {}), ...(compile.profiles ? { profiles: compile.profiles } : {}) };
  const opt = config.dynamicBatching?.preferred.at(-1) ?? n;
  const holds = (r: ShapeRange) => r.min[0] !== undefined && r.min[0] <= 1 && r.max[0]! >= n;
  if (compile.profiles) {
    for (const { name } of declared) {
      if (!given.some((p) => p[name] && holds(p[name])))
        throw bad(file, `no profile ranges dim 0 of input '${name}' over batch 1..${n} (max_batch_size)`);
    }
    return { ...(compile.inputs ? { inputs: compile.inputs } : {}), profiles: compile.profiles };
  }
  const inputs: Record<string, InputShape> = {};
  for (const { name, shape } of declared) {
    const r = given[0]![name];
    if (r && r.min.some((d, i) => d !== r.max[i])) {
      if (!holds(r)) throw bad(file, `inputs: '${name}' ranges dim 0 over ${r.min[0]}..${r.max[0]}, which must hold batch 1..${n} (max_batch_size)`);
      inputs[name] = r;
      continue;
    }
    const dims = r ? r.min : shape;
    if (!dims || dims.length === 0)
      throw bad(file, `input '${name}' has no batch dim (no declared shape); give its shape in inputs, e.g. { "${name}": [1, 3, 224, 224] }`);
    const rest = dims.slice(1);
    const symbolic = rest.findIndex((d) => typeof d !== 'number');
    if (symbolic >= 0)
      throw bad(
        file,
        `input '${name}': dim ${symbolic + 1} is '${rest[symbolic]}' in the model; give its size in inputs, e.g. { "${name}": [1, ...] }`,
      );
    const tail = rest as number[];
    inputs[name] = { min: [1, ...tail], opt: [opt, ...tail], max: [n, ...tail] };
  }
  return { inputs };
}
