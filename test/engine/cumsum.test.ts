/**
 * The cumsum layer (ONNX CumSum: exclusive, reverse) against onnxruntime on the same inputs, on
 * the backend compare.ts names (test/gpu/engine-layers.test.ts runs these cases on cuda).
 *
 * Tolerances: float32 within compare.ts's FP32_TOL of onnxruntime (1e-5 on cpu, 1e-4 on cuda,
 * relative beyond 1, absolute below): a running sum of at most 3000 terms in [-1, 1] stays
 * below ~100 in magnitude, and a scan in another order moves it by a few ulp of that. Floats
 * holding small integers sum exactly in any order, so those cases are exact (tol 0); so are
 * int32 and int64. float16/bfloat16: one rounding of the output (compare.ts), the sum itself
 * being fp32. Integer overflow wraps: checked against a reference written here in BigInt.
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { BACKEND, checkLayer, runEngine } from './helpers/compare.js';
import { randomFloat, randomInt, tensor } from './helpers/random.js';

interface Scan {
  exclusive?: boolean;
  reverse?: boolean;
  half?: 'float16' | 'bfloat16';
  tol?: number;
  /** The axis as ONNX is given it (negative counts from the end); the layer takes it resolved. */
  onnxAxis?: number;
}

function scan(x: TensorData, axis: number, s: Scan = {}) {
  const exclusive = s.exclusive ?? false;
  const reverse = s.reverse ?? false;
  return checkLayer({
    op: 'CumSum',
    attrs: { exclusive: exclusive ? 1 : 0, reverse: reverse ? 1 : 0 },
    inputs: [x, tensor('int64', [], [s.onnxAxis ?? axis])],
    constants: [1],
    layerInputs: [0],
    kind: 'cumsum',
    params: { axis, exclusive, reverse },
    ...(s.half ? { half: s.half } : {}),
    ...(s.tol !== undefined ? { tol: s.tol } : {}),
  });
}

/** Floats that are small integers: their sums are exact in fp32 whatever the order. */
function integral(dims: number[], seed: number): TensorData {
  const t = randomInt(dims, seed, -8, 8);
  return { dtype: 'float32', dims, data: Float32Array.from(t.data as Int32Array) };
}

describe('cumsum', () => {
  it('float32 along every axis, inclusive and exclusive, forward and reverse', async () => {
    const x = randomFloat([3, 4, 5], 1);
    for (const axis of [0, 1, 2])
      for (const exclusive of [false, true]) for (const reverse of [false, true]) await scan(x, axis, { exclusive, reverse });
  });

  it('a negative ONNX axis is the same scan', () => scan(randomFloat([2, 3, 6], 2), 2, { onnxAxis: -1, exclusive: true }));

  it('int32 and int64, exact', async () => {
    for (const dtype of ['int32', 'int64'] as const) {
      const x = randomInt([4, 9], dtype === 'int32' ? 3 : 4, -1000, 1000, dtype);
      for (const axis of [0, 1]) for (const reverse of [false, true]) await scan(x, axis, { reverse, exclusive: axis === 1 });
    }
  });

  it('long lines (3000 elements) along the inner and the outer axis', async () => {
    await scan(integral([2, 3000], 5), 1, { tol: 0 });
    await scan(integral([3000, 3], 6), 0, { exclusive: true, reverse: true, tol: 0 });
    await scan(randomFloat([2, 3000], 7), 1);
    await scan(randomFloat([3000, 2], 8), 0, { reverse: true });
  });

  it('float16 and bfloat16 inputs, summed in fp32', async () => {
    for (const half of ['float16', 'bfloat16'] as const) {
      await scan(randomFloat([3, 40], 9), 1, { half });
      await scan(randomFloat([40, 3], 10), 0, { half, exclusive: true, reverse: true });
    }
  });

  it('int32 and int64 sums wrap on overflow', async () => {
    for (const [dtype, bits] of [
      ['int32', 32n],
      ['int64', 64n],
    ] as const) {
      const big = (1n << (bits - 1n)) - 5n; // 5 below the largest value
      const values = [big, 3n, 4n, big, -big, -big, -big];
      const x: TensorData =
        dtype === 'int32' ? { dtype, dims: [7], data: Int32Array.from(values, Number) } : { dtype, dims: [7], data: BigInt64Array.from(values) };
      const [got] = await runEngine(
        { op: 'CumSum', inputs: [x], kind: 'cumsum', params: { axis: 0, exclusive: false, reverse: false } },
        [x],
        [{ dtype, shape: [7] }],
      );
      let sum = 0n;
      const want = values.map((v) => (sum = BigInt.asIntN(Number(bits), sum + v)));
      expect(Array.from(got as ArrayLike<number | bigint>, BigInt), `${dtype} on ${BACKEND}`).toEqual(want);
    }
  });
});
