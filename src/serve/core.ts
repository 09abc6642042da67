/**
 * What both transports serve, written once: the repository's models and their schedulers,
 * health, metadata, and inference (look the version up, check the request, queue it, answer
 * its outputs), with the metrics of every request. REST (rest.ts) and gRPC (grpc.ts) only
 * decode requests into InferRequest and encode what comes back.
 *
 * Draining: close() stops new requests (UNAVAILABLE), waits for every request already
 * accepted to be answered, then disposes the models.
 */
import { messageLine } from '../errors.js';
import type { NumericDType, TypedArray } from '../onnx/dtype.js';
import { Scheduler } from './batcher.js';
import { BufferPool } from './buffer-pool.js';
import { datatypeOf } from './datatypes.js';
import { ServeError, toServeError } from './errors.js';
import { type ModelMetadata, modelMetadata } from './metadata.js';
import { chooseProfile } from '../compiler/profiles.js';
import { ServeMetrics } from './metrics.js';
import { type ServedModel, type ServedVersion, findVersion, loadVersion, scanRepository } from './repository.js';
import { type InferRequest, type RequestLimits, checkRequest } from './request.js';

export interface ServeLimits extends RequestLimits {
  /** Bytes a request body (REST) or message (gRPC) may have. */
  maxBodyBytes: number;
  /** Milliseconds from a request's arrival to its answer, body upload included. */
  requestTimeoutMs: number;
  /** Requests that may wait for one model version at once; more are answered 503 / UNAVAILABLE. */
  maxQueue: number;
}

export const DEFAULT_LIMITS: ServeLimits = {
  maxBodyBytes: 64 * 1024 * 1024,
  maxTensorElements: 1 << 26,
  requestTimeoutMs: 30_000,
  maxQueue: 1024,
};

export interface InferOutput {
  name: string;
  dtype: NumericDType;
  /** The protocol's name of dtype. */
  datatype: string;
  shape: number[];
  data: TypedArray;
}

export interface InferResult {
  model_name: string;
  model_version: string;
  id?: string;
  outputs: InferOutput[];
}

export type Protocol = 'rest' | 'grpc';

/** One row of the repository index: a model version (or a model without versions) and its state. */
export interface IndexEntry {
  name: string;
  version?: string;
  state: string;
  reason: string;
}

/**
 * The other processes of a server of several (cluster.ts), as the primary reports them: this
 * process's answers about readiness, the index and the metrics are the whole server's.
 */
export interface Peers {
  /** Whether the whole server is ready: every worker loaded, none stopping. */
  ready(): boolean;
  /** Why a version is not ready in some worker (undefined: ready in every worker that reported). */
  notReady(name: string, version: string): string | undefined;
  /** The whole server's index (undefined: not known yet). */
  index(): IndexEntry[] | undefined;
  /** Prometheus text of every worker's metrics, aggregated. */
  metrics(): Promise<string>;
}

const STOPPING = 'not loaded: the server is stopping';

export class ServeCore {
  readonly metrics = new ServeMetrics();
  /** Memory reused for REST bodies and merged batches. */
  readonly buffers = new BufferPool();
  models: ServedModel[] = [];
  private readonly schedulers = new Map<ServedVersion, Scheduler>();
  private loaded = false;
  private draining = false;
  private inFlight = 0;
  private idle: Array<() => void> = [];
  /** The other workers of a server of several processes (cluster-worker.ts sets it). */
  peers?: Peers;

  constructor(
    readonly repository: string,
    readonly limits: ServeLimits,
    private readonly log: (message: string, level: 'info' | 'warn') => void = () => {},
    /** The cores this process's models may use (LoadSettings.cores). */
    private readonly cores?: number,
  ) {}

