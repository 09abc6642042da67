/**
 * Engines from TypeScript: build one from a NetworkDefinition (or load a plan), create
 * execution contexts, run them. A typed wrapper over the addon (native.ts) that turns every
 * native error into a HybridError (PLAN for bad plans, INPUT for bad feeds, DISPOSED for
 * disposed objects, BACKEND for a missing backend, NATIVE otherwise) and accepts inputs by
 * binding order or by name.
 *
 * Runs execute off the JavaScript thread, except short ones on the cpu backend, which run on
 * the calling thread inside run() (run-placement.ts: where the engine's recent runs took less
 * than its limit, 10 ms by default, and none of its runs is in flight); either way run() returns
 * a promise. One run at a time per context; for concurrent runs create one context per run in
 * flight (each has its own activation memory).
 */
import { HybridError } from '../errors.js';
import type { TypedArray } from '../onnx/dtype.js';
import { DeviceTensor } from './device-tensor.js';
import { native, sync, toHybridError } from './native-errors.js';
import {
  type NativeContext,
  type NativeDeviceStatus,
  type NativeDeviceTensor,
  type NativeEngine,
  type NativeEngineInfo,
  type NativeRunTiming,
  type NativeTimingMode,
  type NativeTransfers,
  loadNative,
} from './native.js';
import type { BuildConfig, NetworkDefinition } from './network.js';
import { BUILD_SWITCHES } from './build-config.js';
import { checkPrecision, effectivePrecisions, floatPrecisions } from './precision.js';
import { RunPlacement, inlineRunLimitUs } from './run-placement.js';
import { checkTimingCachePath } from './timing-cache.js';
import { checkBackendDevice, checkDevice } from './device.js';

export type EngineInfo = NativeEngineInfo;
export type DeviceStatus = NativeDeviceStatus;
export type Transfers = NativeTransfers;
export type RunTiming = NativeRunTiming;
export type TimingMode = NativeTimingMode;

/** An engine input: host data (the typed array of its dtype's storage) or a device tensor. */
export type EngineInput = TypedArray | DeviceTensor;
export type EngineInputs = readonly EngineInput[] | Readonly<Record<string, EngineInput>>;

/** Where a run leaves its outputs: on the host (typed arrays) or the device (DeviceTensors). */
export type OutputLocation = 'host' | 'device';
export interface RunOptions {
  /** One location for every output, or one per output in binding order (default 'host'). */
  outputLocation?: OutputLocation | readonly OutputLocation[];
  /** What the run measures, read back from `timing` (default 'off'; see NativeTimingMode). */
  timing?: TimingMode;
  /**
   * Each input's shape, in binding order (a dynamic engine: any shape in its ranges; default:
   * a device tensor's own shape, else the declared one). Read the outputs' from `outputShapes`.
   */
  shapes?: readonly (readonly number[])[];
}

/** Backends compiled into the addon ('cpu', and 'cuda' where it was built with CUDA). */
export function compiledBackends(): string[] {
  return sync(() => loadNative().backends());
}

/** Whether a backend can run here (on device ordinal `device`, default 0), and why not. */
export function deviceQuery(backend: 'cpu' | 'cuda', device = 0): DeviceStatus {
  checkDevice(device);
  return sync(() => loadNative().deviceQuery(backend, device));
}

/** True when the addon has the cuda backend and a usable NVIDIA device (false on cpu-only builds). */
export function cudaAvailable(): boolean {
  return deviceQuery('cuda').available;
}

export class ExecutionContext {
  constructor(
    private readonly ctx: NativeContext,
    private readonly engineInfo: EngineInfo,
    /** Where runs execute: shared by the engine's contexts. */
    private readonly placement: RunPlacement,
  ) {}

  /** A run waits for its turn of the event loop (runAfterTurn): the context is held for it already. */
  private waiting = false;

  /** True while a run is in flight (or waits for its turn to run inline). */
  get busy(): boolean {
    return this.waiting || this.ctx.busy;
  }

