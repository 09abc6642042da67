/**
 * Every REST endpoint of the Open Inference Protocol against the shapes its documentation
 * gives (health, server and model metadata, model ready, inference in JSON and with the binary
 * tensor data extension, the repository index, /metrics), and the errors a bad request gets:
 * a 4xx with `{"error": "..."}` naming the model, the input and the reason.
 */
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HybridServer } from '../../src/serve/server.js';
import { FP32_TOL } from '../engine/helpers/compare.js';
import { ortRun, relativeError } from '../runtime/helpers.js';
import { CNN_ITEM, addBytes, cnnBytes, cnnInput, cnnRequest, makeRepository, postJson, rest, startServer } from './helpers.js';

let server: HybridServer;
let port: number;
const cnn = { file: 'model.onnx', bytes: cnnBytes() };

beforeAll(async () => {
  const dir = makeRepository({
    cnn: { versions: { 1: cnn, 2: cnn }, config: { backend: 'cpu', max_batch_size: 4, dynamic_batching: { max_queue_delay_microseconds: 1000 } } },
    fixed: { config: { backend: 'cpu', inputs: { x: [2, 3, 8, 8] } } },
    two: { versions: { 1: { file: 'model.onnx', bytes: addBytes() } }, config: { backend: 'cpu', max_batch_size: 2 } },
    broken: { config: { backend: 'cpu', max_batch: 4 } },
    empty: { versions: {} },
  });
  server = await startServer(dir);
  port = server.httpPort!;
});
afterAll(() => server?.close());

const get = (url: string) => rest(port, 'GET', url);

async function expectMatchesOrt(
  outputs: Array<{ name: string; shape: number[]; data: number[] | Float32Array }>,
  input: Float32Array,
  batch: number,
) {
  const want = await ortRun(cnnBytes(), { x: new ort.Tensor('float32', input, [batch, ...CNN_ITEM]) });
  for (const o of outputs) {
    const got = new ort.Tensor('float32', Float32Array.from(o.data), o.shape);
    expect(relativeError(got, want[o.name]!), o.name).toBeLessThan(FP32_TOL);
  }
}

describe('health and metadata', () => {
  it('answers live and ready with 200', async () => {
    expect((await get('/v2/health/live')).status).toBe(200);
    const ready = await get('/v2/health/ready');
    expect([ready.status, ready.json()]).toEqual([200, { ready: true }]);
  });

  it('answers server metadata: name, version, extensions', async () => {
    const r = await get('/v2');
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ name: 'hybridrt', version: expect.any(String), extensions: expect.arrayContaining(['binary_tensor_data']) });
  });

  it('answers model metadata with -1 for the batch dim, latest version by default or the one asked for', async () => {
    const want = {
      name: 'cnn',
      versions: ['2', '1'],
      platform: 'hybridrt',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 3, 8, 8] }],
      outputs: [
        { name: 'features', datatype: 'FP32', shape: [-1, 4] },
        { name: 'logits', datatype: 'FP32', shape: [-1, 5] },
      ],
    };
    expect((await get('/v2/models/cnn')).json()).toEqual(want);
    expect((await get('/v2/models/cnn/versions/1')).json()).toEqual(want);
    expect((await get('/v2/models/fixed')).json().inputs).toEqual([{ name: 'x', datatype: 'FP32', shape: [2, 3, 8, 8] }]);
  });

  it('answers model ready, and reports a model that failed to load with its reason while the others serve', async () => {
    expect((await get('/v2/models/cnn/ready')).status).toBe(200);
    expect((await get('/v2/models/cnn/versions/2/ready')).json()).toEqual({ name: 'cnn', version: '2', ready: true });
    const broken = await get('/v2/models/broken/ready');
    expect(broken.status).toBe(400);
    expect(broken.json()).toMatchObject({
      name: 'broken',
      ready: false,
      error: expect.stringMatching(/config\.json: .*unknown option 'max_batch'; .* max_batch_size/),
    });
    const meta = await get('/v2/models/broken');
    expect(meta.status).toBe(400);
    expect(meta.json().error).toMatch(/model 'broken' version 1 failed to load: .*config\.json/);
    expect((await get('/v2/models/empty/ready')).json().error).toMatch(/no version folder/);
  });

  it('answers 404 with the error JSON for an unknown model, version or endpoint', async () => {
    for (const [url, text] of [
      ['/v2/models/nope', "unknown model 'nope'"],
      ['/v2/models/cnn/versions/7', "model 'cnn' has no version '7'"],
      ['/v2/models/cnn/versions/7/ready', "no version '7'"],
      ['/v2/nothing', 'no endpoint GET /v2/nothing'],
    ]) {
      const r = await get(url!);
      expect(r.status, url).toBe(404);
      expect(r.json().error, url).toContain(text);
    }
  });

  it('lists every model and version with its state in the repository index', async () => {
    const r = await rest(port, 'POST', '/v2/repository/index');
    expect(r.json()).toEqual([
      { name: 'broken', version: '1', state: 'UNAVAILABLE', reason: expect.stringContaining('max_batch') },
      { name: 'cnn', version: '2', state: 'READY', reason: '' },
      { name: 'cnn', version: '1', state: 'READY', reason: '' },
      { name: 'empty', state: 'UNAVAILABLE', reason: expect.stringContaining('no version folder') },
      { name: 'fixed', version: '1', state: 'READY', reason: '' },
      { name: 'two', version: '1', state: 'READY', reason: '' },
    ]);
  });
});

