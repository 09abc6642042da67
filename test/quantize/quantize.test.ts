/**
 * quantize() (src/quantize/quantize.ts, qdq.ts): a small CNN made here,
 *
 *   x [32,3,8,8] ─► Conv(3x3, pad 1) ─► Relu ─► Conv(3x3, stride 2) ─► Relu ─► Flatten
 *     ─► Gemm(transB=1) ─► Relu ─► MatMul ─► y [32,3]
 *
 * calibrated over generated batches and written as a Q/DQ model. Checked: the QDQ layout
 * (a Q/DQ pair on each activation entering Conv/Gemm/MatMul, int8 weights behind a per-channel
 * DequantizeLinear on the output-channel axis); onnxruntime runs the written file (its int8
 * kernels: QLinearConv and friends, after its QDQ fusions) within 6% of the output range of
 * its fp32 run (each of the four quantized layers rounds its input and weights to 1/127 of
 * their ranges and the errors add up to the small output: measured 4.0 to 4.6% here); and
 * hybridrt (cpu engines, every node on an engine) agrees with onnxruntime's run of the same Q/DQ
 * model with its optimizations off (Q/DQ computed as written): 1e-4 of the output range where
 * no rounding tie flips, at most one int8 step of the last quantized activation otherwise.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel, loadModelProto } from '../../src/onnx/model.js';
import { Graph } from '../../src/ir/graph.js';
import { attrInt } from '../../src/ir/attributes.js';
import { quantize } from '../../src/quantize/quantize.js';
import { fanInWeights, smoothImage, runOrtY, worst } from './helpers.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

/** The batch: 32 images, so that each calibrated tensor has thousands of values (entropy calibration needs them). */
const N = 32;
const weight = fanInWeights(11);
const fp32 = encodeModel(
  buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [N, 3, 8, 8] }],
    outputs: [{ name: 'y' }],
    initializers: {
      W1: weight([4, 3, 3, 3], -1, 3),
      B1: weight([4], -0.1, 0.1),
      W2: weight([6, 4, 3, 3], -1, 3),
      W3: weight([5, 54], -1, 3),
      // A bias that sends about a third of the Gemm's outputs below zero: r3 has a ReLU's mass at 0.
      B3: { dtype: 'float32', dims: [5], data: new Float32Array(5).fill(-0.07) },
      W4: weight([5, 3], -1, 3),
    },
    nodes: [
      { op: 'Conv', inputs: ['x', 'W1', 'B1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', inputs: ['r1', 'W2'], outputs: ['c2'], attrs: { strides: [2, 2] } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'Flatten', inputs: ['r2'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'W3', 'B3'], outputs: ['g'], attrs: { transB: 1 } },
      { op: 'Relu', inputs: ['g'], outputs: ['r3'] },
      { op: 'MatMul', inputs: ['r3', 'W4'], outputs: ['y'] },
    ],
  }),
);

/** Smooth images with noise: calibration batches and held-out test inputs from one distribution. */
const image = (seed: number): ort.Tensor => smoothImage([N, 3, 8, 8], seed, 0.3, 0.3);
const calibration = Array.from({ length: 16 }, (_, k) => ({ x: image(k) }));
const tests = Array.from({ length: 4 }, (_, k) => image(100 + k));

const range = (a: Float32Array) => Math.max(...Array.from(a, Math.abs));

