/**
 * Dynamic batching through the whole server: many concurrent clients, over REST and gRPC at
 * once, each with its own input (distinct values, batch 1 or 2, two spatial sizes that may not
 * share a batch); every answer is held to onnxruntime run on that client's input alone, within
 * FP32_TOL (max |a - b| / max |b|, 1e-5 on the cpu backend). The metrics must show that requests
 * were merged (fewer runs than requests) where batching is on, and not where it is off.
 */
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HybridServer } from '../../src/serve/server.js';
import { mulberry32 } from '../../src/util/random.js';
import { FP32_TOL } from '../engine/helpers/compare.js';
import { ortRun, relativeError } from '../runtime/helpers.js';
import { type InferenceClient, call, cnnBytes, grpcClient, makeRepository, postJson, rest, startServer } from './helpers.js';

let server: HybridServer;
let client: InferenceClient;
const spatial = { 1: { file: 'model.onnx', bytes: cnnBytes(true) } };
const ranges = { x: { min: [1, 3, 8, 8], opt: [8, 3, 8, 8], max: [8, 3, 16, 16] } };
const wide = { x: { min: [1, 3, 64, 64], opt: [2, 3, 96, 96], max: [4, 3, 96, 96] } };

beforeAll(async () => {
  const dir = makeRepository({
    batched: {
      versions: spatial,
      config: {
        backend: 'cpu',
        inputs: ranges,
        max_batch_size: 8,
        dynamic_batching: { preferred_batch_size: [8], max_queue_delay_microseconds: 20_000 },
      },
    },
    unbatched: { versions: spatial, config: { backend: 'cpu', inputs: ranges, max_batch_size: 8, instances: 2 } },
    // Bodies of 64 KiB and more: read into reused memory (src/serve/buffer-pool.ts).
    'wide-batched': {
      versions: spatial,
      config: { backend: 'cpu', inputs: wide, max_batch_size: 4, dynamic_batching: { max_queue_delay_microseconds: 5_000 } },
    },
    'wide-unbatched': { versions: spatial, config: { backend: 'cpu', inputs: wide, max_batch_size: 4, instances: 2 } },
  });
  server = await startServer(dir);
  client = grpcClient(server.grpcPort!);
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

interface Case {
  shape: number[];
  data: Float32Array;
}

function cases(n: number, seed: number): Case[] {
  const next = mulberry32(seed);
  return Array.from({ length: n }, () => {
    const side = next() < 0.5 ? 8 : 16;
    const shape = [next() < 0.5 ? 1 : 2, 3, side, side];
    return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1) };
  });
}

/** One client's request over REST (even i) or gRPC (odd i): the logits tensor it got back. */
async function infer(model: string, c: Case, i: number): Promise<ort.Tensor> {
  if (i % 2 === 0) {
    const r = await postJson(server.httpPort!, `/v2/models/${model}/infer`, {
      id: `r${i}`,
      inputs: [{ name: 'x', shape: c.shape, datatype: 'FP32', data: Array.from(c.data) }],
      outputs: [{ name: 'logits' }],
    });
    expect(r.status, r.body.toString()).toBe(200);
    expect(r.json().id).toBe(`r${i}`);
    const out = r.json().outputs[0];
    return new ort.Tensor('float32', Float32Array.from(out.data), out.shape);
  }
  const reply = await call(client, 'ModelInfer', {
    model_name: model,
    id: `g${i}`,
    inputs: [{ name: 'x', datatype: 'FP32', shape: c.shape }],
    outputs: [{ name: 'logits' }],
    raw_input_contents: [Buffer.from(c.data.buffer)],
  });
  expect(reply.id).toBe(`g${i}`);
  const raw: Buffer = reply.raw_output_contents[0];
  return new ort.Tensor(
    'float32',
    new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)),
    reply.outputs[0].shape.map(Number),
  );
}

async function counts(model: string): Promise<{ requests: number; runs: number; items: number }> {
  const text = (await rest(server.httpPort!, 'GET', '/metrics')).body.toString();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return {
    requests:
      value(new RegExp(`hybridrt_inference_requests_total\\{model="${model}",version="1",protocol="rest"\\} (\\d+)`)) +
      value(new RegExp(`hybridrt_inference_requests_total\\{model="${model}",version="1",protocol="grpc"\\} (\\d+)`)),
    runs: value(new RegExp(`hybridrt_inference_exec_count_total\\{model="${model}",version="1"\\} (\\d+)`)),
    items: value(new RegExp(`hybridrt_inference_count_total\\{model="${model}",version="1"\\} (\\d+)`)),
  };
}

describe.each([
  ['batched', true],
  ['unbatched', false],
])('%s', (model, batching) => {
  it('answers 32 concurrent clients (REST and gRPC) each with the logits of its own input', async () => {
    const all = cases(32, batching ? 5 : 6);
    const got = await Promise.all(all.map((c, i) => infer(model, c, i)));
    const want = await Promise.all(all.map((c) => ortRun(cnnBytes(true), { x: new ort.Tensor('float32', c.data, c.shape) })));
    got.forEach((g, i) => {
      expect(g.dims, `client ${i}`).toEqual([all[i]!.shape[0], 5]);
      expect(relativeError(g, want[i]!.logits!), `client ${i}`).toBeLessThan(FP32_TOL);
    });
    const { requests, runs, items } = await counts(model);
    expect(requests).toBe(32);
    expect(items).toBe(all.reduce((a, c) => a + c.shape[0]!, 0));
    if (batching) expect(runs).toBeLessThan(32);
    else expect(runs).toBe(32);
  });
});

describe.each(['wide-batched', 'wide-unbatched'])('%s', (model) => {
  it('answers rounds of concurrent binary requests of 64 KiB and more, each with the logits of its own input', async () => {
    const session = await ort.InferenceSession.create(cnnBytes(true), { intraOpNumThreads: 1, logSeverityLevel: 3 });
    const next = mulberry32(model.length);
    try {
      // Later rounds read their bodies into the memory of earlier ones (and merge into it).
      for (let round = 0; round < 4; round++) {
        const all = Array.from({ length: 12 }, (_, i) => {
          const shape = i % 3 === 0 ? [2, 3, 64, 64] : [1, 3, 96, 96];
          return { shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1) };
        });
        const got = await Promise.all(
          all.map(async (c, i) => {
            const header = Buffer.from(
              JSON.stringify({
                inputs: [{ name: 'x', shape: c.shape, datatype: 'FP32', parameters: { binary_data_size: c.data.byteLength } }],
                outputs: [{ name: 'logits', parameters: { binary_data: true } }],
              }) + ' '.repeat(i % 4), // the binary data at every alignment
            );
            const r = await rest(server.httpPort!, 'POST', `/v2/models/${model}/infer`, Buffer.concat([header, Buffer.from(c.data.buffer)]), {
              'Inference-Header-Content-Length': header.length,
            });
            expect(r.status, r.body.toString()).toBe(200);
            const raw = Buffer.from(r.body.subarray(Number(r.headers['inference-header-content-length'])));
            return new ort.Tensor('float32', new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4), [c.shape[0]!, 5]);
          }),
        );
        for (const [i, c] of all.entries()) {
          const want = (await session.run({ x: new ort.Tensor('float32', c.data, c.shape) })).logits!;
          expect(relativeError(got[i]!, want), `round ${round}, client ${i}`).toBeLessThan(FP32_TOL);
        }
      }
    } finally {
      await session.release();
    }
  });
});
