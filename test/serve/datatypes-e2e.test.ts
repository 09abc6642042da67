/**
 * FP16, INT64 and BOOL tensors through the whole server, as each transport carries them: JSON
 * values, the binary extension's raw bytes, gRPC's raw_input_contents and typed contents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/onnx/half.js';
import type { HybridServer } from '../../src/serve/server.js';
import { type InferenceClient, call, grpcClient, makeRepository, postJson, rest, startServer, typedBytes } from './helpers.js';

let server: HybridServer;
let client: InferenceClient;
beforeAll(async () => {
  const config = { backend: 'cpu', max_batch_size: 4 };
  const dir = makeRepository({
    typed: { versions: { 1: { file: 'model.onnx', bytes: typedBytes() } }, config },
    ints: { versions: { 1: { file: 'model.onnx', bytes: typedBytes(false) } }, config },
  });
  server = await startServer(dir);
  client = grpcClient(server.grpcPort!);
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

const big = '9007199254740993'; // 2^53 + 1: not a JSON-safe number

describe('datatypes through the server', () => {
  it('takes and answers FP16, INT64 and BOOL as JSON values (INT64 exactly, as a decimal string in)', async () => {
    const r = await postJson(server.httpPort!, '/v2/models/typed/infer', {
      inputs: [
        { name: 'h', shape: [1, 4], datatype: 'FP16', data: [0.5, -1.25, 3, 1000] },
        { name: 'i', shape: [1, 3], datatype: 'INT64', data: [1, -7, big] },
        { name: 'b', shape: [1, 2], datatype: 'BOOL', data: [true, false] },
      ],
    });
    expect(r.status, r.body.toString()).toBe(200);
    const text = r.body.toString();
    expect(text).toContain('"name":"i2","datatype":"INT64","shape":[1,3],"data":[2,-14,18014398509481986]');
    expect(r.json().outputs).toEqual([
      { name: 'h2', datatype: 'FP16', shape: [1, 4], data: [1, -2.5, 6, 2000] },
      { name: 'i2', datatype: 'INT64', shape: [1, 3], data: expect.any(Array) },
      { name: 'nb', datatype: 'BOOL', shape: [1, 2], data: [false, true] },
    ]);
  });

  it('takes and answers FP16 as raw bits with the binary extension', async () => {
    const h = Uint16Array.from([0.1, 2, -3, 65504 / 2], float32ToFloat16Bits);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'h', shape: [1, 4], datatype: 'FP16', parameters: { binary_data_size: 8 } },
          { name: 'i', shape: [1, 3], datatype: 'INT64', data: [0, 0, 0] },
          { name: 'b', shape: [1, 2], datatype: 'BOOL', data: [false, false] },
        ],
        outputs: [{ name: 'h2', parameters: { binary_data: true } }],
      }),
    );
    const r = await rest(server.httpPort!, 'POST', '/v2/models/typed/infer', Buffer.concat([header, Buffer.from(h.buffer)]), {
      'Inference-Header-Content-Length': header.length,
    });
    expect(r.status, r.body.toString()).toBe(200);
    const raw = r.body.subarray(Number(r.headers['inference-header-content-length']));
    const h2 = new Uint16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + 8));
    expect(Array.from(h2, float16BitsToFloat32)).toEqual(Array.from(h, (x) => 2 * float16BitsToFloat32(x)));
  });

  it('takes every input as binary data, aligned in the body or not (BOOL first: INT64 then lies at an odd offset)', async () => {
    const h = Uint16Array.from([0.5, -1, 3, 8], float32ToFloat16Bits);
    const i = BigInt64Array.of(5n, -6n, BigInt(big));
    const b = Uint8Array.of(7, 0); // any nonzero byte is true
    for (const pad of [0, 1, 2, 3, 5]) {
      // The header's length (padded with spaces) moves where the binary data begins.
      const json = JSON.stringify({
        inputs: [
          { name: 'b', shape: [1, 2], datatype: 'BOOL', parameters: { binary_data_size: 2 } },
          { name: 'h', shape: [1, 4], datatype: 'FP16', parameters: { binary_data_size: 8 } },
          { name: 'i', shape: [1, 3], datatype: 'INT64', parameters: { binary_data_size: 24 } },
        ],
        parameters: { binary_data_output: true },
      });
      const header = Buffer.from(json + ' '.repeat(pad));
      const body = Buffer.concat([header, Buffer.from(b), Buffer.from(h.buffer), Buffer.from(i.buffer)]);
      const r = await rest(server.httpPort!, 'POST', '/v2/models/typed/infer', body, { 'Inference-Header-Content-Length': header.length });
      expect(r.status, r.body.toString()).toBe(200);
      const at = Number(r.headers['inference-header-content-length']);
      const raw = Buffer.from(r.body.subarray(at)); // a copy at offset 0: aligned for every view below
      expect(Array.from(new Uint16Array(raw.buffer, raw.byteOffset, 4), float16BitsToFloat32)).toEqual([1, -2, 6, 16]);
      expect(new BigInt64Array(raw.buffer, raw.byteOffset + 8, 3)).toEqual(BigInt64Array.of(10n, -12n, 2n * BigInt(big)));
      expect([...raw.subarray(32)]).toEqual([0, 1]);
    }
  });

  it('takes FP16, INT64 and BOOL in gRPC raw_input_contents, and refuses FP16 in typed contents', async () => {
    const h = Uint16Array.from([1, 2, 3, 4], float32ToFloat16Bits);
    const i = BigInt64Array.of(5n, -6n, BigInt(big));
    const inputs = [
      { name: 'h', datatype: 'FP16', shape: [1, 4] },
      { name: 'i', datatype: 'INT64', shape: [1, 3] },
      { name: 'b', datatype: 'BOOL', shape: [1, 2] },
    ];
    const reply = await call(client, 'ModelInfer', {
      model_name: 'typed',
      inputs,
      raw_input_contents: [Buffer.from(h.buffer), Buffer.from(i.buffer), Buffer.from([1, 0])],
    });
    const [h2, i2, nb] = reply.raw_output_contents as Buffer[];
    expect(Array.from(new Uint16Array(h2!.buffer.slice(h2!.byteOffset, h2!.byteOffset + 8)), float16BitsToFloat32)).toEqual([2, 4, 6, 8]);
    expect(new BigInt64Array(i2!.buffer.slice(i2!.byteOffset, i2!.byteOffset + 24))).toEqual(BigInt64Array.of(10n, -12n, 2n * BigInt(big)));
    expect([...nb!]).toEqual([0, 1]);
    await expect(call(client, 'ModelInfer', { model_name: 'typed', inputs })).rejects.toMatchObject({
      details: expect.stringMatching(/input 'h': FP16 data travels in raw_input_contents only/),
    });
  });

  it('takes gRPC typed contents: int64_contents exactly, bool_contents, and answers the requested outputs only', async () => {
    const reply = await call(client, 'ModelInfer', {
      model_name: 'ints',
      inputs: [
        { name: 'i', datatype: 'INT64', shape: [1, 3], contents: { int64_contents: ['5', '-6', big] } },
        { name: 'b', datatype: 'BOOL', shape: [1, 2], contents: { bool_contents: [true, false] } },
      ],
      outputs: [{ name: 'i2' }],
    });
    expect(reply.outputs.map((o: { name: string }) => o.name)).toEqual(['i2']);
    const i2 = reply.raw_output_contents[0] as Buffer;
    expect(new BigInt64Array(i2.buffer.slice(i2.byteOffset, i2.byteOffset + 24))).toEqual(BigInt64Array.of(10n, -12n, 2n * BigInt(big)));
  });
});
