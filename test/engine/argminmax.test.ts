/**
 * The argminmax layer (ONNX ArgMax / ArgMin) against onnxruntime on the same inputs, on the
 * backend compare.ts names (test/gpu/engine-layers.test.ts runs these cases on cuda). The
 * output is int64 indices, held equal: no tolerance. Ties are made on purpose (small integer
 * ranges; float16/bfloat16 rounding, where onnxruntime runs on float32 copies of the rounded
 * values, so both sides see the same ties): the first of equal extremes, or the last with
 * lastIndex. Long lines (3000 elements) reach a backend's parallel reduction across a line.
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat, randomInt } from './helpers/random.js';
import type { TensorData } from '../../src/onnx/tensor.js';

type Op = 'max' | 'min';

function argCase(
  x: TensorData,
  op: Op,
  axis: number,
  keepDims: boolean,
  lastIndex = false,
  extra: { half?: 'float16' | 'bfloat16'; tol?: number } = {},
) {
  return checkLayer({
    op: op === 'max' ? 'ArgMax' : 'ArgMin',
    attrs: { axis, keepdims: keepDims ? 1 : 0, select_last_index: lastIndex ? 1 : 0 },
    inputs: [x],
    kind: 'argminmax',
    params: { op, axis, keepDims, lastIndex },
    ...extra,
  });
}

describe('argminmax', () => {
  it('float32 along every axis, max and min, with and without keepDims', async () => {
    const x = randomFloat([3, 4, 5], 1);
    for (const op of ['max', 'min'] as const) for (const axis of [0, 1, 2]) for (const keep of [true, false]) await argCase(x, op, axis, keep);
  });

  it('ties: the first extreme, or the last with lastIndex, for int32 and int64', async () => {
    for (const dtype of ['int32', 'int64'] as const) {
      const x = randomInt([4, 6, 7], dtype === 'int32' ? 2 : 3, -2, 2, dtype);
      for (const op of ['max', 'min'] as const)
        for (const axis of [0, 1, 2]) for (const last of [false, true]) await argCase(x, op, axis, axis === 1, last);
    }
  });

  it('long lines (3000 elements), with ties, along the inner and the outer axis', async () => {
    // Values in [-40, 40]: every line holds its extreme many times.
    await argCase(randomInt([2, 3000], 4, -40, 40), 'max', 1, false);
    await argCase(randomInt([2, 3000], 5, -40, 40), 'min', 1, true, true);
    await argCase(randomInt([3000, 3], 6, -40, 40, 'int64'), 'max', 0, true, true);
    await argCase(randomFloat([3000, 3], 7), 'min', 0, false);
  });

  it('float16 and bfloat16 inputs in [1, 1.02) (rounding to a few values makes ties), first and last index', async () => {
    for (const half of ['float16', 'bfloat16'] as const) {
      const x = randomFloat([5, 64], 8, 1, 1.02);
      for (const op of ['max', 'min'] as const) for (const last of [false, true]) await argCase(x, op, 1, false, last, { half });
    }
  });

  it('an axis of one element picks index 0', () =>
    // Every index is 0 here: tol 0 states that an all-zero reference is meant.
    argCase(randomFloat([3, 1, 4], 9), 'max', 1, false, false, { tol: 0 }));
});
