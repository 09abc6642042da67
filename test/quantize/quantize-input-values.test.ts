/**
 * quantize() with inputValues (compile()'s): the model is calibrated and written at those
 * values, with what they decide folded, and the fixed inputs are constants of the written
 * model. The model is Silero-shaped (test/helpers/rate-gated.ts) with a quantized layer ahead of
 * the If:
 *
 *   audio [2,8] ─► MatMul W0 ─► Relu ─► x ─► If (sr == 16000): Sigmoid(x·w + b) ─► y
 *
 * The reference, independent of the fixing path: quantize() without inputValues of the same
 * model written here with the 16 kHz branch in the If's place, over the same batches. The two
 * Q/DQ models must have the same calibration cache and the same nodes, and onnxruntime must
 * compute the same outputs from them (1e-6: one graph, written twice); the written model's only
 * input is audio. Also checked against the fp32 model on onnxruntime with sr = 16000: within one
 * quantization step of audio and of x through both layers (the bound computed here from the
 * scales and the weights). Batches that give sr keep working; another sr is a CALIBRATION
 * error, in an array of feeds as in a folder's batch files (checked before calibrating); a name
 * the model lacks, or a value of the wrong form, an OPTION error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { decodeModel, encodeModel } from '../../src/onnx/model.js';
import { writeNpy } from '../../src/onnx/npy.js';
import { readCache } from '../../src/quantize/cache.js';
import { withoutFixedInputs } from '../../src/quantize/data.js';
import { quantize } from '../../src/quantize/quantize.js';
import { mulberry32 } from '../../src/util/random.js';
import { RATE_GATED, rateGatedTaken, rateGatedWithHead } from '../helpers/rate-gated.js';
import { fanInWeights, ortYs } from './helpers.js';

const weight = fanInWeights(5);
const W0 = weight([8, 8]);
const fp32 = encodeModel(buildModel(rateGatedWithHead(W0, 2)));
const w = RATE_GATED.initializers!.w!;
// The same with the 16 kHz branch written in the If's place (the reference).
const taken = encodeModel(buildModel(rateGatedTaken(W0, 2)));

const xs = Array.from({ length: 5 }, (_, k) => {
  const next = mulberry32(200 + k);
  return Float32Array.from({ length: 16 }, () => next() * 4 - 2);
});
const a = (k: number) => new ort.Tensor('float32', xs[k]!, [2, 8]);
const sr = (v: bigint) => new ort.Tensor('int64', BigInt64Array.of(v), []);
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-quantize-fixed-'));

const ortRun = async (model: Uint8Array, feeds: Record<string, ort.Tensor>) => (await ortYs(model, [feeds], false))[0]!;

const ops = (model: Uint8Array) =>
  Graph.fromModel(decodeModel(model))
    .nodes.map((n) => n.opType)
    .sort();
const maxDiff = (p: Float32Array, q: Float32Array) => Math.max(...Array.from(p, (v, i) => Math.abs(v - q[i]!)));
/** Max over output columns of the sum of |weight| over its inputs: how far one input step moves an output. */
const columnSum = (t: { dims: number[]; data: Float32Array }) => {
  const [rows, cols] = t.dims as [number, number];
  return Math.max(
    ...Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => Math.abs(t.data[i * cols + j]!)).reduce((s, v) => s + v, 0)),
  );
};

