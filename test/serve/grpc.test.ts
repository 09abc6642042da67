/**
 * The gRPC service (inference.GRPCInferenceService) against the protocol's messages: ServerLive,
 * ServerReady, ModelReady, ServerMetadata, ModelMetadata and ModelInfer with raw_input_contents
 * and with typed contents, answered in raw_output_contents; errors as status codes whose details
 * name the model, the input and the reason.
 */
import grpc from '@grpc/grpc-js';
import http2 from 'node:http2';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferPool } from '../../src/serve/buffer-pool.js';
import { GRPC_CONNECTION_WINDOW, GRPC_STREAM_WINDOW, decodeInferRequest } from '../../src/serve/grpc.js';
import type { HybridServer } from '../../src/serve/server.js';
import { FP32_TOL } from '../engine/helpers/compare.js';
import { ortRun, relativeError } from '../runtime/helpers.js';
import { CNN_ITEM, type InferenceClient, addBytes, call, cnnBytes, cnnInput, grpcClient, makeRepository, startServer } from './helpers.js';

let server: HybridServer;
let client: InferenceClient;

beforeAll(async () => {
  const dir = makeRepository({
    cnn: { config: { backend: 'cpu', max_batch_size: 4, dynamic_batching: {} } },
    two: { versions: { 1: { file: 'model.onnx', bytes: addBytes() } }, config: { backend: 'cpu', max_batch_size: 2 } },
    broken: { config: { backend: 'cpu', max_batch_size: -1 } },
    // 3 x 64 x 64 floats: 48 KiB an item, so that inputs of 2 items and more are pooled (64 KiB and up)
    wide: {
      versions: { 1: { file: 'model.onnx', bytes: cnnBytes(true) } },
      config: {
        backend: 'cpu',
        max_batch_size: 4,
        dynamic_batching: {},
        inputs: { x: { min: [1, 3, 64, 64], opt: [2, 3, 64, 64], max: [4, 3, 64, 64] } },
      },
    },
  });
  server = await startServer(dir);
  client = grpcClient(server.grpcPort!);
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

const floats = (b: Buffer) => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

describe('health and metadata', () => {
  it('answers ServerLive, ServerReady and ServerMetadata', async () => {
    expect(await call(client, 'ServerLive', {})).toEqual({ live: true });
    expect(await call(client, 'ServerReady', {})).toEqual({ ready: true });
    const meta = await call(client, 'ServerMetadata', {});
    expect(meta).toEqual({ name: 'hybridrt', version: expect.any(String), extensions: expect.arrayContaining(['binary_tensor_data']) });
  });

  it('answers ModelReady: true, false for a model that failed to load, NOT_FOUND for an unknown one', async () => {
    expect(await call(client, 'ModelReady', { name: 'cnn', version: '' })).toEqual({ ready: true });
    expect(await call(client, 'ModelReady', { name: 'cnn', version: '1' })).toEqual({ ready: true });
    expect(await call(client, 'ModelReady', { name: 'broken' })).toEqual({ ready: false });
    await expect(call(client, 'ModelReady', { name: 'nope' })).rejects.toMatchObject({
      code: grpc.status.NOT_FOUND,
      details: expect.stringMatching(/unknown model 'nope'/),
    });
  });

  it('answers ModelMetadata with -1 for the batch dim; UNAVAILABLE with the reason for a model that failed to load', async () => {
    const meta = await call(client, 'ModelMetadata', { name: 'cnn' });
    expect(meta).toEqual({
      name: 'cnn',
      versions: ['1'],
      platform: 'hybridrt',
      inputs: [{ name: 'x', datatype: 'FP32', shape: ['-1', '3', '8', '8'] }],
      outputs: [
        { name: 'features', datatype: 'FP32', shape: ['-1', '4'] },
        { name: 'logits', datatype: 'FP32', shape: ['-1', '5'] },
      ],
    });
    await expect(call(client, 'ModelMetadata', { name: 'broken' })).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
      details: expect.stringMatching(/model 'broken' version 1 failed to load: .*max_batch_size must be an integer from 0 to 4096, got -1/),
    });
    await expect(call(client, 'ModelMetadata', { name: 'cnn', version: '3' })).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });
});

