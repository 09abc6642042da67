/**
 * One worker of a server of several processes (cluster.ts forks it with node:cluster): serves
 * the repository on the shared ports with serveProcess(), its readiness, index and /metrics the
 * whole server's as the primary reports them (core.ts Peers), and drains when the primary says
 * so. It ignores SIGINT and SIGTERM (a Ctrl-C reaches every process of the group: the primary
 * decides, and drains every worker); where the primary goes away it drains and exits.
 */
import cluster from 'node:cluster';
import ort from 'onnxruntime-node';
import { isHybridError, messageLine } from '../errors.js';
import { type ClusterState, type FromWorker, type ToWorker, WORKER_ENV, type WorkerSpec } from './cluster-protocol.js';
import type { Peers, ServeCore } from './core.js';
import { ServeError } from './errors.js';
import { type HybridServer, serveProcess } from './server.js';

if (!cluster.isWorker || !process.env[WORKER_ENV]) throw new Error('cluster-worker.ts is started by the hybrid-serve primary (cluster.ts) only');
const spec = JSON.parse(process.env[WORKER_ENV]!) as WorkerSpec;
ort.env.logLevel = spec.ortLogLevel as typeof ort.env.logLevel;
// A send that races the primary's death fails in its callback (without one, node raises the
// EPIPE on `process` and the worker would exit without draining); 'disconnect' then drains.
const send = (m: FromWorker) => {
  if (process.connected) process.send!(m, undefined, {}, () => {});
};

process.on('SIGINT', () => {});
process.on('SIGTERM', () => {});

let state: ClusterState = { seq: 0, ready: false };
let stopping = false;
let core: ServeCore | undefined;
let asked = 0;
const answers = new Map<number, { resolve: (text: string) => void; reject: (e: Error) => void }>();

const peers: Peers = {
  ready: () => state.ready && !stopping,
  notReady: (name, version) => {
    const e = state.index?.find((x) => x.name === name && x.version === version);
    return e && e.state !== 'READY' ? `is not ready in ${e.reason}` : undefined;
  },
  index: () => state.index,
  metrics: () =>
    new Promise((resolve, reject) => {
      const id = ++asked;
      answers.set(id, { resolve, reject });
      send({ t: 'metrics-req', id });
    }),
};

const loading = new AbortController();
if (spec.stopLoading) loading.abort();
const started: Promise<HybridServer | undefined> = serveProcess(
  spec.options,
  (message, level) => send({ t: 'log', message, level }),
  loading.signal,
  { peers, cores: spec.cores, listenAfterLoad: spec.listenAfterLoad, onCore: (c) => (core = c) },
).then(
  (server) => {
    send({
      t: 'loaded',
      index: core!.ownIndex(),
      ...(server.httpPort !== undefined ? { http: server.httpPort } : {}),
      ...(server.grpcPort !== undefined ? { grpc: server.grpcPort } : {}),
    });
    return server;
  },
  (e: unknown) => {
    // Said before exiting (the send's callback: a message still queued would be lost).
    const failed: FromWorker = { t: 'failed', message: messageLine(e), usage: isHybridError(e) || e instanceof ServeError };
    if (process.connected) process.send!(failed, undefined, {}, () => process.exit(2));
    else process.exit(2);
    return undefined;
  },
);

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  loading.abort();
  const server = await started;
  await server?.close();
  process.exit(0);
}

process.on('message', (m: ToWorker) => {
  switch (m.t) {
    case 'state':
      state = m;
      send({ t: 'state-ack', seq: m.seq });
      return;
    case 'metrics-collect':
      void core!.metrics.registry.getMetricsAsJSON().then((metrics) => send({ t: 'metrics-json', id: m.id, metrics }));
      return;
    case 'metrics-text': {
      const a = answers.get(m.id);
      answers.delete(m.id);
      if (m.text !== undefined) a?.resolve(m.text);
      else a?.reject(new ServeError('INTERNAL', `metrics: ${m.error}`));
      return;
    }
    case 'stop-loading':
      loading.abort();
      return;
    case 'close':
      void stop();
  }
});
process.on('disconnect', () => void stop());
send({ t: 'hello' });
