/**
 * HybridModel: a compiled model. `run(feeds)` checks the feeds, then runs the segments in
 * topological order over a fresh tensor store, freeing each value after its last reader, and
 * returns the model's outputs as onnxruntime Tensors.
 *
 * Several runs may be in flight at once: each has its own store, and each engine segment
 * lends it an execution context of its own from the engine's pool.
 *
 * On the cuda backend, values that another engine segment reads stay on the GPU between the
 * two segments (no host bytes); `run(feeds, { outputLocation: 'gpu' })` returns the outputs
 * as DeviceTensors for a caller that feeds them to another model, and feeds may be
 * DeviceTensors. `dispose()` refuses new
 * runs at once (DISPOSED), lets the runs in flight finish, then frees engines, contexts and
 * sessions.
 */
import type ort from 'onnxruntime-node';
import { DeviceTensor, toDevice } from '../engine/device-tensor.js';
import { type SaveOptions, type SavedParts, artifactBytes, saveArtifact } from '../artifact/save.js';
import { HybridError } from '../errors.js';
import type { TensorData } from '../onnx/tensor.js';
import { type Feeds, normalizeRunFeeds, toOutput } from './feeds.js';
import type { Schedule } from './schedule.js';
import { type Profile, type ShapeRange, chooseProfile } from '../compiler/profiles.js';
import { bindSymbols } from '../ir/symbols.js';
import type { SegmentRunner } from './segments.js';
import { summarizeRun } from './stats.js';
import { TensorStore } from './tensor-store.js';
import type { ModelStats, OutputInfo, Provenance, RunStats, SegmentRunStats, TensorInfo } from './types.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';

/** Model outputs by name, as onnxruntime Tensors. */
export type Outputs = Record<string, ort.Tensor>;

/** Model outputs by name, in GPU memory (run with outputLocation 'gpu'). */
export type DeviceOutputs = Record<string, DeviceTensor>;

export interface ModelRunOptions {
  /**
   * 'cpu' (default): outputs are onnxruntime Tensors in host memory. 'gpu' (cuda backend):
   * outputs are DeviceTensors left in GPU memory, for a caller that feeds them to another
   * model or engine; the caller disposes them (or lets garbage collection free them).
   */
  outputLocation?: 'cpu' | 'gpu';
  /**
   * Engine segments measure themselves (the run's stats carry each one's `timing`): 'coarse',
   * input copies, layers and output copies (CUDA events on cuda); 'layers', every layer too (a
   * per-layer profile). Off by default.
   */
  timing?: 'coarse' | 'layers';
}

/** Every key of ModelRunOptions, once (an unknown key is an OPTION error naming the nearest). */
export const RUN_OPTION_KEYS = optionKeys<ModelRunOptions>()(['outputLocation', 'timing']);

/** Everything compile() hands the model. */
export interface HybridModelParts<Report> {
  /** Names the model in errors: its file, or '<bytes>'. */
  label: string;
  backend: 'cpu' | 'cuda';
  inputs: TensorInfo[];
  outputs: OutputInfo[];
  schedule: Schedule;
  /** One per scheduled segment, in the same order. */
  runners: SegmentRunner[];
  /** Outputs that are constants of the model (no segment computes them). */
  constants: Map<string, TensorData>;
  report: Report;
  /** Where the model came from (compile() gives it; a loaded model keeps its file's). */
  provenance?: Provenance;
}

/**
 * A compiled model (see compile()): run it with `run(feeds)`, read what runs where in `report`,
 * free it with `dispose()`. `Report` is compile()'s ModelReport.
 */
export class HybridModel<Report = unknown> {
  /** The backend the engines run on. */
  readonly backend: 'cpu' | 'cuda';
  /** The inputs as compiled: name, dtype, static shape (and the shape the model declares). */
  readonly inputs: readonly TensorInfo[];
  /** The outputs: name, dtype, shape (as compiled; see OutputInfo). */
  readonly outputs: readonly OutputInfo[];
  /** The partition report: what runs where and why, boundaries, recommendations, and renderers. */
  readonly report: Report;

  private readonly label: string;
  private readonly schedule: Schedule;
  /** Per optimization profile, each ranged input's range (a dynamic model only). */
  private readonly profiles: Profile[] | undefined;
  /** Values an engine segment reads: kept on the device by their producer (cuda). */
  private readonly deviceValues: ReadonlySet<string>;
  private readonly runners: SegmentRunner[];
  private readonly constants: Map<string, TensorData>;
  private inFlight = 0;
  private whenIdle?: () => void;
  private disposing?: Promise<void>;
  private readonly counters = { runs: 0, failedRuns: 0 };
  private lastRun?: RunStats;
  private readonly parts: HybridModelParts<Report>;

