/**
 * serve()'s options (server.ts): what each means, and checkOptions(), which checks them and
 * fills in the defaults, giving what every worker of a cluster is handed (cluster.ts). Apart from
 * server.ts so that cluster.ts, which server.ts starts, can name these types without importing
 * server.ts back (test/repo/import-cycles.test.ts).
 */
import fs from 'node:fs';
import { HybridError } from '../errors.js';
import { DEFAULT_LIMITS, type IndexEntry, type ServeLimits } from './core.js';

export interface ServeOptions {
  /** The model repository folder: DIR/<model>/<version>/model.onnx|model.hybrid, DIR/<model>/config.json. */
  modelRepository: string;
  /** REST port (default 8000; 0: any free port; false: no REST). */
  httpPort?: number | false;
  /** gRPC port (default 8001; 0: any free port; false: no gRPC). */
  grpcPort?: number | false;
  /** Address to listen on (default 127.0.0.1, loopback only; '0.0.0.0' for every interface). */
  host?: string;
  /** Bytes a request body or gRPC message may have (default 64 MiB). */
  maxBodyBytes?: number;
  /** Elements one input tensor may have (default 2^26). */
  maxTensorElements?: number;
  /** Milliseconds from a request's arrival to its answer (default 30000). */
  requestTimeoutMs?: number;
  /** Requests that may wait for one model version at once (default 1024); more are answered 503. */
  maxQueue?: number;
  /**
   * Server processes sharing the ports (default 1: this process serves). N > 1: this process
   * forks N workers (node:cluster), each with its own copy of every model, and relays their
   * logs; docs/serve.md ("Workers"). At most MAX_WORKERS.
   */
  workers?: number;
  /** What the server does: ports, models loaded or failed. */
  onLog?: (message: string, level: 'info' | 'warn') => void;
  /**
   * Aborting it while the models load stops loading after the version being loaded (a compile
   * cannot be cut short): the rest are reported not loaded, and serve() resolves with what is
   * ready, so that the caller can close() it at once (hybrid-serve does on SIGTERM).
   */
  signal?: AbortSignal;
}

export interface HybridServer {
  /** The REST port bound (undefined: REST off). */
  readonly httpPort?: number;
  /** The gRPC port bound (undefined: gRPC off). */
  readonly grpcPort?: number;
  readonly host: string;
  /** Every model and version with its state and, where it failed, the reason. */
  models(): IndexEntry[];
  /** Drains and stops: no new requests, those in flight answered, models disposed. Idempotent. */
  close(): Promise<void>;
  /**
   * Settles once the server has stopped: with undefined after close(), or with the error that
   * stopped it by itself (workers that kept crashing, cluster.ts). Never rejects.
   */
  readonly stopped: Promise<Error | undefined>;
}

/** Most worker processes of one server. */
export const MAX_WORKERS = 64;

/** serve()'s options checked, with their defaults: what each worker of a cluster is given. */
export interface CheckedOptions {
  modelRepository: string;
  host: string;
  httpPort: number | false;
  grpcPort: number | false;
  limits: ServeLimits;
  workers: number;
}

function limitOf(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw new HybridError('OPTION', `${name} must be a positive integer, got ${String(v)}`);
  return v;
}

function portOf(name: string, v: number | false | undefined, fallback: number): number | false {
  if (v === undefined) return fallback;
  if (v === false) return false;
  if (!Number.isSafeInteger(v) || v < 0 || v > 65535)
    throw new HybridError('OPTION', `${name} must be a port from 0 to 65535 or false, got ${String(v)}`);
  return v;
}

/** serve()'s options checked (a bad one throws HybridError OPTION), with their defaults. */
export function checkOptions(options: ServeOptions): CheckedOptions {
  if (!options || typeof options.modelRepository !== 'string') throw new HybridError('OPTION', 'serve() needs { modelRepository: DIR }');
  if (!fs.statSync(options.modelRepository, { throwIfNoEntry: false })?.isDirectory()) {
    throw new HybridError('OPTION', `model repository ${options.modelRepository} is not a folder (DIR/<model>/<version>/model.onnx)`);
  }
  const workers = limitOf('workers', options.workers, 1);
  if (workers > MAX_WORKERS) throw new HybridError('OPTION', `workers must be at most ${MAX_WORKERS}, got ${workers}`);
  return {
    modelRepository: options.modelRepository,
    host: options.host ?? '127.0.0.1',
    httpPort: portOf('httpPort', options.httpPort, 8000),
    grpcPort: portOf('grpcPort', options.grpcPort, 8001),
    limits: {
      maxBodyBytes: limitOf('maxBodyBytes', options.maxBodyBytes, DEFAULT_LIMITS.maxBodyBytes),
      maxTensorElements: limitOf('maxTensorElements', options.maxTensorElements, DEFAULT_LIMITS.maxTensorElements),
      requestTimeoutMs: limitOf('requestTimeoutMs', options.requestTimeoutMs, DEFAULT_LIMITS.requestTimeoutMs),
      maxQueue: limitOf('maxQueue', options.maxQueue, DEFAULT_LIMITS.maxQueue),
    },
    workers,
  };
}
