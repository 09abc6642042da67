/**
 * The server's limits and its shutdown: an oversized body (declared or streamed), a tensor of
 * too many elements, a client that sends its body too slowly, an oversized gRPC message; and
 * close() / SIGTERM with requests in flight, which are answered before the ports close.
 */
import net from 'node:net';
import grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/serve/cli.js';
import type { HybridServer } from '../../src/serve/server.js';
import { type InferenceClient, call, cnnInput, cnnRequest, grpcClient, makeRepository, postJson, rest, startServer } from './helpers.js';

const config = { backend: 'cpu', max_batch_size: 8, dynamic_batching: { preferred_batch_size: [8], max_queue_delay_microseconds: 5_000_000 } };

describe('limits', () => {
  let server: HybridServer;
  let client: InferenceClient;
  beforeAll(async () => {
    server = await startServer(makeRepository({ cnn: { config: { backend: 'cpu', max_batch_size: 8 } } }), {
      maxBodyBytes: 20_000,
      maxTensorElements: 1000,
      requestTimeoutMs: 400,
    });
    client = grpcClient(server.grpcPort!);
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it('answers 413 to a body beyond maxBodyBytes, declared or streamed', async () => {
    const big = Buffer.alloc(30_000, 32);
    const declared = await rest(server.httpPort!, 'POST', '/v2/models/cnn/infer', big);
    expect([declared.status, declared.json().error]).toEqual([
      413,
      "model 'cnn': the request body has 30000 bytes, more than the 20000 this server allows (--max-body-bytes)",
    ]);
    const streamed = await rest(server.httpPort!, 'POST', '/v2/models/cnn/infer', big, { 'Transfer-Encoding': 'chunked' });
    expect(streamed.status).toBe(413);
  });

  it('answers 413 to a tensor of more elements than maxTensorElements', async () => {
    const r = await postJson(server.httpPort!, '/v2/models/cnn/infer', { inputs: [{ name: 'x', shape: [8, 3, 8, 8], datatype: 'FP32', data: [] }] });
    expect([r.status, r.json().error]).toEqual([
      413,
      "model 'cnn' version 1: input 'x': shape [8,3,8,8] has 1536 elements, more than the 1000 this server allows",
    ]);
  });

  it('answers 408 to a client that does not send its body in time, and closes its connection', async () => {
    const socket = net.connect(server.httpPort!, '127.0.0.1');
    const got: Buffer[] = [];
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('data', (c) => got.push(c));
    socket.write('POST /v2/models/cnn/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"inputs":');
    const t0 = performance.now();
    await closed;
    const text = Buffer.concat(got).toString();
    expect(text).toMatch(/^HTTP\/1.1 408/);
    expect(text).toContain('{"error":"the request was not answered within 400 ms (--request-timeout-ms)"}');
    expect(performance.now() - t0).toBeLessThan(3000);
    expect((await rest(server.httpPort!, 'GET', '/v2/health/live')).status).toBe(200);
  });

  it('answers RESOURCE_EXHAUSTED to a gRPC message beyond maxBodyBytes', async () => {
    const request = { model_name: 'cnn', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 8, 8] }], raw_input_contents: [Buffer.alloc(30_000)] };
    await expect(call(client, 'ModelInfer', request)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
  });
});