describe('quantize', () => {
  it('writes the QDQ layout: Q/DQ on activations entering Conv/Gemm/MatMul, int8 per-channel weights', async () => {
    const q = await quantize(fp32, { data: calibration, method: 'minmax', progress: false });
    expect(q.activations).toEqual(['x', 'r1', 'f', 'r3']);
    expect(q.weights).toEqual(['W1', 'W2', 'W3', 'W4']);
    expect(q.perChannel).toBe(true);
    const g = Graph.fromModel(q.model);
    const count = (op: string) => g.nodes.filter((n) => n.opType === op).length;
    expect([count('QuantizeLinear'), count('DequantizeLinear')]).toEqual([4, 8]);
    for (const [w, axis, channels] of [
      ['W1', 0, 4],
      ['W2', 0, 6],
      ['W3', 0, 5], // Gemm with transB: B is [N, K]
      ['W4', 1, 3], // MatMul: [K, N]
    ] as const) {
      const dq = g.nodes.find((n) => n.opType === 'DequantizeLinear' && n.inputs[0] === `${w}_quantized`)!;
      expect(attrInt(dq, 'axis', 1), w).toBe(axis);
      expect(g.constant(`${w}_quantized`)!.dtype).toBe('int8');
      expect(g.constant(`${w}_scale`)!.dims).toEqual([channels]);
      expect(g.initializers.has(w), `${w} is gone`).toBe(false);
    }
    // Biases stay float32; each quantized op reads DQ outputs.
    expect(g.constant('B1')!.dtype).toBe('float32');
    for (const n of g.nodes.filter((n) => ['Conv', 'Gemm', 'MatMul'].includes(n.opType))) {
      for (const i of [0, 1]) expect(g.producer(n.inputs[i]!)?.opType, `${n.name} input ${i}`).toBe('DequantizeLinear');
    }
  });

  for (const method of ['entropy', 'minmax', 'percentile'] as const) {
    it(`onnxruntime runs the ${method}-calibrated file within 6% of the fp32 output range`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quantize-'));
      const output = path.join(dir, 'model.qdq.onnx');
      await quantize(fp32, { data: calibration, method, output, progress: false });
      const written = new Uint8Array(fs.readFileSync(output));
      for (const x of tests) {
        const want = await runOrtY(fp32, x, true);
        const got = await runOrtY(written, x, true);
        expect(worst(got, want) / range(want), method).toBeLessThan(0.06);
        expect(worst(got, want), 'the quantized model differs from fp32 at all').toBeGreaterThan(0);
      }
      fs.rmSync(dir, { recursive: true });
    });
  }

  itIf(HAS_NATIVE, 'hybridrt (cpu engines) runs the Q/DQ model as onnxruntime does', NATIVE_MISSING, async () => {
    const q = await quantize(fp32, { data: calibration, progress: false });
    const bytes = encodeModel(q.model);
    const m = await compile(bytes, { backend: 'cpu', requireFullCompilation: true });
    try {
      expect(m.report.data.summary.fallbackSegments).toBe(0);
      // One int8 step of r3 (the last quantized activation) through W4: the most a flipped tie moves y.
      const step = q.calibration.scales.get('r3')! * Math.max(...Array.from(loadW4(q.model), Math.abs));
      for (const x of tests) {
        const want = await runOrtY(bytes, x, false);
        const got = (await m.run({ x })).y!.data as Float32Array;
        const err = worst(got, want);
        expect(err <= 1e-4 * range(want) || err <= step * 1.01, `${err} vs range ${range(want)}, step ${step}`).toBe(true);
      }
    } finally {
      await m.dispose();
    }
  });

  it('a cache written by one run quantizes the same way with no data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quantize-'));
    const cache = path.join(dir, 'model.cache');
    const first = await quantize(fp32, { data: calibration, cache, progress: false });
    const again = await quantize(fp32, { cache });
    expect(again.calibration.method).toBe('cache');
    expect(encodeModel(again.model)).toEqual(encodeModel(first.model));
    fs.rmSync(dir, { recursive: true });
  });
});

/** The dequantized W4 of a Q/DQ model: int8 values times their column's scale. */
function loadW4(model: ReturnType<typeof loadModelProto>): Float32Array {
  const g = Graph.fromModel(model);
  const q = g.constant('W4_quantized')!.data as Int8Array;
  const s = g.constant('W4_scale')!.data as Float32Array;
  return Float32Array.from(q, (v, i) => v * s[i % 3]!);
}
