/**
 * A model version's scheduler: requests wait in one FIFO queue and run on `instances` runs in
 * flight at most per copy of the model (one copy per GPU of config.json's `gpus`; a run goes to
 * the copy with the fewest runs in flight). Without dynamic batching each request runs alone. With it (Triton's dynamic
 * batcher), when an instance is free the queue's head is run together with the requests after
 * it that have the same dims beyond the batch (the key), up to max_batch_size items:
 *
 *   - at once where the items reach a preferred batch size (or the largest one, or
 *     max_batch_size where none is given), where another instance is free too (waiting would
 *     only idle it), or where the server is draining;
 *   - else once the head has waited max_queue_delay, more requests joining meanwhile.
 *
 * While every instance is busy the queue grows (up to maxQueue requests; more are refused
 * UNAVAILABLE), so a loaded server batches without any delay. A request joins a batch only
 * where the merged dims fit one of the model's profiles. A batch's inputs are concatenated along dim 0 into new arrays, run as one run(),
 * and every output is cut back along dim 0 into views per request: a request's answer spans its
 * own rows only. A request whose deadline passes leaves the queue (or, if running,
 * has its rows dropped) and is answered TIMEOUT.
 */
import type { CompiledModel } from '../compiler/compile.js';
import { type NumericDType, type TypedArray, TYPED_ARRAY } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import { fromOrtTensor } from '../onnx/ort.js';
import type { BufferPool } from './buffer-pool.js';
import type { DynamicBatching } from './config.js';
import { ServeError, toServeError } from './errors.js';
import type { CheckedRequest } from './request.js';

export interface RunResult {
  outputs: Record<string, TensorData>;
  /** Milliseconds the request waited before its run began. */
  queueMs: number;
}

export interface SchedulerOptions {
  maxBatchSize: number;
  batching?: DynamicBatching;
  /** Runs in flight at once per copy of the model. */
  instances: number;
  /** Names the model in errors. */
  label: string;
  /** Called once per run with its batch size. */
  onRun?: (items: number) => void;
  /** Requests that may wait at once; one more is refused UNAVAILABLE (default: no bound). */
  maxQueue?: number;
  /**
   * Whether inputs of these dims (a merged batch) fit the model: the compiled profiles. Each
   * request fits alone (checked on arrival), but two merged may fit none where there are
   * several; a request that would not fit with the batch waits for the next one.
   */
  fits?: (dims: Map<string, number[]>) => boolean;
  /** Where merged batches take their memory from (and give it back once their run is over). */
  buffers?: BufferPool;
}

interface Pending {
  req: CheckedRequest;
  enqueued: number;
  done: boolean;
  timer?: NodeJS.Timeout;
  resolve(r: RunResult): void;
  reject(e: unknown): void;
}

export class Scheduler {
  private readonly queue: Pending[] = [];
  private running = 0;
  /** Runs in flight per copy of the model. */
  private readonly busy: number[];
  private timer: NodeJS.Timeout | undefined;
  private draining = false;
  private idle: Array<() => void> = [];

  private readonly models: readonly CompiledModel[];

  /** `model`: the version, or its copies, one per GPU (at least one), each taking `instances` runs. */
  constructor(
    model: CompiledModel | readonly CompiledModel[],
    private readonly options: SchedulerOptions,
  ) {
    this.models = Array.isArray(model) ? model : [model as CompiledModel];
    if (!this.models.length) throw new Error('internal: a scheduler needs a model');
    this.busy = this.models.map(() => 0);
  }

  /** Runs in flight at most, over every copy. */
  private get capacity(): number {
    return this.options.instances * this.models.length;
  }

  /** Runs a checked request (alone or in a batch); rejects with TIMEOUT after `timeoutMs`. */
  submit(req: CheckedRequest, timeoutMs: number): Promise<RunResult> {
    const max = this.options.maxQueue;
    if (max !== undefined && this.queue.length >= max) {
      return Promise.reject(
        new ServeError(
          'UNAVAILABLE',
          `${this.options.label}: ${this.queue.length} requests are waiting already (the queue holds ${max}); retry later`,
        ),
      );
    }
    return new Promise<RunResult>((resolve, reject) => {
      const p: Pending = { req, enqueued: performance.now(), done: false, resolve, reject };
      p.timer = setTimeout(() => this.expire(p, timeoutMs), timeoutMs);
      this.queue.push(p);
      this.pump();
    });
  }

