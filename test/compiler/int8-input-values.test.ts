/**
 * Implicit int8 with compile-time input values: calibration runs the model with the fixed
 * inputs as constants, so its data need not hold them (src/quantize/quantize.ts qdqModel). The
 * model is Silero-shaped (test/helpers/rate-gated.ts) with a quantized layer ahead of the If:
 *
 *   audio [2,8] ─► MatMul W0 ─► Relu ─► x ─► If (sr == 16000): Sigmoid(x·w + b) ─► y
 *
 * References, independent of the path under test: quantize() (which knows nothing of
 * inputValues) over the same batches with sr = 16000 in each, run on onnxruntime (optimizations
 * off: the Q/DQ nodes computed as written); and audio's minmax scale computed here as max |audio| / 127.
 * The compiled model must equal onnxruntime within 1e-5 (the same int8 products, dequantized in
 * fp32 in both; y is a sigmoid in (0, 1)), and write the same calibration cache. Batches that
 * give sr keep working; another sr is a CALIBRATION error naming both values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { readCache } from '../../src/quantize/cache.js';
import { quantize } from '../../src/quantize/quantize.js';
import { mulberry32 } from '../../src/util/random.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { RATE_GATED } from '../helpers/rate-gated.js';
import { fanInWeights } from '../quantize/helpers.js';

const weight = fanInWeights(5);
// RATE_GATED's If reads 'x'; here 'x' is computed from the input 'audio' by a layer int8 takes.
const fp32 = encodeModel(
  buildModel({
    ...RATE_GATED,
    inputs: [
      { name: 'audio', dtype: 'float32', shape: [2, 8] },
      { name: 'sr', dtype: 'int64', shape: [] },
    ],
    initializers: { ...RATE_GATED.initializers, W0: weight([8, 8]) },
    nodes: [{ op: 'MatMul', inputs: ['audio', 'W0'], outputs: ['m0'] }, { op: 'Relu', inputs: ['m0'], outputs: ['x'] }, ...RATE_GATED.nodes],
  }),
);

const xs = Array.from({ length: 5 }, (_, k) => {
  const next = mulberry32(100 + k);
  return Float32Array.from({ length: 16 }, () => next() * 4 - 2);
});
const a = (k: number) => new ort.Tensor('float32', xs[k]!, [2, 8]);
const sr = (v: bigint) => new ort.Tensor('int64', BigInt64Array.of(v), []);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-int8-fixed-'));

async function ortRun(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  try {
    return (await s.run(feeds)).y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

describe('int8 calibration of a model with compile-time input values', () => {
  itIf(HAS_NATIVE, 'calibrates without the fixed input in the data, as quantize() does with it', NATIVE_MISSING, async () => {
    const dir = tmp();
    const reference = await quantize(fp32, {
      data: xs.map((_, k) => ({ audio: a(k), sr: sr(16000n) })),
      method: 'minmax',
      cache: path.join(dir, 'reference.cache'),
    });
    const cache = path.join(dir, 'compiled.cache');
    const model = await compile(fp32, {
      backend: 'cpu',
      precisions: ['int8'],
      inputValues: { sr: 16000 },
      calibration: { data: xs.map((_, k) => ({ audio: a(k) })), method: 'minmax', cache },
    });
    try {
      expect(model.report.data.int8).toMatchObject({ requested: true, int8: 1 }); // the MatMul ahead of the If
      const amax = Math.max(...xs.flatMap((a) => Array.from(a, Math.abs)));
      expect(readCache(cache).scales.get('audio')).toBeCloseTo(amax / 127, 6);
      expect(Object.fromEntries(readCache(cache).scales)).toEqual(Object.fromEntries(readCache(path.join(dir, 'reference.cache')).scales));
      const qdq = encodeModel(reference.model);
      for (let k = 0; k < xs.length; k++) {
        const want = await ortRun(qdq, { audio: a(k), sr: sr(16000n) });
        const got = (await model.run({ audio: a(k) })).y!.data as Float32Array;
        expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!))), `batch ${k}`).toBeLessThan(1e-5);
      }
    } finally {
      await model.dispose();
    }
  });

  itIf(HAS_NATIVE, 'takes batches that give the fixed value, and refuses one that gives another', NATIVE_MISSING, async () => {
    const options = (v: bigint) => ({
      backend: 'cpu' as const,
      precisions: ['int8' as const],
      inputValues: { sr: 16000 },
      calibration: { data: xs.map((_, k) => ({ audio: a(k), sr: sr(k === 3 ? v : 16000n) })), method: 'minmax' as const },
    });
    const ok = await compile(fp32, options(16000n));
    await ok.dispose();
    await expect(compile(fp32, options(8000n))).rejects.toThrow(
      /calibration batch 3: input 'sr' was fixed at compile time to 16000 \(inputValues\), and this run fed 8000/,
    );
  });
});
