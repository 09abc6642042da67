/**
 * Seeded random tensors for engine tests (src/util/random.ts): reproducible, never all zeros.
 */
import type { TypedArray } from '../../../src/onnx/dtype.js';
import type { TensorData } from '../../../src/onnx/tensor.js';
import { fillUniform, mulberry32, randomInt as drawInt } from '../../../src/util/random.js';

function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Uniform floats in [lo, hi). */
export function randomFloat(dims: number[], seed: number, lo = -1, hi = 1): TensorData {
  return { dtype: 'float32', dims, data: fillUniform(new Float32Array(count(dims)), mulberry32(seed), lo, hi) };
}

/** Uniform integers in [lo, hi] as int32 or int64. */
export function randomInt(dims: number[], seed: number, lo: number, hi: number, dtype: 'int32' | 'int64' = 'int32'): TensorData {
  const r = mulberry32(seed);
  const vals = Array.from({ length: count(dims) }, () => drawInt(r, lo, hi + 1));
  const data: TypedArray = dtype === 'int32' ? Int32Array.from(vals) : BigInt64Array.from(vals.map(BigInt));
  return { dtype, dims, data };
}

/** Random booleans (both values present for n >= 2). */
export function randomBool(dims: number[], seed: number): TensorData {
  const r = mulberry32(seed);
  const data = new Uint8Array(count(dims));
  for (let i = 0; i < data.length; i++) data[i] = r() < 0.5 ? 1 : 0;
  if (data.length >= 2) {
    data[0] = 1;
    data[1] = 0;
  }
  return { dtype: 'bool', dims, data };
}

export function tensor(dtype: TensorData['dtype'], dims: number[], values: number[]): TensorData {
  const data: TypedArray =
    dtype === 'float32'
      ? Float32Array.from(values)
      : dtype === 'int32'
        ? Int32Array.from(values)
        : dtype === 'int64'
          ? BigInt64Array.from(values.map(BigInt))
          : dtype === 'int8'
            ? Int8Array.from(values)
            : Uint8Array.from(values);
  return { dtype, dims, data };
}
