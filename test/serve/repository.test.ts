/**
 * The repository's layout rules: model.hybrid files (compiled elsewhere, loaded without
 * compiling) served with batching where their ranges hold it and refused with the reason where
 * they do not; a version folder holding both files or neither; the highest ready version as the
 * default; serve() from the package's entry point.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, serve, type HybridServer } from '../../src/index.js';
import { FP32_TOL } from '../engine/helpers/compare.js';
import { ortRun, relativeError } from '../runtime/helpers.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { CNN_ITEM, cnnBytes, cnnInput, cnnRequest, makeRepository, postJson, rest } from './helpers.js';

let server: HybridServer;

/** x [N,4] -> 'total' [1,4], the sum over the batch: an output that does not carry the batch. */
function batchSumBytes(): Uint8Array {
  const model = buildModel({
    inputs: [{ name: 'x', shape: ['N', 4] }],
    outputs: [{ name: 'total', shape: [1, 4] }],
    initializers: { axes: { dtype: 'int64', dims: [1], data: BigInt64Array.from([0n]) } },
    nodes: [{ op: 'ReduceSum', inputs: ['x', 'axes'], outputs: ['total'], attrs: { keepdims: 1 } }],
  });
  return encodeModel(model, 'batch-sum');
}

async function hybridBytes(inputs: Record<string, unknown>): Promise<Uint8Array> {
  const m = await compile(cnnBytes(), { backend: 'cpu', inputs: inputs as never });
  try {
    return await m.toBytes();
  } finally {
    await m.dispose();
  }
}

beforeAll(async () => {
  const ranged = await hybridBytes({ x: { min: [1, 3, 8, 8], opt: [4, 3, 8, 8], max: [4, 3, 8, 8] } });
  const single = await hybridBytes({ x: [1, 3, 8, 8] });
  const dir = makeRepository({
    artifact: { versions: { 1: { file: 'model.hybrid', bytes: ranged } }, config: { max_batch_size: 4, dynamic_batching: {} } },
    narrow: { versions: { 1: { file: 'model.hybrid', bytes: single } }, config: { max_batch_size: 4 } },
    recompile: { versions: { 1: { file: 'model.hybrid', bytes: single } }, config: { inputs: { x: [2, 3, 8, 8] } } },
    mixed: { versions: { 1: { file: 'model.hybrid', bytes: single }, 2: { file: 'model.onnx', bytes: cnnBytes() } }, config: { backend: 'cpu' } },
    elsewhere: { versions: { 1: { file: 'model.hybrid', bytes: single } }, config: { backend: 'cuda' } },
    both: { versions: { 1: { file: 'model.hybrid', bytes: single } } },
    neither: { versions: { 1: { file: 'notes.txt', bytes: 'x' } } },
    corrupt: { versions: { 1: { file: 'model.onnx', bytes: 'not a model' } } },
    summed: { versions: { 1: { file: 'model.onnx', bytes: batchSumBytes() } }, config: { backend: 'cpu', max_batch_size: 4, dynamic_batching: {} } },
  });
  fs.writeFileSync(path.join(dir, 'both', '1', 'model.onnx'), cnnBytes());
  server = await serve({ modelRepository: dir, httpPort: 0, grpcPort: false });
});
afterAll(() => server?.close());

describe('repository', () => {
  it('serves a model.hybrid with dynamic batching, matching onnxruntime', async () => {
    const input = cnnInput(3, 21);
    const r = await postJson(server.httpPort!, '/v2/models/artifact/infer', cnnRequest(input, 3));
    expect(r.status).toBe(200);
    const want = await ortRun(cnnBytes(), { x: new ort.Tensor('float32', input, [3, ...CNN_ITEM]) });
    const logits = r.json().outputs[1];
    expect(relativeError(new ort.Tensor('float32', Float32Array.from(logits.data), logits.shape), want.logits!)).toBeLessThan(FP32_TOL);
  });

  it('reports each version that cannot serve, with its reason, and serves the others', () => {
    const state = Object.fromEntries(server.models().map((m) => [`${m.name}/${m.version ?? '-'}`, `${m.state}: ${m.reason}`]));
    expect(state).toEqual({
      'artifact/1': 'READY: ',
      'mixed/2': 'READY: ',
      'mixed/1': 'READY: ',
      'elsewhere/1': expect.stringMatching(/^UNAVAILABLE: .*model\.hybrid runs on cpu, but config\.json asks for backend 'cuda'/),
      'both/1': expect.stringMatching(/^UNAVAILABLE: .*both\/1 holds both model\.hybrid and model\.onnx; keep one/),
      'narrow/1': expect.stringMatching(/^UNAVAILABLE: input 'x' is compiled for dim 0 in 1\.\.1, not batch 1\.\.4 \(max_batch_size\)/),
      'recompile/1': expect.stringMatching(/^UNAVAILABLE: .*'inputs' applies to model.onnx only/),
      'neither/1': expect.stringMatching(/^UNAVAILABLE: .*neither\/1 holds no model.hybrid or model.onnx/),
      'corrupt/1': expect.stringMatching(/^UNAVAILABLE: .*corrupt\/1\/model\.onnx: not a valid ONNX model/),
      // Cut by rows, its one row would go to whichever request came first.
      'summed/1': "UNAVAILABLE: output 'total' has shape [1,4], whose dim 0 does not follow the batch; serve it with max_batch_size 0",
    });
  });

  it('defaults to the highest version', async () => {
    expect((await rest(server.httpPort!, 'GET', '/v2/models/mixed')).json().versions).toEqual(['2', '1']);
    const r = await postJson(server.httpPort!, '/v2/models/mixed/infer', cnnRequest(cnnInput(1, 1), 1));
    expect(r.json().model_version).toBe('2');
  });
});
