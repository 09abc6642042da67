/**
 * Q/DQ models whose weights are float32 constants through QuantizeLinear -> DequantizeLinear, as
 * NVIDIA's ModelOpt and pytorch-quantization export them for TensorRT (fake-quantized weights),
 * instead of the int8 constants onnxruntime's quantize_static writes: issue 16 asks that such
 * models run their convolutions and matrix products int8 too. The QuantizeLinear of a constant
 * weight is folded into its int8 constant by the lowering pass fold-constants, so the qdq pass
 * reads the form it folds. Each model against onnxruntime's run of it as written (its
 * optimizations off): the layers int8, the output within one step of the last quantized
 * activation through the last layer's largest weight.
 */
import ort from 'onnxruntime-node';
import { describe, expect } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32, uniform } from '../../src/util/random.js';
import { fanInWeights, runOrtY, smoothImage, worst } from './helpers.js';
import { scalar, zero } from './residual-qdq.js';
import { HAS_NATIVE, NATIVE_MISSING, itIf } from '../helpers/skip.js';

const weight = fanInWeights(5);
/** Per-channel symmetric scales max|w_c| / 127 along `axis` of a float weight (as ModelOpt computes them). */
function channelScales(w: { dims: number[]; data: Float32Array }, axis: number) {
  const n = w.dims[axis]!;
  const inner = w.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const s = new Float32Array(n);
  w.data.forEach((v, i) => {
    const c = Math.floor(i / inner) % n;
    s[c] = Math.max(s[c]!, Math.abs(v) / 127);
  });
  return { dtype: 'float32' as const, dims: [n], data: s };
}
const zeros = (n: number) => ({ dtype: 'int8' as const, dims: [n], data: new Int8Array(n) });
const fakeQuant = (w: string, axis: number) => [
  { op: 'QuantizeLinear', inputs: [w, `${w}_s`, `${w}_z`], outputs: [`${w}_q`], attrs: { axis } },
  { op: 'DequantizeLinear', inputs: [`${w}_q`, `${w}_s`, `${w}_z`], outputs: [`${w}_dq`], attrs: { axis } },
];
const qdq = (t: string, s: string) => [
  { op: 'QuantizeLinear', inputs: [t, s, 'z0'], outputs: [`${t}_q`] },
  { op: 'DequantizeLinear', inputs: [`${t}_q`, s, 'z0'], outputs: [`${t}_d`] },
];

describe('weights quantized in the graph (ModelOpt, pytorch-quantization)', () => {
  itIf(HAS_NATIVE, 'Conv and Gemm: int8 layers, onnxruntime within one step', NATIVE_MISSING, async () => {
    const shape = [2, 4, 6, 6];
    const w1 = weight([6, 4, 3, 3]);
    const w2 = weight([5, 6 * 36]);
    const sa = 1 / 20;
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape }],
        outputs: [{ name: 'y' }],
        initializers: {
          w1,
          w1_s: channelScales(w1, 0),
          w1_z: zeros(6),
          b1: weight([6], -0.1, 0.1),
          w2,
          w2_s: channelScales(w2, 0),
          w2_z: zeros(5),
          sx: scalar(1 / 60),
          sa: scalar(sa),
          z0: zero('int8', 0),
        },
        nodes: [
          ...qdq('x', 'sx'),
          ...fakeQuant('w1', 0),
          { op: 'Conv', inputs: ['x_d', 'w1_dq', 'b1'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Relu', inputs: ['c'], outputs: ['a'] },
          ...qdq('a', 'sa'),
          { op: 'Flatten', inputs: ['a_d'], outputs: ['f'] },
          ...qdq('f', 'sa'),
          ...fakeQuant('w2', 0),
          { op: 'Gemm', inputs: ['f_d', 'w2_dq'], outputs: ['y'], attrs: { transB: 1 } },
        ],
      }),
    );
    const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
    try {
      expect(m.report.data.int8?.kept.map((k) => k.reason)).toEqual([]);
      expect(m.report.data.int8?.int8).toBe(2);
      const bound = sa * Math.max(...Array.from(w2.data, Math.abs)) * 1.01;
      for (const seed of [1, 2]) {
        const x = smoothImage(shape, seed, 0.37, 0.5);
        const got = (await m.run({ x })).y!.data as Float32Array;
        const ref = await runOrtY(model, x, false);
        expect(worst(got, ref)).toBeLessThanOrEqual(bound);
      }
    } finally {
      await m.dispose();
    }
  });

  itIf(HAS_NATIVE, 'MatMul (weights per column, axis 1): an int8 layer, onnxruntime within float rounding', NATIVE_MISSING, async () => {
    const r = mulberry32(9);
    const w = weight([12, 7]);
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: [3, 12] }],
        outputs: [{ name: 'y' }],
        initializers: { w, w_s: channelScales(w, 1), w_z: zeros(7), sx: scalar(1 / 50), z0: zero('int8', 0) },
        nodes: [...qdq('x', 'sx'), ...fakeQuant('w', 1), { op: 'MatMul', inputs: ['x_d', 'w_dq'], outputs: ['y'] }],
      }),
    );
    const m = await compile(model, { backend: 'cpu', requireFullCompilation: true });
    try {
      expect(m.report.data.int8?.int8).toBe(1);
      const x = new ort.Tensor(
        'float32',
        Float32Array.from({ length: 36 }, () => uniform(r, -2, 2)),
        [3, 12],
      );
      const got = (await m.run({ x })).y!.data as Float32Array;
      const ref = await runOrtY(model, x, false);
      expect(worst(got, ref)).toBeLessThanOrEqual(1e-5);
    } finally {
      await m.dispose();
    }
  });
});