  /** @internal Use compile(). */
  constructor(parts: HybridModelParts<Report>) {
    this.parts = parts;
    this.label = parts.label;
    this.backend = parts.backend;
    this.inputs = Object.freeze(parts.inputs.map((i) => Object.freeze({ ...i })));
    const ranged = parts.inputs.filter((i) => i.ranges);
    this.profiles = ranged.length
      ? ranged[0]!.ranges!.map((_, p) => Object.fromEntries(ranged.map((i) => [i.name, i.ranges![p]!] as [string, ShapeRange])))
      : undefined;
    this.outputs = Object.freeze(parts.outputs.map((o) => Object.freeze({ ...o })));
    this.schedule = parts.schedule;
    this.runners = parts.runners;
    this.constants = parts.constants;
    this.report = parts.report;
    this.deviceValues = new Set(parts.backend === 'cuda' ? parts.schedule.segments.filter((s) => s.kind === 'engine').flatMap((s) => s.inputs) : []);
  }

  /**
   * Writes the compiled model to one `.hybrid` file (docs/artifacts.md): manifest, engine
   * plans, fallback sub-models and weights, each weight once. `load(path)` runs it without
   * compiling again. `embedSource` adds the source ONNX model, so that a machine whose device
   * differs can rebuild (`load(path, { rebuild: 'if-needed' })`). Written atomically (a
   * temporary file renamed over `path`).
   */
  async save(path: string, options: SaveOptions = {}): Promise<void> {
    if (this.disposing) throw new HybridError('DISPOSED', `${this.label}: the model was disposed`);
    await saveArtifact(this.savedParts(), path, options);
  }

  /** The model as bytes of a `.hybrid` file (what save() writes). */
  async toBytes(options: SaveOptions = {}): Promise<Uint8Array> {
    if (this.disposing) throw new HybridError('DISPOSED', `${this.label}: the model was disposed`);
    return artifactBytes(this.savedParts(), options);
  }

  private savedParts(): SavedParts {
    const p = this.parts;
    return {
      label: p.label,
      backend: p.backend,
      inputs: p.inputs,
      outputs: p.outputs,
      runners: p.runners,
      constants: p.constants,
      report: p.report,
      provenance: p.provenance,
    };
  }

  /** Input names, in the model's order. */
  get inputNames(): string[] {
    return this.inputs.map((i) => i.name);
  }

  /** Output names, in the model's order. */
  get outputNames(): string[] {
    return this.outputs.map((o) => o.name);
  }

  /** True once dispose() was called. */
  get disposed(): boolean {
    return this.disposing !== undefined;
  }

  /** Runs so far, failed runs, the last run's statistics, and contexts created per engine segment. */
  get stats(): ModelStats {
    const contexts: Record<number, number> = {};
    for (const r of this.runners) if (r.contexts !== undefined) contexts[r.id] = r.contexts;
    return { ...this.counters, ...(this.lastRun ? { lastRun: this.lastRun } : {}), contexts };
  }

  /**
   * Runs the model. `feeds` maps every input name to an onnxruntime Tensor or a typed array of
   * the input's dtype storage (shape taken from the compiled input). Resolves with every
   * output, or, as onnxruntime's `InferenceSession.run(feeds, fetches)`, with the outputs named
   * in `fetches` only (the model still computes all of them). Errors: INPUT (bad feeds, a fetch
   * the model does not output), SHAPE (a shape other than the compiled one), DISPOSED. The feeds'
   * arrays may be read until the promise settles (as onnxruntime's are): do not write into them
   * before (on cuda, engines copy them to the GPU during the run, docs/cuda.md).
   */
  run(feeds: Feeds): Promise<Outputs>;
  run(feeds: Feeds, options: { outputLocation: 'gpu' }): Promise<DeviceOutputs>;
  run(feeds: Feeds, fetches: readonly string[], options?: { outputLocation?: 'cpu'; timing?: ModelRunOptions['timing'] }): Promise<Outputs>;
  run(feeds: Feeds, fetches: readonly string[], options: { outputLocation: 'gpu' }): Promise<DeviceOutputs>;
  run(feeds: Feeds, options?: ModelRunOptions): Promise<Outputs | DeviceOutputs>;
  async run(feeds: Feeds, second?: ModelRunOptions | readonly string[], third?: ModelRunOptions): Promise<Outputs | DeviceOutputs> {
    if (!Array.isArray(second)) return (await this.runWithStats(feeds, (second as ModelRunOptions | undefined) ?? {})).outputs;
    const fetches = second as readonly string[];
    for (const f of fetches) {
      if (typeof f !== 'string' || !this.outputNames.includes(f)) {
        throw new HybridError(
          'INPUT',
          `${this.label}: run(feeds, fetches): the model has no output '${String(f)}' (its outputs: ${this.outputNames.join(', ')})`,
        );
      }
    }
    const all = (await this.runWithStats(feeds, third ?? {})).outputs as Record<string, ort.Tensor | DeviceTensor>;
    const picked: Record<string, ort.Tensor | DeviceTensor> = {};
    for (const [name, t] of Object.entries(all)) {
      if (fetches.includes(name)) picked[name] = t;
      else if (t instanceof DeviceTensor) t.dispose(); // GPU memory nobody asked for
    }
    return picked as Outputs | DeviceOutputs;
  }