  /** Resolves once nothing is queued or running; from now on batches do not wait for more. */
  drain(): Promise<void> {
    this.draining = true;
    this.pump();
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private expire(p: Pending, timeoutMs: number): void {
    const i = this.queue.indexOf(p);
    if (i >= 0) {
      this.queue.splice(i, 1);
      p.req.releaseInputs?.(); // never run: its feeds are not read any more
    }
    this.settle(
      p,
      undefined,
      new ServeError(
        'TIMEOUT',
        `${this.options.label}: the request took longer than ${Math.round(timeoutMs)} ms (${i >= 0 ? 'waiting in the queue' : 'running'})`,
      ),
    );
    this.checkIdle();
  }

  private settle(p: Pending, result: RunResult | undefined, error?: unknown): void {
    if (p.done) return;
    p.done = true;
    clearTimeout(p.timer);
    if (result) p.resolve(result);
    else p.reject(error);
  }

  private pump(): void {
    while (this.running < this.capacity && this.queue.length) {
      const batch = this.form();
      if (!batch) return;
      void this.execute(batch);
    }
  }

  /** The next batch to run, taken off the queue; undefined where it is worth waiting for more (a timer is set). */
  private form(): Pending[] | undefined {
    const { batching, maxBatchSize } = this.options;
    const head = this.queue[0]!;
    if (!batching) return [this.queue.shift()!];
    const picked = [head];
    let items = head.req.batch;
    for (let i = 1; i < this.queue.length && items < maxBatchSize; i++) {
      const p = this.queue[i]!;
      if (p.req.key !== head.req.key || items + p.req.batch > maxBatchSize) continue;
      if (this.options.fits && !this.options.fits(mergedDims(head.req, items + p.req.batch))) continue;
      picked.push(p);
      items += p.req.batch;
    }
    const target = batching.preferred.at(-1) ?? maxBatchSize;
    const waited = performance.now() - head.enqueued;
    // Waiting for company pays only when this run takes the last free instance: with another
    // one free, running now delays nothing that comes later (it will find an instance).
    const lastFree = this.running + 1 >= this.capacity;
    if (!this.draining && lastFree && items < target && !batching.preferred.includes(items) && waited < batching.maxQueueDelayMs) {
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, batching.maxQueueDelayMs - waited);
      }
      return undefined;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    const taken = new Set(picked);
    for (let i = this.queue.length - 1; i >= 0; i--) if (taken.has(this.queue[i]!)) this.queue.splice(i, 1);
    return picked;
  }

  private async execute(batch: Pending[]): Promise<void> {
    this.running++;
    // The least busy copy (pump keeps running below capacity, so it has a free instance).
    const copy = this.busy.indexOf(Math.min(...this.busy));
    this.busy[copy]!++;
    const start = performance.now();
    const items = batch.reduce((a, p) => a + p.req.batch, 0);
    let merged: ArrayBuffer[] = [];
    try {
      let feeds = batch[0]!.req.feeds;
      if (batch.length > 1) {
        ({ feeds, buffers: merged } = concat(
          batch.map((p) => p.req.feeds),
          this.options.buffers,
        ));
        for (const p of batch) p.req.releaseInputs?.(); // copied into the merged batch
      }
      this.options.onRun?.(items);
      const ran = await this.models[copy]!.run(feeds);
      const outputs = Object.fromEntries(Object.entries(ran).map(([name, t]) => [name, fromOrtTensor(t, name)]));
      const split = batch.length === 1 ? [outputs] : this.split(outputs, batch, items);
      batch.forEach((p, i) => {
        const own: Record<string, TensorData> = {};
        for (const name of p.req.outputs) own[name] = split[i]![name]!;
        this.settle(p, { outputs: own, queueMs: start - p.enqueued });
      });
      // The run is over: its inputs are not read any more. (run() never hands back an input's own
      // array as an output; should an output share the merged memory anyway, it is left to the
      // collector. After a failed run, too, the inputs are left to the collector.)
      if (batch.length === 1) batch[0]!.req.releaseInputs?.();
      if (!Object.values(outputs).some((t) => merged.includes(t.data.buffer as ArrayBuffer))) {
        for (const b of merged) this.options.buffers?.release(b);
      }
    } catch (e) {
      const error = toServeError(e, this.options.label);
      for (const p of batch) this.settle(p, undefined, error);
    } finally {
      this.running--;
      this.busy[copy]!--;
      this.pump();
      this.checkIdle();
    }
  }

