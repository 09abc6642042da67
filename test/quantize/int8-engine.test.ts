/**
 * The qdq builder pass and the cpu int8 kernels on Q/DQ models that quantize() writes: a
 * small residual CNN made here,
 *
 *   x [2,3,12,12] ─► Conv 3x3 ─► Relu ─► r1 ─┬─► Conv 3x3 ─► Relu ─► Conv 3x3 ─► Add ─► Relu ─► r4
 *                                            └──────────────────────────────────┘
 *   r4 ─► Conv 3x3/2 ─► Relu ─► GlobalAveragePool ─► Flatten ─► Gemm(transB) ─► Relu ─► MatMul ─► y
 *
 * calibrated (min-max) and written as a Q/DQ model, compiled on the cpu backend: every Conv,
 * Gemm and MatMul becomes an int8 layer (engine info: precision 'int8', build.int8Layers), a
 * quantize folds into the epilogue where it is the layer's only reader (after the first
 * convolution too: quantize() has the residual add read r1's dequantized value, which folds
 * into the third convolution as an int8 residual), and the outputs agree with onnxruntime's run of the same Q/DQ model
 * (its optimizations off: the Q/DQ nodes computed as written) within one quantization step of
 * the last quantized activation through the last layer; with its optimizations on (its own
 * int8 kernels) within two.
 */
import ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Graph } from '../../src/ir/graph.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { quantize } from '../../src/quantize/quantize.js';
import { fanInWeights, smoothImage, runOrtY, worst } from './helpers.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const N = 2;
const weight = fanInWeights(5);
const fp32 = encodeModel(
  buildModel({
    opset: 13,
    inputs: [{ name: 'x', shape: [N, 3, 12, 12] }],
    outputs: [{ name: 'y' }],
    initializers: {
      W1: weight([8, 3, 3, 3]),
      B1: weight([8], -0.1, 0.1),
      W2: weight([8, 8, 3, 3]),
      B2: weight([8], -0.1, 0.1),
      W3: weight([8, 8, 3, 3]),
      W4: weight([16, 8, 3, 3]),
      B4: weight([16], -0.1, 0.1),
      W5: weight([10, 16]),
      B5: weight([10], -0.2, 0.1),
      W6: weight([10, 4]),
    },
    nodes: [
      { op: 'Conv', inputs: ['x', 'W1', 'B1'], outputs: ['c1'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      { op: 'Conv', inputs: ['r1', 'W2', 'B2'], outputs: ['c2'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c2'], outputs: ['r2'] },
      { op: 'Conv', inputs: ['r2', 'W3'], outputs: ['c3'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Add', inputs: ['c3', 'r1'], outputs: ['s'] },
      { op: 'Relu', inputs: ['s'], outputs: ['r4'] },
      { op: 'Conv', inputs: ['r4', 'W4', 'B4'], outputs: ['c4'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['c4'], outputs: ['r5'] },
      { op: 'GlobalAveragePool', inputs: ['r5'], outputs: ['p'] },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'W5', 'B5'], outputs: ['g'], attrs: { transB: 1 } },
      { op: 'Relu', inputs: ['g'], outputs: ['r6'] },
      { op: 'MatMul', inputs: ['r6', 'W6'], outputs: ['y'] },
    ],
  }),
);

const image = (seed: number): ort.Tensor => smoothImage([N, 3, 12, 12], seed, 0.2, 0.4);

describe('int8 layers from a Q/DQ model (cpu)', () => {
  itIf(HAS_NATIVE, 'every Conv, Gemm and MatMul runs int8 and agrees with onnxruntime within one step', NATIVE_MISSING, async () => {
    const q = await quantize(fp32, { data: Array.from({ length: 8 }, (_, k) => ({ x: image(k) })), method: 'minmax', progress: false });
    const bytes = encodeModel(q.model);
    const m = await compile(bytes, { backend: 'cpu', requireFullCompilation: true });
    try {
      expect(m.report.engines).toHaveLength(1);
      const e = m.report.engines[0]!;
      expect(e.layerPrecisions.int8).toBe(6);
      expect(e.build.int8Layers).toBe(6);
      // r1, r2, r4 (the residual block's, after the add and relu fused into its convolution)
      // and r6; not f (a pooling makes it) nor y (no Q).
      expect(e.build.quantizeFolded).toBe(4);
      expect(e.layerKinds.dequantize).toBeUndefined(); // the add's dequantized r1 folded too
      // One int8 step of r6 (the last quantized activation) through W6.
      const g = Graph.fromModel(q.model);
      const w6 = g.constant('W6_quantized')!.data as Int8Array;
      const s6 = g.constant('W6_scale')!.data as Float32Array;
      const step = q.calibration.scales.get('r6')! * Math.max(...Array.from(w6, (v, i) => Math.abs(v * s6[i % 4]!)));
      for (const seed of [100, 101, 102]) {
        const x = image(seed);
        const got = (await m.run({ x })).y!.data as Float32Array;
        const plain = worst(got, await runOrtY(bytes, x, false));
        const fused = worst(got, await runOrtY(bytes, x, true));
        expect(plain, `vs onnxruntime (Q/DQ as written): ${plain}, step ${step}`).toBeLessThanOrEqual(step * 1.01);
        expect(fused, `vs onnxruntime (its int8 kernels): ${fused}, step ${step}`).toBeLessThanOrEqual(2 * step * 1.01);
      }
    } finally {
      await m.dispose();
    }
  });

  itIf(HAS_NATIVE, 'a residual add after a MatMul leaves it int8 (the fusion does not take it onto dequantized inputs)', NATIVE_MISSING, async () => {
    //   x [N,16] -> MatMul(W1) -> Relu -> h -> MatMul(W2) -> + B2 -> + h -> MatMul(W3) -> y
    const mlp = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [N, 16] }],
        outputs: [{ name: 'y' }],
        initializers: { W1: weight([16, 16]), W2: weight([16, 16]), B2: weight([16], -0.1, 0.1), W3: weight([16, 4]) },
        nodes: [
          { op: 'MatMul', inputs: ['x', 'W1'], outputs: ['a'] },
          { op: 'Relu', inputs: ['a'], outputs: ['h'] },
          { op: 'MatMul', inputs: ['h', 'W2'], outputs: ['b'] },
          { op: 'Add', inputs: ['b', 'B2'], outputs: ['c'] },
          { op: 'Add', inputs: ['c', 'h'], outputs: ['r'] },
          { op: 'MatMul', inputs: ['r', 'W3'], outputs: ['y'] },
        ],
      }),
    );
    const rows = (seed: number) => new ort.Tensor('float32', smoothImage([N, 1, 4, 4], seed, 0.2, 0.4).data as Float32Array, [N, 16]);
    const q = await quantize(mlp, { data: Array.from({ length: 4 }, (_, k) => ({ x: rows(k) })), method: 'minmax', progress: false });
    const m = await compile(encodeModel(q.model), { backend: 'cpu', requireFullCompilation: true });
    try {
      expect(m.report.engines[0]!.build.int8Layers).toBe(3);
    } finally {
      await m.dispose();
    }
  });

  itIf(HAS_NATIVE, 'a dequantize of constant weights left for a float layer becomes a constant, computed once', NATIVE_MISSING, async () => {
    // x [6,4] -> Gemm(transA, B = DequantizeLinear(int8 [6,5], per column)) -> y [4,5]: a
    // transposed A is not folded into int8, so the Gemm stays float and reads the weights.
    const wq = Int8Array.from({ length: 30 }, (_, i) => ((i * 37) % 255) - 127);
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [6, 4] }],
        outputs: [{ name: 'y' }],
        initializers: {
          wq: { dtype: 'int8', dims: [6, 5], data: wq },
          ws: { dtype: 'float32', dims: [5], data: Float32Array.of(0.01, 0.02, 0.015, 0.03, 0.005) },
          wz: { dtype: 'int8', dims: [5], data: Int8Array.of(0, 3, -2, 1, 0) },
        },
        nodes: [
          { op: 'DequantizeLinear', inputs: ['wq', 'ws', 'wz'], outputs: ['w'], attrs: { axis: 1 } },
          { op: 'Gemm', inputs: ['x', 'w'], outputs: ['y'], attrs: { transA: 1 } },
        ],
      }),
    );
    const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
    try {
      const e = m.report.engines[0]!;
      expect(e.layerKinds.dequantize).toBeUndefined();
      expect(e.build.int8Layers).toBe(0);
      const x = smoothImage([6, 4], 3, 0.3, 0.2);
      const got = (await m.run({ x })).y!.data as Float32Array;
      expect(worst(got, await runOrtY(model, x, false))).toBeLessThanOrEqual(1e-6);
    } finally {
      await m.dispose();
    }
  });

  itIf(HAS_NATIVE, 'HYBRIDRT_QDQ=0 keeps the fp32 layers between the Q/DQ layers', NATIVE_MISSING, async () => {
    const q = await quantize(fp32, { data: [{ x: image(1) }, { x: image(2) }], method: 'minmax', progress: false });
    process.env.HYBRIDRT_QDQ = '0';
    const m = await compile(encodeModel(q.model), { backend: 'cpu', requireFullCompilation: true }).finally(() => delete process.env.HYBRIDRT_QDQ);
    try {
      expect(m.report.engines[0]!.layerPrecisions.int8).toBeUndefined();
      expect(m.report.engines[0]!.build.int8Layers).toBe(0);
      // The report's reason is the pass's own note (the addon read the switch, nothing else did).
      const kept = m.report.data.int8!.kept;
      expect(kept.length).toBeGreaterThan(0);
      for (const k of kept) expect(k).toMatchObject({ kind: 'qdq-pass', reason: expect.stringMatching(/^the qdq pass is off \(/) });
    } finally {
      await m.dispose();
    }
  });
});