  /** True while a run waits for its turn of the event loop to run on this thread (run-placement.ts). */
  get waitingForTurn(): boolean {
    return this.waiting;
  }

  get disposed(): boolean {
    return this.ctx.disposed;
  }

  /**
   * Runs the engine on `inputs` (binding order, or by input name) and resolves with the
   * outputs in binding order. Each input must be the typed array of its dtype's storage
   * (float16/bfloat16: Uint16Array, int64: BigInt64Array, bool: Uint8Array) with exactly
   * the input's element count, or a DeviceTensor of the engine's backend, dtype and shape.
   * With `outputLocation: 'device'` the outputs stay in device memory as DeviceTensors.
   * A short cpu run executes on the calling thread (run-placement.ts): before run() returns,
   * its promise settled then, or after one turn of the event loop; its errors still a rejection.
   */
  run(inputs: EngineInputs): Promise<TypedArray[]>;
  run(inputs: EngineInputs, options: { outputLocation: 'device' }): Promise<DeviceTensor[]>;
  run(inputs: EngineInputs, options: RunOptions): Promise<Array<TypedArray | DeviceTensor>>;
  run(inputs: EngineInputs, options: RunOptions = {}): Promise<Array<TypedArray | DeviceTensor>> {
    // A promise chain rather than an async function around the call: one turn of the
    // microtask queue less per run. Errors, thrown at once or rejected, are HybridErrors.
    let pending: Promise<Array<TypedArray | NativeDeviceTensor>>;
    const placement = this.placement;
    try {
      if (this.waiting) {
        // The addon's own refusal of a second run (its context is not bound until the turn).
        throw new HybridError(
          'NATIVE',
          'a run is already in flight on this execution context (waiting for its turn of the event loop); use one context per concurrent run',
        );
      }
      const loc = options.outputLocation;
      const args = this.ordered(inputs).map((v) => (v instanceof DeviceTensor ? v.native : v));
      const nativeOptions: Parameters<NativeContext['run']>[1] & object = {};
      if (loc !== undefined) nativeOptions.outputLocation = typeof loc === 'string' ? loc : [...loc];
      if (options.timing !== undefined) nativeOptions.timing = options.timing;
      if (options.shapes !== undefined) nativeOptions.shapes = options.shapes.map((s) => [...s]);
      if (placement.inline()) {
        if (placement.yields()) return this.runAfterTurn(args, nativeOptions);
        const outs = wrapOutputs(this.ctx.runSync(args, nativeOptions));
        placement.record(this.ctx.runMs);
        return Promise.resolve(outs);
      }
      pending = this.ctx.run(args, nativeOptions);
    } catch (e) {
      return Promise.reject(toHybridError(e));
    }
    placement.started();
    return pending.then(
      (outs) => {
        placement.finished(this.ctx.runMs);
        try {
          return wrapOutputs(outs);
        } catch (e) {
          throw toHybridError(e);
        }
      },
      (e: unknown) => {
        placement.finished();
        throw toHybridError(e);
      },
    );
  }