  /** Like run(), with this run's statistics (time per segment, boundary transfers and copies). */
  runWithStats(feeds: Feeds): Promise<{ outputs: Outputs; stats: RunStats }>;
  runWithStats(feeds: Feeds, options: { outputLocation: 'gpu' }): Promise<{ outputs: DeviceOutputs; stats: RunStats }>;
  runWithStats(feeds: Feeds, options?: ModelRunOptions): Promise<{ outputs: Outputs | DeviceOutputs; stats: RunStats }>;
  async runWithStats(feeds: Feeds, options: ModelRunOptions = {}): Promise<{ outputs: Outputs | DeviceOutputs; stats: RunStats }> {
    try {
      return await this.runChecked(feeds, options);
    } catch (e) {
      // Every run that ends in an error counts, those refused before any work included.
      this.counters.failedRuns++;
      throw e;
    }
  }

  private async runChecked(feeds: Feeds, options: ModelRunOptions): Promise<{ outputs: Outputs | DeviceOutputs; stats: RunStats }> {
    if (this.disposing) throw new HybridError('DISPOSED', `${this.label}: the model was disposed`);
    const t0 = performance.now();
    if (options === null || typeof options !== 'object') throw new HybridError('OPTION', 'run options must be an object');
    checkKnownKeys(options, RUN_OPTION_KEYS, 'run options');
    const location = options.outputLocation ?? 'cpu';
    if (location !== 'cpu' && location !== 'gpu') {
      throw new HybridError('OPTION', `outputLocation must be 'cpu' or 'gpu', got '${String(location)}'`);
    }
    if (location === 'gpu' && this.backend !== 'cuda') {
      throw new HybridError('OPTION', `${this.label}: outputLocation 'gpu' needs the cuda backend; this model runs on ${this.backend}`);
    }
    if (options.timing !== undefined && options.timing !== 'coarse' && options.timing !== 'layers') {
      throw new HybridError('OPTION', `timing must be 'coarse' or 'layers', got '${String(options.timing)}'`);
    }
    const inputs = normalizeRunFeeds(feeds, this.inputs);
    const profile = this.profiles ? this.profileOf(inputs) : 0;
    this.inFlight++;
    const deviceValues = location === 'gpu' ? new Set([...this.deviceValues, ...this.outputNames]) : this.deviceValues;
    const store = new TensorStore({ deviceValues });
    try {
      const timing = options.timing;
      const result =
        location === 'gpu'
          ? await this.execute(store, inputs, t0, true, profile, timing)
          : await this.execute(store, inputs, t0, false, profile, timing);
      result.stats.profile = profile;
      this.counters.runs++;
      this.lastRun = result.stats;
      return result;
    } finally {
      store.clear();
      if (--this.inFlight === 0) this.whenIdle?.();
    }
  }

  /**
   * The profile of a dynamic model's run: feeds that give a dim the model names once (`batch` in
   * two inputs) two sizes are an INPUT error naming both; then the first profile that holds
   * every feed's shape (profiles.ts), else a SHAPE error.
   */
  private profileOf(inputs: ReadonlyMap<string, { dims: readonly number[] }>): number {
    const dims = new Map([...inputs].map(([n, t]) => [n, t.dims]));
    try {
      bindSymbols(
        this.inputs.map((i) => ({
          input: i.name,
          declared: i.declaredShape,
          dims: dims.get(i.name) ?? i.value?.dims ?? [],
          what: `input '${i.name}'`,
        })),
      );
    } catch (e) {
      throw new HybridError('INPUT', (e as Error).message, { cause: e });
    }
    return chooseProfile(this.profiles!, dims);
  }

  /** dispose(), under onnxruntime's name (InferenceSession.release()). */
  release(): Promise<void> {
    return this.dispose();
  }

