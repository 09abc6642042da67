/**
 * hybrid-serve under bounded load on loopback: C clients (1, 8, 32), each sending one request
 * of batch 1 as soon as its previous one is answered; the throughput and p50/p99 latency of
 *
 *   in-process   C concurrent model.run() calls on the compiled model (no server: the floor)
 *   unbatched    the server, every request run alone (max_batch_size 32, no dynamic batching)
 *   batched      the server with dynamic batching (max_batch_size 32, max_queue_delay below)
 *
 * after a warm-up each, taking turns in slices of --slice seconds until each has had --seconds
 * (the load of a shared machine drifts: so it falls on every mode alike); one model, compiled
 * per mode for batch 1..32 with the same options (`instances` runs in flight; in-process, as
 * many concurrent runs, with the threads shared the same way).
 * Requests use the binary tensor data extension over REST (or gRPC raw_input_contents with
 * --protocol grpc). The mean batch size of each server run comes from its /metrics.
 *
 *   npx tsx bench/serve-bench.ts [--model .zoo/models/resnet18.onnx | synthetic] [--seconds 10] [--slice 2]
 *        [--warmup 2] [--clients 1,8,32] [--delay-us 2000] [--instances 2] [--protocol rest|grpc]
 *        [--backend cpu|cuda] [--precision fp32|fp16] [--server-process] [--workers 1]
 *        [--max-batch 32]
 *
 * The model is a torchvision export of bench/zoo/export.py (static batch 1), rewritten here with
 * a dynamic batch (test/helpers/dynamic-batch.ts). `--model synthetic`: resnet's input and output
 * without its work (3 x 128 x 128 -> GlobalAveragePool, Flatten, Gemm -> [N,1000], compiled with
 * minBlockSize 1 so that it runs as one engine; ~0.2 ms a run on a cpu), so that what the server
 * itself costs per request shows.
 * `--server-process`: the server runs in a child process, so that the clients (and the
 * in-process runs) do not share its JavaScript thread; on Linux the table then has the CPU time
 * of the server's JavaScript thread per request (us/req, from /proc/PID/task/PID/schedstat).
 * Without it, clients and server share one thread: the requests/s of the server modes then
 * include the clients' own work.
 * `--max-batch N`: the profile's and the server's largest batch (32 by default); on cuda every size up
 * to it is prepared before serving, so a smaller one starts sooner.
 * `--workers N`: the server is N processes sharing its ports (serve()'s `workers`); the us/req
 * column is then the main threads of the primary and every worker together, and gRPC clients use
 * one channel (HTTP/2 connection) per worker, since a connection stays with one worker.
 * Results: docs/benchmarks.md ("Serving").
 */
import grpc from '@grpc/grpc-js';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { compile, serve } from '../src/index.js';
import { Graph } from '../src/ir/graph.js';
import { buildModel } from '../src/ir/model-builder.js';
import { encodeModel, loadModelProto } from '../src/onnx/model.js';
import { inferencePackage } from '../src/serve/grpc-proto.js';
import { withDynamicBatch } from '../test/helpers/dynamic-batch.js';
import { grpcClient } from '../test/serve/helpers.js';
import { arg } from './cli-args.js';

const MODEL = arg('model', '.zoo/models/resnet18.onnx');
const SECONDS = Number(arg('seconds', '10'));
const SLICE = Number(arg('slice', '2'));
const WARMUP = Number(arg('warmup', '2'));
const CLIENTS = arg('clients', '1,8,32').split(',').map(Number);
const DELAY_US = Number(arg('delay-us', '2000'));
const PROTOCOL = arg('protocol', 'rest');
const BACKEND = arg('backend', 'cpu');
const INSTANCES = Number(arg('instances', '2'));
const PRECISIONS = arg('precision', 'fp32').split(',');
const MAX_BATCH = Number(arg('max-batch', '32'));
const SERVER_PROCESS = process.argv.includes('--server-process');
const WORKERS = Number(arg('workers', '1'));

/** The worker pids a serve() with workers logs once they serve (none for one process). */
const workerPids = (message: string) => /workers serving \(pids ([\d, ]+)\)/.exec(message)?.[1]!.split(', ').map(Number);

// The child of --server-process: serve the repository, say the ports, run until killed.
const childOf = process.argv.indexOf('--serve-child');
if (childOf >= 0) {
  let pids: number[] = [];
  const server = await serve({
    modelRepository: process.argv[childOf + 1]!,
    httpPort: 0,
    grpcPort: 0,
    host: '127.0.0.1',
    workers: WORKERS,
    onLog: (m, level) => {
      pids = workerPids(m) ?? pids;
      if (level === 'warn') console.error(`serve: ${m}`);
    },
  });
  console.log(JSON.stringify({ httpPort: server.httpPort, grpcPort: server.grpcPort, pids }));
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
  await new Promise(() => {});
}