  /**
   * An inline run of an engine whose runs take SETTLE_IN_RUN_MAX_US or more: one turn of the
   * event loop first, as onnxruntime-node's run() takes, then the run on this thread. It counts
   * as in flight meanwhile (a run of the engine started then takes a worker).
   */
  private runAfterTurn(
    args: Parameters<NativeContext['run']>[0],
    nativeOptions: Parameters<NativeContext['run']>[1],
  ): Promise<Array<TypedArray | DeviceTensor>> {
    const placement = this.placement;
    placement.started();
    this.waiting = true;
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      this.waiting = false;
      try {
        const outs = wrapOutputs(this.ctx.runSync(args, nativeOptions));
        placement.finished(this.ctx.runMs);
        return outs;
      } catch (e) {
        placement.finished();
        throw toHybridError(e);
      }
    });
  }

  /** Like run(), with outputs keyed by name. */
  async runNamed(inputs: EngineInputs): Promise<Record<string, TypedArray>> {
    const outs = await this.run(inputs);
    return Object.fromEntries(this.engineInfo.outputs.map((o, i) => [o.name, outs[i]!]));
  }

  /** Copies the last run made: host-to-device and device-to-host (pinned staging), device-to-device. */
  get transfers(): Transfers {
    return this.ctx.transfers;
  }

  /** The last run's timing (run with `timing`), else null. */
  get timing(): RunTiming | null {
    return this.ctx.timing;
  }

  /** Each output's shape in the last run. */
  get outputShapes(): number[][] {
    return this.ctx.outputShapes;
  }

  /** What the last run spent preparing the engine for shapes it met first (ms; 0: none). */
  get prepareMs(): number {
    return this.ctx.prepareMs;
  }

  /** This context's CUDA graph: 'off', 'warm-up', 'ready', 'captured' or 'failed: <why>'. */
  get graph(): string {
    return this.ctx.graph;
  }

  /** Operations in this context's captured graph (0 before capture). */
  get graphNodes(): number {
    return this.ctx.graphNodes;
  }

  /** Frees the context's memory (after the run in flight, if any). Idempotent. */
  dispose(): void {
    this.ctx.dispose();
  }

  private ordered(inputs: EngineInputs): EngineInput[] {
    if (Array.isArray(inputs)) return inputs as EngineInput[];
    const byName = inputs as Readonly<Record<string, EngineInput>>;
    const names = this.engineInfo.inputs.map((i) => i.name);
    for (const k of Object.keys(byName)) {
      if (!names.includes(k)) {
        throw new HybridError('INPUT', `unknown input '${k}' for engine '${this.engineInfo.name}' (inputs: ${names.join(', ')})`);
      }
    }
    return names.map((n) => {
      const v = byName[n];
      if (!v) throw new HybridError('INPUT', `input '${n}' of engine '${this.engineInfo.name}' is missing`);
      return v;
    });
  }
}

/** The addon's outputs with device tensors wrapped, in place: the array is the run's own. */
function wrapOutputs(outs: Array<TypedArray | NativeDeviceTensor>): Array<TypedArray | DeviceTensor> {
  const wrapped = outs as Array<TypedArray | NativeDeviceTensor | DeviceTensor>;
  for (let i = 0; i < wrapped.length; i++) {
    const o = wrapped[i]!;
    if (!ArrayBuffer.isView(o)) wrapped[i] = new DeviceTensor(o as NativeDeviceTensor);
  }
  return wrapped as Array<TypedArray | DeviceTensor>;
}

export class Engine {
  private cachedInfo: EngineInfo | undefined;
  private placement: RunPlacement | undefined;

  constructor(private readonly engine: NativeEngine) {}

  /** Inputs, outputs, per-layer tactics and memory figures. */
  info(): EngineInfo {
    if (this.engine.disposed) throw new HybridError('DISPOSED', 'engine was disposed');
    this.cachedInfo ??= sync(() => this.engine.info());
    return this.cachedInfo;
  }

  /** Per-shape instances runs have made since the build (a dynamic engine; info() is a snapshot). */
  get instancesMade(): number {
    return sync(() => this.engine.info().instancesMade ?? 0);
  }

  /** The engine as a plan (magic, version, backend, device, checksum, sections). */
  serialize(): Uint8Array {
    return sync(() => this.engine.serialize());
  }

  /**
   * A new context with its own activation memory. `inlineRunUs`: the limit under which cpu runs
   * take the calling thread (run-placement.ts inlineRunLimitUs); the first context's sets the
   * engine's.
   */
  createContext(inlineRunUs?: number): ExecutionContext {
    const info = this.info();
    // HYBRIDRT_INLINE_RUN_US is read when the engine makes its first context.
    this.placement ??= new RunPlacement(info.backend, inlineRunLimitUs(process.env, inlineRunUs));
    return new ExecutionContext(
      sync(() => this.engine.createContext()),
      info,
      this.placement,
    );
  }

