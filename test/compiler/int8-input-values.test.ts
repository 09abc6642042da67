/**
 * Implicit int8 with compile-time input values: calibration runs the model with the fixed
 * inputs as constants and what they decide folded (src/quantize/qdq-model.ts fixedGraphs), so
 * its data need not hold them, and the layers of an If's taken branch are quantized too. The
 * model is Silero-shaped (test/helpers/rate-gated.ts) with a quantized layer ahead of the If:
 *
 *   audio [2,8] ─► MatMul W0 ─► Relu ─► x ─► If (sr == 16000): Sigmoid(x·w + b) ─► y
 *
 * References, independent of the path under test: quantize() (which knows nothing of
 * inputValues) of the same model written here with the 16 kHz branch in the If's place, over the
 * same batches, run on onnxruntime (optimizations off: the Q/DQ nodes computed as written); and
 * audio's minmax scale computed here as max |audio| / 127. The compiled model must write the same
 * calibration cache, run both MatMuls in int8, and equal onnxruntime within one quantization step
 * of x through the last layer (s_x · max column sum of |w|; the sigmoid's slope is at most 1/4):
 * x is computed in float in both and may round to a neighbouring level. Batches that give sr
 * keep working (the precision policy's passes too); another sr is a CALIBRATION error naming
 * both values.
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
import { RATE_GATED, rateGatedTaken, rateGatedWithHead } from '../helpers/rate-gated.js';
import { fanInWeights, ortYs } from '../quantize/helpers.js';

const weight = fanInWeights(5);
const W0 = weight([8, 8]);
const fp32 = encodeModel(buildModel(rateGatedWithHead(W0, 2)));
// The same with the 16 kHz branch written in the If's place (the reference).
const taken = encodeModel(buildModel(rateGatedTaken(W0, 2)));

const xs = Array.from({ length: 5 }, (_, k) => {
  const next = mulberry32(100 + k);
  return Float32Array.from({ length: 16 }, () => next() * 4 - 2);
});
const a = (k: number) => new ort.Tensor('float32', xs[k]!, [2, 8]);
const sr = (v: bigint) => new ort.Tensor('int64', BigInt64Array.of(v), []);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-int8-fixed-'));

const ortRun = async (model: Uint8Array, feeds: Record<string, ort.Tensor>) => (await ortYs(model, [feeds], false))[0]!;

describe('int8 calibration of a model with compile-time input values', () => {
  itIf(HAS_NATIVE, 'calibrates without the fixed input in the data, and quantizes the taken branch', NATIVE_MISSING, async () => {
    const dir = tmp();
    const reference = await quantize(taken, {
      data: xs.map((_, k) => ({ audio: a(k) })),
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
      expect(model.report.data.int8).toEqual({ requested: true, quantizable: 2, int8: 2, kept: [] });
      const scales = readCache(cache).scales;
      const amax = Math.max(...xs.flatMap((v) => Array.from(v, Math.abs)));
      expect(scales.get('audio')).toBeCloseTo(amax / 127, 6);
      expect(Object.fromEntries(scales)).toEqual(Object.fromEntries(readCache(path.join(dir, 'reference.cache')).scales));
      const w = RATE_GATED.initializers!.w!.data as Float32Array;
      const columnSum = Math.max(...[0, 1, 2, 3].map((j) => [0, 1, 2, 3, 4, 5, 6, 7].reduce((t, i) => t + Math.abs(w[i * 4 + j]!), 0)));
      const step = scales.get('x')! * columnSum;
      const qdq = encodeModel(reference.model);
      for (let k = 0; k < xs.length; k++) {
        const want = await ortRun(qdq, { audio: a(k) });
        const got = (await model.run({ audio: a(k) })).y!.data as Float32Array;
        expect(Math.max(...Array.from(got, (v, i) => Math.abs(v - want[i]!))), `batch ${k}`).toBeLessThanOrEqual(step);
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
    // With the precision policy too: it measures each layer over the same batches, the fixed input left out.
    const ok = await compile(fp32, { ...options(16000n), int8Sensitivity: true });
    try {
      expect(ok.report.data.int8).toMatchObject({ quantizable: 2, int8: 2 });
      expect(ok.report.data.int8!.sensitivity?.map((l) => l.node)).toHaveLength(2);
    } finally {
      await ok.dispose();
    }
    await expect(compile(fp32, options(8000n))).rejects.toThrow(
      /calibration batch 3: input 'sr' was fixed at compile time to 16000 \(inputValues\), and this run fed 8000/,
    );
  });
});
