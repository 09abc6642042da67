/**
 * The two kinds of segment at run time, behind one interface: each reads its inputs from the
 * run's tensor store, runs, stores its outputs, and says what crossing its boundary cost.
 *
 * - EngineSegment: a native engine and a pool of execution contexts (one per run in flight);
 *   the run executes off the JavaScript thread (a small cpu run on it: engine/run-placement.ts).
 *   On the cuda backend it takes device-resident
 *   inputs as they are (no host copy) and leaves on the device the outputs the store wants
 *   there (those another engine segment reads); the rest come back through pinned memory.
 *   Inputs are checked against the shapes the engine was built for. A value computed inside
 *   the model can differ from them where its shape depends on the data and compile() probed
 *   it as static: the model is not wrong and neither is the user, so where compile() kept the
 *   segment's sub-model (`shapeFallback`) the run computes that segment on onnxruntime instead,
 *   with a warning once; elsewhere it is a SHAPE error that says so. Never a bad read.
 * - FallbackSegment: a sub-model on an onnxruntime-node InferenceSession, fed by name.
 *   NOTE: onnxruntime-node runs a session synchronously on the JavaScript thread (its async
 *   run() only defers the call with setImmediate), so fallback work blocks the event loop for
 *   its duration; engine work does not.
 */
import ort from 'onnxruntime-node';
import { DeviceTensor } from '../engine/device-tensor.js';
import type { Engine, OutputLocation, RunTiming, TimingMode } from '../engine/engine.js';
import type { NativeLayerInfo, NativeTensorInfo } from '../engine/native.js';
import { HybridError } from '../errors.js';
import { fromOrtTensor, toOrtTensor } from '../onnx/ort.js';
import type { TypedArray } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import { ContextPool } from './context-pool.js';
import { type TensorStore, tensorBytes } from './tensor-store.js';
import type { CopyKind, SegmentTiming, TransferStats } from './types.js';

export interface SegmentIO {
  inputs: TransferStats[];
  outputs: TransferStats[];
  timing?: SegmentTiming;
}

/** How a segment runs: with `timing`, engine segments measure themselves (SegmentTiming). */
export interface SegmentRunOptions {
  timing?: Exclude<TimingMode, 'off'>;
  /** The optimization profile the run's input shapes chose (profiles.ts chooseProfile; default 0). */
  profile?: number;
}

export interface SegmentRunner {
  readonly id: number;
  readonly kind: 'engine' | 'fallback';
  /** Execution contexts created so far (engine segments). */
  readonly contexts?: number;
  /** Reads `inputs` from the store, runs, stores `outputs`; returns the transfers. */
  run(store: TensorStore, options?: SegmentRunOptions): Promise<SegmentIO>;
  /** Frees native memory or the session. Called once no run is in flight. */
  dispose(): Promise<void>;
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ').trim();
}

/** How an engine segment runs when a value computed inside the model comes with another shape. */
export interface ShapeFallback {
  /** The segment's sub-model (ONNX bytes): what a saved model stores. */
  model: Uint8Array;
  /** Opens the segment's sub-model on onnxruntime (called once, the first time). */
  open(): Promise<FallbackSegment>;
  /** Told once, when the first run takes the fallback. */
  warn(message: string): void;
}

/** An engine of a segment and the contexts it runs in: one per optimization profile. */
export interface ProfileEngine {
  engine: Engine;
  pool: ContextPool;
}

export class EngineSegment implements SegmentRunner {
  readonly kind = 'engine' as const;
  private readonly inputInfo: NativeTensorInfo[];
  private readonly outputInfo: NativeTensorInfo[];
  private readonly layerInfo: NativeLayerInfo[];
  /** Whether the engines take shape ranges (then a run's shapes are the engine's to check). */
  private readonly dynamic: boolean;
  /** Whether a run's output shapes are the run's (a dynamic engine, or a data-dependent output), not info's. */
  private readonly sizedByRun: boolean;
  private fallback?: Promise<FallbackSegment>;
  /** The sub-model a run falls back to where a shape differs (saved with the model). */
  get shapeFallbackModel(): Uint8Array | undefined {
    return this.shapeFallback?.model;
  }
  /** Runs that took the onnxruntime fallback because an input's shape differed. */
  shapeFallbackRuns = 0;

