/**
 * Where an engine's runs execute (issue 18). A run off the JavaScript thread crosses to a libuv
 * worker and back: two thread wake-ups, 20-90 us on the machine measured (docs/benchmarks.md,
 * "Small runs on the calling thread"), which for a small model is most of the run (openWakeWord's
 * classifiers compute for ~7 us). So on the cpu backend a run whose engine is fast runs on the
 * calling thread, inside run(), and its promise is resolved from there (onnxruntime-node runs
 * every session that way); the rest keep the worker, and the event loop stays free while they
 * run.
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
 * Runs expected to take less than this (us) take the calling thread. What an inline run saves
 * is the two thread hops (20-90 us measured); what it costs is the event loop held for the run.
 * At 200 us the hops are still a tenth or more of the run, and a run holds the loop no longer than
 * a small onnxruntime fallback segment does; past it the event loop's freedom is worth more.
 * HYBRIDRT_INLINE_RUN_US overrides it (0: every run on a worker).
 */
export const INLINE_RUN_MAX_US = 200;

/** How many of an engine's latest run times the median is taken over. */
export const RECENT_RUNS = 15;

/** The limit in microseconds: HYBRIDRT_INLINE_RUN_US where set (a non-negative number), else INLINE_RUN_MAX_US. */
export function inlineRunLimitUs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.HYBRIDRT_INLINE_RUN_US;
  if (v === undefined || v === '') return INLINE_RUN_MAX_US;
  const us = Number(v);
  if (!Number.isFinite(us) || us < 0) {
    throw new HybridError('OPTION', `HYBRIDRT_INLINE_RUN_US must be a non-negative number of microseconds, got '${v}'`);
  }
  return us;
}

/** One engine's run placement, shared by its execution contexts. */
export class RunPlacement {
  private inFlight = 0;
  /** The latest run times (ms), oldest first, and the same sorted. */
  private readonly recent: number[] = [];
  private readonly sorted: number[] = [];
  private readonly limitMs: number;

  /** `limitUs`: inlineRunLimitUs(); 0 or an engine off the cpu backend: never inline. */
  constructor(backend: string, limitUs: number) {
    this.limitMs = backend === 'cpu' ? limitUs / 1000 : 0;
  }

  /** Whether the next run takes the calling thread. */
  inline(): boolean {
    const n = this.sorted.length;
    // The upper median: with an even count, the slower of the middle two.
    return this.inFlight === 0 && n > 0 && this.sorted[n >> 1]! < this.limitMs;
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
    this.recent.push(ms);
    insertSorted(this.sorted, ms);
    if (this.recent.length > RECENT_RUNS) this.sorted.splice(this.sorted.indexOf(this.recent.shift()!), 1);
  }
}

function insertSorted(a: number[], x: number): void {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  a.splice(lo, 0, x);
}
