/**
 * A server of several processes (serve({ workers: N }), hybrid-serve --workers N). This process,
 * the primary, serves nothing itself: it forks N workers with node:cluster (cluster-worker.ts),
 * each running serveProcess() on the same host and ports with its own copy of every model.
 * node:cluster shares the listening sockets: the primary accepts each connection and hands it to
 * the workers in turn (REST's HTTP/1.1 and grpc-js's HTTP/2 alike: a connection, and all the
 * calls of a gRPC channel on it, stays with one worker). The primary
 *
 * - starts worker 1 alone, then the others together once it has loaded (so that a compile cache
 *   or timing cache that config.json names is written once and read by the rest, and cuda
 *   tactics are not timed by several processes on one GPU at once);
 * - gives each worker its share of the cores (the default `threads` of its models);
 * - tells every worker the whole server's state (ClusterState): ready once every worker has
 *   loaded and until close(); a version ready where it is ready in every worker that serves;
 * - answers a worker's GET /metrics with every worker's metrics aggregated (prom-client's
 *   AggregatorRegistry.aggregate: counters and histograms summed, hybridrt_model_ready the
 *   least), plus its own hybridrt_workers and hybridrt_worker_restarts_total;
 * - on close() drains every worker (each answers what it has accepted) and waits for them to exit;
 * - restarts a worker that exits on its own (reported with its exit code or signal; the new one
 *   loads before it takes connections); one crashing while the server starts fails serve(), and
 *   more than MAX_RESTARTS within RESTART_WINDOW_MS stop the server (`stopped` says why).
 */
import cluster, { type Worker } from 'node:cluster';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ort from 'onnxruntime-node';
import { AggregatorRegistry, Counter, Gauge, Registry } from 'prom-client';
import { HybridError } from '../errors.js';
import { type ClusterState, type FromWorker, type ToWorker, WORKER_ENV, type WorkerSpec } from './cluster-protocol.js';
import type { IndexEntry } from './core.js';
import type { CheckedOptions, HybridServer } from './serve-options.js';

/** Restarts of crashed workers allowed within RESTART_WINDOW_MS; one more stops the server. */
export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 60_000;
/** How long a worker may take to answer a metrics collection. */
const METRICS_TIMEOUT_MS = 5000;

type Log = (message: string, level: 'info' | 'warn') => void;

interface Slot {
  n: number;
  worker?: Worker;
  /** Its index once loaded (undefined: starting, or gone). */
  index?: IndexEntry[];
}

/**
 * The worker entry and the node flags that run it: the compiled .js beside this module, or from
 * sources (tests, tsx) the .ts through tsx's loader.
 */
function workerEntry(): { exec: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return { exec: here.replace(/cluster\.js$/, 'cluster-worker.js'), execArgv: process.execArgv };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { exec: here.replace(/cluster\.ts$/, 'cluster-worker.ts'), execArgv: ['--import', tsx] };
}

/** The index of the workers that serve, one row per version: READY where every one has it ready, else the first reason. */
export function mergeIndex(slots: ReadonlyArray<{ n: number; pid?: number; index?: IndexEntry[] }>): IndexEntry[] | undefined {
  const serving = slots.filter((s) => s.index);
  if (!serving.length) return undefined;
  return serving[0]!.index!.map((row) => {
    for (const s of serving) {
      const mine = s.index!.find((r) => r.name === row.name && r.version === row.version);
      if (mine && mine.state !== 'READY') return { ...mine, reason: `worker ${s.n} (pid ${s.pid}): ${mine.reason || mine.state}` };
    }
    return row;
  });
}

