/**
 * Calibration runs the fp32 model compiled (src/quantize/runner.ts, 'engines': engines and
 * onnxruntime fallbacks as compile() makes them, the calibrated tensors added as outputs), and
 * its statistics are onnxruntime's within fp32 noise. The model (helpers.ts residualBnCnn) is
 * a residual CNN whose convolutions fuse with their BatchNormalization and Relu on the cpu
 * engines (test/gpu/calibrate-runner.test.ts: the same on cuda); calibrated tensors: x (read
 * from the feeds), r1, f (activationTargets) and b2 (the residual add's side, residualTargets).
 * Against onnxruntime over the same batches: each tensor's max|x| (relative 1e-5: fp32 sums in
 * another order, BatchNormalization folded into the weights), its histogram's bin width (the
 * same) and counts (at most 0.1% of the values in another bin: those within rounding of a bin
 * edge), and each method's scale (minmax relative 1e-5, percentile one bin, entropy 2%, its KL
 * search being discrete). The calibration compile fuses as the plain compile does (one engine
 * of the same layers, no fallback), and its model output is the plain compile's. compile()'s
 * implicit int8 calibrates a model with a custom op that only its converter runs (onnxruntime
 * cannot load it: the 'onnxruntime' runner fails, as calibration did before); errors name the
 * batch that does not compile or run (where cuda is missing, backend 'cuda' does not compile
 * and 'auto' takes cpu); `hybrid-run quantize --calib-runner` writes the same min-max cache
 * either way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { swishConverter } from '../helpers/swish-converter.js';
import { calibrationFromFlags } from '../../src/cli/calib-flags.js';
import { saveModelProto } from '../../src/onnx/model.js';
import { writeNpy } from '../../src/onnx/npy.js';
import { expectOneLineError, runMainRaw, tempDir } from '../cli/helpers.js';
import { type RawOptions, toCliOptions } from '../../src/cli/options.js';
import { type CompiledModel, compile } from '../../src/compiler/compile.js';
import { cudaAvailable } from '../../src/engine/engine.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { readCache } from '../../src/quantize/cache.js';
import { calibrate, modelGraph } from '../../src/quantize/calibrate.js';
import { collectStats, type TensorStats } from '../../src/quantize/collect.js';
import { calibrationBatches } from '../../src/quantize/data.js';
import { percentileAmax } from '../../src/quantize/histogram.js';
import { openRunner } from '../../src/quantize/runner.js';
import { activationTargets, residualTargets } from '../../src/quantize/targets.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf, itIf } from '../helpers/skip.js';
import { fanInWeights, residualBnCnn, smoothImage } from './helpers.js';

const w = fanInWeights(11);
const { model, data } = residualBnCnn();
const graph = modelGraph(model);
const targets = [...activationTargets(graph), ...residualTargets(graph)];

const stats = (runner: 'engines' | 'onnxruntime') =>
  collectStats(graph, targets, calibrationBatches(data, graph.inputs), {
    histograms: true,
    progress: false,
    runner,
    compile: runner === 'engines' ? { backend: 'cpu', threads: 1, compile } : {},
  });

const relClose = (got: number, want: number, rel: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want));

describeIf(HAS_NATIVE, 'calibration on the compiled model', NATIVE_MISSING, () => {
  itIf(HAS_NATIVE, 'collects the statistics onnxruntime gives, within fp32 noise', NATIVE_MISSING, async () => {
    expect(targets).toEqual(['x', 'r1', 'f', 'b2']);
    const [got, want] = [await stats('engines'), await stats('onnxruntime')];
    for (const t of targets) {
      const g = got.get(t)! as Required<TensorStats>;
      const r = want.get(t)! as Required<TensorStats>;
      expect(r.absMax, t).toBeGreaterThan(0);
      relClose(g.absMax, r.absMax, 1e-5);
      relClose(g.histogram.width, r.histogram.width, 1e-5);
      expect(g.histogram.total).toBe(r.histogram.total);
      const n = Math.max(g.histogram.counts.length, r.histogram.counts.length);
      let moved = 0;
      for (let k = 0; k < n; k++) moved += Math.abs((g.histogram.counts[k] ?? 0) - (r.histogram.counts[k] ?? 0));
      // Each value in another bin counts twice (out of one, into its neighbour).
      expect(moved / 2, t).toBeLessThanOrEqual(1e-3 * r.histogram.total);
      expect(Math.abs(percentileAmax(g.histogram, 99.9) - percentileAmax(r.histogram, 99.9))).toBeLessThanOrEqual(r.histogram.width * 1.00001);
    }
  });

  itIf(HAS_NATIVE, "gives each method's scales within fp32 noise of onnxruntime's", NATIVE_MISSING, async () => {
    for (const method of ['minmax', 'percentile', 'entropy'] as const) {
      const on = (runner: 'engines' | 'onnxruntime') =>
        calibrate(model, { data, method, percentile: 99.9, progress: false, runner, ...(runner === 'engines' ? { backend: 'cpu' as const } : {}) });
      const [got, want] = [await on('engines'), await on('onnxruntime')];
      expect([...got.scales.keys()]).toEqual([...want.scales.keys()]);
      for (const [t, s] of want.scales) {
        const g = got.scales.get(t)!;
        if (method === 'entropy') relClose(g, s, 0.02);
        else if (method === 'minmax') relClose(g, s, 1e-5);
        // percentile: the upper edge of a bin, which may be the next one.
        else expect(Math.abs(g - s)).toBeLessThanOrEqual(((want.scales.get(t)! * 127) / 2048) * 1.00001);
      }
    }
  });

  itIf(HAS_NATIVE, 'compiles as the plain compile does: the same engines, no fallback, the same model output', NATIVE_MISSING, async () => {
    const plain = await compile(model, { backend: 'cpu', threads: 1 });
    const runner = await openRunner(
      graph,
      targets.filter((t) => t !== 'x'),
      'engines',
      { backend: 'cpu', threads: 1, compile },
    );
    try {
      const out = await runner.run(data[0]!, 0);
      expect(Object.keys(out).sort()).toEqual(['b2', 'f', 'r1']);
      const calib = runner.compiled[0]! as CompiledModel; // what compile() made (runner.ts types it by what it uses)
      const kinds = (m: typeof plain) => m.report.data.segments.map((s) => s.kind);
      expect(kinds(calib)).toEqual(kinds(plain));
      expect(kinds(plain)).toEqual(['engine']);
      // The same layers: each BatchNormalization and Relu fused into its convolution (r1 written
      // by conv1's epilogue), the residual add into conv3's, reading b2, which conv2 writes anyway.
      const layers = (m: typeof plain) => [m.report.engines[0]!.layers, m.report.engines[0]!.layerKinds];
      expect(layers(calib)).toEqual(layers(plain));
      const y = (await calib.run(data[0]!)).y!.data as Float32Array;
      const yPlain = (await plain.run(data[0]!)).y!.data as Float32Array;
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i]! - yPlain[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(yPlain[i]!)));
    } finally {
      await runner.dispose();
      await plain.dispose();
    }
  });

  itIf(
    HAS_NATIVE,
    "names the batch whose shapes do not compile (with runner 'onnxruntime' as the way out) or that does not run",
    NATIVE_MISSING,
    async () => {
      const bad = [...data.slice(0, 2), { x: smoothImage([2, 4, 8, 8], 9, 0.3, 0.5) }];
      await expect(calibrate(model, { data: bad, method: 'minmax', backend: 'cpu', progress: false })).rejects.toMatchObject({
        code: 'CALIBRATION',
        message: expect.stringMatching(
          /does not compile \(backend cpu, at batch 2's shapes .*\[2,4,8,8\].*runner 'onnxruntime' \(--calib-runner onnxruntime\) calibrates on onnxruntime instead/s,
        ),
      });
      const int32 = [data[0]!, { x: new ort.Tensor('int32', new Int32Array(2 * 3 * 8 * 8), [2, 3, 8, 8]) }];
      await expect(calibrate(model, { data: int32, method: 'minmax', backend: 'cpu', progress: false })).rejects.toMatchObject({
        code: 'CALIBRATION',
        message: expect.stringMatching(/^calibration batch 1: hybridrt \(cpu engines, onnxruntime fallbacks\) cannot run the model on it: .*int32/),
      });
      await expect(calibrate(model, { data, runner: 'tvm' as 'engines' })).rejects.toMatchObject({
        code: 'OPTION',
        message: "calibration runner 'tvm' is unknown; use 'engines', 'onnxruntime'",
      });
      await expect(calibrate(model, { data, backend: 'gpu' as 'cpu' })).rejects.toMatchObject({
        code: 'OPTION',
        message: "calibration backend 'gpu' is not one of: auto, cpu, cuda",
      });
    },
  );
});

describeIf(HAS_NATIVE, 'implicit int8 calibrates on the engines compile() builds', NATIVE_MISSING, () => {
  //   x [4, 8] ─► MatMul(W1) ─► Swish (custom) ─► h ─► MatMul(W2) ─► y     (x and h are calibrated)
  const W1 = w([8, 6]);
  const g = buildGraph({
    opsets: { 'com.example': 1 },
    inputs: [{ name: 'x', shape: [4, 8] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [4, 3] }],
    initializers: { W1, W2: w([6, 3]) },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['m'] },
      { op: 'Swish', name: 'sw', domain: 'com.example', inputs: ['m'], outputs: ['h'] },
      { op: 'MatMul', inputs: ['h', 'W2'], outputs: ['y'] },
    ],
  });
  g.types.set('h', { dtype: 'float32', shape: [4, 6] });
  const custom = g.toModel();
  const feeds = Array.from({ length: 4 }, (_, k) => ({ x: smoothImage([4, 8], k, 0.7, 0.3) }));

  itIf(HAS_NATIVE, "a custom op's converter runs it (onnxruntime cannot: runner 'onnxruntime' fails)", NATIVE_MISSING, async () => {
    const options = { backend: 'cpu' as const, threads: 1, registry: [swishConverter], precisions: ['int8' as const] };
    const cache = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'calibrate-runner-')), 'custom.cache');
    const q = await compile(custom, { ...options, calibration: { data: feeds, method: 'minmax', progress: false, cache } });
    try {
      expect(q.report.data.segments.map((s) => s.kind)).toEqual(['engine']);
      expect((await q.run({ x: feeds[0]!.x })).y!.dims).toEqual([4, 3]);
    } finally {
      await q.dispose();
    }
    // h's scale: max |swish(x W1)| over the batches, in float64, / 127 (the cache holds float32 scales).
    let amax = 0;
    for (const f of feeds) {
      const x = f.x.data as Float32Array;
      for (let i = 0; i < 4; i++)
        for (let j = 0; j < 6; j++) {
          let s = 0;
          for (let k = 0; k < 8; k++) s += x[i * 8 + k]! * W1.data[k * 6 + j]!;
          amax = Math.max(amax, Math.abs(s / (1 + Math.exp(-s))));
        }
    }
    const scales = readCache(cache).scales;
    expect([...scales.keys()].sort()).toEqual(['h', 'x']);
    relClose(scales.get('h')!, amax / 127, 1e-5);
    fs.rmSync(path.dirname(cache), { recursive: true });
    await expect(
      compile(custom, { ...options, calibration: { data: feeds, method: 'minmax', progress: false, runner: 'onnxruntime' } }),
    ).rejects.toMatchObject({ code: 'CALIBRATION', message: expect.stringMatching(/onnxruntime cannot load the model/) });
  });
});

describeIf(HAS_NATIVE && !cudaAvailable(), 'calibration on a machine without cuda', 'cuda is available here', () => {
  it("backend 'cuda' is a CALIBRATION error saying why and naming runner 'onnxruntime'; 'auto' takes cpu", async () => {
    await expect(calibrate(model, { data, method: 'minmax', backend: 'cuda', progress: false })).rejects.toMatchObject({
      code: 'CALIBRATION',
      message: expect.stringMatching(
        /does not compile \(backend cuda, at batch 0's shapes .*\): backend 'cuda' is not available: .*runner 'onnxruntime'/s,
      ),
    });
    const auto = await calibrate(model, { data, method: 'minmax', progress: false });
    const cpu = await calibrate(model, { data, method: 'minmax', backend: 'cpu', progress: false });
    expect(auto.scales).toEqual(cpu.scales);
  });
});

describe('--calib-runner', () => {
  it('hybrid-run quantize: onnxruntime and the engines write the same min-max cache, within fp32 noise', async () => {
    const dir = tempDir('hybridrt-calib-runner-');
    const file = path.join(dir, 'model.onnx');
    saveModelProto(model, file);
    const calib = path.join(dir, 'calib');
    fs.mkdirSync(calib);
    data.forEach(({ x }, k) => writeNpy(path.join(calib, `b${k}.npy`), { dtype: 'float32', dims: [...x.dims], data: x.data as Float32Array }));
    const caches: Array<Map<string, number>> = [];
    for (const runner of ['onnxruntime', 'engines']) {
      const cache = path.join(dir, `${runner}.cache`);
      const r = await runMainRaw(
        'quantize',
        file,
        '--calib-data',
        calib,
        '--calib-method',
        'minmax',
        '--calib-runner',
        runner,
        '--calib-cache',
        cache,
        '-o',
        path.join(dir, `${runner}.onnx`),
      );
      expect([r.code, r.err]).toEqual([0, '']);
      caches.push(readCache(cache).scales);
    }
    expect([...caches[1]!.keys()]).toEqual([...caches[0]!.keys()]);
    for (const [t, s] of caches[0]!) relClose(caches[1]!.get(t)!, s, 1e-5);
    const bad = await runMainRaw('quantize', file, '--calib-data', calib, '--calib-runner', 'tvm', '-o', path.join(dir, 'o.onnx'));
    expect(bad.code).toBe(2);
    expect(expectOneLineError(bad.err)).toMatch(/argument 'tvm' is invalid.*engines, onnxruntime/);
    fs.rmSync(dir, { recursive: true });
  });

  it('reads into the calibration option runner, and needs int8 as the other calibration flags do', () => {
    expect(calibrationFromFlags({ calibData: 'calib/', calibRunner: 'onnxruntime' })).toEqual({ data: 'calib/', runner: 'onnxruntime' });
    expect(() => toCliOptions('m.onnx', { calibRunner: 'onnxruntime' } as RawOptions)).toThrow(
      expect.objectContaining({ code: 'OPTION', message: expect.stringMatching(/^--calib-runner: calibration is for int8/) }),
    );
  });
});