/** resnet's input and output without its work: x [N,3,128,128] -> GlobalAveragePool, Flatten, Gemm -> y [N,1000]. */
function synthetic(): Uint8Array {
  const model = buildModel({
    inputs: [{ name: 'x', shape: ['N', 3, 128, 128] }],
    outputs: [{ name: 'y', shape: ['N', 1000] }],
    initializers: {
      fc: { dtype: 'float32', dims: [3, 1000], data: Float32Array.from({ length: 3000 }, (_, i) => Math.cos(i)) },
      fcb: { dtype: 'float32', dims: [1000], data: Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i)) },
    },
    nodes: [
      { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['p'] },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'fc', 'fcb'], outputs: ['y'] },
    ],
  });
  return encodeModel(model, 'synthetic');
}

const bytes = MODEL === 'synthetic' ? synthetic() : withDynamicBatch(MODEL);
const graph = Graph.fromModel(loadModelProto(bytes), MODEL);
const input = { name: graph.inputs.find((i) => !graph.isInitializer(i))! };
const item = graph.types.get(input.name)!.shape!.slice(1) as number[];
const range = { min: [1, ...item], opt: [8, ...item], max: [MAX_BATCH, ...item] };
const data = Float32Array.from({ length: item.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 0.01));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-bench-'));
// One timing cache for every compile: the cuda builds after the first reuse its tactics.
const timingCachePath = path.join(dir, 'tactics.cache');
const compileOptions = {
  backend: BACKEND,
  precisions: PRECISIONS,
  inputs: { [input.name]: range },
  timingCachePath,
  ...(MODEL === 'synthetic' ? { minBlockSize: 1 } : {}),
};
const common = { ...compileOptions, max_batch_size: MAX_BATCH, instances: INSTANCES };
for (const [name, config] of Object.entries({
  unbatched: common,
  batched: { ...common, dynamic_batching: { max_queue_delay_microseconds: DELAY_US } },
})) {
  fs.mkdirSync(path.join(dir, name, '1'), { recursive: true });
  fs.writeFileSync(path.join(dir, name, '1', 'model.onnx'), bytes);
  fs.writeFileSync(path.join(dir, name, 'config.json'), JSON.stringify(config));
}

interface Result {
  latencies: number[];
  seconds: number;
}

/** CPU milliseconds the main threads of processes `pids` have run together (Linux; undefined elsewhere). */
function mainThreadMs(pids: number[]): number | undefined {
  if (!pids.length) return undefined;
  try {
    return pids.reduce((sum, pid) => sum + Number(fs.readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6, 0);
  } catch {
    return undefined;
  }
}

/** C closed-loop clients of `send` for `seconds`; latencies of the requests begun after `warmup` seconds. */
async function load(clients: number, send: () => Promise<void>, seconds: number, warmup = 0): Promise<Result> {
  const latencies: number[] = [];
  const timedFrom = performance.now() + warmup * 1000;
  const end = timedFrom + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await send();
        if (t0 >= timedFrom) latencies.push(performance.now() - t0);
      }
    }),
  );
  return { latencies, seconds };
}

function restSender(port: number, model: string, agent: http.Agent): () => Promise<void> {
  const header = Buffer.from(
    JSON.stringify({
      inputs: [{ name: input.name, shape: [1, ...item], datatype: 'FP32', parameters: { binary_data_size: data.byteLength } }],
      parameters: { binary_data_output: true },
    }),
  );
  const body = Buffer.concat([header, Buffer.from(data.buffer)]);
  return () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/v2/models/${model}/infer`,
          agent,
          headers: { 'Inference-Header-Content-Length': header.length, 'Content-Length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

/**
 * The request is encoded once, as restSender builds its body once: encoding 196 KB with
 * protobufjs per call (a fresh buffer each time) cost the clients' process more than the
 * request costs the server. grpc-js still copies it into a framed message per call.
 */
function grpcSender(port: number, model: string): () => Promise<void> {
  const pkg = grpc.loadPackageDefinition(inferencePackage()) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } };
  // One channel per worker: grpc-js otherwise shares one connection between clients of an address.
  const clients =
    WORKERS > 1
      ? Array.from(
          { length: WORKERS },
          () =>
            new pkg.inference.GRPCInferenceService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 }),
        )
      : [grpcClient(port)];
  let turn = 0;
  const method = (grpc.loadPackageDefinition(inferencePackage()) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } })
    .inference.GRPCInferenceService.service.ModelInfer!;
  const encoded = method.requestSerialize({
    model_name: model,
    inputs: [{ name: input.name, datatype: 'FP32', shape: [1, ...item] }],
    raw_input_contents: [Buffer.from(data.buffer)],
  });
  return () =>
    new Promise((resolve, reject) =>
      clients[turn++ % clients.length]!.makeUnaryRequest(
        method.path,
        (b: Buffer) => b,
        method.responseDeserialize,
        encoded,
        (e) => (e ? reject(e) : resolve()),
      ),
    );
}

async function metric(port: number, name: string, model: string): Promise<number> {
  const text = await new Promise<string>((resolve) =>
    http.get({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let s = '';
      res.on('data', (c) => (s += c));
      res.on('end', () => resolve(s));
    }),
  );
  return Number(new RegExp(`${name}\\{model="${model}",version="1"\\} (\\d+)`).exec(text)?.[1] ?? 0);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const rows: string[] = [];
function report(mode: string, clients: number, r: Result, batch?: number, cpuMs?: number) {
  const us = cpuMs === undefined ? '' : ` ${cpuMs ? ((1000 * cpuMs) / r.latencies.length).toFixed(0) : '-'} |`;
  const row = `| ${mode} | ${clients} | ${(r.latencies.length / r.seconds).toFixed(1)} | ${pct(r.latencies, 50).toFixed(1)} | ${pct(r.latencies, 99).toFixed(1)} | ${batch === undefined ? '-' : batch.toFixed(1)} |${us}`;
  rows.push(row);
  console.log(row);
}

console.log(
  `model ${MODEL} (${input.name} [N,${item}]), ${BACKEND}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `${PROTOCOL}, ${SECONDS} s per row in slices of ${SLICE} s taken in turn, after ${WARMUP} s warm-up, batching delay ${DELAY_US} us, ${INSTANCES} instance(s), ${WORKERS} worker(s)\n`,
);
console.log(
  SERVER_PROCESS
    ? '| mode | clients | req/s | p50 ms | p99 ms | mean batch | server JS thread us/req |\n|---|---|---|---|---|---|---|'
    : '| mode | clients | req/s | p50 ms | p99 ms | mean batch |\n|---|---|---|---|---|---|',
);

