/**
 * Where an engine's runs execute (issue 18). A run off the JavaScript thread crosses to a libuv
 * worker and back: two thread wake-ups, 20-90 us on the machine measured (docs/benchmarks.md,
 * "Small runs on the calling thread"), which for a small model is most of the run (openWakeWord's
 * classifiers compute for ~7 us), and for a convolution model of a few ms 0.1-0.3 ms of it (the
 * hops, and the engine's pool worker asleep more often at the next run's start: "Per-run cost
 * outside the layers on convolution models"). So on the cpu backend a run whose engine takes
 * less than the limit runs on the calling thread (onnxruntime-node runs every session that way):
 * inside run(), its promise resolved from there, where its runs take less than
 * SETTLE_IN_RUN_MAX_US; else after one turn of the event loop, as onnxruntime-node's run()
 * defers, so that a loop of runs lets timers and I/O in between them. The rest keep the worker,
 * and the event loop stays free while they run.
 *
 * A run takes the calling thread where
 * - the engine runs on the cpu backend (a cuda run's time is the GPU's; its thread waits), and
 * - no other run of the engine is in flight (on a worker: the runs of one engine keep one place
 *   while any is pending, so a later run never overtakes an earlier one's settling by running
 *   inline), and
 * - the median of the engine's recent run times (`runMs` of its contexts: the layers and taking
 *   the outputs, the part that changes thread; the last RECENT_RUNS, on whichever thread) is
 *   below the limit. The engine's first run has no time yet and takes the worker.
 * An engine whose runs get slower (a dynamic engine given larger shapes) goes back to the worker
 * once the median says so.
 */
import { HybridError } from '../errors.js';

/**
 * Runs expected to take less than this (us) take the calling thread, by default. What an inline
 * run saves is 0.1-0.3 ms a run up to a few ms (the hops, and a pool worker still spinning when
 * the next run starts): 5-8% of a 2 ms convolution model's run, 2-6% at 3-5 ms
 * (docs/benchmarks.md, "Per-run cost outside the layers on convolution models"); what it costs
 * is the event loop held for the run, as onnxruntime-node holds it for every run. At 10 ms the
 * saving is 1-3% of the run and the hold as long as a full garbage collection of a large heap;
 * past it the event loop's freedom is worth more. A process whose event loop serves others passes
 * its own limit (compile()'s and load()'s `inlineRunUs`: hybrid-serve gives
 * SERVING_INLINE_RUN_MAX_US).
 * HYBRIDRT_INLINE_RUN_US overrides both (0: every run on a worker).
 */
export const INLINE_RUN_MAX_US = 10_000;

/**
 * hybrid-serve's limit (src/serve/repository.ts): a server's event loop reads, batches and
 * answers requests while runs compute, so only runs shorter than the two hops' worth of a
 * small model's run take it (the limit before INLINE_RUN_MAX_US was raised; docs/benchmarks.md,
 * "Small runs on the calling thread").
 */
export const SERVING_INLINE_RUN_MAX_US = 200;

/** The largest `inlineRunUs` option accepted (us): 1000 s. */
const INLINE_RUN_OPTION_MAX_US = 1e9;

/** Checks an `inlineRunUs` option (compile()'s and load()'s): an integer from 0 to 1e9, or undefined. */
export function checkInlineRunUs(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > INLINE_RUN_OPTION_MAX_US) {
    throw new HybridError('OPTION', `inlineRunUs must be an integer from 0 to ${INLINE_RUN_OPTION_MAX_US}, got ${String(v)}`);
  }
  return v;
}

/**
 * Inline runs expected to take less than this (us) settle inside run(); longer ones first let
 * the event loop turn once (setImmediate), as onnxruntime-node's run() does, so that a caller's
 * loop of runs (\`for (...) await model.run(feeds)\`) lets timers and I/O in between them instead of
 * holding the loop for the whole loop. The turn costs a few us: a large share of the shortest
 * runs (openWakeWord's classifiers, ~10 us), nothing measurable past 200 us.
 */
export const SETTLE_IN_RUN_MAX_US = 200;

/** How many of an engine's latest run times the median is taken over. */
export const RECENT_RUNS = 15;

/**
 * The limit in microseconds: HYBRIDRT_INLINE_RUN_US where set (a non-negative number), else
 * `given` (the model's `inlineRunUs`), else INLINE_RUN_MAX_US.
 */
export function inlineRunLimitUs(env: NodeJS.ProcessEnv = process.env, given?: number): number {
  const v = env.HYBRIDRT_INLINE_RUN_US;
  if (v === undefined || v === '') return given ?? INLINE_RUN_MAX_US;
  const us = Number(v);
  if (!Number.isFinite(us) || us < 0) {
    throw new HybridError('OPTION', `HYBRIDRT_INLINE_RUN_US must be a non-negative number of microseconds, got '${v}'`);
  }
  return us;
}

/** One engine's run placement, shared by its execution contexts. */
export class RunPlacement {
  private inFlight = 0;
  /**
   * Per run of the latest (up to RECENT_RUNS, a ring): bit 0, whether its time was below the
   * limit; bit 1, below SETTLE_IN_RUN_MAX_US; and how many were, each. The upper median of the
   * times is below a bound exactly where more than half of them are, so the times themselves
   * need not be kept, nor sorted (a run's bookkeeping costs the JavaScript thread right after the
   * layers, when its caches are cold).
   */
  private readonly below = new Uint8Array(RECENT_RUNS);
  private count = 0;
  private next = 0;
  private fastCount = 0;
  private quickCount = 0;
  private readonly limitMs: number;

  /** `limitUs`: inlineRunLimitUs(); 0 or an engine off the cpu backend: never inline. */
  constructor(backend: string, limitUs: number) {
    this.limitMs = backend === 'cpu' ? limitUs / 1000 : 0;
  }

  /** Whether the next run takes the calling thread. */
  inline(): boolean {
    // The upper median (with an even count, the slower of the middle two) is below the limit.
    return this.inFlight === 0 && this.fastCount > this.count >> 1;
  }

  /** Whether an inline run first lets the event loop turn (its engine's runs take SETTLE_IN_RUN_MAX_US or more). */
  yields(): boolean {
    return this.quickCount <= this.count >> 1;
  }

  /** A run was queued on a worker. */
  started(): void {
    this.inFlight++;
  }

  /** A worker's run settled; `ms` is its runMs where it succeeded. */
  finished(ms?: number): void {
    this.inFlight--;
    if (ms !== undefined) this.record(ms);
  }

  /** A run's time (ms), from either thread. */
  record(ms: number): void {
    if (this.limitMs <= 0) return;
    const b = (ms < this.limitMs ? 1 : 0) | (ms < SETTLE_IN_RUN_MAX_US / 1000 ? 2 : 0);
    if (this.count === RECENT_RUNS) {
      const old = this.below[this.next]!;
      this.fastCount -= old & 1;
      this.quickCount -= old >> 1;
    } else {
      this.count++;
    }
    this.below[this.next] = b;
    this.fastCount += b & 1;
    this.quickCount += b >> 1;
    this.next = (this.next + 1) % RECENT_RUNS;
  }
}
