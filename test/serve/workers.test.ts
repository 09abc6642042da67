/**
 * A server of several processes (serve({ workers: 2 }), src/serve/cluster.ts): two worker
 * processes share the REST and gRPC ports. Every answer under concurrency is held to
 * onnxruntime run on that client's own input (FP32_TOL, as batching.test.ts); /metrics counts
 * the requests of both workers; a bad request still gets its 400 / INVALID_ARGUMENT; a worker
 * killed is reported and restarted while the other serves; close() answers what is in flight
 * and the workers exit. The clients open fresh connections (REST) and channels of their own
 * (gRPC), which node:cluster hands to the workers in turn.
 */
import grpc from '@grpc/grpc-js';
import fs from 'node:fs';
import http from 'node:http';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/serve/cli.js';
import { MAX_RESTARTS, mergeIndex } from '../../src/serve/cluster.js';
import { inferencePackage } from '../../src/serve/grpc-proto.js';
import type { HybridServer } from '../../src/serve/server.js';
import { FP32_TOL } from '../engine/helpers/compare.js';
import { ortRun, relativeError } from '../runtime/helpers.js';
import { type InferenceClient, call, cnnBytes, cnnInput, cnnRequest, makeRepository, postJson, rest, startServer } from './helpers.js';

const batched = { backend: 'cpu', max_batch_size: 8, dynamic_batching: { max_queue_delay_microseconds: 2000 } };

/** A gRPC client on a connection of its own (grpc-js otherwise shares one between clients of one address). */
function ownClient(port: number): InferenceClient {
  const pkg = grpc.loadPackageDefinition(inferencePackage()) as unknown as { inference: { GRPCInferenceService: grpc.ServiceClientConstructor } };
  return new pkg.inference.GRPCInferenceService(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
    'grpc.use_local_subchannel_pool': 1,
  }) as unknown as InferenceClient;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Blocks this thread, so that the server in it sees nothing meanwhile, until the child `pid` has
 * died with all its threads and closed its files: a zombie whose exit this process has not seen,
 * nor that its IPC channel is closed.
 */
function blockUntilDead(pid: number): void {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const files = () => {
    try {
      return fs.readdirSync(`/proc/${pid}/fd`).length;
    } catch {
      return 0;
    }
  };
  for (let i = 0; i < 1000 && files() > 0; i++) Atomics.wait(nap, 0, 0, 10);
  if (files() > 0) throw new Error(`pid ${pid} did not die`);
  Atomics.wait(nap, 0, 0, 200); // the kernel may release the last file a moment later (delayed fput)
}

