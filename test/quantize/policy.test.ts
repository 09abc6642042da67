/**
 * int8's precision policy (src/quantize/policy.ts, compile()'s int8Sensitivity and
 * accuracyTarget): the agreement measures against a computation of their own here; a small
 * CNN whose first convolution has one output channel 1000x the others, so that the per-tensor
 * int8 scale of the activation entering the second convolution rounds every other channel to
 * zero (the second convolution ignores the outlier channel: in fp32 it costs nothing;
 * helpers.ts sensitiveCnn), found the most sensitive, kept in float, and the target then met
 * by the compiled model against onnxruntime's fp32 outputs; and the options refused before
 * any work. quantize()'s policy: quantize-policy.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toCliOptions } from '../../src/cli/options.js';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { AgreementMeter } from '../../src/quantize/agreement.js';
import { calibrate, modelGraph } from '../../src/quantize/calibrate.js';
import { int8Policy } from '../../src/quantize/policy.js';
import { quantize } from '../../src/quantize/quantize.js';
import { reportProblems } from '../../src/report/validate.js';
import { mulberry32, uniform } from '../../src/util/random.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';
import { cosineOf, sensitiveCnn, ortYs } from './helpers.js';

const { spec, data } = sensitiveCnn();
const fp32 = encodeModel(buildModel(spec));
const calibration = { data, method: 'minmax' as const, progress: false };

const ortOutputs = (model: Uint8Array) => ortYs(model, data, false);

describe('agreement measures', () => {
  it('cosine, max abs error and top-1 over batches equal a plain computation; the worst output counts', () => {
    const r = mulberry32(3);
    const rand = (n: number, s = 1) => Float32Array.from({ length: n }, () => uniform(r, -s, s));
    const ref = [rand(15), rand(15)];
    const got = ref.map((t) => t.map((v) => v + uniform(r, -0.3, 0.3)));
    const other = { ref: rand(4), got: rand(4) };
    const meter = new AgreementMeter();
    for (let k = 0; k < 2; k++) meter.add('a', got[k]!, ref[k]!, 5);
    meter.add('b', other.got, other.ref, 2);
    const a = meter.perOutput().get('a')!;
    expect(a.cosine).toBeCloseTo(cosineOf(got, ref), 12);
    expect(a.maxAbsError).toBeCloseTo(Math.max(...got.flatMap((t, k) => [...t].map((v, i) => Math.abs(v - ref[k]![i]!)))), 6);
    const argmax = (t: Float32Array, row: number, n: number) => [...t.slice(row * n, row * n + n)].reduce((m, v, i, xs) => (v > xs[m]! ? i : m), 0);
    let agree = 0;
    for (let k = 0; k < 2; k++) for (let row = 0; row < 3; row++) agree += argmax(got[k]!, row, 5) === argmax(ref[k]!, row, 5) ? 1 : 0;
    expect(a.top1).toBe(agree / 6);
    const b = meter.perOutput().get('b')!;
    expect(meter.worst()).toEqual({
      cosine: Math.min(a.cosine, b.cosine),
      maxAbsError: Math.max(a.maxAbsError, b.maxAbsError),
      top1: Math.min(a.top1, b.top1),
    });
    const zeros = new AgreementMeter();
    zeros.add('z', new Float32Array(3), new Float32Array(3), 3);
    expect(zeros.worst().cosine).toBe(1);
  });
});

describe('int8 precision policy', () => {
  it('measures each layer alone, finds the outlier-fed convolution, and reports the outcomes', async () => {
    const graph = modelGraph(fp32);
    const { scales } = await calibrate(fp32, calibration);
    const s = await int8Policy(graph, scales, data, { sensitivity: true, progress: false });
    expect(s.policy).toBeUndefined();
    expect(s.sensitivity!.map((l) => l.node)).toHaveLength(4);
    expect(s.sensitivity![0]!.node).toBe('conv2');
    expect(s.sensitivity![0]!.cosine).toBeLessThan(0.99);
    for (const l of s.sensitivity!.slice(1)) expect(l.cosine).toBeGreaterThan(0.9999);
    // Met as is: one pass, nothing measured per layer.
    const easy = await int8Policy(graph, scales, data, { sensitivity: false, target: { cosine: 0.5 }, progress: false });
    expect(easy).toMatchObject({ exclude: new Set(), policy: { outcome: 'met-as-is', kept: [], evaluations: 1 } });
    expect(easy.sensitivity).toBeUndefined();
    // Both measures named: each must hold (top-1 is 1 for every variant here, so cosine decides).
    const both = await int8Policy(graph, scales, data, { sensitivity: false, target: { cosine: 0.999, top1: 1 }, progress: false });
    expect(both.policy).toMatchObject({ outcome: 'met', kept: ['conv2'], allInt8: { top1: 1 } });
    expect(both.exclude).toEqual(new Set(['conv2']));
    // Exact agreement: only the fp32 model has it.
    const all = await int8Policy(graph, scales, data, { sensitivity: false, target: { cosine: 1 }, progress: false });
    expect(all.policy).toMatchObject({ outcome: 'all-kept', final: { cosine: 1, maxAbsError: 0, top1: 1 } });
    expect(all.policy!.kept).toHaveLength(4);
  });

  itIf(
    HAS_NATIVE,
    'keeps the sensitive layer in float and the compiled model meets the target against onnxruntime fp32',
    NATIVE_MISSING,
    async () => {
      const reference = await ortOutputs(fp32);
      // The all-int8 model (quantize()'s, on onnxruntime) misses the target: computed here.
      const qdq = await quantize(fp32, calibration);
      const allInt8 = cosineOf(await ortOutputs(encodeModel(qdq.model)), reference);
      expect(allInt8).toBeLessThan(0.99);
      const m = await compile(fp32, {
        backend: 'cpu',
        precisions: ['int8'],
        calibration,
        accuracyTarget: { cosine: 0.999 },
        int8Sensitivity: true,
        threads: 1,
      });
      try {
        const s = m.report.data.int8!;
        expect(s.policy).toMatchObject({ target: { cosine: 0.999 }, kept: ['conv2'], outcome: 'met', evaluations: 3 });
        expect(s.policy!.allInt8.cosine).toBeCloseTo(allInt8, 9);
        expect(s.policy!.final.cosine).toBeGreaterThanOrEqual(0.999);
        expect([s.quantizable, s.int8]).toEqual([4, 3]);
        expect(s.kept).toEqual([
          expect.objectContaining({ node: 'conv2', kind: 'sensitivity', precision: 'fp32', reason: expect.stringMatching(/^kept by sensitivity/) }),
        ]);
        expect(s.sensitivity![0]!.node).toBe('conv2');
        expect(reportProblems(m.report.data)).toEqual([]);
        expect(m.report.render('html')).toMatch(/<li><b>conv2<\/b> \(Conv, #0, fp32\): kept by sensitivity .*<ol><li>conv2 \(Conv\): cosine 0\.9/);
        expect(m.report.text({ color: false })).toMatch(
          /accuracy target cosine >= 0\.999 on the calibration data: all int8 cosine 0\.9\d+.*met with 1 layer/,
        );
        // What the engines compute, against onnxruntime's fp32 outputs on the same data.
        const got: Float32Array[] = [];
        for (const feeds of data) got.push((await m.run(feeds)).y!.data as Float32Array);
        expect(cosineOf(got, reference)).toBeGreaterThanOrEqual(0.999);
      } finally {
        await m.dispose();
      }
    },
  );

  it('refuses bad policy options before any work, with the nearest key', async () => {
    const nowhere = '/nonexistent/model.onnx'; // never read: the options fail first
    const int8 = { precisions: ['int8'], calibration: { data: 'calib/' } };
    const cases: Array<[object, RegExp]> = [
      [{ int8Sensitivity: true }, /^int8Sensitivity is for precision 'int8'/],
      [{ accuracyTarget: { cosine: 0.99 } }, /^accuracyTarget is for precision 'int8'/],
      [{ ...int8, int8Sensitivty: true }, /^compile options: unknown option 'int8Sensitivty'; did you mean 'int8Sensitivity'\?/],
      [{ ...int8, accuracyTarget: { cosin: 0.99 } }, /^accuracyTarget keys: unknown option 'cosin'; did you mean 'cosine'\?/],
      [{ ...int8, accuracyTarget: {} }, /^accuracyTarget names no measure/],
      [{ ...int8, accuracyTarget: { top1: 1.5 } }, /^accuracyTarget\.top1 must be a number in \(0, 1\]/],
      [{ ...int8, accuracyTarget: 0.999 }, /^accuracyTarget must be an object/],
      [{ ...int8, int8Sensitivity: 'yes' }, /^int8Sensitivity must be a boolean/],
      [{ precisions: ['int8'], calibration: { cache: __filename }, int8Sensitivity: true }, /^int8Sensitivity measures .* give calibration\.data/],
      [
        { precisions: ['int8'], calibration: { data: (function* () {})() }, accuracyTarget: { cosine: 0.9 } },
        /^accuracyTarget reads the calibration data once per measured model: give calibration\.data as a folder .* or an array/,
      ],
    ];
    for (const [options, message] of cases) {
      await expect(compile(nowhere, options as never), JSON.stringify(options)).rejects.toMatchObject({
        code: 'OPTION',
        message: expect.stringMatching(message),
      });
    }
  });

  it('hybrid-run --int8-sensitivity and --accuracy-target become the compile options, checked alike', () => {
    const flags = { precision: 'int8', calibData: 'calib/' };
    expect(toCliOptions('m.onnx', { ...flags, accuracyTarget: 'cosine=0.999,top1=0.99', int8Sensitivity: true } as never).int8Policy).toEqual({
      int8Sensitivity: true,
      accuracyTarget: { cosine: 0.999, top1: 0.99 },
    });
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-cache-'));
    const cache = path.join(cacheDir, 'x.cache'); // exists: a missing one is the flag's own error first
    fs.writeFileSync(cache, 'TRT-8601-EntropyCalibration2\n');
    const cases: Array<[object, RegExp]> = [
      [{ calibData: 'calib/', int8Sensitivity: true }, /^--calib-data: calibration is for int8/],
      [{ precision: 'int8', calibCache: cache, int8Sensitivity: true }, /^--int8-sensitivity: measures .* add --calib-data DIR/],
      [{ ...flags, accuracyTarget: 'cosine' }, /^--accuracy-target cosine: expected metric=value/],
      [
        { ...flags, accuracyTarget: 'cosin=0.9' },
        /^--accuracy-target cosin=0\.9: accuracyTarget keys: unknown option 'cosin'; did you mean 'cosine'\?/,
      ],
      [{ ...flags, accuracyTarget: 'cosine=2' }, /^--accuracy-target cosine=2: accuracyTarget\.cosine must be a number in \(0, 1\]/],
    ];
    for (const [raw, message] of cases) {
      expect(() => toCliOptions('m.onnx', raw as never), JSON.stringify(raw)).toThrow(message);
    }
    fs.rmSync(cacheDir, { recursive: true });
  });
});
