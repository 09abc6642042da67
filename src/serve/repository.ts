/**
 * The model repository, laid out as Triton's:
 *
 *   DIR/<model>/config.json            compile options and serving settings (config.ts; optional)
 *   DIR/<model>/<version>/model.hybrid a compiled model (load()), or
 *   DIR/<model>/<version>/model.onnx   an ONNX model, compiled at startup (compile())
 *
 * Versions are positive integers; a request without one gets the highest version that is
 * ready. Every version loads on its own: one that fails (bad config, a model that does not
 * compile, a batch range it cannot serve) is UNAVAILABLE with the reason, which its metadata
 * and ready endpoints report, and the others serve.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compile, type CompiledModel } from '../compiler/compile.js';
import { load } from '../artifact/load.js';
import type { Profile, ShapeRange } from '../compiler/profiles.js';
import { Graph } from '../ir/graph.js';
import { jsonInputValues } from '../compiler/input-values.js';
import { loadModelProto } from '../onnx/model.js';
import { messageLine } from '../errors.js';
import { SERVING_INLINE_RUN_MAX_US } from '../engine/run-placement.js';
import { type ModelConfig, batchedShapes, readConfig } from './config.js';
import { ServeError } from './errors.js';
import { wantsWarmup, warmBatches } from './warmup.js';

export type ModelState = 'LOADING' | 'READY' | 'UNAVAILABLE';

/** One version of a model, as the server holds it. */
export interface ServedVersion {
  name: string;
  version: string;
  state: ModelState;
  /** Why it is UNAVAILABLE. */
  reason?: string;
  file?: string;
  config?: ModelConfig;
  model?: CompiledModel;
  /** Every copy of the model, one per GPU of config.json's `gpus` (`model` is the first). */
  copies?: CompiledModel[];
  /** Per profile, each ranged input's range (a dynamic model), as run() chooses among them. */
  profiles?: Profile[];
}

export interface ServedModel {
  name: string;
  /** By version, highest first. */
  versions: ServedVersion[];
  /** Why the model has no version at all. */
  reason?: string;
}

