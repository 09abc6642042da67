/**
 * HybridModel: a compiled model. `run(feeds)` checks the feeds, then runs the segments in
 * topological order over a fresh tensor store, freeing each value after its last reader, and
 * returns the model's outputs as onnxruntime Tensors.
 *
 * Several runs may be in flight at once: each has its own store, and each engine segment
 * lends it an execution context of its own from the engine's pool. `dispose()` refuses new
 * runs at once (DISPOSED), lets the runs in flight finish, then frees engines, contexts and
 * sessions.
 */
import type ort from 'onnxruntime-node';
import { HybridError } from '../errors.js';
import type { TensorData } from '../onnx/tensor.js';
import { type Feeds, normalizeFeeds, toOutput } from './feeds.js';
import type { Schedule } from './schedule.js';
import type { SegmentRunner } from './segments.js';
import { summarizeRun } from './stats.js';
import { TensorStore } from './tensor-store.js';
import type { ModelStats, OutputInfo, RunStats, SegmentRunStats, TensorInfo } from './types.js';

/** Model outputs by name, as onnxruntime Tensors. */
export type Outputs = Record<string, ort.Tensor>;

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
  private readonly runners: SegmentRunner[];
  private readonly constants: Map<string, TensorData>;
  private inFlight = 0;
  private whenIdle?: () => void;
  private disposing?: Promise<void>;
  private readonly counters = { runs: 0, failedRuns: 0 };
  private lastRun?: RunStats;

  /** @internal Use compile(). */
  constructor(parts: HybridModelParts<Report>) {
    this.label = parts.label;
    this.backend = parts.backend;
    this.inputs = Object.freeze(parts.inputs.map((i) => Object.freeze({ ...i })));
    this.outputs = Object.freeze(parts.outputs.map((o) => Object.freeze({ ...o })));
    this.schedule = parts.schedule;
    this.runners = parts.runners;
    this.constants = parts.constants;
    this.report = parts.report;
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
   * output. Errors: INPUT (bad feeds), SHAPE (a shape other than the compiled one), DISPOSED.
   */
  async run(feeds: Feeds): Promise<Outputs> {
    return (await this.runWithStats(feeds)).outputs;
  }

  /** Like run(), with this run's statistics (time per segment, boundary transfers and copies). */
  async runWithStats(feeds: Feeds): Promise<{ outputs: Outputs; stats: RunStats }> {
    if (this.disposing) throw new HybridError('DISPOSED', `${this.label}: the model was disposed`);
    const t0 = performance.now();
    const inputs = normalizeFeeds(feeds, this.inputs);
    this.inFlight++;
    const store = new TensorStore();
    try {
      const result = await this.execute(store, inputs, t0);
      this.counters.runs++;
      this.lastRun = result.stats;
      return result;
    } catch (e) {
      this.counters.failedRuns++;
      throw e;
    } finally {
      store.clear();
      if (--this.inFlight === 0) this.whenIdle?.();
    }
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

  private async execute(store: TensorStore, inputs: Map<string, TensorData>, t0: number): Promise<{ outputs: Outputs; stats: RunStats }> {
    const { schedule } = this;
    for (const [name, t] of inputs) store.putHost(name, t);
    store.release(schedule.releaseInputs);
    const segments: SegmentRunStats[] = [];
    for (let i = 0; i < schedule.segments.length; i++) {
      const seg = schedule.segments[i]!;
      const s0 = performance.now();
      const io = await this.runners[i]!.run(store);
      for (const t of io.inputs) t.from = schedule.producer.get(t.tensor);
      segments.push({ id: seg.id, kind: seg.kind, ms: performance.now() - s0, ...io });
      store.release(seg.release);
    }
    const downloadsBefore = { ...store.downloads };
    const outputs: Outputs = {};
    for (const o of this.outputs) {
      const constant = this.constants.get(o.name);
      let t: TensorData;
      // Outputs are the caller's to keep and modify: never hand out the model's own constant.
      if (constant) t = { ...constant, data: constant.data.slice() };
      else {
        t = (await store.host(o.name)).tensor;
        // A model input passed straight through: the caller gets a copy, not its own array back.
        if (inputs.get(o.name) === t) t = { ...t, data: t.data.slice() };
      }
      outputs[o.name] = toOutput(o.name, t);
    }
    const outputDownloads = { count: store.downloads.count - downloadsBefore.count, bytes: store.downloads.bytes - downloadsBefore.bytes };
    return { outputs, stats: summarizeRun(performance.now() - t0, segments, store.peakBytes, outputDownloads) };
  }
}