describe('inference', () => {
  it('answers a JSON request with every output, its id, model name and version, matching onnxruntime', async () => {
    const input = cnnInput(3, 1);
    const r = await postJson(port, '/v2/models/cnn/infer', cnnRequest(input, 3, { id: 'req-1' }));
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ model_name: 'cnn', model_version: '2', id: 'req-1' });
    expect(body.outputs.map((o: { name: string; datatype: string; shape: number[] }) => [o.name, o.datatype, o.shape])).toEqual([
      ['features', 'FP32', [3, 4]],
      ['logits', 'FP32', [3, 5]],
    ]);
    await expectMatchesOrt(body.outputs, input, 3);
  });

  it('takes nested data, a version in the path, and answers the requested outputs only', async () => {
    const input = cnnInput(1, 2);
    const nested = [[0, 1, 2].map((c) => Array.from({ length: 8 }, (_, h) => Array.from(input.subarray(c * 64 + h * 8, c * 64 + h * 8 + 8))))];
    const r = await postJson(port, '/v2/models/cnn/versions/1/infer', {
      inputs: [{ name: 'x', shape: [1, 3, 8, 8], datatype: 'FP32', data: nested }],
      outputs: [{ name: 'logits' }],
    });
    expect(r.status).toBe(200);
    expect(r.json().model_version).toBe('1');
    expect(r.json().outputs.map((o: { name: string }) => o.name)).toEqual(['logits']);
    await expectMatchesOrt(r.json().outputs, input, 1);
  });

  it('takes binary inputs and answers binary outputs (Inference-Header-Content-Length)', async () => {
    const input = cnnInput(2, 3);
    const header = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'x', shape: [2, 3, 8, 8], datatype: 'FP32', parameters: { binary_data_size: input.byteLength } }],
        outputs: [{ name: 'logits', parameters: { binary_data: true } }, { name: 'features' }],
      }),
    );
    const body = Buffer.concat([header, Buffer.from(input.buffer)]);
    const r = await rest(port, 'POST', '/v2/models/cnn/infer', body, { 'Inference-Header-Content-Length': header.length });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/octet-stream');
    const json = JSON.parse(r.body.subarray(0, Number(r.headers['inference-header-content-length'])).toString());
    const [features, logits] = json.outputs;
    expect(features.data).toHaveLength(8); // asked without binary_data: JSON
    expect(logits).toEqual({ name: 'logits', datatype: 'FP32', shape: [2, 5], parameters: { binary_data_size: 40 } });
    const raw = r.body.subarray(Number(r.headers['inference-header-content-length']));
    expect(raw.length).toBe(40);
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + 40));
    await expectMatchesOrt([{ name: 'logits', shape: [2, 5], data: values }, features], input, 2);
  });

  it('answers every output as binary with binary_data_output', async () => {
    const input = cnnInput(1, 4);
    const r = await postJson(port, '/v2/models/cnn/infer', cnnRequest(input, 1, { parameters: { binary_data_output: true } }));
    const length = Number(r.headers['inference-header-content-length']);
    const json = JSON.parse(r.body.subarray(0, length).toString());
    expect(json.outputs.map((o: { parameters: unknown }) => o.parameters)).toEqual([{ binary_data_size: 16 }, { binary_data_size: 20 }]);
    expect(r.body.length).toBe(length + 36);
  });
});