describe('ModelInfer', () => {
  it('takes raw_input_contents and answers raw_output_contents matching onnxruntime', async () => {
    const input = cnnInput(2, 11);
    const reply = await call(client, 'ModelInfer', {
      model_name: 'cnn',
      id: 'g1',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 3, 8, 8] }],
      raw_input_contents: [Buffer.from(input.buffer)],
    });
    expect(reply).toMatchObject({ model_name: 'cnn', model_version: '1', id: 'g1' });
    expect(reply.outputs.map((o: { name: string; datatype: string; shape: string[] }) => [o.name, o.datatype, o.shape])).toEqual([
      ['features', 'FP32', ['2', '4']],
      ['logits', 'FP32', ['2', '5']],
    ]);
    const want = await ortRun(cnnBytes(), { x: new ort.Tensor('float32', input, [2, ...CNN_ITEM]) });
    reply.outputs.forEach((o: { name: string }, i: number) => {
      const got = new ort.Tensor('float32', floats(reply.raw_output_contents[i]), want[o.name]!.dims);
      expect(relativeError(got, want[o.name]!), o.name).toBeLessThan(FP32_TOL);
    });
  });

  it('takes typed contents (fp32_contents) and answers the requested outputs only', async () => {
    const reply = await call(client, 'ModelInfer', {
      model_name: 'two',
      model_version: '1',
      inputs: [
        { name: 'a', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } },
        { name: 'b', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [10, 20, 30, 40] } },
      ],
      outputs: [{ name: 'sum' }],
    });
    expect(reply.outputs).toEqual([{ name: 'sum', datatype: 'FP32', shape: ['1', '4'], parameters: {}, contents: null }]);
    expect([...floats(reply.raw_output_contents[0])]).toEqual([11, 22, 33, 44]);
  });

  const base = { model_name: 'cnn', inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 8, 8] }], raw_input_contents: [Buffer.alloc(768)] };
  const cases: Array<[string, Record<string, unknown>, grpc.status, RegExp]> = [
    ['an unknown model', { ...base, model_name: 'nope' }, grpc.status.NOT_FOUND, /unknown model 'nope'/],
    ['a model that failed to load', { ...base, model_name: 'broken' }, grpc.status.UNAVAILABLE, /model 'broken' version 1 failed to load/],
    [
      'truncated raw data',
      { ...base, raw_input_contents: [Buffer.alloc(700)] },
      grpc.status.INVALID_ARGUMENT,
      /input 'x': 700 bytes of data, expected 768/,
    ],
    [
      'typed contents of the wrong length',
      { ...base, raw_input_contents: [], inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 8, 8], contents: { fp32_contents: [1] } }] },
      grpc.status.INVALID_ARGUMENT,
      /input 'x': data has 1 elements, its shape needs 192/,
    ],
    [
      'a wrong datatype',
      { ...base, inputs: [{ name: 'x', datatype: 'INT32', shape: [1, 3, 8, 8] }] },
      grpc.status.INVALID_ARGUMENT,
      /input 'x': datatype INT32, the model takes FP32/,
    ],
    [
      'a shape outside the profile',
      { ...base, inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 3, 9, 8] }] },
      grpc.status.INVALID_ARGUMENT,
      /dim 2 is 9; the model was compiled for x \[1\.\.4,3,8,8\]/,
    ],
    [
      'a negative dim',
      { ...base, inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3, 8, 8] }] },
      grpc.status.INVALID_ARGUMENT,
      /input 'x': shape must be an array of non-negative integers/,
    ],
    [
      'two raw entries for one input',
      { ...base, raw_input_contents: [Buffer.alloc(768), Buffer.alloc(768)] },
      grpc.status.INVALID_ARGUMENT,
      /raw_input_contents has 2 entries for 1 inputs/,
    ],
    [
      'FP16 in typed contents',
      { model_name: 'cnn', inputs: [{ name: 'x', datatype: 'FP16', shape: [1] }] },
      grpc.status.INVALID_ARGUMENT,
      /FP16 data travels in raw_input_contents only/,
    ],
    ['an unknown output', { ...base, outputs: [{ name: 'probs' }] }, grpc.status.INVALID_ARGUMENT, /the model has no output 'probs'/],
  ];
  for (const [what, request, code, details] of cases) {
    it(`answers ${grpc.status[code]} for ${what}`, async () => {
      await expect(call(client, 'ModelInfer', request)).rejects.toMatchObject({ code, details: expect.stringMatching(details) });
    });
  }

  it('still serves after every error above', async () => {
    const reply = await call(client, 'ModelInfer', base);
    expect(reply.raw_output_contents).toHaveLength(2);
  });
});