  /**
   * Scans the repository (a bad folder throws) and loads every version, one after another; once
   * `signal` aborts, the versions not begun are left UNAVAILABLE ("not loaded: the server is
   * stopping").
   */
  async load(signal?: AbortSignal): Promise<void> {
    this.models = scanRepository(this.repository);
    for (const m of this.models) if (m.reason) this.log(`model '${m.name}': ${m.reason}`, 'warn');
    for (const m of this.models) {
      for (const v of m.versions) {
        this.metrics.ready.set({ model: v.name, version: v.version }, 0);
        if (signal?.aborted) {
          v.state = 'UNAVAILABLE';
          v.reason = STOPPING;
          continue;
        }
        await loadVersion(this.repository, v, { onLog: this.log, ...(this.cores ? { cores: this.cores } : {}) });
        if (v.state === 'READY') {
          const c = v.config!;
          const labels = { model: v.name, version: v.version };
          const label = `model '${v.name}' version ${v.version}`;
          this.schedulers.set(
            v,
            new Scheduler(v.copies ?? [v.model!], {
              maxBatchSize: c.maxBatchSize,
              instances: c.instances,
              label,
              maxQueue: this.limits.maxQueue,
              buffers: this.buffers,
              ...(v.profiles ? { fits: (dims: Map<string, number[]>) => fitsProfile(v.profiles!, dims) } : {}),
              ...(c.dynamicBatching ? { batching: c.dynamicBatching } : {}),
              onRun: (items) => {
                this.metrics.batchSize.observe(labels, items);
                this.metrics.inferences.inc(labels, items);
                this.metrics.executions.inc(labels);
              },
            }),
          );
          this.metrics.ready.set(labels, 1);
          this.log(
            `${label}: ready (${v.model!.backend}, ${c.maxBatchSize ? `batch 1..${c.maxBatchSize}${c.dynamicBatching ? ', dynamic batching' : ''}` : 'no batching'}, ${c.instances} instance${c.instances > 1 ? 's' : ''}${c.gpus ? ` on each of GPUs ${c.gpus.join(', ')}` : ''})`,
            'info',
          );
        } else this.log(`model '${v.name}' version ${v.version}: failed to load: ${v.reason}`, 'warn');
      }
    }
    const skipped = this.models.flatMap((m) => m.versions).filter((v) => v.reason === STOPPING).length;
    if (skipped) this.log(`${skipped} model version${skipped > 1 ? 's' : ''} not loaded: the server is stopping`, 'info');
    this.loaded = true;
  }

  /** Live while the process answers at all, draining included (Kubernetes restarts a pod that is not live). */
  get live(): boolean {
    return true;
  }

  /**
   * Ready once loading is over and until draining begins (with peers: in every worker); failed
   * models are reported per model.
   */
  get ready(): boolean {
    return this.loaded && !this.draining && (this.peers?.ready() ?? true);
  }

  /** A version that is ready (with peers: in every worker), or the error saying why not. */
  readyVersion(name: string, version?: string): ServedVersion {
    const v = findVersion(this.models, name, version, true);
    const elsewhere = this.peers?.notReady(v.name, v.version);
    if (elsewhere) throw new ServeError('NOT_READY', `model '${v.name}' version ${v.version} ${elsewhere}`);
    return v;
  }

  /** The Prometheus text of GET /metrics: this process's, or with peers the whole server's. */
  metricsText(): Promise<string> {
    return this.peers ? this.peers.metrics() : this.metrics.registry.metrics();
  }

  metadata(name: string, version?: string): ModelMetadata {
    const v = findVersion(this.models, name, version, true);
    return modelMetadata(
      this.models.find((m) => m.name === name)!,
      v,
    );
  }

  /** Every model and version with its state (the repository extension's index); with peers, the whole server's. */
  index(): IndexEntry[] {
    return this.peers?.index() ?? this.ownIndex();
  }

  /** This process's index. */
  ownIndex(): IndexEntry[] {
    return this.models.flatMap((m) =>
      m.versions.length
        ? m.versions.map((v) => ({ name: m.name, version: v.version, state: v.state, reason: v.reason ?? '' }))
        : [{ name: m.name, state: 'UNAVAILABLE', reason: m.reason ?? '' }],
    );
  }

