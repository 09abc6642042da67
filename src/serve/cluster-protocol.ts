/**
 * What the primary of a server of several processes (cluster.ts) and its workers
 * (cluster-worker.ts) tell each other over node:cluster's IPC channel, written once for both.
 */
import type { IndexEntry } from './core.js';
import type { CheckedOptions } from './serve-options.js';

/** The environment variable that hands a worker its WorkerSpec (JSON). */
export const WORKER_ENV = 'HYBRIDRT_SERVE_WORKER';

/** What a worker is started with. */
export interface WorkerSpec {
  options: CheckedOptions;
  /** The worker's number, 1..workers (stays with its slot across restarts). */
  n: number;
  /** The cores its models may use (LoadSettings.cores). */
  cores: number;
  /** Load before listening: a restart, while the other workers serve. */
  listenAfterLoad: boolean;
  /** Load nothing: serve()'s signal had aborted before this worker started (as core.load skips). */
  stopLoading: boolean;
  /** onnxruntime's log level, as the primary's (hybrid-serve sets it from --verbose). */
  ortLogLevel: string;
}

/** The whole server's state, as the primary sees it. */
export interface ClusterState {
  seq: number;
  /** Every worker loaded (restarts aside: a restarted worker takes no connections until it has), none stopping. */
  ready: boolean;
  /** Every version of the workers that serve; one not ready in any of them carries that worker's reason. */
  index?: IndexEntry[];
}

export type ToWorker =
  | ({ t: 'state' } & ClusterState)
  | { t: 'metrics-collect'; id: number }
  | { t: 'metrics-text'; id: number; text?: string; error?: string }
  | { t: 'stop-loading' }
  | { t: 'close' };

export type FromWorker =
  /** The worker listens for messages (one sent before is lost: node drops what no listener takes). */
  | { t: 'hello' }
  | { t: 'log'; message: string; level: 'info' | 'warn' }
  | { t: 'loaded'; index: IndexEntry[]; http?: number; grpc?: number }
  | { t: 'failed'; message: string; usage: boolean }
  | { t: 'state-ack'; seq: number }
  | { t: 'metrics-req'; id: number }
  | { t: 'metrics-json'; id: number; metrics: unknown[] };
