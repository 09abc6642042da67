/**
 * Implicit int8 through compile() (src/compiler/int8.ts): `precisions: ['int8']` with a
 * calibration, on a small CNN made here,
 *
 *   x [2,3,10,10] ─► Conv 3x3 ─► Relu ─► Conv 3x3/2 ─► Relu ─► GlobalAveragePool ─► Flatten
 *                ─► Gemm(transB) ─► Relu ─► MatMul ─► y [2,4]
 *
 * Reference: onnxruntime (optimizations off: the Q/DQ nodes computed as written) running the
 * Q/DQ model quantize() writes for the same data and method. compile()'s output must equal it
 * within one quantization step of the last quantized activation through the last layer (the
 * tolerance test/quantize/int8-engine.test.ts holds the qdq pass to), and every Conv, Gemm and
 * MatMul must be an int8 layer. Then: the calibration cache written and read back through
 * compile() (bit-identical outputs without data), a cache of another model (CALIBRATION,
 * naming the tensors), the OPTION errors before any work, and the report's int8 section.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { load } from '../../src/artifact/load.js';
import { readArtifact } from '../../src/artifact/open.js';
import { compile } from '../../src/compiler/compile.js';
import { int8Section } from '../../src/compiler/int8-report.js';
import { precisionNotice } from '../../src/engine/precision.js';
import { Graph } from '../../src/ir/graph.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { quantize } from '../../src/quantize/quantize.js';
import { fanInWeights, smoothImage } from '../quantize/helpers.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const N = 2;
const weight = fanInWeights(11);
const fp32 = encodeModel(
  buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [N, 3, 10, 10] }],
    outputs: [{ name: 'y' }],
    initializers: {
      W1: weight([8, 3, 3, 3]),
      B1: weight([8], -0.1, 0.1),
      W2: weight([12, 8, 3, 3]),
      B2: weight([12], -0.1, 0.1),
      W3: weight([6, 12]),
      B3: weight([6], -0.2, 0.1),
      W4: weight([6, 4]),
    },
    nodes: [
      { op: 'Conv', inputs: ['x', 'W1', 'B1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', inputs: ['r1', 'W2', 'B2'], outputs: ['c2'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'GlobalAveragePool', inputs: ['r2'], outputs: ['p'] },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'W3', 'B3'], outputs: ['g'], attrs: { transB: 1 }, name: 'gemm' },
      { op: 'Relu', inputs: ['g'], outputs: ['r3'] },
      { op: 'MatMul', inputs: ['r3', 'W4'], outputs: ['y'] },
    ],
  }),
);

const image = (seed: number): ort.Tensor => smoothImage([N, 3, 10, 10], seed, 0.3, 0.5);
const batches = () => Array.from({ length: 6 }, (_, k) => ({ x: image(k) }));

async function ortQdq(model: Uint8Array, x: ort.Tensor): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3, graphOptimizationLevel: 'disabled' });
  try {
    return (await s.run({ x })).y!.data as Float32Array;
  } finally {
    await s.release();
  }
}

const worst = (a: Float32Array, b: Float32Array) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!)));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-int8-'));

describe('compile() with precision int8 and a calibration', () => {
  itIf(HAS_NATIVE, 'equals onnxruntime on the Q/DQ model quantize() writes, within one step, with every layer int8', NATIVE_MISSING, async () => {
    for (const method of ['minmax', 'entropy'] as const) {
      const q = await quantize(fp32, { data: batches(), method, progress: false });
      const qdq = encodeModel(q.model);
      const logs: string[] = [];
      const m = await compile(fp32, {
        backend: 'cpu',
        precisions: ['int8'],
        calibration: { data: batches(), method, progress: false },
        threads: 1,
        requireFullCompilation: true,
        onLog: (msg) => logs.push(msg),
      });
      try {
        expect(logs).toContain(
          `precision int8: 4 activation(s) (Q/DQ, per tensor) and 4 weight(s) (per output channel) quantized from ${method} calibration`,
        );
        expect(m.report.precisions).toEqual(['fp32', 'int8']);
        const e = m.report.engines[0]!;
        expect(e.layerPrecisions.int8).toBe(4);
        expect(e.build.int8Layers).toBe(4);
        expect(m.report.data.int8).toEqual({ requested: true, quantizable: 4, int8: 4, kept: [] });
        // One int8 step of r3 (the last quantized activation) through W4's largest weight.
        const g = Graph.fromModel(q.model);
        const w4 = g.constant('W4_quantized')!.data as Int8Array;
        const s4 = g.constant('W4_scale')!.data as Float32Array;
        const step = q.calibration.scales.get('r3')! * Math.max(...Array.from(w4, (v, i) => Math.abs(v * s4[i % 4]!)));
        for (const seed of [50, 51]) {
          const x = image(seed);
          const got = (await m.run({ x })).y!.data as Float32Array;
          const d = worst(got, await ortQdq(qdq, x));
          expect(d, `${method}: ${d} vs one step ${step}`).toBeLessThanOrEqual(step * 1.01);
        }
      } finally {
        await m.dispose();
      }
    }
  });

  itIf(
    HAS_NATIVE,
    'writes the calibration cache and compiles from it alone to the same outputs; a foreign cache names the tensors',
    NATIVE_MISSING,
    async () => {
      const dir = tmp();
      const cache = path.join(dir, 'model.cache');
      const x = image(77);
      const a = await compile(fp32, { backend: 'cpu', precisions: ['int8'], calibration: { data: batches(), cache, progress: false }, threads: 1 });
      const ya = (await a.run({ x })).y!.data as Float32Array;
      await a.dispose();
      const text = fs.readFileSync(cache, 'utf8');
      expect(text.split('\n')[0]).toBe('TRT-8601-EntropyCalibration2');
      expect(text.split('\n').filter((l) => l.includes(': '))).toHaveLength(4);
      const logs: string[] = [];
      const b = await compile(fp32, { backend: 'cpu', precisions: ['int8'], calibration: { cache }, threads: 1, onLog: (msg) => logs.push(msg) });
      try {
        expect(logs).toContain(
          `precision int8: 4 activation(s) (Q/DQ, per tensor) and 4 weight(s) (per output channel) quantized from the calibration cache ${cache}`,
        );
        expect(Array.from((await b.run({ x })).y!.data as Float32Array)).toEqual(Array.from(ya));
        expect(b.report.engines[0]!.build.int8Layers).toBe(4);
      } finally {
        await b.dispose();
      }
      const foreign = path.join(dir, 'foreign.cache');
      fs.writeFileSync(foreign, 'TRT-8601-EntropyCalibration2\nx: 3c010a14\ninput.1: 3c010a14\n');
      await expect(compile(fp32, { backend: 'cpu', precisions: ['int8'], calibration: { cache: foreign } })).rejects.toMatchObject({
        code: 'CALIBRATION',
        message: expect.stringMatching(/does not match the model: it has no scale for 3 tensor\(s\) the model quantizes: 'r1', 'f', 'r3'/),
      });
    },
  );

  itIf(HAS_NATIVE, 'saves and loads as the Q/DQ model it compiled, and the engine cache keeps it', NATIVE_MISSING, async () => {
    const dir = tmp();
    const cache = path.join(dir, 'model.cache');
    const options = { backend: 'cpu' as const, precisions: ['int8' as const], threads: 1, cacheDir: path.join(dir, 'engines') };
    const x = image(5);
    const a = await compile(fp32, { ...options, calibration: { data: batches(), cache, progress: false } });
    const ya = Array.from((await a.run({ x })).y!.data as Float32Array);
    const bytes = await a.toBytes({ embedSource: true });
    const int8 = a.report.data.int8;
    await a.dispose();
    // The options recorded rebuild the embedded Q/DQ source without a calibration.
    expect(readArtifact(bytes).manifest.options.precisions).toEqual(['fp32']);
    const b = await load(bytes, { threads: 1 });
    const logs: string[] = [];
    const c = await compile(fp32, { ...options, calibration: { cache }, onLog: (m) => logs.push(m) });
    try {
      expect(b.report.data.int8).toEqual(int8);
      expect(b.report.precisions).toEqual(['fp32', 'int8']);
      expect(Array.from((await b.run({ x })).y!.data as Float32Array)).toEqual(ya);
      // The same calibration (from the cache) makes the same Q/DQ model: the entry serves it.
      expect(logs.filter((l) => l.startsWith('engine cache hit'))).toHaveLength(1);
      expect(Array.from((await c.run({ x })).y!.data as Float32Array)).toEqual(ya);
      // The same Q/DQ model compiled as is (not asked for int8) is another entry: its report
      // says fp32 was asked, which a hit on the int8 entry would not (review finding).
      const q = await quantize(fp32, { cache, progress: false });
      logs.length = 0;
      const d = await compile(encodeModel(q.model), { ...options, precisions: ['fp32'], onLog: (m) => logs.push(m) });
      try {
        expect(logs.filter((l) => l.startsWith('engine cache hit'))).toHaveLength(0);
        expect(d.report.precisions).toEqual(['fp32']);
        expect(Array.from((await d.run({ x })).y!.data as Float32Array)).toEqual(ya);
      } finally {
        await d.dispose();
      }
    } finally {
      await b.dispose();
      await c.dispose();
    }
  });

  it('refuses int8 without a calibration, and bad calibration options, before any work', async () => {
    const nowhere = path.join(tmp(), 'missing.onnx'); // never read: the options fail first
    const cases: Array<[object, RegExp]> = [
      [
        { precisions: ['int8'] },
        /^precision 'int8' needs a calibration, .*give calibration: \{ data: 'calib\/' \}.* or calibration: \{ cache: 'model\.cache' \}/,
      ],
      [{ precisions: ['int8'], calibration: {} }, /^calibration needs data or a cache/],
      [{ calibration: { data: 'calib/' } }, /^calibration is for precision 'int8': add 'int8' to precisions/],
      [{ precisions: ['int8'], calibration: { dat: 'calib/' } }, /^calibration options: unknown option 'dat'; did you mean 'data'\?/],
      [
        { precisions: ['int8'], calibration: { data: 'calib/', method: 'kl' } },
        /^calibration method 'kl' is unknown; use 'entropy', 'minmax', 'percentile'/,
      ],
      [{ precisions: ['int8'], calibration: { data: 'calib/', percentile: 120 } }, /^calibration percentile 120 is not in \(0, 100\]/],
      [{ precisions: ['int8'], calibration: { data: 42 } }, /^calibration.data must be the path of a folder/],
      [
        { precisions: ['int8'], calibration: { cache: '/nonexistent/x.cache' } },
        /^calibration cache '\/nonexistent\/x\.cache' does not exist, and no calibration data/,
      ],
      [{ precisions: ['int8'], calibration: 'calib/' }, /^calibration must be an object/],
      [{ precisions: ['int8'], calibrations: {} }, /^compile options: unknown option 'calibrations'; did you mean 'calibration'\?/],
    ];
    for (const [options, message] of cases) {
      await expect(compile(nowhere, options as never), JSON.stringify(options)).rejects.toMatchObject({
        code: 'OPTION',
        message: expect.stringMatching(message),
      });
    }
  });

  itIf(HAS_NATIVE, 'the report lists every quantizable node kept above int8, with why', NATIVE_MISSING, async () => {
    const m = await compile(fp32, {
      backend: 'cpu',
      precisions: ['int8'],
      calibration: { data: batches(), method: 'minmax', progress: false },
      fallbackNodes: ['gemm'],
      minBlockSize: 0,
      threads: 1,
    });
    try {
      const s = m.report.data.int8!;
      expect([s.quantizable, s.int8]).toEqual([4, 2]);
      // The Gemm left to onnxruntime; the MatMul after it, whose weight's DequantizeLinear
      // stayed in the first engine segment, so that its own engine reads a float weight.
      expect(s.kept).toEqual([
        { node: 'gemm', opType: 'Gemm', segment: 1, precision: 'onnxruntime', kind: 'fallback', reason: 'left to onnxruntime by fallbackNodes' },
        {
          node: 'MatMul_8',
          opType: 'MatMul',
          segment: 2,
          layer: 'MatMul_8',
          precision: 'fp32',
          kind: 'qdq-pass',
          reason: expect.stringMatching(
            /^its DequantizeLinear 'W4_DequantizeLinear_Output_node' \(#0\) runs in another segment, so its engine receives a float input/,
          ),
        },
      ]);
      expect(m.report.text({ color: false })).toContain(
        'INT8: 2/4 quantizable layer(s) (Conv, MatMul, Gemm) run int8; kept above int8:\n  - gemm (Gemm, #1, onnxruntime): left to onnxruntime by fallbackNodes\n  - MatMul_8 (MatMul, #2, fp32): its DequantizeLinear',
      );
      expect(m.report.render('html')).toContain(
        '<summary>INT8: 2/4 quantizable layers run int8</summary><p>Kept above int8:</p><ul><li><b>gemm</b> (Gemm, #1, onnxruntime): left to onnxruntime by fallbackNodes</li>',
      );
    } finally {
      await m.dispose();
    }
  });

  itIf(HAS_NATIVE, "a Q/DQ Gemm the qdq pass does not fold is listed with the pass's own reason (cpu)", NATIVE_MISSING, async () => {
    // x [4,6] -> Q -> DQ -> Gemm(alpha 2, B = DQ(int8 [6,5])) -> y: the pass folds alpha 1 only.
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [4, 6] }],
        outputs: [{ name: 'y' }],
        initializers: {
          sx: { dtype: 'float32', dims: [], data: Float32Array.of(0.05) },
          zx: { dtype: 'int8', dims: [], data: Int8Array.of(0) },
          wq: { dtype: 'int8', dims: [6, 5], data: Int8Array.from({ length: 30 }, (_, i) => ((i * 37) % 61) - 30) },
          sw: { dtype: 'float32', dims: [], data: Float32Array.of(0.01) },
        },
        nodes: [
          { op: 'QuantizeLinear', inputs: ['x', 'sx', 'zx'], outputs: ['xq'] },
          { op: 'DequantizeLinear', inputs: ['xq', 'sx', 'zx'], outputs: ['xd'] },
          { op: 'DequantizeLinear', inputs: ['wq', 'sw'], outputs: ['w'] },
          { op: 'Gemm', inputs: ['xd', 'w'], outputs: ['y'], attrs: { alpha: { float: 2 } }, name: 'gemm' },
        ],
      }),
    );
    const m = await compile(model, { backend: 'cpu', threads: 1, requireFullCompilation: true });
    try {
      expect(m.report.data.int8).toEqual({
        requested: false,
        quantizable: 1,
        int8: 0,
        kept: [
          {
            node: 'gemm',
            opType: 'Gemm',
            segment: 0,
            layer: 'gemm',
            precision: 'fp32',
            kind: 'qdq-pass',
            reason: expect.stringMatching(/^an int8 matmul takes alpha 1 and beta 1; this one has alpha 2 /),
          },
        ],
      });
    } finally {
      await m.dispose();
    }
  });

  it("on cuda: int8 is computed (no notice); a layer its int8 kernels refuse is listed with the qdq pass's reason, a float matrix product as not quantized", () => {
    expect(precisionNotice('cuda', ['fp32', 'fp16', 'int8'])).toBeUndefined();
    expect(precisionNotice('cpu', ['fp32', 'fp16', 'int8'])).toBe(
      'the cpu backend computes in fp32, int8: precision fp16 has no effect here (it applies on cuda)',
    );
    // The section from what a cuda engine's info says: layers of the nodes' names, in fp16, the
    // convolution with the qdq pass's note (test/engine/qdq-notes.test.ts: the pass writes it).
    const graph = Graph.fromModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [1, 4, 3, 3] }],
        outputs: [{ name: 'y' }],
        initializers: { wc: weight([4, 2, 1, 1]), w: weight([3, 4]) },
        nodes: [
          { op: 'Conv', inputs: ['x', 'wc'], outputs: ['c'], name: 'conv', attrs: { group: 2 } },
          { op: 'MatMul', inputs: ['c', 'w'], outputs: ['y'], name: 'mm' },
        ],
      }),
    );
    const node = (name: string, opType: string, inputs: string[], outputs: string[]) => ({
      name,
      opType,
      domain: '',
      segment: 0,
      supported: true,
      inputs,
      outputs,
    });
    const data = { nodes: [node('conv', 'Conv', ['x', 'wc'], ['c']), node('mm', 'MatMul', ['c', 'w'], ['y'])] } as never;
    const layer = (name: string, kind: string, tactic: string, extra = {}) => ({ name, kind, precision: 'fp16', tactic, ...extra }) as never;
    const refusal = 'the cuda backend has no int8 kernel for convolutions of several groups (depthwise included)';
    const layers = new Map([
      [0, [layer('conv', 'convolution', 'cudnn', { notInt8: { by: 'backend', reason: refusal } }), layer('mm', 'matmul', 'cublaslt')]],
    ]);
    const section = int8Section(graph, data, layers, true)!;
    expect(section).toMatchObject({ requested: true, quantizable: 2, int8: 0 });
    expect(section.kept).toEqual([
      {
        node: 'conv',
        opType: 'Conv',
        segment: 0,
        layer: 'conv',
        precision: 'fp16',
        kind: 'backend',
        reason: refusal,
      },
      // The matmul's inputs are float in this graph: nothing to fold, whatever the backend.
      expect.objectContaining({ node: 'mm', kind: 'not-quantized' }),
    ]);
    // Neither asked for nor a Q/DQ model: no section.
    expect(int8Section(graph, data, layers, false)).toBeUndefined();
  });
});