  constructor(
    readonly id: number,
    /** Per optimization profile (one for a static model), in profile order. */
    readonly profiles: readonly ProfileEngine[],
    /** The backend the engine runs on: decides what crossing its boundary costs. */
    private readonly backend: 'cpu' | 'cuda',
    private readonly shapeFallback?: ShapeFallback,
  ) {
    const info = profiles[0]!.engine.info();
    this.inputInfo = info.inputs;
    this.outputInfo = info.outputs;
    this.layerInfo = info.layers;
    this.dynamic = profiles.some((p) => p.engine.info().ranges !== undefined);
    this.sizedByRun = this.dynamic || this.outputInfo.some((o) => o.dataDependentDim !== undefined);
  }

  /** The first profile's engine (the only one of a static model). */
  get engine(): Engine {
    return this.profiles[0]!.engine;
  }

  get pool(): ContextPool {
    return this.profiles[0]!.pool;
  }

  get contexts(): number {
    return this.profiles.reduce((a, p) => a + p.pool.created, 0);
  }

  /** The first input whose shape differs from the engine's, described; undefined where all agree. */
  private shapeChange(store: TensorStore): string | undefined {
    for (const info of this.inputInfo) {
      const dims = store.dims(info.name);
      if (dims && (dims.length !== info.shape.length || dims.some((d, i) => d !== info.shape[i]))) {
        return `'${info.name}' has shape [${dims.join(',')}] where compile() found [${info.shape.join(',')}]`;
      }
    }
    return undefined;
  }

  run(store: TensorStore, options: SegmentRunOptions = {}): Promise<SegmentIO> {
    // A dynamic engine checks the run's shapes against its ranges itself (a SHAPE error).
    const change = this.dynamic ? undefined : this.shapeChange(store);
    // Not an async function around runEngine: returning a promise from one costs turns of the
    // microtask queue, a measurable share of a small run.
    return change ? this.runShapeFallback(store, options, change) : this.runEngine(store, options);
  }

  private async runShapeFallback(store: TensorStore, options: SegmentRunOptions, change: string): Promise<SegmentIO> {
    if (!this.shapeFallback) {
      throw new HybridError(
        'SHAPE',
        `engine segment ${this.id}: ${change}: its shape, computed inside the model, depends on the input data, and the ` +
          `engine was built for the probed one; force the segment's nodes to onnxruntime with fallbackNodes`,
      );
    }
    if (!this.fallback) {
      this.shapeFallback.warn(
        `engine segment ${this.id}: ${change} (it depends on the input data); this and later such runs compute the segment on onnxruntime`,
      );
      this.fallback = this.shapeFallback.open();
    }
    this.shapeFallbackRuns++;
    return (await this.fallback).run(store, options);
  }

  private async runEngine(store: TensorStore, options: SegmentRunOptions): Promise<SegmentIO> {
    // The cpu engine copies inputs into its arena and outputs out of it (host memcpy). The cuda
    // engine takes device tensors as they are (a device-to-device copy into its arena: no host
    // bytes), uploads host ones and downloads host outputs through pinned staging buffers.
    const cuda = this.backend === 'cuda';
    const inCopy: CopyKind = cuda ? 'host-to-device' : 'host';
    const outCopy: CopyKind = cuda ? 'device-to-host' : 'host';
    const inputs: TransferStats[] = [];
    const args: Array<TypedArray | DeviceTensor> = [];
    for (const info of this.inputInfo) {
      const device = cuda ? store.device(info.name) : undefined;
      if (device instanceof DeviceTensor && device.backend === 'cuda') {
        inputs.push({ tensor: info.name, bytes: device.bytes, copy: 'none' });
        args.push(device);
        continue;
      }
      // A host value is read at once: an await per input is a turn of the microtask queue.
      const held = store.hostNow(info.name);
      const { tensor, copy } = held ? { tensor: held, copy: 'none' as const } : await store.host(info.name);
      inputs.push({ tensor: info.name, bytes: tensorBytes(tensor), copy: copy === 'none' ? inCopy : copy });
      args.push(tensor.data);
    }
    // Every cpu output comes to the host, the binding's default: no list for it to read each run.
    const locations: OutputLocation[] | undefined = cuda ? this.outputInfo.map((o) => (store.wantsDevice(o.name) ? 'device' : 'host')) : undefined;
    const { pool } = this.profiles[options.profile ?? 0] ?? this.profiles[0]!;
    const shapes = this.dynamic ? this.inputInfo.map((i) => store.dims(i.name) ?? i.shape) : undefined;
    const ctx = pool.idleContext() ?? (await pool.acquire());
    let outs;
    // A dynamic engine's outputs vary with its inputs, and a data-dependent output's (NonZero's
    // count) with the data: the run's shapes are the context's.
    let outShapes: number[][] | undefined;
    let timing: SegmentTiming | undefined;
    try {
      outs = await ctx.run(args, {
        ...(locations ? { outputLocation: locations } : {}),
        ...(options.timing ? { timing: options.timing } : {}),
        ...(shapes ? { shapes } : {}),
      });
      // Read before the context goes back to the pool: its next run overwrites it.
      if (this.sizedByRun) outShapes = ctx.outputShapes;
      if (options.timing) timing = this.timingOf(ctx.timing, ctx.graph, ctx.graphNodes, ctx.prepareMs);
    } catch (e) {
      throw e instanceof HybridError && e.code === 'SHAPE' ? new HybridError('SHAPE', `engine segment ${this.id}: ${e.message}`, { cause: e }) : e;
    } finally {
      pool.release(ctx);
    }
    const outputs: TransferStats[] = [];
    this.outputInfo.forEach((info, i) => {
      const out = outs[i]!;
      if (out instanceof DeviceTensor) {
        store.putDevice(info.name, out);
        outputs.push({ tensor: info.name, bytes: out.bytes, copy: 'none' });
        return;
      }
      const tensor: TensorData = { dtype: info.dtype, dims: [...(outShapes?.[i] ?? info.shape)], data: out };
      store.putHost(info.name, tensor);
      outputs.push({ tensor: info.name, bytes: tensorBytes(tensor), copy: outCopy });
    });
    return { inputs, outputs, ...(timing ? { timing } : {}) };
  }