export async function serveCluster(options: CheckedOptions, log: Log, signal?: AbortSignal): Promise<HybridServer> {
  const workers = options.workers;
  const cores = Math.max(1, Math.floor(os.availableParallelism() / workers));
  const slots: Slot[] = Array.from({ length: workers }, (_, i) => ({ n: i + 1 }));
  const registry = new Registry();
  const servingGauge = new Gauge({ name: 'hybridrt_workers', help: 'Worker processes serving', registers: [registry] });
  const restarts = new Counter({
    name: 'hybridrt_worker_restarts_total',
    help: 'Workers restarted after exiting on their own',
    registers: [registry],
  });
  let startupOver = false;
  let stopping = false;
  let seq = 0;
  let ports: { http?: number; grpc?: number } = {};
  const crashes: number[] = [];
  let stopped!: (e: Error | undefined) => void;
  const done = new Promise<Error | undefined>((resolve) => (stopped = resolve));
  let closed: Promise<void> | undefined;
  const live = () => slots.filter((s) => s.worker?.isConnected());
  const tell = (s: Slot, m: ToWorker) => {
    if (s.worker) send(s.worker, m);
  };

  /** Tells every worker the server's state; resolves once each has taken it. */
  const broadcast = (): Promise<void> => {
    const state: ClusterState = {
      seq: ++seq,
      ready: startupOver && !stopping,
      ...withIndex(mergeIndex(slots.map((s) => ({ n: s.n, pid: s.worker?.process.pid, ...withIndex(s.index) })))),
    };
    servingGauge.set(slots.filter((s) => s.index).length);
    const acks = live().map((s) => ask(s.worker!, { t: 'state', ...state }, (r) => r.t === 'state-ack' && r.seq === state.seq, Infinity));
    return Promise.all(acks).then(() => {});
  };

  let collections = 0;
  /** The serving workers' metrics and the primary's, aggregated, as Prometheus text. */
  const metrics = async (): Promise<string> => {
    const id = ++collections;
    // The workers that serve (one restarting takes no connections: its zeros would say its
    // versions are not ready); while the server starts, every worker.
    const answering = live().filter((s) => s.index);
    const parts = await Promise.all(
      (answering.length ? answering : live()).map((s) =>
        ask(s.worker!, { t: 'metrics-collect', id }, (r) => (r.t === 'metrics-json' && r.id === id ? r.metrics : undefined), METRICS_TIMEOUT_MS),
      ),
    );
    const all = [...parts.filter((p) => p !== undefined), await registry.getMetricsAsJSON()];
    return AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics();
  };

  /** Forks the worker of `slot`; resolves once it has loaded, rejects where it fails or exits first. */
  const start = (slot: Slot, restart: boolean): Promise<void> => {
    const spec: WorkerSpec = {
      options,
      n: slot.n,
      cores,
      listenAfterLoad: restart,
      // Aborted while the server starts, before this worker existed (onAbort tells the workers
      // there are); a restart loads whatever the signal says, as the startup is over.
      stopLoading: !startupOver && !!signal?.aborted,
      ortLogLevel: ort.env.logLevel ?? 'warning',
    };
    cluster.setupPrimary({ ...workerEntry(), args: [] });
    const worker = cluster.fork({ [WORKER_ENV]: JSON.stringify(spec) });
    hearing.set(
      worker,
      new Promise<void>((resolve) => {
        const on = (m: FromWorker) => {
          if (m.t !== 'hello') return;
          worker.off('message', on);
          resolve();
        };
        worker.on('message', on);
        worker.once('exit', () => resolve());
      }),
    );
    slot.worker = worker;
    delete slot.index;
    const who = `worker ${slot.n} (pid ${worker.process.pid})`;
    // A message written to a worker that has died before its exit is seen here fails (EPIPE): an
    // 'error' that, unheard, would end the primary. Its exit follows and is handled below.
    worker.on('error', (e) => log(`${who}: ${e.message}`, 'warn'));
    const reply = (m: ToWorker) => send(worker, m);
    log(`worker ${slot.n}: pid ${worker.process.pid}${restart ? ' (restarted)' : ''}`, 'info');
    return new Promise<void>((resolve, reject) => {
      let loaded = false;
      worker.on('message', (m: FromWorker) => {
        if (m.t === 'log') log(`${who}: ${m.message}`, m.level);
        else if (m.t === 'failed') reject(m.usage ? new HybridError('OPTION', m.message) : new Error(`${who}: ${m.message}`));
        else if (m.t === 'loaded') {
          loaded = true;
          slot.index = m.index;
          ports = { ...(m.http !== undefined ? { http: m.http } : {}), ...(m.grpc !== undefined ? { grpc: m.grpc } : {}) };
          resolve();
        } else if (m.t === 'metrics-req') {
          metrics().then(
            (text) => reply({ t: 'metrics-text', id: m.id, text }),
            (e: Error) => reply({ t: 'metrics-text', id: m.id, error: e.message }),
          );
        }
      });
      worker.once('exit', (code, sig) => {
        const how = sig ? `signal ${sig}` : `code ${code}`;
        if (!loaded) reject(new Error(`${who} exited (${how}) before its models had loaded`));
        if (slot.worker !== worker) return;
        delete slot.index;
        if (stopping) return;
        void broadcast();
        if (!startupOver) return;
        const now = Date.now();
        crashes.push(now);
        while (crashes[0]! < now - RESTART_WINDOW_MS) crashes.shift();
        if (crashes.length > MAX_RESTARTS) {
          const e = new Error(
            `workers exited on their own ${crashes.length} times within ${RESTART_WINDOW_MS / 1000} s (the last: ${who}, ${how}): stopping the server`,
          );
          log(e.message, 'warn');
          void close().then(() => stopped(e));
          return;
        }
        log(`${who} exited on its own (${how}); restarting it (it takes connections once its models have loaded)`, 'warn');
        restarts.inc();
        start(slot, true).then(
          () => void broadcast(),
          () => {}, // its exit is a crash of its own, handled above
        );
      });
    });
  };

  const close = (): Promise<void> =>
    (closed ??= (async () => {
      stopping = true;
      const exits = slots
        .filter((s) => s.worker?.isDead() === false)
        .map((s) => new Promise<void>((resolve) => s.worker!.once('exit', () => resolve())));
      for (const s of slots) tell(s, { t: 'close' });
      const grace = setTimeout(() => {
        for (const s of slots) if (s.worker?.isDead() === false) s.worker.process.kill('SIGKILL');
        log(`workers still running ${options.limits.requestTimeoutMs + 10_000} ms after close: killed`, 'warn');
      }, options.limits.requestTimeoutMs + 10_000);
      await Promise.all(exits);
      clearTimeout(grace);
    })());

  const onAbort = () => {
    for (const s of slots) tell(s, { t: 'stop-loading' });
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  log(`primary pid ${process.pid}: ${workers} workers sharing the ports, ${cores} core${cores > 1 ? 's' : ''} each`, 'info');
  try {
    await start(slots[0]!, false);
    if (!signal?.aborted) await Promise.all(slots.slice(1).map((s) => start(s, false)));
  } catch (e) {
    await close();
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  startupOver = true;
  await broadcast();
  const pids = slots.filter((s) => s.worker).map((s) => s.worker!.process.pid);
  const where = [
    ports.http !== undefined ? `REST on ${options.host}:${ports.http}` : '',
    ports.grpc !== undefined ? `gRPC on ${options.host}:${ports.grpc}` : '',
  ].filter(Boolean);
  log(`${pids.length} workers serving (pids ${pids.join(', ')}): ${where.join(', ')}`, 'info');
  return {
    ...(ports.http !== undefined ? { httpPort: ports.http } : {}),
    ...(ports.grpc !== undefined ? { grpcPort: ports.grpc } : {}),
    host: options.host,
    models: () => mergeIndex(slots.map((s) => ({ n: s.n, pid: s.worker?.process.pid, ...withIndex(s.index) }))) ?? [],
    close: () =>
      close().then(() => {
        stopped(undefined);
      }),
    stopped: done,
  };
}

/**
 * Sends `m` to `worker`; resolves with what `pick` makes of the first reply it accepts (true or a
 * value), or undefined once the worker exits or `ms` pass.
 */
function ask<T>(worker: Worker, m: ToWorker, pick: (r: FromWorker) => T | false | undefined, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const finish = (value: T | undefined) => {
      clearTimeout(timer);
      worker.off('message', on);
      worker.off('exit', gone);
      resolve(value);
    };
    const on = (r: FromWorker) => {
      const value = pick(r);
      if (value !== undefined && value !== false) finish(value);
    };
    const gone = () => finish(undefined);
    const timer = Number.isFinite(ms) ? setTimeout(gone, ms) : undefined;
    worker.on('message', on);
    worker.once('exit', gone);
    send(worker, m);
  });
}

/** Each worker's promise of its first message, 'hello': it listens from then on. */
const hearing = new WeakMap<Worker, Promise<void>>();

/** Sends `m` to `worker` once it listens (node drops a message that arrives before), unless it is gone by then. */
function send(worker: Worker, m: ToWorker): void {
  void (hearing.get(worker) ?? Promise.resolve()).then(() => {
    if (worker.isConnected()) worker.send(m);
  });
}

const withIndex = (index: IndexEntry[] | undefined) => (index ? { index } : {});