describe('raw_input_contents wherever they lie in the message', () => {
  const request = (bytes: Buffer, id = '') => ({
    model_name: 'm',
    model_version: '',
    id,
    parameters: {},
    inputs: [{ name: 'x', datatype: 'FP32', shape: ['2'], contents: null }],
    outputs: [],
    raw_input_contents: [bytes],
  });

  it('views aligned bytes and copies unaligned ones into pooled memory, given back on releaseInputs', () => {
    const pool = new BufferPool({ minSize: 8 });
    const message = Buffer.alloc(32);
    message.set(new Uint8Array(Float32Array.of(1.5, -2).buffer), 4);
    message.copyWithin(13, 4, 12); // the same two floats at offset 13 too
    const aligned = decodeInferRequest(request(message.subarray(4, 12)), pool);
    const unaligned = decodeInferRequest(request(message.subarray(13, 21)), pool);
    const bytesOf = (r: ReturnType<typeof decodeInferRequest>) => (r.inputs[0]!.data as { bytes: Uint8Array }).bytes;
    expect(bytesOf(aligned).buffer).toBe(message.buffer);
    expect(aligned.releaseInputs).toBeUndefined();
    const copy = bytesOf(unaligned);
    expect(copy.buffer).not.toBe(message.buffer);
    expect(copy.byteOffset % 4).toBe(0);
    expect(new Float32Array(copy.buffer, copy.byteOffset, 2)).toEqual(Float32Array.of(1.5, -2));
    expect(pool.idleSize).toBe(0);
    unaligned.releaseInputs!();
    expect(pool.idleSize).toBe(copy.buffer.byteLength);
  });

  it('answers concurrent requests at every offset mod 8 with their own outputs (onnxruntime), batched and pooled', async () => {
    // The id's length moves raw_input_contents by a byte each; batches 1 and 2 alternate: 48 KiB
    // messages are joined as usual (inputs copied where unaligned), 96 KiB ones in pooled memory
    // (inputs viewed there), and concurrent requests are merged into batches.
    const requests = Array.from({ length: 16 }, (_, k) => {
      const batch = 1 + (k % 2);
      return { id: 'i'.repeat(k % 8), batch, data: Float32Array.from({ length: batch * 3 * 64 * 64 }, (_, i) => Math.sin(i * 0.001 + k)) };
    });
    const replies = await Promise.all(
      requests.map((r) =>
        call(client, 'ModelInfer', {
          model_name: 'wide',
          id: r.id,
          inputs: [{ name: 'x', datatype: 'FP32', shape: [r.batch, 3, 64, 64] }],
          raw_input_contents: [Buffer.from(r.data.buffer)],
        }),
      ),
    );
    for (const [k, r] of requests.entries()) {
      const want = await ortRun(cnnBytes(true), { x: new ort.Tensor('float32', r.data, [r.batch, 3, 64, 64]) });
      const got = new ort.Tensor('float32', floats(replies[k].raw_output_contents[1]), want.logits!.dims);
      expect(relativeError(got, want.logits!), `request ${k}`).toBeLessThan(FP32_TOL);
    }
  });
});

describe('flow control', () => {
  it(`lets a client send ${GRPC_STREAM_WINDOW} bytes a call and ${GRPC_CONNECTION_WINDOW} a connection before it waits`, async () => {
    const session = http2.connect(`http://127.0.0.1:${server.grpcPort}`);
    try {
      const settings = await new Promise<http2.Settings>((resolve) => session.once('remoteSettings', resolve));
      expect(settings.initialWindowSize).toBe(GRPC_STREAM_WINDOW);
      // the connection's window arrives as a WINDOW_UPDATE after the settings
      for (let i = 0; i < 50 && session.state.remoteWindowSize! < GRPC_CONNECTION_WINDOW; i++) await new Promise((r) => setTimeout(r, 10));
      expect(session.state.remoteWindowSize).toBe(GRPC_CONNECTION_WINDOW);
    } finally {
      session.destroy();
    }
  });
});
