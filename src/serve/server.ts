/**
 * serve(options): a model server speaking the Open Inference Protocol over REST and gRPC, for a
 * model repository (repository.ts). It listens first (live at once, ready once every model has
 * loaded or failed), then loads the models; `close()` drains it: no new requests, those in
 * flight answered, models disposed, ports closed. With `workers` above 1 the server is several
 * processes sharing the ports (cluster.ts); each of them runs serveProcess().
 */
import type http from 'node:http';
import type grpc from '@grpc/grpc-js';
import { HybridError } from '../errors.js';
import { type IndexEntry, type Peers, ServeCore } from './core.js';
import { bindGrpc, createGrpcServer } from './grpc.js';
import { createRestServer } from './rest.js';
import { type CheckedOptions, type HybridServer, type ServeOptions, checkOptions } from './serve-options.js';

export { type CheckedOptions, type HybridServer, MAX_WORKERS, type ServeOptions, checkOptions } from './serve-options.js';

/** How one process of a server of several serves (cluster-worker.ts). */
export interface ProcessRole {
  /** The other workers, as the primary reports them. */
  peers?: Peers;
  /** The cores this process's models may use (default: the machine's). */
  cores?: number;
  /** Load the models before listening (a worker restarted while the others serve). */
  listenAfterLoad?: boolean;
  /** Given the process's core as soon as it exists (the worker answers the primary from it). */
  onCore?: (core: ServeCore) => void;
}

export async function serve(options: ServeOptions): Promise<HybridServer> {
  const checked = checkOptions(options);
  const log = options.onLog ?? (() => {});
  if (checked.workers > 1) {
    const { serveCluster } = await import('./cluster.js');
    return serveCluster(checked, log, options.signal);
  }
  return serveProcess(checked, log, options.signal);
}

/** One process serving: the server of serve(), or one worker of a cluster (`role`). */
export async function serveProcess(
  options: CheckedOptions,
  log: (message: string, level: 'info' | 'warn') => void,
  signal?: AbortSignal,
  role: ProcessRole = {},
): Promise<HybridServer> {
  const { host, httpPort, grpcPort, limits } = options;
  const core = new ServeCore(options.modelRepository, limits, log, role.cores);
  if (role.peers) core.peers = role.peers;
  role.onCore?.(core);
  let rest: http.Server | undefined;
  let rpc: grpc.Server | undefined;
  const bound: { http?: number; grpc?: number } = {};
  const stop = async () => {
    const closing = [
      rest && new Promise<void>((resolve) => rest!.close(() => resolve())),
      rpc && new Promise<void>((resolve) => rpc!.tryShutdown(() => resolve())),
    ];
    rest?.closeIdleConnections();
    await core.close();
    rest?.closeIdleConnections();
    const grace = setTimeout(() => rest?.closeAllConnections(), 2000);
    await Promise.all(closing);
    clearTimeout(grace);
  };
  const open = async () => {
    if (httpPort !== false) {
      rest = createRestServer(core);
      bound.http = await listen(rest, host, httpPort);
      log(`REST (HTTP/1.1) on ${host}:${bound.http}`, 'info');
    }
    if (grpcPort !== false) {
      rpc = createGrpcServer(core);
      bound.grpc = await bindGrpc(rpc, host, grpcPort);
      log(`gRPC on ${host}:${bound.grpc}`, 'info');
    }
  };
  try {
    if (!role.listenAfterLoad) await open();
    await core.load(signal);
    if (role.listenAfterLoad && !signal?.aborted) await open();
  } catch (e) {
    await stop();
    throw e;
  }
  let closed: Promise<void> | undefined;
  let stopped!: (e: Error | undefined) => void;
  const done = new Promise<Error | undefined>((resolve) => (stopped = resolve));
  return {
    ...(bound.http !== undefined ? { httpPort: bound.http } : {}),
    ...(bound.grpc !== undefined ? { grpcPort: bound.grpc } : {}),
    host,
    models: () => core.index(),
    close: () => (closed ??= stop().then(() => stopped(undefined))),
    stopped: done,
  };
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new HybridError('OPTION', `REST cannot listen on ${host}:${port}: ${e.message}`)));
    server.listen(port, host, () => resolve((server.address() as { port: number }).port));
  });
}