  get disposed(): boolean {
    return this.engine.disposed;
  }

  /**
   * Frees the engine. Its contexts become unusable; their memory is freed now, or when their
   * run in flight settles. Idempotent.
   */
  dispose(): void {
    this.engine.dispose();
  }
}

function checkConfig(config: Partial<BuildConfig>): void {
  if (config.backend !== undefined && config.backend !== 'cpu' && config.backend !== 'cuda') {
    throw new HybridError('OPTION', `backend '${String(config.backend)}' is not one of: cpu, cuda`);
  }
  for (const p of config.precisions ?? []) checkPrecision(p, 'precision');
  if (config.threads !== undefined && (!Number.isInteger(config.threads) || config.threads < 0)) {
    throw new HybridError('OPTION', `threads must be a non-negative integer (0: every core), got ${config.threads}`);
  }
  for (const k of BUILD_SWITCHES) {
    if (config[k] !== undefined && typeof config[k] !== 'boolean') throw new HybridError('OPTION', `${k} must be a boolean`);
  }
  if (config.timingCachePath !== undefined) checkTimingCachePath(config.timingCachePath);
  checkDevice(config.device);
}

/**
 * Validates and builds `network` into an engine. The network's weights are read (not
 * copied) while building and copied once into the engine, so the arrays may change or go
 * away afterwards. On the cuda backend, 'fp16' or 'bf16' in `precisions` lets float layers
 * run in that type (native/src/builder/precision.h; info() says per layer); the cpu backend computes
 * in fp32 whatever float precision is allowed (BACKEND_PRECISIONS); 'int8' changes nothing here: int8 layers come from a Q/DQ network's
 * quantize/dequantize layers, which the qdq pass folds (`qdq`, on by default) whatever the precisions. The builder fuses layers (`fusion`, on by default), makes fp16/bf16 convolutions channels-last (`layout`, cuda), runs reshapes as
 * aliases of their inputs (`alias`, on by default), merges elementwise chains into one
 * generated kernel each (`pointwise`, with fusion), fuses attention chains into one layer
 * (`attention`, with fusion), and with `timingCachePath` reuses and
 * records tactic choices in that file.
 */
export async function buildEngine(network: NetworkDefinition, config: Partial<BuildConfig> = {}): Promise<Engine> {
  checkConfig(config);
  const backend = config.backend ?? 'cpu';
  checkBackendDevice(backend, checkDevice(config.device));
  const reduced = floatPrecisions(effectivePrecisions(backend, config.precisions ?? [])).filter((p) => p !== 'fp32');
  const engine = await native(() =>
    loadNative().buildEngine(network, {
      backend,
      ...(config.threads !== undefined ? { threads: config.threads } : {}),
      ...(config.device !== undefined ? { device: config.device } : {}),
      ...(reduced.length ? { precisions: reduced } : {}),
      ...Object.fromEntries(BUILD_SWITCHES.filter((k) => config[k] !== undefined).map((k) => [k, config[k]])),
      ...(config.timingCachePath !== undefined ? { timingCachePath: config.timingCachePath } : {}),
    }),
  );
  return new Engine(engine);
}

/**
 * Rebuilds an engine from a plan; a truncated, altered or foreign plan is HybridError('PLAN').
 * The addon copies the plan before it reads it on a worker thread, unless `lent`: then it reads
 * the bytes where they lie, and the caller promises that no other code holds them (nothing may
 * write or detach them) until the promise settles. load() lends the file it read itself.
 */
export async function deserializeEngine(plan: Uint8Array, options: { threads?: number; device?: number } = {}, lent = false): Promise<Engine> {
  checkConfig({
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.device !== undefined ? { device: options.device } : {}),
  });
  const engine = await native(() => loadNative().deserializeEngine(plan, options, lent));
  return new Engine(engine);
}
