/**
 * config.json's inputValues through the whole server: a Silero-shaped model (test/helpers/
 * rate-gated.ts, its data input batched as [N,8]) served with `inputValues: { sr: 16000 }` and
 * dynamic batching. Requests leave `sr` out (or give 16000) and are merged into batches; every
 * answer is held to onnxruntime run on the original model with that client's rows and sr = 16000,
 * within FP32_TOL (max |a - b| / max |b|, 1e-5 on the cpu backend); a model.hybrid compiled
 * with the value serves the same way (it keeps the value; its config.json has none). Another sr is INVALID
 * (400 / INVALID_ARGUMENT), metadata lists sr at its value's shape, and a value config.json
 * gives wrongly leaves the version UNAVAILABLE with the reason.
 */
import grpc from '@grpc/grpc-js';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { parseConfig } from '../../src/serve/config.js';
import type { HybridServer } from '../../src/serve/server.js';
import { mulberry32 } from '../../src/util/random.js';
import { FP32_TOL } from '../engine/helpers/compare.js';
import { RATE_GATED } from '../helpers/rate-gated.js';
import { ortRun, relativeError } from '../runtime/helpers.js';
import { type InferenceClient, call, grpcClient, makeRepository, postJson, rest, startServer } from './helpers.js';

const GATED = encodeModel(
  buildModel({
    ...RATE_GATED,
    inputs: [
      { name: 'x', dtype: 'float32', shape: ['N', 8] },
      { name: 'sr', dtype: 'int64', shape: [] },
    ],
  }),
  'gated',
);
const version = { 1: { file: 'model.onnx', bytes: GATED } };
const batching = { max_batch_size: 4, dynamic_batching: { max_queue_delay_microseconds: 20_000 } };

let server: HybridServer;
let client: InferenceClient;

beforeAll(async () => {
  // A model.hybrid compiled with the value: it keeps it (no inputValues in its config.json).
  const compiled = await compile(GATED, { backend: 'cpu', inputs: { x: { min: [1, 8], opt: [4, 8], max: [4, 8] } }, inputValues: { sr: 16000 } });
  const hybrid = await compiled.toBytes();
  await compiled.dispose();
  const dir = makeRepository({
    'gated-hybrid': { versions: { 1: { file: 'model.hybrid', bytes: hybrid } }, config: batching },
    gated: { versions: version, config: { backend: 'cpu', inputValues: { sr: 16000 }, ...batching } },
    // As a string: int64 beyond 2^53 is written so (here a small one, the same value).
    'gated-string': { versions: version, config: { backend: 'cpu', inputValues: { sr: '16000' } } },
    'gated-bad': { versions: version, config: { backend: 'cpu', inputValues: { sr: 1.5 } } },
    'gated-typo': { versions: version, config: { backend: 'cpu', inputValues: { rate: 16000 } } },
  });
  server = await startServer(dir);
  client = grpcClient(server.grpcPort!);
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

const rows = (n: number, seed: number) => {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n * 8 }, () => next() * 2 - 1);
};
const expected = async (x: Float32Array, n: number) =>
  (await ortRun(GATED, { x: new ort.Tensor('float32', x, [n, 8]), sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []) })).y!;
const srInput = (value: number) => ({ name: 'sr', shape: [], datatype: 'INT64', data: [value] });

async function counts(model: string): Promise<{ requests: number; runs: number }> {
  const text = (await rest(server.httpPort!, 'GET', '/metrics')).body.toString();
  const value = (re: RegExp) => Number(re.exec(text)?.[1] ?? NaN);
  return {
    requests: value(new RegExp(`hybridrt_inference_requests_total\\{model="${model}",version="1",protocol="rest"\\} (\\d+)`)),
    runs: value(new RegExp(`hybridrt_inference_exec_count_total\\{model="${model}",version="1"\\} (\\d+)`)),
  };
}

