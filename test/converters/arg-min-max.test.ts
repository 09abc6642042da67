/**
 * ArgMax and ArgMin as an `argminmax` layer against onnxruntime on the same input (exact: int64
 * indices), through the reference interpreter and the cpu engine: ties (a tensor of few distinct
 * values) with and without select_last_index, every axis with and without keepdims, int32 and
 * int64 inputs. The ONNX suite's cases run through engines too (test/conformance).
 */
import { describe, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random } from './helpers/harness.js';

/** Values in {-1, 0, 1, 2}: lines with equal extremes. */
const ties = (dims: number[], seed: number): TensorData => {
  const r = random('float32', dims, seed);
  return { ...r, data: Float32Array.from(r.data as Float32Array, (v) => Math.round(v * 0.75) + 0.5 - 0.5) };
};

function arg(op: string, x: TensorData, attrs: Record<string, number>, opset = 13) {
  return {
    spec: {
      opset,
      inputs: [{ name: 'x', dtype: x.dtype as 'float32', shape: x.dims }],
      outputs: [{ name: 'y' }],
      nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs }],
    },
    feeds: { x },
    rtol: 0,
    atol: 0,
  };
}

describe('ArgMax and ArgMin', () => {
  for (const op of ['ArgMax', 'ArgMin']) {
    it.each([
      [0, 1, 0],
      [1, 0, 0],
      [2, 1, 1],
      [-1, 0, 1],
    ])(`${op} of ties [3,4,5], axis %i, keepdims %i, select_last_index %i`, async (axis, keepdims, last) => {
      await checkAgainstOrt(arg(op, ties([3, 4, 5], 7), { axis, keepdims, select_last_index: last }));
    });

    it(`${op} of int32 and int64 inputs`, async () => {
      await checkAgainstOrt(arg(op, random('int32', [5, 6], 8), { axis: 1 }));
      await checkAgainstOrt(arg(op, random('int64', [4, 3, 2], 9), { axis: 0, keepdims: 0 }));
    });
  }
});