  /** `await using model = await compile(...)` disposes the model at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  /**
   * Frees the engines, their execution contexts and the onnxruntime sessions once the runs in
   * flight have finished. Later calls of run() fail with HybridError('DISPOSED'). Idempotent.
   */
  dispose(): Promise<void> {
    this.disposing ??= (async () => {
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.whenIdle = resolve));
      for (const r of this.runners) await r.dispose();
    })();
    return this.disposing;
  }

  private async execute(
    store: TensorStore,
    inputs: Map<string, TensorData | DeviceTensor>,
    t0: number,
    gpu: false,
    profile: number,
    timing?: 'coarse' | 'layers',
  ): Promise<{ outputs: Outputs; stats: RunStats }>;
  private async execute(
    store: TensorStore,
    inputs: Map<string, TensorData | DeviceTensor>,
    t0: number,
    gpu: true,
    profile: number,
    timing?: 'coarse' | 'layers',
  ): Promise<{ outputs: DeviceOutputs; stats: RunStats }>;
  private async execute(
    store: TensorStore,
    inputs: Map<string, TensorData | DeviceTensor>,
    t0: number,
    gpu: boolean,
    profile: number,
    timing?: 'coarse' | 'layers',
  ): Promise<{ outputs: Outputs | DeviceOutputs; stats: RunStats }> {
    const { schedule } = this;
    for (const [name, t] of inputs) {
      if (t instanceof DeviceTensor) store.putDevice(name, t, { borrowed: true });
      else store.putHost(name, t);
    }
    store.release(schedule.releaseInputs);
    const segments: SegmentRunStats[] = [];
    for (let i = 0; i < schedule.segments.length; i++) {
      const seg = schedule.segments[i]!;
      const s0 = performance.now();
      const io = await this.runners[i]!.run(store, { profile, ...(timing ? { timing } : {}) });
      for (const t of io.inputs) t.from = schedule.producer.get(t.tensor);
      segments.push({ id: seg.id, kind: seg.kind, ms: performance.now() - s0, ...io });
      store.release(seg.release);
    }
    if (gpu) return this.deviceOutputs(store, inputs, t0, segments);
    const downloadsBefore = { ...store.downloads };
    const outputs: Outputs = {};
    for (const o of this.outputs) {
      const constant = this.constants.get(o.name);
      let t: TensorData;
      // Outputs are the caller's to keep and modify: never hand out the model's own constant.
      if (constant) t = { ...constant, data: constant.data.slice() };
      else {
        t = store.hostNow(o.name) ?? (await store.host(o.name)).tensor;
        // A model input passed straight through: the caller gets a copy, not its own array back.
        if (inputs.get(o.name) === t) t = { ...t, data: t.data.slice() };
      }
      outputs[o.name] = toOutput(o.name, t);
    }
    const outputDownloads = { count: store.downloads.count - downloadsBefore.count, bytes: store.downloads.bytes - downloadsBefore.bytes };
    return { outputs, stats: summarizeRun(performance.now() - t0, segments, store.peakBytes, outputDownloads) };
  }

  /**
   * The outputs as DeviceTensors: engine outputs are handed over as they are (the store lets
   * go of them); constants and values produced on the host are uploaded (counted).
   */
  private async deviceOutputs(
    store: TensorStore,
    inputs: Map<string, TensorData | DeviceTensor>,
    t0: number,
    segments: SegmentRunStats[],
  ): Promise<{ outputs: DeviceOutputs; stats: RunStats }> {
    const outputs: DeviceOutputs = {};
    const uploads = { count: 0, bytes: 0 };
    try {
      for (const o of this.outputs) {
        const constant = this.constants.get(o.name);
        const taken = constant || outputs[o.name] ? undefined : store.take(o.name);
        if (taken?.device instanceof DeviceTensor && taken.device.backend === 'cuda') {
          outputs[o.name] = taken.device;
          continue;
        }
        const host = constant ?? taken?.host ?? (await taken!.device!.download());
        outputs[o.name] = await toDevice(host, 'cuda');
        uploads.count++;
        uploads.bytes += outputs[o.name]!.bytes;
        if (taken?.device && !(inputs.get(o.name) === taken.device)) taken.device.dispose();
      }
    } catch (e) {
      for (const t of Object.values(outputs)) if (![...inputs.values()].includes(t)) t.dispose();
      throw e;
    }
    const stats = summarizeRun(performance.now() - t0, segments, store.peakBytes, { count: 0, bytes: 0 });
    stats.hostToDevice.count += uploads.count;
    stats.hostToDevice.bytes += uploads.bytes;
    stats.copies.count += uploads.count;
    stats.copies.bytes += uploads.bytes;
    return { outputs, stats };
  }
}