  private timingOf(t: RunTiming | null, graph: string, graphNodes: number, prepareMs: number): SegmentTiming | undefined {
    if (!t) return undefined;
    const layers = t.layers
      ? this.layerInfo.flatMap((l, i) =>
          l.kind === 'constant'
            ? []
            : [
                {
                  name: l.name,
                  kind: l.kind,
                  ms: t.layers![i]!,
                  tactic: l.tactic,
                  ...(l.tacticMs !== undefined ? { tacticMs: l.tacticMs } : {}),
                  ...(l.fusedFrom ? { fusedFrom: l.fusedFrom } : {}),
                },
              ],
        )
      : undefined;
    return {
      hostToDeviceMs: t.hostToDeviceMs,
      computeMs: t.computeMs,
      deviceToHostMs: t.deviceToHostMs,
      ...(layers ? { layers } : {}),
      graph,
      graphNodes,
      ...(prepareMs > 0 ? { prepareMs } : {}),
    };
  }

  async dispose(): Promise<void> {
    for (const p of this.profiles) {
      p.pool.dispose();
      p.engine.dispose();
    }
    const fallback = this.fallback;
    this.fallback = undefined;
    if (fallback) await (await fallback.catch(() => undefined))?.dispose();
  }
}

export class FallbackSegment implements SegmentRunner {
  readonly kind = 'fallback' as const;

  constructor(
    readonly id: number,
    private readonly session: ort.InferenceSession,
    /** Values the caller expects it to store (the segment's boundary outputs). */
    private readonly outputs: readonly string[],
    /** The sub-model the session runs (ONNX bytes): what a saved model stores. */
    readonly model: Uint8Array,
  ) {}

  async run(store: TensorStore, options: SegmentRunOptions = {}): Promise<SegmentIO> {
    const feeds: Record<string, ort.Tensor> = {};
    const inputs: TransferStats[] = [];
    for (const name of this.session.inputNames) {
      const { tensor, copy } = await store.host(name);
      feeds[name] = toOrtTensor(tensor, `value '${name}'`);
      inputs.push({ tensor: name, bytes: tensorBytes(tensor), copy });
    }
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await this.session.run(feeds, [...this.outputs]);
    } catch (e) {
      throw new HybridError('NATIVE', `fallback segment ${this.id}: onnxruntime failed: ${oneLine(e)}`, { cause: e });
    }
    const outputs: TransferStats[] = [];
    for (const name of this.outputs) {
      const t = results[name];
      if (!t) throw new HybridError('NATIVE', `fallback segment ${this.id}: onnxruntime returned no '${name}'`);
      const tensor = fromOrtTensor(t, `value '${name}'`);
      store.putHost(name, tensor);
      outputs.push({ tensor: name, bytes: tensorBytes(tensor), copy: 'none' });
    }
    return { inputs, outputs };
  }

  /** The values the session reads and writes (what load() checks against the schedule). */
  get io(): { inputs: readonly string[]; outputs: readonly string[] } {
    return { inputs: this.session.inputNames, outputs: this.session.outputNames };
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