  /**
   * Counts a request in flight until `work` settles (close() waits for it); refused with
   * UNAVAILABLE once draining.
   */
  async track<T>(work: () => Promise<T>): Promise<T> {
    if (this.draining) throw new ServeError('UNAVAILABLE', 'the server is shutting down');
    this.inFlight++;
    try {
      return await work();
    } finally {
      if (--this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /**
   * One inference: `arrived` is when the request began (performance.now()), for its deadline and
   * latency; `clientMs`, where the client set a deadline (gRPC's), the time it gave from `arrived`:
   * the request is dropped at the sooner of that and the server's requestTimeoutMs.
   */
  async infer(
    name: string,
    version: string | undefined,
    req: InferRequest,
    protocol: Protocol,
    arrived: number,
    clientMs = Infinity,
  ): Promise<InferResult> {
    const known = this.models.find((m) => m.name === name);
    const labels = { model: known ? name : '', version: known ? (version ?? '') : '', protocol };
    this.metrics.requests.inc(labels);
    try {
      const v = findVersion(this.models, name, version, true);
      labels.version = v.version;
      const checked = checkRequest(v, req, this.limits);
      const client = clientMs < this.limits.requestTimeoutMs;
      const budget = client ? clientMs : this.limits.requestTimeoutMs;
      const left = budget - (performance.now() - arrived);
      if (left <= 0) {
        const what = client ? `the client's deadline (${Math.round(clientMs)} ms)` : `${this.limits.requestTimeoutMs} ms`;
        throw new ServeError('TIMEOUT', `model '${name}': the request took longer than ${what} to arrive`);
      }
      const { outputs, queueMs } = await this.schedulers.get(v)!.submit(checked, left);
      this.metrics.queue.observe({ model: v.name, version: v.version }, queueMs / 1000);
      const result: InferResult = {
        model_name: v.name,
        model_version: v.version,
        ...(req.id !== undefined && req.id !== '' ? { id: req.id } : {}),
        outputs: checked.outputs.map((n) => ({
          name: n,
          dtype: outputs[n]!.dtype,
          datatype: datatypeOf(outputs[n]!.dtype),
          shape: [...outputs[n]!.dims],
          data: outputs[n]!.data,
        })),
      };
      this.metrics.latency.observe(labels, (performance.now() - arrived) / 1000);
      return result;
    } catch (e) {
      const error = toServeError(e);
      this.metrics.failures.inc({ ...labels, kind: error.kind });
      throw error;
    }
  }

  /** Counts a request refused before it reached infer() (a body that could not be decoded). */
  refused(protocol: Protocol, error: ServeError, name = ''): void {
    const labels = { model: this.models.some((m) => m.name === name) ? name : '', version: '', protocol };
    this.metrics.requests.inc(labels);
    this.metrics.failures.inc({ ...labels, kind: error.kind });
  }

  /** Stops taking requests, waits for those accepted, then frees every model. Idempotent. */
  async close(): Promise<void> {
    this.draining = true;
    // Queued batches run at once (no more waiting for company); then every accepted request is answered.
    const drained = Promise.all([...this.schedulers.values()].map((s) => s.drain()));
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    await drained;
    for (const m of this.models) {
      for (const v of m.versions) {
        try {
          for (const m of v.copies ?? (v.model ? [v.model] : [])) await m.dispose();
        } catch (e) {
          this.log(`model '${v.name}' version ${v.version}: dispose failed: ${messageLine(e)}`, 'warn');
        }
      }
    }
  }
}

/** Whether inputs of these dims fit one of the profiles. */
function fitsProfile(profiles: Parameters<typeof chooseProfile>[0], dims: Map<string, number[]>): boolean {
  try {
    chooseProfile(profiles, dims);
    return true;
  } catch {
    return false;
  }
}
