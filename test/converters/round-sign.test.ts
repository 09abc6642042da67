/**
 * Round and Sign as `unary` layers against onnxruntime on the same input, exactly, through the
 * reference interpreter and the cpu engine: Round's halves (to even, both signs), values away
 * from halves, ±0 and the infinities; Sign of floats with ±0 and of int32 and int64 tensors.
 * The ONNX suite's cases (test_round, test_sign) run through engines too (test/conformance).
 */
import { describe, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random } from './helpers/harness.js';

function one(op: string, x: TensorData) {
  return {
    spec: {
      inputs: [{ name: 'x', dtype: x.dtype as 'float32', shape: x.dims }],
      outputs: [{ name: 'y' }],
      nodes: [{ op, inputs: ['x'], outputs: ['y'] }],
    },
    feeds: { x },
    rtol: 0,
    atol: 0,
  };
}

const f32 = (...v: number[]): TensorData => ({ dtype: 'float32', dims: [v.length], data: Float32Array.from(v) });

describe('Round and Sign', () => {
  it('Round: halves to even, other values to the nearest, zeros and infinities kept', async () => {
    await checkAgainstOrt(one('Round', f32(0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 1.2, -1.7, 0, -0, 1e10, Infinity, -Infinity, 8388609.5)));
    await checkAgainstOrt(one('Round', random('float32', [4, 5], 1, -10, 10)));
  });

  it('Sign of floats (zeros kept) and of int32 and int64 tensors', async () => {
    await checkAgainstOrt(one('Sign', f32(-3, -0, 0, 2.5, -1e-30, Infinity, -Infinity)));
    await checkAgainstOrt(one('Sign', random('int32', [3, 7], 2)));
    await checkAgainstOrt(one('Sign', random('int64', [2, 9], 3)));
  });
});