describe('bad requests', () => {
  const x = (over: Record<string, unknown>) => ({
    inputs: [{ name: 'x', shape: [1, 3, 8, 8], datatype: 'FP32', data: Array.from(cnnInput(1, 0)), ...over }],
  });
  const cases: Array<[string, string, unknown, number, RegExp]> = [
    ['malformed JSON', 'cnn', '{"inputs": [', 400, /not valid JSON/],
    ['no inputs', 'cnn', { inputs: [] }, 400, /model 'cnn' version 2: the request has no inputs/],
    ['an unknown input', 'cnn', x({ name: 'y' }), 400, /the model has no input 'y' \(its inputs: x\)/],
    ['a wrong datatype', 'cnn', x({ datatype: 'FP64' }), 400, /input 'x': datatype FP64, the model takes FP32/],
    ['an unknown datatype', 'cnn', x({ datatype: 'FLOAT' }), 400, /input 'x': unknown datatype "FLOAT"/],
    ['a wrong rank', 'cnn', x({ shape: [1, 192] }), 400, /input 'x' has shape \[1,192\] of rank 2/],
    ['a batch beyond max_batch_size', 'cnn', x({ shape: [5, 3, 8, 8] }), 400, /dim 0 is the batch, from 1 to 4 \(max_batch_size\)/],
    [
      'a dim outside the profile',
      'cnn',
      x({ shape: [1, 3, 8, 9] }),
      400,
      /input 'x' has shape \[1,3,8,9\]: dim 3 is 9; the model was compiled for x \[1\.\.4,3,8,8\]/,
    ],
    ['a shape other than the static one', 'fixed', x({}), 400, /input 'x' has shape \[1,3,8,8\]; the model was compiled for \[2,3,8,8\]/],
    ['too few elements', 'cnn', x({ data: [1, 2, 3] }), 400, /input 'x': data has 3 elements, its shape needs 192/],
    ['a string element', 'cnn', x({ data: ['a', ...Array(191).fill(0)] }), 400, /element 0 is "a", expected a FP32 number/],
    ['an input given twice', 'cnn', { inputs: [x({}).inputs[0], x({}).inputs[0]] }, 400, /input 'x' is given twice/],
    ['an input without data', 'cnn', x({ data: undefined }), 400, /model 'cnn': input 'x' has no data \(nor parameters.binary_data_size\)/],
    [
      'an input left out',
      'two',
      { inputs: [{ name: 'a', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] },
      400,
      /input 'b' is missing \(the model takes a, b\)/,
    ],
    [
      'an unknown output',
      'cnn',
      { ...x({}), outputs: [{ name: 'probs' }] },
      400,
      /the model has no output 'probs' \(its outputs: features, logits\)/,
    ],
    ['an unknown model', 'nope', x({}), 404, /unknown model 'nope'/],
    ['a model that failed to load', 'broken', x({}), 400, /model 'broken' version 1 failed to load/],
  ];
  for (const [what, model, body, status, message] of cases) {
    it(`answers ${status} for ${what}`, async () => {
      const r = await rest(port, 'POST', `/v2/models/${model}/infer`, typeof body === 'string' ? body : JSON.stringify(body));
      expect(r.status).toBe(status);
      expect(r.json().error).toMatch(message);
    });
  }

  it('answers 400 for truncated binary data, data left over, and a header length beyond the body', async () => {
    const header = Buffer.from(
      JSON.stringify({ inputs: [{ name: 'x', shape: [1, 3, 8, 8], datatype: 'FP32', parameters: { binary_data_size: 768 } }] }),
    );
    const send = (tail: Buffer, length = header.length) =>
      rest(port, 'POST', '/v2/models/cnn/infer', Buffer.concat([header, tail]), { 'Inference-Header-Content-Length': length });
    const short = await send(Buffer.alloc(700));
    expect([short.status, short.json().error]).toEqual([
      400,
      expect.stringMatching(/input 'x': binary data truncated: binary_data_size 768, but only 700 bytes remain/),
    ]);
    const long = await send(Buffer.alloc(800));
    expect(long.json().error).toMatch(/32 bytes of binary data follow/);
    const beyond = await send(Buffer.alloc(768), 10_000);
    expect(beyond.json().error).toMatch(/Inference-Header-Content-Length is "10000", but the body has/);
  });

  it('answers 400 for the wrong method', async () => {
    const r = await rest(port, 'GET', '/v2/models/cnn/infer');
    expect([r.status, r.json().error]).toEqual([400, 'GET /v2/models/cnn/infer: use POST']);
  });
});

describe('/metrics', () => {
  it('counts requests, failures, latency, queue time, batch sizes and inferences per model', async () => {
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    const text = r.body.toString();
    for (const line of [
      /hybridrt_inference_requests_total\{model="cnn",version="2",protocol="rest"\} \d+/,
      /hybridrt_inference_failures_total\{model="cnn",version="2",protocol="rest",kind="INVALID"\} \d+/,
      /hybridrt_inference_failures_total\{model="",version="",protocol="rest",kind="NOT_FOUND"\} 1/,
      /hybridrt_request_duration_seconds_count\{model="cnn",version="2",protocol="rest"\} \d+/,
      /hybridrt_queue_duration_seconds_count\{model="cnn",version="2"\} \d+/,
      /hybridrt_batch_size_bucket\{le="4",model="cnn",version="2"\} \d+/,
      /hybridrt_inference_count_total\{model="cnn",version="2"\} \d+/,
      /hybridrt_model_ready\{model="broken",version="1"\} 0/,
    ]) {
      expect(text).toMatch(line);
    }
  });
});