async function waitFor(what: string, test: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const metric = (text: string, line: RegExp) => Number(line.exec(text)?.[1] ?? NaN);

describe('two workers', () => {
  let server: HybridServer;
  const lines: string[] = [];
  const pids = () => [...lines.join('\n').matchAll(/worker (\d): pid (\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  beforeAll(async () => {
    server = await startServer(makeRepository({ cnn: { config: batched } }), { workers: 2, onLog: (m) => void lines.push(m) });
  });
  afterAll(async () => {
    await server?.close();
    for (const [, pid] of pids()) expect(alive(pid), `worker pid ${pid} after close()`).toBe(false);
  });

  it('runs two worker processes, says which, and is ready', async () => {
    const log = lines.join('\n');
    expect(log).toContain(`primary pid ${process.pid}: 2 workers sharing the ports`);
    const [one, two] = pids();
    expect([one?.[0], two?.[0]]).toEqual([1, 2]);
    expect(new Set([process.pid, one![1], two![1]]).size).toBe(3);
    expect(alive(one![1]) && alive(two![1])).toBe(true);
    expect(log).toMatch(
      new RegExp(`2 workers serving \\(pids ${one![1]}, ${two![1]}\\): REST on 127.0.0.1:${server.httpPort}, gRPC on 127.0.0.1:${server.grpcPort}`),
    );
    expect((await rest(server.httpPort!, 'GET', '/v2/health/ready')).json()).toEqual({ ready: true });
    expect((await rest(server.httpPort!, 'GET', '/v2/models/cnn/ready')).status).toBe(200);
    expect((await postJson(server.httpPort!, '/v2/repository/index', {})).json()).toEqual([
      { name: 'cnn', version: '1', state: 'READY', reason: '' },
    ]);
    expect(server.models()).toEqual([{ name: 'cnn', version: '1', state: 'READY', reason: '' }]);
  });

  it('answers concurrent REST and gRPC clients each with the logits of its own input, and counts them all in /metrics', async () => {
    const before = (await rest(server.httpPort!, 'GET', '/metrics')).body.toString();
    const clients = Array.from({ length: 4 }, () => ownClient(server.grpcPort!));
    try {
      const n = 32;
      const got = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const data = cnnInput(1, 100 + i);
          if (i % 2 === 0) {
            const r = await postJson(server.httpPort!, '/v2/models/cnn/infer', cnnRequest(data, 1, { outputs: [{ name: 'logits' }] }));
            expect(r.status, r.body.toString()).toBe(200);
            return Float32Array.from(r.json().outputs[0].data as number[]);
          }
          const reply = await call(clients[i % 4]!, 'ModelInfer', {
            model_name: 'cnn',
            inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 8, 8] }],
            outputs: [{ name: 'logits' }],
            raw_input_contents: [Buffer.from(data.buffer)],
          });
          const raw: Buffer = reply.raw_output_contents[0];
          return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
        }),
      );
      for (const [i, g] of got.entries()) {
        const want = (await ortRun(cnnBytes(), { x: new ort.Tensor('float32', cnnInput(1, 100 + i), [1, 3, 8, 8]) })).logits!;
        expect(relativeError(new ort.Tensor('float32', g, [1, 5]), want), `client ${i}`).toBeLessThan(FP32_TOL);
      }
      const after = (await rest(server.httpPort!, 'GET', '/metrics')).body.toString();
      const requests = (text: string, protocol: string) =>
        metric(text, new RegExp(`^hybridrt_inference_requests_total\\{model="cnn",version="1",protocol="${protocol}"\\} (\\d+)$`, 'm')) || 0;
      expect(requests(after, 'rest') - requests(before, 'rest')).toBe(n / 2);
      expect(requests(after, 'grpc') - requests(before, 'grpc')).toBe(n / 2);
      const items = (text: string) => metric(text, /^hybridrt_inference_count_total\{model="cnn",version="1"\} (\d+)$/m) || 0;
      expect(items(after) - items(before)).toBe(n);
      expect(metric(after, /^hybridrt_workers (\d+)$/m)).toBe(2);
      expect(metric(after, /^hybridrt_model_ready\{model="cnn",version="1"\} (\d+)$/m)).toBe(1);
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('answers a bad request with its 400 / INVALID_ARGUMENT in every worker', async () => {
    const clients = Array.from({ length: 2 }, () => ownClient(server.grpcPort!));
    try {
      for (let i = 0; i < 4; i++) {
        const r = await postJson(server.httpPort!, '/v2/models/cnn/infer', {
          inputs: [{ name: 'x', shape: [1, 3, 9, 8], datatype: 'FP32', data: [] }],
        });
        expect(r.status).toBe(400);
        expect(r.json().error).toMatch(/^model 'cnn' version 1: input 'x'/);
        expect((await rest(server.httpPort!, 'POST', '/v2/models/cnn/infer', '{"inputs": [')).status).toBe(400);
      }
      for (const c of clients) {
        const bad = { model_name: 'cnn', inputs: [{ name: 'x', datatype: 'INT64', shape: [1, 3, 8, 8] }], raw_input_contents: [Buffer.alloc(1536)] };
        await expect(call(c, 'ModelInfer', bad)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
      }
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('reports a worker that dies and restarts it, while the other serves', async () => {
    const [, first] = pids()[0]!;
    process.kill(first, 'SIGKILL');
    await waitFor('the restart', () => pids().length === 3);
    const [n, second] = pids()[2]!;
    expect(n).toBe(1);
    expect(second).not.toBe(first);
    expect(lines.join('\n')).toContain(`worker 1 (pid ${first}) exited on its own (signal SIGKILL); restarting it`);
    // Until it has loaded, every connection goes to worker 2.
    for (let i = 0; i < 4; i++) expect((await postJson(server.httpPort!, '/v2/models/cnn/infer', cnnRequest(cnnInput(1, i), 1))).status).toBe(200);
    await waitFor('the restarted worker to load', async () => {
      const text = (await rest(server.httpPort!, 'GET', '/metrics')).body.toString();
      return metric(text, /^hybridrt_workers (\d+)$/m) === 2;
    });
    const text = (await rest(server.httpPort!, 'GET', '/metrics')).body.toString();
    expect(metric(text, /^hybridrt_worker_restarts_total (\d+)$/m)).toBe(1);
    expect((await rest(server.httpPort!, 'GET', '/v2/health/ready')).status).toBe(200);
  });
});

describe('hybrid-serve --workers 2', () => {
  it('drains every worker on SIGTERM: the REST and gRPC requests queued in each are answered, then the workers and the CLI exit 0', async () => {
    // Preferred batch 8 and a 5 s delay: the requests wait in their workers' queues until the drain runs them.
    const config = { backend: 'cpu', max_batch_size: 8, dynamic_batching: { preferred_batch_size: [8], max_queue_delay_microseconds: 5_000_000 } };
    const lines: string[] = [];
    let fire!: (s: string) => void;
    const exit = main(
      ['--model-repository', makeRepository({ cnn: { config } }), '--http-port', '0', '--grpc-port', '0', '--workers', '2'],
      { err: (s) => void lines.push(s) },
      new Promise<string>((resolve) => (fire = resolve)),
    );
    await waitFor('the server', () => lines.some((l) => l.includes('serving 1 of 1')));
    const log = () => lines.join('');
    const port = Number(/2 workers serving \(pids \d+, \d+\): REST on 127.0.0.1:(\d+)/.exec(log())?.[1]);
    const workerPids = [...log().matchAll(/worker \d: pid (\d+)/g)].map((m) => Number(m[1]));
    expect(workerPids).toHaveLength(2);
    const replies = Array.from({ length: 6 }, (_, i) => postJson(port, '/v2/models/cnn/infer', cnnRequest(cnnInput(1, 200 + i), 1)));
    const grpcPort = Number(/gRPC on 127.0.0.1:(\d+)/.exec(log())?.[1]);
    const clients = [0, 1].map(() => ownClient(grpcPort));
    const grpcReplies = clients.map((c, i) =>
      call(c, 'ModelInfer', {
        model_name: 'cnn',
        inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 8, 8] }],
        outputs: [{ name: 'logits' }],
        raw_input_contents: [Buffer.from(cnnInput(1, 300 + i).buffer)],
      }),
    );
    await waitFor('the requests to arrive', async () => {
      const text = (await rest(port, 'GET', '/metrics')).body.toString();
      const count = (protocol: string) =>
        metric(text, new RegExp(`^hybridrt_inference_requests_total\\{model="cnn",version="1",protocol="${protocol}"\\} (\\d+)$`, 'm'));
      return count('rest') === 6 && count('grpc') === 2;
    });
    fire('SIGTERM');
    expect(await exit).toBe(0);
    for (const [i, reply] of (await Promise.all(grpcReplies)).entries()) {
      const raw: Buffer = reply.raw_output_contents[0];
      const got = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
      const want = (await ortRun(cnnBytes(), { x: new ort.Tensor('float32', cnnInput(1, 300 + i), [1, 3, 8, 8]) })).logits!;
      expect(relativeError(new ort.Tensor('float32', got, [1, 5]), want), `gRPC request ${i}`).toBeLessThan(FP32_TOL);
    }
    for (const c of clients) c.close();
    for (const [i, r] of (await Promise.all(replies)).entries()) {
      expect(r.status, r.body.toString()).toBe(200);
      const want = (await ortRun(cnnBytes(), { x: new ort.Tensor('float32', cnnInput(1, 200 + i), [1, 3, 8, 8]) })).logits!;
      const logits = r.json().outputs.find((o: { name: string }) => o.name === 'logits');
      expect(relativeError(new ort.Tensor('float32', Float32Array.from(logits.data as number[]), [1, 5]), want), `request ${i}`).toBeLessThan(
        FP32_TOL,
      );
    }
    expect(log()).toMatch(/SIGTERM: draining[\s\S]*stopped/);
    for (const pid of workerPids) expect(alive(pid), `worker pid ${pid}`).toBe(false);
    await expect(rest(port, 'GET', '/v2/health/live')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('starting and stopping', () => {
  it('fails serve() where a worker cannot start (a port in use), with the reason, and leaves no worker behind', async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const lines: string[] = [];
    try {
      await expect(
        startServer(makeRepository({ cnn: { config: batched } }), { workers: 2, httpPort: port, onLog: (m) => void lines.push(m) }),
      ).rejects.toMatchObject({ code: 'OPTION', message: expect.stringContaining(`REST cannot listen on 127.0.0.1:${port}`) });
      const started = [...lines.join('\n').matchAll(/worker \d: pid (\d+)/g)].map((m) => Number(m[1]));
      expect(started).toHaveLength(1); // worker 2 waits for worker 1, which failed
      await waitFor('the worker to exit', () => !alive(started[0]!));
    } finally {
      taken.close();
    }
  });

  it('hybrid-serve --workers 2 stops loading on SIGTERM during the load: worker 1 skips the rest, worker 2 never starts, exit 0', async () => {
    const config = { backend: 'cpu' };
    const lines: string[] = [];
    let fire!: (s: string) => void;
    const code = await main(
      [
        '--model-repository',
        makeRepository({ a: { config }, b: { config }, c: { config }, d: { config }, e: { config }, f: { config } }),
        '--http-port',
        '0',
        '--grpc-port',
        '0',
        '--workers',
        '2',
      ],
      {
        err: (s) => {
          lines.push(s);
          if (/worker 1 \(pid \d+\): model 'a' version 1: ready/.test(s)) fire('SIGTERM');
        },
      },
      new Promise<string>((resolve) => (fire = resolve)),
      () => new Promise(() => {}),
    );
    const log = lines.join('');
    expect(code).toBe(0);
    // How many versions worker 1 still loads depends on when the primary's stop message reaches
    // it (under load, after one or two more versions): some, never the last.
    expect(log).toMatch(/worker 1 \(pid \d+\): [1-4] model versions? not loaded: the server is stopping/);
    expect(log).not.toMatch(/model 'f' version 1: ready/);
    expect(log).not.toContain('worker 2: pid');
    expect(log).toMatch(/SIGTERM: draining[\s\S]*stopped/);
  });

  it('loads nothing where serve() is given a signal that has already aborted, as one process does', async () => {
    const config = { backend: 'cpu' };
    const lines: string[] = [];
    const server = await startServer(makeRepository({ a: { config }, b: { config } }), {
      workers: 2,
      signal: AbortSignal.abort(),
      onLog: (m) => void lines.push(m),
    });
    try {
      expect(lines.join('\n')).toMatch(/worker 1 \(pid \d+\): 2 model versions not loaded: the server is stopping/);
      expect(server.models().map((m) => m.state)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
    } finally {
      await server.close();
    }
  });

  it('stops by itself, with the reason in `stopped`, once workers keep dying (more than MAX_RESTARTS in the window)', async () => {
    const lines: string[] = [];
    const server = await startServer(makeRepository({ cnn: { config: { backend: 'cpu' } } }), { workers: 2, onLog: (m) => void lines.push(m) });
    const pids = () => [...lines.join('\n').matchAll(/worker \d: pid (\d+)/g)].map((m) => Number(m[1]));
    let outcome: Error | undefined | 'running' = 'running';
    void server.stopped.then((e) => (outcome = e));
    for (let killed = 0; killed <= MAX_RESTARTS && outcome === 'running'; killed++) {
      const pid = pids()[killed]!;
      process.kill(pid, 'SIGKILL');
      await waitFor(`worker pid ${pid} to be replaced`, () => pids().length > killed + 2 || outcome !== 'running');
    }
    await waitFor('the server to stop', () => outcome !== 'running');
    expect(outcome).toBeInstanceOf(Error);
    expect((outcome as unknown as Error).message).toMatch(
      /^workers exited on their own 6 times within 60 s \(the last: worker \d \(pid \d+\), signal SIGKILL\): stopping the server$/,
    );
    for (const pid of pids()) await waitFor(`worker pid ${pid} to exit`, () => !alive(pid));
    await server.close();
  });
});

describe.skipIf(process.platform !== 'linux')('a worker dead but not yet seen so', () => {
  it('does not crash the primary when a message to it fails (EPIPE): close() stops every worker', async () => {
    const lines: string[] = [];
    const server = await startServer(makeRepository({ cnn: { config: { backend: 'cpu' } } }), { workers: 2, onLog: (m) => void lines.push(m) });
    const pids = [...lines.join('\n').matchAll(/worker \d: pid (\d+)/g)].map((m) => Number(m[1]));
    process.kill(pids[0]!, 'SIGKILL');
    blockUntilDead(pids[0]!);
    // Its 'close' is written before the primary reads the closed channel or the exit: EPIPE.
    await server.close();
    expect(await server.stopped).toBeUndefined();
    for (const pid of pids) expect(alive(pid), `worker pid ${pid}`).toBe(false);
  });
});

describe('mergeIndex', () => {
  it('reports a version ready only where every serving worker has it ready, else with the reason of the worker where it is not', () => {
    const ready = { name: 'm', version: '1', state: 'READY', reason: '' };
    const failed = { name: 'm', version: '1', state: 'UNAVAILABLE', reason: 'failed to load: out of memory' };
    expect(
      mergeIndex([
        { n: 1, pid: 10, index: [ready] },
        { n: 2, pid: 11 },
      ]),
    ).toEqual([ready]);
    expect(
      mergeIndex([
        { n: 1, pid: 10, index: [ready] },
        { n: 2, pid: 11, index: [failed] },
      ]),
    ).toEqual([{ ...failed, reason: 'worker 2 (pid 11): failed to load: out of memory' }]);
    expect(mergeIndex([{ n: 1 }])).toBeUndefined();
  });
});