  /**
   * Each request's rows of every output: views of the batch's output arrays (no copy), each
   * bounded to that request's rows. The answers encode only the bytes a view spans (rest-codec.ts,
   * grpc.ts), so no request's answer carries another's rows, and nothing writes to them.
   */
  private split(outputs: Record<string, TensorData>, batch: Pending[], items: number): Array<Record<string, TensorData>> {
    const per = batch.map(() => ({}) as Record<string, TensorData>);
    for (const [name, t] of Object.entries(outputs)) {
      if (t.dims[0] !== items) {
        throw new ServeError(
          'INTERNAL',
          `${this.options.label}: output '${name}' has shape [${t.dims.join(',')}], whose dim 0 is not the batch of ${items}; serve it with max_batch_size 0`,
        );
      }
      const row = items === 0 ? 0 : t.data.length / items;
      let at = 0;
      batch.forEach((p, i) => {
        const n = p.req.batch;
        per[i]![name] = { dtype: t.dtype, dims: [n, ...t.dims.slice(1)], data: t.data.subarray(at * row, (at + n) * row) as TypedArray };
        at += n;
      });
    }
    return per;
  }

  private checkIdle(): void {
    if (this.running === 0 && this.queue.length === 0) for (const resolve of this.idle.splice(0)) resolve();
  }
}

/** The dims of `req`'s inputs with dim 0 (the batch) set to `items`. */
function mergedDims(req: CheckedRequest, items: number): Map<string, number[]> {
  return new Map(Object.entries(req.feeds).map(([name, t]) => [name, [items, ...t.dims.slice(1)]]));
}

/**
 * Feeds of several requests (same inputs, same dims beyond dim 0) concatenated along dim 0, and
 * the buffers taken from `pool` for them (to release once the run is over).
 */
function concat(all: Array<Record<string, TensorData>>, pool: BufferPool | undefined): { feeds: Record<string, TensorData>; buffers: ArrayBuffer[] } {
  const out: Record<string, TensorData> = {};
  const buffers: ArrayBuffer[] = [];
  for (const name of Object.keys(all[0]!)) {
    const parts = all.map((f) => f[name]!);
    const first = parts[0]!;
    const length = parts.reduce((a, t) => a + t.data.length, 0);
    // Not zero-filled (every element is set below): a zeroed array cost as much as the copies.
    const data = uninitializedTyped(first.dtype as NumericDType, length, pool) as TypedArray & {
      set(a: ArrayLike<number | bigint>, o: number): void;
    };
    if (pool) buffers.push(data.buffer as ArrayBuffer);
    let at = 0;
    for (const t of parts) {
      data.set(t.data as never, at);
      at += t.data.length;
    }
    out[name] = { dtype: first.dtype, dims: [parts.reduce((a, t) => a + t.dims[0]!, 0), ...first.dims.slice(1)], data };
  }
  return { feeds: out, buffers };
}

/**
 * A typed array of `n` elements whose memory is not zero-filled (from `pool` where given: it may
 * hold another batch's bytes): the caller sets every element.
 */
function uninitializedTyped(dtype: NumericDType, n: number, pool?: BufferPool): TypedArray {
  const ctor = TYPED_ARRAY[dtype];
  const bytes = n * ctor.BYTES_PER_ELEMENT;
  return new ctor(pool ? pool.acquire(bytes) : (Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer), 0, n);
}
