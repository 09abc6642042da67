/**
 * Seeded random data for engine tests (mulberry32): reproducible, never all zeros.
 */
import type { TypedArray } from '../../../src/onnx/dtype.js';
import type { TensorData } from '../../../src/onnx/tensor.js';

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function count(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Uniform floats in [lo, hi). */
export function randomFloat(dims: number[], seed: number, lo = -1, hi = 1): TensorData {
  const r = rng(seed);
  const data = new Float32Array(count(dims));
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * r();
  return { dtype: 'float32', dims, data };
}

/** Uniform integers in [lo, hi] as int32 or int64. */
export function randomInt(dims: number[], seed: number, lo: number, hi: number, dtype: 'int32' | 'int64' = 'int32'): TensorData {
  const r = rng(seed);
  const n = count(dims);
  const vals = Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));
  const data: TypedArray = dtype === 'int32' ? Int32Array.from(vals) : BigInt64Array.from(vals.map(BigInt));
  return { dtype, dims, data };
}

/** Random booleans (both values present for n >= 2). */
export function randomBool(dims: number[], seed: number): TensorData {
  const r = rng(seed);
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
