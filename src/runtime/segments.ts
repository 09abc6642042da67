/**
 * The two kinds of segment at run time, behind one interface: each reads its inputs from the
 * run's tensor store, runs, stores its outputs, and says what crossing its boundary cost.
 *
 * - EngineSegment: a native engine and a pool of execution contexts (one per run in flight);
 *   the run executes off the JavaScript thread. On the cuda backend it takes device-resident
 *   inputs as they are (no host copy) and leaves on the device the outputs the store wants
 *   there (those another engine segment reads); the rest come back through pinned memory. Inputs are checked against the shapes the
 *   engine was built for, which matters where a fallback segment's output shape depends on
 *   data (probed at compile time, different now): that is a SHAPE error, never a bad read.
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

export class EngineSegment implements SegmentRunner {
  readonly kind = 'engine' as const;
  private readonly inputInfo: NativeTensorInfo[];
  private readonly outputInfo: NativeTensorInfo[];
  private readonly layerInfo: NativeLayerInfo[];

  constructor(
    readonly id: number,
    readonly engine: Engine,
    readonly pool: ContextPool,
    /** The backend the engine runs on: decides what crossing its boundary costs. */
    private readonly backend: 'cpu' | 'cuda',
  ) {
    const info = engine.info();
    this.inputInfo = info.inputs;
    this.outputInfo = info.outputs;
    this.layerInfo = info.layers;
  }

  get contexts(): number {
    return this.pool.created;
  }

  private checkShape(name: string, dims: readonly number[], info: NativeTensorInfo): void {
    if (dims.length !== info.shape.length || dims.some((d, i) => d !== info.shape[i])) {
      throw new HybridError(
        'SHAPE',
        `engine segment ${this.id}: '${name}' has shape [${dims.join(',')}], the engine was built for ` +
          `[${info.shape.join(',')}] (its producer's output shape depends on the data; force its readers to the fallback ` +
          `with fallbackNodes, or compile with inputs that give this shape)`,
      );
    }
  }

  async run(store: TensorStore, options: SegmentRunOptions = {}): Promise<SegmentIO> {
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
        this.checkShape(info.name, device.dims, info);
        inputs.push({ tensor: info.name, bytes: device.bytes, copy: 'none' });
        args.push(device);
        continue;
      }
      const { tensor, copy } = await store.host(info.name);
      this.checkShape(info.name, tensor.dims, info);
      inputs.push({ tensor: info.name, bytes: tensorBytes(tensor), copy: copy === 'none' ? inCopy : copy });
      args.push(tensor.data);
    }
    const locations: OutputLocation[] = this.outputInfo.map((o) => (cuda && store.wantsDevice(o.name) ? 'device' : 'host'));
    const ctx = await this.pool.acquire();
    let outs;
    let timing: SegmentTiming | undefined;
    try {
      outs = await ctx.run(args, { outputLocation: locations, ...(options.timing ? { timing: options.timing } : {}) });
      // Read before the context goes back to the pool: its next run overwrites it.
      if (options.timing) timing = this.timingOf(ctx.timing, ctx.graph, ctx.graphNodes);
    } finally {
      this.pool.release(ctx);
    }
    const outputs: TransferStats[] = [];
    this.outputInfo.forEach((info, i) => {
      const out = outs[i]!;
      if (out instanceof DeviceTensor) {
        store.putDevice(info.name, out);
        outputs.push({ tensor: info.name, bytes: out.bytes, copy: 'none' });
        return;
      }
      const tensor: TensorData = { dtype: info.dtype, dims: [...info.shape], data: out };
      store.putHost(info.name, tensor);
      outputs.push({ tensor: info.name, bytes: tensorBytes(tensor), copy: outCopy });
    });
    return { inputs, outputs, ...(timing ? { timing } : {}) };
  }

  private timingOf(t: RunTiming | null, graph: string, graphNodes: number): SegmentTiming | undefined {
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
    };
  }

  async dispose(): Promise<void> {
    this.pool.dispose();
    this.engine.dispose();
  }
}

export class FallbackSegment implements SegmentRunner {
  readonly kind = 'fallback' as const;

  constructor(
    readonly id: number,
    private readonly session: ort.InferenceSession,
    /** Values the caller expects it to store (the segment's boundary outputs). */
    private readonly outputs: readonly string[],
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

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