describe('shutdown', () => {
  it('close() answers the requests in flight (REST and gRPC), then stops listening', async () => {
    const server = await startServer(makeRepository({ cnn: { config } }));
    const client = grpcClient(server.grpcPort!);
    // The queue delay is 5 s and the preferred batch 8: these wait in the queue until close() drains it.
    const restReplies = [1, 2, 3].map((i) => postJson(server.httpPort!, '/v2/models/cnn/infer', cnnRequest(cnnInput(1, i), 1)));
    const grpcReply = call(client, 'ModelInfer', {
      model_name: 'cnn',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 8, 8] }],
      raw_input_contents: [Buffer.from(cnnInput(1, 4).buffer)],
    });
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    await server.close();
    expect(performance.now() - t0).toBeLessThan(4000); // drained at once, not after the 5 s delay
    for (const r of await Promise.all(restReplies)) expect(r.status).toBe(200);
    expect((await grpcReply).raw_output_contents).toHaveLength(2);
    await expect(rest(server.httpPort!, 'GET', '/v2/health/live')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    client.close();
  });

  it('hybrid-serve drains on SIGTERM and exits 0', async () => {
    const lines: string[] = [];
    const exit = main(['--model-repository', makeRepository({ cnn: { config } }), '--http-port', '0', '--grpc-port', '0'], {
      err: (s) => void lines.push(s),
    });
    let port = 0;
    for (let i = 0; i < 100 && !port; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (lines.some((l) => l.includes('serving 1 of 1'))) port = Number(/REST \(HTTP\/1.1\) on 127.0.0.1:(\d+)/.exec(lines.join(''))?.[1]);
    }
    expect(port).toBeGreaterThan(0);
    const reply = postJson(port, '/v2/models/cnn/infer', cnnRequest(cnnInput(1, 9), 1));
    await new Promise((r) => setTimeout(r, 300));
    process.kill(process.pid, 'SIGTERM');
    expect(await exit).toBe(0);
    expect((await reply).status).toBe(200);
    expect(lines.join('')).toMatch(/SIGTERM: draining[\s\S]*stopped/);
  });
});

describe('deadlines and signals while loading', () => {
  it("drops a gRPC request at the client's deadline, before the server's own limit", async () => {
    const server = await startServer(makeRepository({ cnn: { config } }), { requestTimeoutMs: 60_000 });
    const client = grpcClient(server.grpcPort!);
    const request = {
      model_name: 'cnn',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 8, 8] }],
      raw_input_contents: [Buffer.from(cnnInput(1, 5).buffer)],
    };
    // The queue delay is 5 s: without the deadline the request would wait there.
    const t0 = performance.now();
    const reply = call(client, 'ModelInfer', request);
    await expect(
      new Promise((resolve, reject) =>
        (client as unknown as grpc.Client & { ModelInfer: (...a: unknown[]) => void }).ModelInfer(
          request,
          new grpc.Metadata(),
          { deadline: Date.now() + 300 },
          (e: unknown, r: unknown) => (e ? reject(e) : resolve(r)),
        ),
      ),
    ).rejects.toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
    expect(performance.now() - t0).toBeLessThan(3000);
    // The server dropped it too: its failure count shows a TIMEOUT for gRPC.
    await new Promise((r) => setTimeout(r, 200));
    const metrics = (await rest(server.httpPort!, 'GET', '/metrics')).body.toString();
    const timeouts = metrics
      .split('\n')
      .filter((l) => l.startsWith('hybridrt_inference_failures_total{') && l.includes('protocol="grpc"') && l.includes('kind="TIMEOUT"'));
    expect(timeouts).toEqual([expect.stringMatching(/\} 1$/)]);
    await server.close();
    await reply; // the request without a deadline is answered by the drain
    client.close();
  });

  it('hybrid-serve stops loading on SIGTERM during the load, then drains what is ready and exits 0', async () => {
    const lines: string[] = [];
    let fire!: (s: string) => void;
    const stopped = new Promise<string>((resolve) => (fire = resolve));
    const repository = makeRepository({ a: { config }, b: { config }, c: { config }, d: { config } });
    const t0 = performance.now();
    const code = await main(
      ['--model-repository', repository, '--http-port', '0', '--grpc-port', '0'],
      {
        err: (s) => {
          lines.push(s);
          if (s.includes("model 'a' version 1: ready")) fire('SIGTERM');
        },
      },
      stopped,
      () => new Promise(() => {}),
    );
    const log = lines.join('');
    expect(code).toBe(0);
    expect(log).toContain('SIGTERM while loading: stopping after the model version being loaded');
    // 'a' loaded, one more may have begun before the signal was seen; the rest were never compiled.
    expect(log).toMatch(/[23] model versions not loaded: the server is stopping/);
    expect(log).not.toContain("model 'd' version 1: ready");
    expect(log).not.toContain('serving ');
    expect(log).toMatch(/SIGTERM: draining[\s\S]*stopped/);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
});