describe('quantize() with inputValues', () => {
  it('writes the model at those values: the taken branch quantized, the fixed input a constant', async () => {
    const dir = tmp();
    const data = xs.map((_, k) => ({ audio: a(k) }));
    const reference = await quantize(taken, { data, method: 'minmax', cache: path.join(dir, 'reference.cache') });
    const out = path.join(dir, 'fixed.qdq.onnx');
    const cache = path.join(dir, 'fixed.cache');
    const q = await quantize(fp32, { data, method: 'minmax', cache, inputValues: { sr: 16000 }, output: out });
    const written = new Uint8Array(fs.readFileSync(out));
    const g = Graph.fromModel(q.model);
    expect(g.inputs).toEqual(['audio']);
    expect(g.nodes.some((n) => n.opType === 'If' || n.opType === 'NonZero')).toBe(false);
    expect(q.weights.sort()).toEqual(['W0', 'w']);
    expect(ops(written)).toEqual(ops(encodeModel(reference.model)));
    const scales = readCache(cache).scales;
    expect(Object.fromEntries(scales)).toEqual(Object.fromEntries(readCache(path.join(dir, 'reference.cache')).scales));
    const amax = Math.max(...xs.flatMap((v) => Array.from(v, Math.abs)));
    expect(scales.get('audio')).toBeCloseTo(amax / 127, 6);
    // One quantization step of audio through W0 and then w, plus one of x through w (weights exact
    // enough: their per-channel step is below these); the sigmoid's slope is at most 1/4.
    const bound = (scales.get('audio')! * columnSum(W0 as never) * columnSum(w as never) + scales.get('x')! * columnSum(w as never)) / 4;
    const refModel = encodeModel(reference.model);
    for (let k = 0; k < xs.length; k++) {
      const got = await ortRun(written, { audio: a(k) });
      expect(maxDiff(got, await ortRun(refModel, { audio: a(k) })), `batch ${k}: against the reference Q/DQ model`).toBeLessThanOrEqual(1e-6);
      expect(maxDiff(got, await ortRun(fp32, { audio: a(k), sr: sr(16000n) })), `batch ${k}: against fp32`).toBeLessThanOrEqual(bound);
    }
    fs.rmSync(dir, { recursive: true });
  });

  it('takes batches that give the fixed value, and refuses one that gives another', async () => {
    const data = (v: bigint) => xs.map((_, k) => ({ audio: a(k), sr: sr(k === 2 ? v : 16000n) }));
    const ok = await quantize(fp32, { data: data(16000n), method: 'minmax', inputValues: { sr: 16000 }, accuracyTarget: { cosine: 0.9 } });
    expect(ok.weights.sort()).toEqual(['W0', 'w']);
    expect(ok.policy?.outcome).toMatch(/^met/);
    await expect(quantize(fp32, { data: data(8000n), method: 'minmax', inputValues: { sr: 16000 } })).rejects.toThrow(
      /calibration batch 2: input 'sr' was fixed at compile time to 16000 \(inputValues\), and this run fed 8000/,
    );
  });

  it("checks a folder's batch files of the fixed input, before calibrating", async () => {
    const dir = tmp();
    const folder = (v: bigint) => {
      xs.forEach((x, k) => {
        fs.mkdirSync(path.join(dir, `b${k}`), { recursive: true });
        writeNpy(path.join(dir, `b${k}`, 'audio.npy'), { dtype: 'float32', dims: [2, 8], data: x });
        writeNpy(path.join(dir, `b${k}`, 'sr.npy'), { dtype: 'int64', dims: [], data: BigInt64Array.of(k === 3 ? v : 16000n) });
      });
      return dir;
    };
    const ok = await quantize(fp32, { data: folder(16000n), method: 'minmax', inputValues: { sr: 16000 } });
    expect(ok.weights.sort()).toEqual(['W0', 'w']);
    await expect(quantize(fp32, { data: folder(8000n), method: 'minmax', inputValues: { sr: 16000 } })).rejects.toMatchObject({
      code: 'CALIBRATION',
      message: expect.stringMatching(
        /calibration batch 3 \(.*b3\/sr\.npy\): input 'sr' was fixed at compile time to 16000 \(inputValues\), and this run fed 8000/,
      ),
    });
    fs.rmSync(dir, { recursive: true });
  });

  it("finds a fixed input's batch file under the name --save-inputs gives it (sr_0.npy for sr:0)", () => {
    const dir = tmp();
    const fixed = new Map([['sr:0', { dtype: 'int64' as const, dims: [], data: BigInt64Array.of(16000n) }]]);
    const write = (v: bigint) => {
      fs.mkdirSync(path.join(dir, 'b0'), { recursive: true });
      writeNpy(path.join(dir, 'b0', 'sr_0.npy'), { dtype: 'int64', dims: [], data: BigInt64Array.of(v) });
    };
    write(16000n);
    expect(withoutFixedInputs(dir, fixed)).toBe(dir);
    write(8000n);
    expect(() => withoutFixedInputs(dir, fixed)).toThrow(
      expect.objectContaining({
        code: 'CALIBRATION',
        message: expect.stringMatching(/b0\/sr_0\.npy\): input 'sr:0' was fixed at compile time to 16000/),
      }),
    );
    fs.rmSync(dir, { recursive: true });
  });

  it('checks the values: their form before the model is read, their names and dtypes against it', async () => {
    const data = [{ audio: a(0) }];
    await expect(quantize('/no/such/model.onnx', { data, inputValues: 16000 as never })).rejects.toMatchObject({
      code: 'OPTION',
      message: expect.stringMatching(/inputValues must be an object of input name -> value/),
    });
    await expect(quantize(fp32, { data, inputValues: { rate: 16000 }, label: 'vad.onnx' })).rejects.toMatchObject({
      code: 'OPTION',
      message: expect.stringMatching(/inputValues: vad\.onnx has no input 'rate'.*initializer.*its inputs: audio, sr/),
    });
    await expect(quantize(fp32, { data, inputValues: { sr: 1.5 } })).rejects.toMatchObject({
      code: 'OPTION',
      message: expect.stringMatching(/inputValues\.sr: 1\.5 is not an integer of int64/),
    });
    await expect(quantize(fp32, { data, inputValue: { sr: 16000 } } as never)).rejects.toThrow(/did you mean 'inputValues'/);
  });
});