describe('inputValues in config.json', () => {
  it('batches concurrent REST requests that leave the fixed input out (or give its value), each answered as onnxruntime', async () => {
    const all = Array.from({ length: 12 }, (_, i) => ({ n: 1 + (i % 2), x: rows(1 + (i % 2), i), withSr: i % 3 === 0 }));
    const got = await Promise.all(
      all.map(async (c, i) => {
        const inputs = [{ name: 'x', shape: [c.n, 8], datatype: 'FP32', data: Array.from(c.x) }, ...(c.withSr ? [srInput(16000)] : [])];
        const r = await postJson(server.httpPort!, '/v2/models/gated/infer', { id: `r${i}`, inputs });
        expect(r.status, r.body.toString()).toBe(200);
        const out = r.json().outputs[0];
        return new ort.Tensor('float32', Float32Array.from(out.data), out.shape);
      }),
    );
    for (const [i, c] of all.entries()) {
      const want = await expected(c.x, c.n);
      expect(got[i]!.dims, `client ${i}`).toEqual([c.n, 4]);
      expect(relativeError(got[i]!, want), `client ${i}`).toBeLessThan(FP32_TOL);
    }
    const { requests, runs } = await counts('gated');
    expect(requests).toBe(12);
    expect(runs).toBeLessThan(12); // merged, sr given or not
  });

  it('serves a model.hybrid compiled with the value the same way, batched', async () => {
    const all = Array.from({ length: 6 }, (_, i) => ({ n: 1 + (i % 2), x: rows(1 + (i % 2), 50 + i) }));
    const got = await Promise.all(
      all.map(async (c) => {
        const r = await postJson(server.httpPort!, '/v2/models/gated-hybrid/infer', {
          inputs: [{ name: 'x', shape: [c.n, 8], datatype: 'FP32', data: Array.from(c.x) }],
        });
        expect(r.status, r.body.toString()).toBe(200);
        const out = r.json().outputs[0];
        return new ort.Tensor('float32', Float32Array.from(out.data), out.shape);
      }),
    );
    for (const [i, c] of all.entries()) expect(relativeError(got[i]!, await expected(c.x, c.n)), `client ${i}`).toBeLessThan(FP32_TOL);
    expect((await counts('gated-hybrid')).runs).toBeLessThan(6);
    const bad = await postJson(server.httpPort!, '/v2/models/gated-hybrid/infer', {
      inputs: [{ name: 'x', shape: [1, 8], datatype: 'FP32', data: Array.from(rows(1, 1)) }, srInput(8000)],
    });
    expect(bad.status).toBe(400);
  });

  it('answers 400 naming both values where a request gives another value', async () => {
    const r = await postJson(server.httpPort!, '/v2/models/gated/infer', {
      inputs: [{ name: 'x', shape: [1, 8], datatype: 'FP32', data: Array.from(rows(1, 99)) }, srInput(8000)],
    });
    expect(r.status).toBe(400);
    expect(r.json().error).toMatch(/model 'gated' version 1: input 'sr' was fixed at compile time to 16000 \(inputValues\), and this run fed 8000/);
    const missing = await postJson(server.httpPort!, '/v2/models/gated/infer', { inputs: [srInput(16000)] });
    expect(missing.status).toBe(400);
    expect(missing.json().error).toMatch(/input 'x' is missing \(the model takes x, sr \(optional: fixed to 16000\)\)/);
  });

  it('lists the fixed input in the metadata at its value shape, not batched', async () => {
    const r = await rest(server.httpPort!, 'GET', '/v2/models/gated');
    expect(r.status).toBe(200);
    expect(r.json().inputs).toEqual([
      { name: 'x', datatype: 'FP32', shape: [-1, 8] },
      { name: 'sr', datatype: 'INT64', shape: [] },
    ]);
  });

  it('takes an int64 written as a decimal string', async () => {
    const x = rows(1, 7);
    const r = await postJson(server.httpPort!, '/v2/models/gated-string/infer', {
      inputs: [{ name: 'x', shape: [1, 8], datatype: 'FP32', data: Array.from(x) }],
    });
    expect(r.status, r.body.toString()).toBe(200);
    const out = r.json().outputs[0];
    expect(relativeError(new ort.Tensor('float32', Float32Array.from(out.data), out.shape), await expected(x, 1))).toBeLessThan(FP32_TOL);
  });

  it('over gRPC: a request without the fixed input matches onnxruntime; another value is INVALID_ARGUMENT', async () => {
    const x = rows(2, 42);
    const reply = await call(client, 'ModelInfer', {
      model_name: 'gated',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 8] }],
      raw_input_contents: [Buffer.from(x.buffer)],
    });
    const raw: Buffer = reply.raw_output_contents[0];
    const y = new ort.Tensor('float32', new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)), [2, 4]);
    expect(reply.outputs[0].shape.map(Number)).toEqual([2, 4]);
    expect(relativeError(y, await expected(x, 2))).toBeLessThan(FP32_TOL);
    await expect(
      call(client, 'ModelInfer', {
        model_name: 'gated',
        inputs: [
          { name: 'x', datatype: 'FP32', shape: [2, 8] },
          { name: 'sr', datatype: 'INT64', shape: [] },
        ],
        raw_input_contents: [Buffer.from(x.buffer), Buffer.from(BigInt64Array.of(8000n).buffer)],
      }),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/input 'sr' was fixed at compile time to 16000/) });
  });

  it('leaves a version whose value does not fit UNAVAILABLE with the reason', () => {
    const state = Object.fromEntries(server.models().map((m) => [m.name, `${m.state}: ${m.reason ?? ''}`]));
    expect(state['gated-bad']).toMatch(/^UNAVAILABLE: .*inputValues\.sr: 1\.5 is not an integer of int64/);
    expect(state['gated-typo']).toMatch(/^UNAVAILABLE: .*no input 'rate'/);
  });

  it('config.json: refuses a value of no JSON form, and inputValues for a model.hybrid', () => {
    expect(() => parseConfig({ inputValues: { sr: { v: 1 } } }, 'm/config.json', false)).toThrow(
      /m\/config\.json: inputValues\.sr must be a number, a boolean, an integer as a decimal string/,
    );
    expect(() => parseConfig({ inputValues: [16000] }, 'm/config.json', false)).toThrow(/inputValues must be an object/);
    expect(() => parseConfig({ inputValues: { sr: 16000 } }, 'm/config.json', true)).toThrow(/'inputValues' applies to model.onnx only/);
    expect(parseConfig({ inputValues: { sr: 16000 } }, 'm/config.json', false)).toMatchObject({ compile: {}, inputValues: { sr: 16000 } });
  });
});
