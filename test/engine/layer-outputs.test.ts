/**
 * Output shapes of network-IR layers as the builder gets them (src/engine/layer-outputs.ts,
 * which asks the addon's layer rules), worked out by hand from the formulas in network.ts,
 * and the errors that name a layer fed inconsistent inputs: a CONVERTER error, since only a
 * converter makes layers.
 */
import { describe, expect, it } from 'vitest';
import type { TensorRef } from '../../src/engine/builder.js';
import { inferLayerOutputs } from '../../src/engine/layer-outputs.js';
import { HybridError } from '../../src/errors.js';
import type { EngineDType } from '../../src/engine/network.js';

let next = 0;
const t = (shape: number[], dtype: EngineDType = 'float32'): TensorRef => ({ id: next++, dtype, shape });
const shapeOf = (...args: Parameters<typeof inferLayerOutputs>) => inferLayerOutputs(...args).map((o) => o.shape);
const win = { kernel: [3, 3], strides: [2, 2], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1] };

describe('layer output rules', () => {
  it('convolution: floor((in + pads - dilated kernel) / stride) + 1 per spatial dim', () => {
    // (7 + 2 - 3) / 2 + 1 = 4 and (6 + 2 - 3) / 2 + 1 = 3 (floor of 2.5)
    expect(shapeOf('convolution', [t([2, 4, 7, 6]), t([8, 2, 3, 3]), t([8])], { ...win, groups: 2 }, undefined, 'c')).toEqual([[2, 8, 4, 3]]);
    // dilation 2: kernel extent 5, (7 + 2 - 5) / 2 + 1 = 3
    expect(shapeOf('convolution', [t([1, 1, 7, 7]), t([1, 1, 3, 3])], { ...win, dilations: [2, 2], groups: 1 }, undefined, 'c')).toEqual([
      [1, 1, 3, 3],
    ]);
  });

  it('convolution: rejects weights that do not fit the channels, naming the layer', () => {
    expect(() => inferLayerOutputs('convolution', [t([1, 3, 5, 5]), t([4, 2, 3, 3])], { ...win, groups: 1 }, undefined, 'conv_7')).toThrow(
      /layer 'conv_7' \(convolution\): input 1 has shape \[4,2,3,3\]; dim 1 must be channels\/groups = 3/,
    );
    expect(() => inferLayerOutputs('convolution', [t([1, 2, 5, 5]), t([4, 2, 3, 3], 'float16')], { ...win, groups: 1 }, undefined, 'c')).toThrow(
      /dtype float16/,
    );
  });

  it('deconvolution: stride*(in-1) + outputPadding + dilated kernel - pads', () => {
    // 3*(3-1) + 1 + 3 - 0 - 0 = 10 and 2*(3-1) + 1 + 3 = 8; channels 2 groups * 1 = 2
    const p = { kernel: [3, 3], strides: [3, 2], padsBegin: [0, 0], padsEnd: [0, 0], dilations: [1, 1], outputPadding: [1, 1], groups: 1 };
    expect(shapeOf('deconvolution', [t([1, 1, 3, 3]), t([1, 2, 3, 3])], p, undefined, 'd')).toEqual([[1, 2, 10, 8]]);
  });

  it('matmul: numpy rules with rank-1 operands and broadcast batches', () => {
    const mm = { transA: false, transB: false, alpha: 1, beta: 0 };
    expect(shapeOf('matmul', [t([3]), t([3])], mm, undefined, 'm')).toEqual([[]]);
    expect(shapeOf('matmul', [t([4]), t([2, 4, 1])], mm, undefined, 'm')).toEqual([[2, 1]]);
    expect(shapeOf('matmul', [t([3, 1, 3, 4]), t([1, 2, 4, 2])], mm, undefined, 'm')).toEqual([[3, 2, 3, 2]]);
    expect(shapeOf('matmul', [t([4, 3]), t([5, 4]), t([1, 5])], { ...mm, transA: true, transB: true }, undefined, 'm')).toEqual([[3, 5]]);
    expect(() => inferLayerOutputs('matmul', [t([2, 3]), t([4, 5])], mm, undefined, 'm')).toThrow(/inner dimensions differ/);
    expect(() => inferLayerOutputs('matmul', [t([2, 3]), t([3, 5]), t([2, 4])], mm, undefined, 'm')).toThrow(/does not broadcast/);
  });

  it('elementwise: broadcasts, comparisons give bool, dtypes must agree and suit the op', () => {
    expect(inferLayerOutputs('elementwise', [t([3, 1, 5]), t([4, 1])], { op: 'add' }, undefined, 'e')).toEqual([
      { dtype: 'float32', shape: [3, 4, 5] },
    ]);
    expect(inferLayerOutputs('elementwise', [t([2], 'int64'), t([], 'int64')], { op: 'equal' }, undefined, 'e')).toEqual([
      { dtype: 'bool', shape: [2] },
    ]);
    expect(() => inferLayerOutputs('elementwise', [t([3]), t([4])], { op: 'add' }, undefined, 'e')).toThrow(/do not broadcast/);
    expect(() => inferLayerOutputs('elementwise', [t([3], 'int32'), t([3], 'int32')], { op: 'pow' }, undefined, 'e')).toThrow(/dtype int32/);
  });

  it('unary: requires the parameters its op uses', () => {
    expect(shapeOf('unary', [t([2, 3])], { op: 'clip', min: 0, max: 6 }, undefined, 'u')).toEqual([[2, 3]]);
    expect(() => inferLayerOutputs('unary', [t([2])], { op: 'leaky_relu' }, undefined, 'u')).toThrow(/op 'leaky_relu' needs param 'alpha'/);
  });

  it('pooling: floor and ceil modes, a ceil window must start inside input or begin pad', () => {
    const p = {
      mode: 'max' as const,
      kernel: [3, 3],
      strides: [2, 2],
      padsBegin: [0, 0],
      padsEnd: [0, 0],
      dilations: [1, 1],
      countIncludePad: false,
    };
    // (4 - 3) / 2 -> floor 0 + 1 = 1; ceil 1 + 1 = 2 (second window starts at 2 < 4)
    expect(shapeOf('pooling', [t([1, 1, 4, 4])], { ...p, ceilMode: false }, undefined, 'p')).toEqual([[1, 1, 1, 1]]);
    expect(shapeOf('pooling', [t([1, 1, 4, 4])], { ...p, ceilMode: true }, undefined, 'p')).toEqual([[1, 1, 2, 2]]);
    // in 2, pads 1+1, k 3, s 3: ceil((4-3)/3) + 1 = 2, but window 2 would start at 3 >= 2 + 1: 1
    const q = { ...p, kernel: [3, 3], strides: [3, 3], padsBegin: [1, 1], padsEnd: [1, 1], ceilMode: true };
    expect(shapeOf('pooling', [t([1, 3, 2, 2])], q, undefined, 'p')).toEqual([[1, 3, 1, 1]]);
  });

  it('reduce: sorted unique axes, keepDims', () => {
    expect(shapeOf('reduce', [t([2, 3, 4])], { op: 'sum', axes: [0, 2], keepDims: true }, undefined, 'r')).toEqual([[1, 3, 1]]);
    expect(shapeOf('reduce', [t([2, 3, 4])], { op: 'mean', axes: [1], keepDims: false }, undefined, 'r')).toEqual([[2, 4]]);
    expect(() => inferLayerOutputs('reduce', [t([2, 3])], { op: 'sum', axes: [1, 0], keepDims: true }, undefined, 'r')).toThrow(
      /must be sorted and unique/,
    );
    expect(() => inferLayerOutputs('reduce', [t([2, 3])], { op: 'sum', axes: [-1], keepDims: true }, undefined, 'r')).toThrow(
      /axis -1 is out of range for rank 2/,
    );
  });

  it('normalization: parameter shapes per mode', () => {
    expect(
      shapeOf('normalization', [t([2, 3, 4]), t([3, 4]), t([3, 4])], { mode: 'layer', axis: 1, epsilon: 1e-5, groups: 1 }, undefined, 'n'),
    ).toEqual([[2, 3, 4]]);
    expect(() =>
      inferLayerOutputs('normalization', [t([2, 3, 4]), t([4])], { mode: 'layer', axis: 1, epsilon: 1e-5, groups: 1 }, undefined, 'n'),
    ).toThrow(/input 1 has shape \[4\]; expected \[3,4\]/);
    expect(() =>
      inferLayerOutputs('normalization', [t([2, 6, 4]), t([6])], { mode: 'group', axis: 1, epsilon: 1e-5, groups: 4 }, undefined, 'n'),
    ).toThrow(/channels 6 are not divisible by groups 4/);
  });

  it('shuffle: transpose, reshape, transpose', () => {
    expect(shapeOf('shuffle', [t([2, 3, 4])], { firstPerm: [2, 0, 1] }, undefined, 's')).toEqual([[4, 2, 3]]);
    expect(shapeOf('shuffle', [t([2, 3, 4])], { firstPerm: [1, 0, 2], reshape: [3, 8], secondPerm: [1, 0] }, undefined, 's')).toEqual([[8, 3]]);
    expect(() => inferLayerOutputs('shuffle', [t([2, 3])], { reshape: [5] }, undefined, 's')).toThrow(
      /'reshape' \[5\] has 5 elements; the input has 6/,
    );
  });

  it('concat and split', () => {
    expect(shapeOf('concat', [t([2, 3]), t([2, 5])], { axis: 1 }, undefined, 'c')).toEqual([[2, 8]]);
    expect(() => inferLayerOutputs('concat', [t([2, 3]), t([3, 3])], { axis: 1 }, undefined, 'c')).toThrow(/expected \[2,3\] except along axis 1/);
    expect(shapeOf('split', [t([2, 7])], { axis: 1, sizes: [3, 0, 4] }, undefined, 's')).toEqual([
      [2, 3],
      [2, 0],
      [2, 4],
    ]);
    expect(() => inferLayerOutputs('split', [t([2, 7])], { axis: 1, sizes: [3, 3] }, undefined, 's')).toThrow(/adds up to 6; the input has 7/);
  });

  it('slice: the given shape must stay inside the input for every start and step', () => {
    expect(shapeOf('slice', [t([5, 4])], { starts: [4, 0], steps: [-2, 0] }, [{ shape: [3, 6] }], 's')).toEqual([[3, 6]]);
    expect(() => inferLayerOutputs('slice', [t([5, 4])], { starts: [4, 0], steps: [-2, 1] }, [{ shape: [4, 4] }], 's')).toThrow(/dim 0/);
    expect(() => inferLayerOutputs('slice', [t([5])], { starts: [0], steps: [1] }, undefined, 's')).toThrow(/output 0's shape must be given/);
  });

  it('gather: data[:axis] + indices + data[axis+1:]', () => {
    expect(shapeOf('gather', [t([5, 4, 3]), t([2, 2], 'int64')], { axis: 1, mode: 'default' }, undefined, 'g')).toEqual([[5, 2, 2, 3]]);
    expect(() => inferLayerOutputs('gather', [t([5]), t([2])], { axis: 0, mode: 'default' }, undefined, 'g')).toThrow(
      /has dtype float32; indices must be int32 or int64/,
    );
  });

  it('pad: adds begin and end, crops with negatives first', () => {
    expect(
      shapeOf('pad', [t([1, 3, 4, 5])], { mode: 'constant', padsBegin: [0, 0, 1, -1], padsEnd: [0, 0, 2, 3], value: 0 }, undefined, 'p'),
    ).toEqual([[1, 3, 7, 7]]);
    expect(() => inferLayerOutputs('pad', [t([3])], { mode: 'constant', padsBegin: [-2], padsEnd: [-2], value: 0 }, undefined, 'p')).toThrow(
      /crop more than the input's 3/,
    );
    // edge padding of what two crops leave empty
    expect(() => inferLayerOutputs('pad', [t([3])], { mode: 'edge', padsBegin: [4], padsEnd: [-3], value: 0 }, undefined, 'p')).toThrow(
      /mode 'edge' cannot pad a dim with nothing left/,
    );
  });

  it('cast, select, resize, quantize', () => {
    expect(inferLayerOutputs('cast', [t([2])], { to: 'int64' }, undefined, 'c')).toEqual([{ dtype: 'int64', shape: [2] }]);
    expect(inferLayerOutputs('select', [t([2, 1], 'bool'), t([3]), t([])], {}, undefined, 's')).toEqual([{ dtype: 'float32', shape: [2, 3] }]);
    const rp = {
      mode: 'linear' as const,
      coordinateTransformation: 'half_pixel' as const,
      nearestMode: 'floor' as const,
      scales: [1, 1, 2, 2],
      cubicCoeffA: -0.75,
      excludeOutside: false,
      extrapolationValue: 0,
    };
    expect(shapeOf('resize', [t([1, 1, 2, 2])], rp, [{ shape: [1, 1, 4, 4] }], 'r')).toEqual([[1, 1, 4, 4]]);
    expect(inferLayerOutputs('quantize', [t([2, 3]), t([3]), t([3], 'int8')], { axis: 1 }, undefined, 'q')).toEqual([
      { dtype: 'int8', shape: [2, 3] },
    ]);
    // without a zero point nothing says int8 or uint8: the converter must give the dtype
    expect(inferLayerOutputs('quantize', [t([2, 3]), t([3])], { axis: 1 }, [{ dtype: 'uint8' }], 'q')).toEqual([{ dtype: 'uint8', shape: [2, 3] }]);
    expect(() => inferLayerOutputs('quantize', [t([2, 3]), t([3])], { axis: 1 }, undefined, 'q')).toThrow(/output 0's dtype must be given/);
    expect(inferLayerOutputs('dequantize', [t([2, 3], 'uint8'), t([])], { axis: 0 }, undefined, 'q')).toEqual([{ dtype: 'float32', shape: [2, 3] }]);
  });

  it('a given output shape must agree with the rule', () => {
    expect(() => inferLayerOutputs('unary', [t([2, 3])], { op: 'relu' }, [{ shape: [3, 2] }], 'relu_1')).toThrow(
      /layer 'relu_1' \(unary\): output 0 was given shape \[3,2\]; the layer makes \[2,3\]/,
    );
  });

  it('a refusal is a CONVERTER error naming the layer', () => {
    const err = (() => {
      try {
        inferLayerOutputs('unary', [t([2])], { op: 'swish' }, undefined, 'act_3');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).code).toBe('CONVERTER');
    expect((err as HybridError).message).toMatch(/layer 'act_3' \(unary\)/);
  });

  // Issue 12: three rules the TypeScript and C++ copies answered differently.
  it('pooling pads not smaller than the dilated window are refused (a window of padding only pools nothing)', () => {
    const p = {
      mode: 'max' as const,
      kernel: [2, 2],
      strides: [1, 1],
      padsBegin: [0, 0],
      dilations: [1, 1],
      ceilMode: false,
      countIncludePad: false,
    };
    expect(() => inferLayerOutputs('pooling', [t([1, 1, 4, 4])], { ...p, padsEnd: [0, 2] }, undefined, 'pool')).toThrow(
      /pads in spatial dim 1 are not smaller than the window 2/,
    );
    // under dilation 2 the window spans 3, so 2 end pads are allowed: (4 + 2 - 3) / 1 + 1 = 4
    expect(shapeOf('pooling', [t([1, 1, 4, 4])], { ...p, padsEnd: [0, 2], dilations: [1, 2] }, undefined, 'pool')).toEqual([[1, 1, 3, 4]]);
  });

  it("a transposing cast's perm must be a permutation of the input's axes (an empty one wrote past the output)", () => {
    expect(shapeOf('cast', [t([2, 3])], { to: 'float16', perm: [1, 0] }, undefined, 'c')).toEqual([[3, 2]]);
    for (const perm of [[], [0], [0, 0], [0, 2]]) {
      expect(() => inferLayerOutputs('cast', [t([2, 3])], { to: 'float16', perm }, undefined, 'c'), JSON.stringify(perm)).toThrow(/param 'perm'/);
    }
  });

  it('window params as large as the schema allows (2^40) are refused without overflow', () => {
    const big = 2 ** 40;
    const p = {
      mode: 'max' as const,
      kernel: [big],
      strides: [1],
      padsBegin: [0],
      padsEnd: [0],
      dilations: [big],
      ceilMode: false,
      countIncludePad: false,
    };
    expect(() => inferLayerOutputs('pooling', [t([1, 1, 4])], p, undefined, 'p')).toThrow(/larger than the padded input|exceeds/);
  });

  it('a convolution with a residual input (a builder form) is a valid layer', () => {
    const conv = { kernel: [3, 3], strides: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], dilations: [1, 1], groups: 1, residual: true };
    // 3x3, pads 1, stride 1 keeps 5x5; the residual has the output's shape
    expect(shapeOf('convolution', [t([1, 2, 5, 5]), t([4, 2, 3, 3]), t([4]), t([1, 4, 5, 5])], conv, undefined, 'c')).toEqual([[1, 4, 5, 5]]);
    expect(() => inferLayerOutputs('convolution', [t([1, 2, 5, 5]), t([4, 2, 3, 3]), t([1, 4, 4, 4])], conv, undefined, 'c')).toThrow(/residual/);
  });
});
