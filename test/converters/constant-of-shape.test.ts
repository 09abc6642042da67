/**
 * ConstantOfShape (converters/constant-of-shape.ts) at static shapes: a constant shape with a
 * bool, float or int32 value, and an empty shape (a scalar), held exactly to onnxruntime. A shape the
 * model computes from Shape is in computed-window.test.ts.
 */
import { describe, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt } from './helpers/harness.js';
import { i64 } from './helpers/specs.js';

describe('ConstantOfShape', () => {
  it.each<[string, TensorData, TensorData]>([
    ['a constant shape, bool value', i64([2, 3]), { dtype: 'bool', dims: [1], data: Uint8Array.of(1) }],
    ['a constant shape, float value', i64([3, 1, 2]), { dtype: 'float32', dims: [1], data: Float32Array.of(-2.5) }],
    ['an empty shape (a scalar)', { dtype: 'int64', dims: [0], data: new BigInt64Array(0) }, { dtype: 'int32', dims: [1], data: Int32Array.of(-4) }],
  ])('at static shapes: %s', async (_name, shape, value) => {
    await checkAgainstOrt({
      spec: {
        inputs: [],
        outputs: [{ name: 'out' }],
        initializers: { shape },
        nodes: [{ op: 'ConstantOfShape', inputs: ['shape'], outputs: ['out'], attrs: { value } }],
      },
      feeds: {},
      rtol: 0,
      atol: 0,
    });
  });
});
