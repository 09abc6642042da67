/**
 * float16 and bfloat16 tensors on the cpu backend. Compute layers upcast to fp32 and round
 * back, so they must match onnxruntime's fp32 result on the same (already rounded) inputs
 * within one rounding of the output (helpers/compare.ts); data-movement layers copy bits and
 * must match exactly. Casts between float32, float16 and bfloat16 are checked against the
 * reference conversions of src/onnx/half.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../../src/onnx/half.js';
import { BACKEND, checkLayer } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat, randomInt, tensor } from './helpers/random.js';

for (const half of ['float16', 'bfloat16'] as const) {
  describe(`${half} compute layers`, () => {
    it('convolution with bias and fused relu', () =>
      checkLayer({
        half,
        op: 'Conv',
        attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
        inputs: [randomFloat([1, 3, 6, 5], 1), randomFloat([4, 3, 3, 3], 2), randomFloat([4], 3)],
        constants: [1, 2],
        then: [{ op: 'Relu' }],
        kind: 'convolution',
        params: { kernel: [3, 3], strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1], groups: 1, activation: { op: 'relu' } },
      }));
    it('matmul, add with broadcasting, softmax, layer normalization', async () => {
      await checkLayer({
        half,
        op: 'MatMul',
        inputs: [randomFloat([2, 5, 7], 4), randomFloat([7, 3], 5)],
        kind: 'matmul',
        params: { transA: false, transB: false, alpha: 1, beta: 0 },
      });
      await checkLayer({ half, op: 'Add', inputs: [randomFloat([2, 3, 4], 6), randomFloat([4], 7)], kind: 'elementwise', params: { op: 'add' } });
      await checkLayer({
        half,
        op: 'Softmax',
        attrs: { axis: 1 },
        inputs: [randomFloat([3, 6], 8, -3, 3)],
        kind: 'softmax',
        params: { axis: 1, log: false },
      });
      await checkLayer({
        half,
        op: 'LayerNormalization',
        attrs: { axis: -1 },
        inputs: [randomFloat([2, 8], 9), randomFloat([8], 10), randomFloat([8], 11)],
        constants: [1, 2],
        kind: 'normalization',
        params: { mode: 'layer', axis: 1, epsilon: 1e-5, groups: 1 },
      });
      // A transformer's row (cuda: 96 vectors of 8 halves, the 16-byte form), without bias.
      await checkLayer({
        half,
        op: 'LayerNormalization',
        attrs: { axis: -1 },
        inputs: [randomFloat([3, 768], 24, -2, 4), randomFloat([768], 25)],
        constants: [1],
        kind: 'normalization',
        params: { mode: 'layer', axis: 1, epsilon: 1e-5, groups: 1 },
      });
    });
    it('pooling, reduce mean, linear resize, comparison to bool', async () => {
      await checkLayer({
        half,
        op: 'AveragePool',
        attrs: { kernel_shape: [2, 2], strides: [2, 2] },
        inputs: [randomFloat([1, 2, 6, 6], 12)],
        kind: 'pooling',
        params: {
          mode: 'average',
          kernel: [2, 2],
          strides: [2, 2],
          padsBegin: [0, 0],
          padsEnd: [0, 0],
          dilations: [1, 1],
          ceilMode: false,
          countIncludePad: false,
        },
      });
      await checkLayer({
        half,
        op: 'ReduceMean',
        inputs: [randomFloat([3, 4, 5], 13), tensor('int64', [1], [2])],
        constants: [1],
        layerInputs: [0],
        kind: 'reduce',
        params: { op: 'mean', axes: [2], keepDims: true },
      });
      await checkLayer({
        half,
        op: 'Resize',
        attrs: { mode: 'linear' },
        inputs: [randomFloat([1, 1, 3, 4], 14)],
        onnxInputs: ['x0', '', 's'],
        onnxExtra: { s: tensor('float32', [4], [1, 1, 2, 2]) },
        kind: 'resize',
        params: {
          mode: 'linear',
          coordinateTransformation: 'half_pixel',
          nearestMode: 'round_prefer_floor',
          scales: [1, 1, 2, 2],
          cubicCoeffA: -0.75,
          excludeOutside: false,
          extrapolationValue: 0,
        },
      });
      await checkLayer({ half, op: 'Less', inputs: [randomFloat([4, 3], 15), randomFloat([3], 16)], kind: 'elementwise', params: { op: 'less' } });
    });
  });

  describe(`${half} data-movement layers (bit-exact)`, () => {
    it('transpose, concat, slice, gather, pad', async () => {
      const x = randomFloat([2, 3, 4], 20);
      await checkLayer({ half, op: 'Transpose', attrs: { perm: [2, 0, 1] }, inputs: [x], kind: 'shuffle', params: { firstPerm: [2, 0, 1] }, tol: 0 });
      await checkLayer({
        half,
        op: 'Concat',
        attrs: { axis: 1 },
        inputs: [x, randomFloat([2, 1, 4], 21)],
        kind: 'concat',
        params: { axis: 1 },
        tol: 0,
      });
      await checkLayer({
        half,
        op: 'Slice',
        inputs: [x, tensor('int64', [1], [3]), tensor('int64', [1], [0]), tensor('int64', [1], [2]), tensor('int64', [1], [-2])],
        constants: [1, 2, 3, 4],
        layerInputs: [0],
        kind: 'slice',
        params: { starts: [0, 0, 3], steps: [1, 1, -2] },
        tol: 0,
      });
      await checkLayer({
        half,
        op: 'Gather',
        attrs: { axis: 2 },
        inputs: [x, randomInt([5], 22, -4, 3, 'int64')],
        kind: 'gather',
        params: { axis: 2, mode: 'default' },
        tol: 0,
      });
      await checkLayer({
        half,
        op: 'Pad',
        inputs: [x, tensor('int64', [6], [0, 1, 0, 0, 0, 2]), tensor('float32', [], [0.5])],
        constants: [1, 2],
        layerInputs: [0],
        kind: 'pad',
        params: { mode: 'constant', padsBegin: [0, 1, 0], padsEnd: [0, 0, 2], value: 0.5 },
        tol: 0,
      });
    });
  });
}

describe('casts between float32, float16 and bfloat16', () => {
  it('round to nearest even, as src/onnx/half.ts does', async () => {
    const values = [0, -0, 1, -2.5, 65504, 70000, 1e-8, 3.14159, -1234.5678, 0.1, 6e-5, 1 / 3];
    const d = new NetDraft('casts');
    const x = d.input('x', 'float32', [values.length]);
    const [h] = d.layer('cast', 'to_f16', [x], { to: 'float16' }, [{ dtype: 'float16', shape: [values.length] }]);
    const [b] = d.layer('cast', 'to_bf16', [x], { to: 'bfloat16' }, [{ dtype: 'bfloat16', shape: [values.length] }]);
    const [hb] = d.layer('cast', 'f16_to_bf16', [h!], { to: 'bfloat16' }, [{ dtype: 'bfloat16', shape: [values.length] }]);
    const [hi] = d.layer('cast', 'f16_to_i32', [h!], { to: 'int32' }, [{ dtype: 'int32', shape: [values.length] }]);
    for (const id of [h!, b!, hb!, hi!]) d.output(id);
    const engine = await buildEngine(d.finish(), { backend: BACKEND });
    const [f16, bf16, f16bf16, f16i32] = await engine.createContext().run([Float32Array.from(values)]);
    engine.dispose();
    const f32 = Float32Array.from(values);
    expect(Array.from(f16 as Uint16Array)).toEqual(Array.from(f32, float32ToFloat16Bits));
    expect(Array.from(bf16 as Uint16Array)).toEqual(Array.from(f32, float32ToBfloat16Bits));
    const viaHalf = Array.from(f32, (v) => float16BitsToFloat32(float32ToFloat16Bits(v)));
    expect(Array.from(f16bf16 as Uint16Array)).toEqual(viaHalf.map(float32ToBfloat16Bits));
    expect(Array.from(f16i32 as Int32Array)).toEqual(viaHalf.map((v) => (Number.isFinite(v) ? Math.trunc(v) : 2147483647)).map((v) => v | 0));
  });
});
