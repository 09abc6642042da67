/**
 * config.json's calibration block: implicit int8 in the server. The test CNN (helpers.ts: Conv
 * -> Relu -> pool -> Flatten -> Gemm, batched [N,3,8,8]) served on the cpu backend with
 * `precisions: ["int8"]` and a calibration folder and cache given relative to the model's folder.
 * Checked: the version is READY, the log says both layers were quantized, the cache is written
 * in the model's folder (TensorRT's format, one line per quantized activation), and batched
 * REST answers are held to an independent run: onnxruntime on the Q/DQ model quantize() makes
 * from the same data (graph optimizations off: the Q/DQ computed as written), within 1e-5 of the
 * output range (float rounding apart they compute the same; seen: 2e-7, no rounding tie flipped
 * on these inputs), while the fp32 model's outputs differ from the Q/DQ model's by more than
 * 1e-4 (seen: 8e-4 to 2e-3), so the check tells int8 from fp32. With inputValues too (a
 * Silero-shaped model whose MatMul sits in an If on sr), the model is calibrated with sr fixed
 * from batches of x alone, the branch's MatMul quantized, and answers within 0.05 of
 * onnxruntime's fp32 run with sr = 16000. A second start reads the cache without data. Config errors
 * (int8 without a calibration, a calibration without int8, an unknown key, progress, a
 * missing cache given alone) leave the version UNAVAILABLE naming config.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { writeNpy } from '../../src/onnx/npy.js';
import { quantize } from '../../src/quantize/quantize.js';
import { parseConfig } from '../../src/serve/config.js';
import type { HybridServer } from '../../src/serve/server.js';
import { RATE_GATED } from '../helpers/rate-gated.js';
import { HAS_NATIVE } from '../helpers/skip.js';
import { relativeError } from '../runtime/helpers.js';
import { CNN_ITEM, cnnBytes, cnnInput, makeRepository, postJson, startServer } from './helpers.js';

const CNN = cnnBytes();
// Silero-shaped (test/helpers/rate-gated.ts): its MatMul sits in an If on sr == 16000.
const GATED = encodeModel(buildModel(RATE_GATED));
const gatedInput = (k: number) => Float32Array.from({ length: 8 }, (_, i) => Math.sin(i * 0.7 + k));
const version = { 1: { file: 'model.onnx', bytes: CNN } };
const calibration = { data: 'calib', method: 'minmax', cache: 'int8.cache' };
const batches = Array.from({ length: 4 }, (_, k) => cnnInput(2, 100 + k));

let dir: string;
let server: HybridServer | undefined;
const logs: string[] = [];

beforeAll(async () => {
  if (!HAS_NATIVE) return;
  dir = makeRepository({
    cnn: { versions: version, config: { backend: 'cpu', precisions: ['int8'], calibration, max_batch_size: 4 } },
    'no-calibration': { versions: version, config: { backend: 'cpu', precisions: ['int8'] } },
    'no-int8': { versions: version, config: { backend: 'cpu', calibration } },
    typo: { versions: version, config: { backend: 'cpu', precisions: ['int8'], calibration: { ...calibration, methods: 'minmax' } } },
    progress: { versions: version, config: { backend: 'cpu', precisions: ['int8'], calibration: { ...calibration, progress: true } } },
    'cache-missing': { versions: version, config: { backend: 'cpu', precisions: ['int8'], calibration: { cache: 'none.cache' } } },
    gated: {
      versions: { 1: { file: 'model.onnx', bytes: GATED } },
      config: { backend: 'cpu', precisions: ['int8'], inputValues: { sr: 16000 }, calibration: { data: 'calib', method: 'minmax' } },
    },
  });
  // The Silero-shaped model's batches: x alone (sr is fixed), one .npy per batch.
  fs.mkdirSync(path.join(dir, 'gated', 'calib'));
  for (let k = 0; k < 4; k++) writeNpy(path.join(dir, 'gated', 'calib', `b${k}.npy`), { dtype: 'float32', dims: [1, 8], data: gatedInput(k) });
  const calib = path.join(dir, 'cnn', 'calib');
  fs.mkdirSync(calib);
  batches.forEach((data, k) => writeNpy(path.join(calib, `batch${k}.npy`), { dtype: 'float32', dims: [2, ...CNN_ITEM], data }));
  server = await startServer(dir, { onLog: (m) => logs.push(m) });
});
afterAll(async () => {
  await server?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function infer(model: string, x: Float32Array, n: number): Promise<Record<string, ort.Tensor>> {
  const r = await postJson(server!.httpPort!, `/v2/models/${model}/infer`, {
    inputs: [{ name: 'x', shape: [n, ...CNN_ITEM], datatype: 'FP32', data: Array.from(x) }],
  });
  expect(r.status, r.body.toString()).toBe(200);
  return Object.fromEntries(
    r
      .json()
      .outputs.map((o: { name: string; data: number[]; shape: number[] }) => [o.name, new ort.Tensor('float32', Float32Array.from(o.data), o.shape)]),
  );
}

async function ortOutputs(model: Uint8Array, x: Float32Array, n: number): Promise<Record<string, ort.Tensor>> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  try {
    return await s.run({ x: new ort.Tensor('float32', x, [n, ...CNN_ITEM]) });
  } finally {
    await s.release();
  }
}

describe.skipIf(!HAS_NATIVE)('calibration in config.json (implicit int8)', () => {
  it('calibrates over the folder beside config.json, writes the cache there, and serves the int8 model', async () => {
    const state = Object.fromEntries(server!.models().map((m) => [m.name, `${m.state}: ${m.reason ?? ''}`]));
    expect(state.cnn).toBe('READY: ');
    expect(logs.join('\n')).toMatch(
      /model 'cnn' version 1: precision int8: 2 activation\(s\) \(Q\/DQ, per tensor\) and 2 weight\(s\) \(per output channel\) quantized from minmax calibration over .*cnn\/calib; cache written to .*cnn\/int8\.cache/,
    );
    const cache = fs.readFileSync(path.join(dir, 'cnn', 'int8.cache'), 'utf8');
    expect(cache).toMatch(/^TRT-\d+-MinMaxCalibration\n/);
    expect(
      cache
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => l.split(':')[0])
        .sort(),
    ).toEqual(['features', 'x']);

    const reference = encodeModel(
      (await quantize(CNN, { data: batches.map((data) => ({ x: new ort.Tensor('float32', data, [2, ...CNN_ITEM]) })), method: 'minmax' })).model,
    );
    for (const [n, seed] of [
      [1, 7],
      [3, 8],
      [4, 9],
    ] as const) {
      const x = cnnInput(n, seed);
      const [got, want, fp32] = [await infer('cnn', x, n), await ortOutputs(reference, x, n), await ortOutputs(CNN, x, n)];
      for (const name of ['features', 'logits']) {
        expect(relativeError(got[name]!, want[name]!), `${name}, batch ${n}`).toBeLessThan(1e-5);
        expect(relativeError(fp32[name]!, want[name]!), `${name}, batch ${n}: fp32 against the Q/DQ model`).toBeGreaterThan(1e-4);
      }
    }
  });

  it('with inputValues, calibrates the fixed model (the If on sr taken) from batches without sr', async () => {
    const state = Object.fromEntries(server!.models().map((m) => [m.name, `${m.state}: ${m.reason ?? ''}`]));
    expect(state.gated).toBe('READY: ');
    expect(logs.join('\n')).toMatch(/model 'gated' version 1: precision int8: 1 activation\(s\) .* and 1 weight\(s\)/);
    for (const k of [10, 11]) {
      const x = gatedInput(k);
      const r = await postJson(server!.httpPort!, '/v2/models/gated/infer', {
        inputs: [{ name: 'x', shape: [1, 8], datatype: 'FP32', data: Array.from(x) }],
      });
      expect(r.status, r.body.toString()).toBe(200);
      const got = Float32Array.from(r.json().outputs[0].data as number[]);
      const s = await ort.InferenceSession.create(GATED, { logSeverityLevel: 3 });
      const want = (await s.run({ x: new ort.Tensor('float32', x, [1, 8]), sr: new ort.Tensor('int64', BigInt64Array.of(16000n), []) })).y!
        .data as Float32Array;
      await s.release();
      // int8 through a sigmoid (slope <= 1/4): 0.05 tells the 16 kHz branch from the other (a count, >= 1).
      expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!)))).toBeLessThan(0.05);
    }
  });

  it('a second start reads the cache, without data', async () => {
    const again = makeRepository({
      cnn: { versions: version, config: { backend: 'cpu', precisions: ['int8'], calibration: { cache: 'int8.cache' } } },
    });
    fs.copyFileSync(path.join(dir, 'cnn', 'int8.cache'), path.join(again, 'cnn', 'int8.cache'));
    const seen: string[] = [];
    const s = await startServer(again, { onLog: (m) => seen.push(m) });
    try {
      expect(s.models()[0]!.state).toBe('READY');
      expect(seen.join('\n')).toMatch(/quantized from the calibration cache .*cnn\/int8\.cache/);
    } finally {
      await s.close();
      fs.rmSync(again, { recursive: true, force: true });
    }
  });

  it('leaves a version whose calibration is wrong UNAVAILABLE, naming config.json', () => {
    const state = Object.fromEntries(server!.models().map((m) => [m.name, `${m.state}: ${m.reason ?? ''}`]));
    expect(state['no-calibration']).toMatch(/^UNAVAILABLE: .*no-calibration\/config\.json: precision 'int8' needs a calibration/);
    expect(state['no-int8']).toMatch(/^UNAVAILABLE: .*config\.json: calibration is for precision 'int8'/);
    expect(state.typo).toMatch(/^UNAVAILABLE: .*config\.json: calibration keys: unknown option 'methods'; did you mean 'method'\?/);
    expect(state.progress).toMatch(/^UNAVAILABLE: .*config\.json: calibration keys: unknown option 'progress'/);
    expect(state['cache-missing']).toMatch(/^UNAVAILABLE: .*config\.json: calibration cache '.*cache-missing\/none\.cache' does not exist/);
  });
});

describe('calibration in config.json: parsing', () => {
  it('resolves data and cache against the model folder, and refuses it for a model.hybrid', () => {
    const c = parseConfig(
      { precisions: ['int8'], calibration: { data: 'calib/', method: 'entropy', cache: '/abs/x.cache' } },
      'm/config.json',
      false,
    );
    expect(c.compile.calibration).toEqual({ data: path.resolve('m', 'calib'), method: 'entropy', cache: '/abs/x.cache', progress: false });
    expect(() => parseConfig({ precisions: ['int8'], calibration: { data: 3 } }, 'm/config.json', false)).toThrow(
      /m\/config\.json: calibration\.data must be a path relative to the model's folder/,
    );
    expect(() => parseConfig({ precisions: ['int8'], calibration: { data: 'c' }, accuracyTarget: { cosine: 2 } }, 'm/config.json', false)).toThrow(
      /m\/config\.json: .*accuracyTarget\.cosine must be a number in \(0, 1\]/,
    );
    expect(() => parseConfig({ calibration: { data: 'c' } }, 'm/config.json', true)).toThrow(/'calibration' applies to model.onnx only/);
  });
});