const inProcess = await compile(bytes, {
  ...(compileOptions as Parameters<typeof compile>[1]),
  maxContexts: INSTANCES,
  threads: Math.max(1, Math.floor(os.availableParallelism() / INSTANCES)),
});
const feed = { [input.name]: new ort.Tensor('float32', data, [1, ...item]) };
let server: { httpPort?: number; grpcPort?: number; close(): Promise<void> };
let serverPids: number[] = [];
if (SERVER_PROCESS) {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, '--serve-child', dir, '--workers', String(WORKERS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the server process exited (${code})`)));
  });
  const ports = JSON.parse(line) as { httpPort: number; grpcPort: number; pids: number[] };
  serverPids = [child.pid!, ...ports.pids];
  server = {
    ...ports,
    close: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.kill('SIGTERM'))),
  };
} else {
  server = await serve({
    modelRepository: dir,
    httpPort: 0,
    grpcPort: 0,
    workers: WORKERS,
    onLog: (m, level) => (level === 'warn' || /prepared|ready/.test(m) ? console.error(`serve: ${m}`) : undefined),
  });
}
const port = server.httpPort!;

// NOTE: this machine is shared and its load drifts; the modes take turns in slices of SLICE
// seconds (ROUNDS each) so that a drift falls on all of them alike.
const ROUNDS = Math.max(1, Math.round(SECONDS / SLICE));
for (const c of CLIENTS) {
  const agents = ['unbatched', 'batched'].map(() => new http.Agent({ keepAlive: true, maxSockets: c }));
  const modes = [
    { name: 'in-process run()', send: async () => void (await inProcess.run(feed)) },
    ...['unbatched', 'batched'].map((model, i) => ({
      name: `server, ${model}`,
      model,
      send: PROTOCOL === 'grpc' ? grpcSender(server.grpcPort!, model) : restSender(port, model, agents[i]!),
    })),
  ];
  const results = modes.map(() => ({ latencies: [] as number[], seconds: 0, items: 0, runs: 0, cpuMs: 0 }));
  for (const m of modes) await load(c, m.send, WARMUP);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [k, m] of modes.entries()) {
      const model = 'model' in m ? m.model : undefined;
      const before = model
        ? [await metric(port, 'hybridrt_inference_count_total', model), await metric(port, 'hybridrt_inference_exec_count_total', model)]
        : [0, 0];
      const cpu0 = mainThreadMs(serverPids);
      const r = await load(c, m.send, SLICE);
      const cpu1 = mainThreadMs(serverPids);
      if (cpu0 !== undefined && cpu1 !== undefined && model) results[k]!.cpuMs += cpu1 - cpu0;
      const after = model
        ? [await metric(port, 'hybridrt_inference_count_total', model), await metric(port, 'hybridrt_inference_exec_count_total', model)]
        : [0, 0];
      results[k]!.latencies.push(...r.latencies);
      results[k]!.seconds += r.seconds;
      results[k]!.items += after[0]! - before[0]!;
      results[k]!.runs += after[1]! - before[1]!;
    }
  }
  modes.forEach((m, k) =>
    report(
      m.name,
      c,
      results[k]!,
      'model' in m ? results[k]!.items / Math.max(1, results[k]!.runs) : undefined,
      serverPids.length ? results[k]!.cpuMs : undefined,
    ),
  );
  for (const a of agents) a.destroy();
}
await server.close();
await inProcess.dispose();
fs.rmSync(dir, { recursive: true, force: true });
process.exit(0);