const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The models and versions under `dir`, every version LOADING; a bad folder is an error. */
export function scanRepository(dir: string): ServedModel[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new ServeError('INVALID', `model repository ${dir}: ${messageLine(e)}`);
  }
  const models: ServedModel[] = [];
  for (const e of entries.filter((x) => x.isDirectory() && MODEL_NAME.test(x.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const folder = path.join(dir, e.name);
    const versions = fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((v) => v.isDirectory() && /^[1-9]\d{0,17}$/.test(v.name))
      .map((v) => v.name)
      .sort((a, b) => Number(b) - Number(a));
    const model: ServedModel = { name: e.name, versions: versions.map((version) => ({ name: e.name, version, state: 'LOADING' })) };
    if (!versions.length) model.reason = `${folder} has no version folder (${folder}/1/model.onnx or model.hybrid)`;
    models.push(model);
  }
  return models;
}

export interface LoadSettings {
  onLog?: (message: string, level: 'info' | 'warn') => void;
  /**
   * The cores this process may use (default: the machine's): a version's default `threads` is
   * these divided by its instances. A server of several processes (cluster.ts) gives each its share.
   */
  cores?: number;
}

/** Loads one version in place: READY with its model, or UNAVAILABLE with the reason. */
export async function loadVersion(dir: string, v: ServedVersion, settings: LoadSettings): Promise<void> {
  const label = `model '${v.name}' version ${v.version}`;
  try {
    const folder = path.join(dir, v.name, v.version);
    const files = ['model.hybrid', 'model.onnx'].filter((f) => fs.existsSync(path.join(folder, f)));
    if (files.length !== 1) {
      throw new ServeError(
        'INVALID',
        files.length ? `${folder} holds both model.hybrid and model.onnx; keep one` : `${folder} holds no model.hybrid or model.onnx`,
      );
    }
    const file = path.join(folder, files[0]!);
    const artifact = file.endsWith('.hybrid');
    const config = readConfig(path.join(dir, v.name, 'config.json'), artifact);
    const threads = config.compile.threads ?? Math.max(1, Math.floor((settings.cores ?? os.availableParallelism()) / config.instances));
    const onLog = (message: string, level: 'info' | 'warn') => settings.onLog?.(`${label}: ${message}`, level);
    const [first, ...others] = config.gpus ?? [undefined];
    const on = (device: number | undefined) => (device === undefined ? {} : { device });
    // The event loop reads, batches and answers requests while runs compute: only runs shorter
    // than the thread hops take it (run-placement.ts; HYBRIDRT_INLINE_RUN_US still overrides).
    const inlineRunUs = SERVING_INLINE_RUN_MAX_US;
    let model: CompiledModel;
    if (artifact) {
      model = await load(file, { label, threads, maxContexts: config.instances, inlineRunUs, onLog, ...on(first) });
      const asked = config.compile.backend;
      if (asked && asked !== 'auto' && asked !== model.backend) {
        throw new ServeError('INVALID', `${file} runs on ${model.backend}, but config.json asks for backend '${asked}'`);
      }
    } else {
      const proto = loadModelProto(file);
      const graph = Graph.fromModel(proto, file);
      // Inputs fixed by inputValues take their values' shapes (compile()) and are not batched.
      const fixed = config.inputValues ? { inputValues: jsonInputValues(graph, config.inputValues) } : {};
      const declared = graph.inputs
        .filter((i) => !graph.isInitializer(i) && !Object.hasOwn(config.inputValues ?? {}, i))
        .map((name) => ({ name, shape: graph.types.get(name)?.shape }));
      model = await compile(proto, {
        ...config.compile,
        ...batchedShapes(config, declared),
        ...fixed,
        label,
        threads,
        maxContexts: config.instances,
        inlineRunUs,
        onLog,
        ...on(first),
      });
    }
    v.model = model;
    v.copies = [model];
    if (config.gpus && model.backend !== 'cuda') {
      throw new ServeError('INVALID', `${label}: config.json lists gpus, but the model runs on backend '${model.backend}'; gpus needs cuda`);
    }
    // The other GPUs' copies: the first copy's engines loaded there (one build for every GPU of
    // one model; a GPU of another architecture refuses them, and the model is compiled there).
    const bytes = others.length && !artifact ? await model.toBytes({ embedSource: true }) : undefined;
    for (const device of others) {
      const options = { label: `${label} on GPU ${device}`, threads, maxContexts: config.instances, inlineRunUs, onLog, device };
      v.copies.push(await load(bytes ?? file, bytes ? { ...options, rebuild: 'if-needed' } : options));
    }
    v.profiles = profilesOf(model);
    Object.assign(v, { file, config });
    checkBatching(v, label);
    if (wantsWarmup(model, config.maxBatchSize, !!config.dynamicBatching)) {
      onLog(`preparing batch sizes 1..${config.maxBatchSize} for the dynamic batcher`, 'info');
      let ms = 0;
      for (const copy of v.copies) ms += await warmBatches(copy, config.maxBatchSize);
      onLog(`batch sizes 1..${config.maxBatchSize} prepared in ${(ms / 1000).toFixed(1)} s`, 'info');
    }
    v.state = 'READY';
  } catch (e) {
    for (const m of v.copies ?? (v.model ? [v.model] : [])) await m.dispose().catch(() => {});
    delete v.model;
    delete v.copies;
    v.state = 'UNAVAILABLE';
    const why = messageLine(e);
    v.reason = why.startsWith(`${label}: `) ? why.slice(label.length + 2) : why;
  }
}

/** The profiles of a model's ranged inputs, fixed ones left out (undefined: every input static). */
function profilesOf(model: CompiledModel): Profile[] | undefined {
  const ranged = model.inputs.filter((i) => i.ranges && !i.value);
  if (!ranged.length) return undefined;
  return ranged[0]!.ranges!.map((_, p) => Object.fromEntries(ranged.map((i) => [i.name, i.ranges![p]!] as [string, ShapeRange])));
}

/**
 * A model served with max_batch_size N must take batch 1..N on dim 0 of every input (but those
 * fixed at compile time, which requests may leave out and which are not batched), and every
 * output must carry the batch on its dim 0 where N > 1 (as Triton assumes): an output whose dim 0 compile
 * found fixed does not follow the batch, and cutting it by rows would hand each request rows
 * that are not its own. (A dim 0 that varies with the data rather than the batch is caught at
 * run time: the batcher refuses a merged run whose output dim 0 is not the batch.)
 */
function checkBatching(v: ServedVersion, label: string): void {
  const n = v.config!.maxBatchSize;
  if (n === 0) return;
  for (const input of v.model!.inputs.filter((i) => !i.value)) {
    const ranges = input.ranges ?? [{ min: input.shape, max: input.shape }];
    for (let b = 1; b <= n; b++) {
      if (!ranges.some((r) => r.min.length > 0 && r.min[0]! <= b && b <= r.max[0]!)) {
        throw new ServeError(
          'INVALID',
          `${label}: input '${input.name}' is compiled for dim 0 in ${ranges.map((r) => `${r.min[0]}..${r.max[0]}`).join(', ')}, not batch 1..${n} (max_batch_size)`,
        );
      }
    }
  }
  for (const output of v.model!.outputs) {
    const first = output.shape?.[0];
    if (n > 1 && output.shape && (first === undefined || typeof first === 'number')) {
      throw new ServeError(
        'INVALID',
        `${label}: output '${output.name}' has shape [${output.shape.join(',')}], whose dim 0 does not follow the batch; serve it with max_batch_size 0`,
      );
    }
  }
}

/**
 * The version a request names, or the highest ready one: NOT_FOUND for an unknown model or
 * version, NOT_READY (with the reason) for one that is not ready when `ready` is asked for.
 */
export function findVersion(models: readonly ServedModel[], name: string, version: string | undefined, ready: boolean): ServedVersion {
  const m = models.find((x) => x.name === name);
  if (!m) throw new ServeError('NOT_FOUND', `unknown model '${name}' (served: ${models.map((x) => x.name).join(', ') || 'none'})`);
  if (m.reason && !m.versions.length) throw new ServeError('NOT_READY', `model '${name}' is not available: ${m.reason}`);
  const v = version ? m.versions.find((x) => x.version === version) : (m.versions.find((x) => x.state === 'READY') ?? m.versions[0]);
  if (!v) throw new ServeError('NOT_FOUND', `model '${name}' has no version '${version}' (versions: ${m.versions.map((x) => x.version).join(', ')})`);
  if (ready && v.state !== 'READY') throw notReady(v);
  return v;
}

export function notReady(v: ServedVersion): ServeError {
  const why = v.state === 'LOADING' ? 'is still loading' : `failed to load: ${v.reason}`;
  return new ServeError('NOT_READY', `model '${v.name}' version ${v.version} ${why}`);
}
