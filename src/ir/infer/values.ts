/**
 * Known values of small tensors during inference (ONNX "data propagation"): the shape vectors
 * exporters compute with Shape/Gather/Concat/arithmetic, and the constants they start from.
 *
 * A value holds its elements as Dims: numbers where known, symbols where an element is a
 * symbolic dimension (Shape of an [N,3] tensor is [N, 3]) or an integer nobody can compute
 * here. Elements are JS numbers: int64 values beyond 2^53 are marked `inexact` (they still
 * clamp Slice ends correctly, but are never handed out as constants). Floats are kept rounded
 * to their dtype after every operation, so that a propagated value is the one onnxruntime
 * computes for the ops propagated here (+ - * / sqrt are correctly rounded in IEEE arithmetic).
 */
import { type DType, type NumericDType, type TypedArray, allocTyped, isFloatDType, numel } from '../../onnx/dtype.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../../onnx/half.js';
import type { TensorData } from '../../onnx/tensor.js';
import type { Dim } from '../types.js';

/** Values with more elements than this are not propagated (they never describe shapes). */
export const MAX_VALUE_ELEMENTS = 4096;

export interface KnownValue {
  dtype: NumericDType;
  dims: number[];
  elems: Dim[];
  /** Some int64 element lies beyond 2^53 and is only approximately held. */
  inexact?: boolean;
  /** The exact tensor when the value came from a constant. */
  tensor?: TensorData;
}

const SAFE = 2 ** 53;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

/** Reads a tensor's elements (undefined when it is too large to propagate). */
export function valueFromTensor(t: TensorData): KnownValue | undefined {
  const n = numel(t.dims);
  if (n > MAX_VALUE_ELEMENTS) return undefined;
  const elems: number[] = new Array(n);
  let inexact = false;
  const d = t.data;
  for (let i = 0; i < n; i++) {
    const x = d[i]!;
    if (typeof x === 'bigint') {
      const v = Number(x);
      if (Math.abs(v) > SAFE) inexact = true;
      elems[i] = v;
    } else if (t.dtype === 'float16') elems[i] = float16BitsToFloat32(x);
    else if (t.dtype === 'bfloat16') elems[i] = bfloat16BitsToFloat32(x);
    else elems[i] = x;
  }
  return { dtype: t.dtype, dims: [...t.dims], elems, inexact: inexact || undefined, tensor: t };
}

/** The value as a tensor, when every element is a known number held exactly. */
export function valueToTensor(v: KnownValue): TensorData | undefined {
  if (v.tensor) return v.tensor;
  if (v.inexact || !v.elems.every((e) => typeof e === 'number')) return undefined;
  const data: TypedArray = allocTyped(v.dtype, v.elems.length);
  const elems = v.elems as number[];
  for (let i = 0; i < elems.length; i++) {
    const x = elems[i]!;
    if (data instanceof BigInt64Array) {
      const b = BigInt(Math.trunc(x));
      data[i] = b > INT64_MAX ? INT64_MAX : b < INT64_MIN ? INT64_MIN : b;
    } else if (data instanceof BigUint64Array) data[i] = BigInt(Math.max(0, Math.trunc(x)));
    else if (v.dtype === 'float16') data[i] = float32ToFloat16Bits(x);
    else if (v.dtype === 'bfloat16') data[i] = float32ToBfloat16Bits(x);
    else data[i] = x;
  }
  return { dtype: v.dtype, dims: [...v.dims], data };
}

export function makeValue(dtype: NumericDType, dims: number[], elems: Dim[]): KnownValue | undefined {
  if (elems.length > MAX_VALUE_ELEMENTS || elems.length !== numel(dims)) return undefined;
  const inexact = dtype === 'int64' && elems.some((e) => typeof e === 'number' && Math.abs(e) > SAFE);
  return { dtype, dims, elems, inexact: inexact || undefined };
}

/** Rounds a computed number to what `dtype` holds; undefined where the result is not exact. */
export function roundTo(dtype: DType, x: number): number | undefined {
  if (Number.isNaN(x)) return isFloatDType(dtype) ? x : undefined;
  switch (dtype) {
    case 'float32':
      return Math.fround(x);
    case 'float64':
      return x;
    case 'float16':
      return float16BitsToFloat32(float32ToFloat16Bits(x));
    case 'bfloat16':
      return bfloat16BitsToFloat32(float32ToBfloat16Bits(x));
    case 'bool':
      return x ? 1 : 0;
    case 'int64':
    case 'uint64':
      return Number.isFinite(x) && Math.abs(x) <= SAFE ? x : undefined;
    case 'int32':
      return x >= -(2 ** 31) && x < 2 ** 31 ? x : undefined;
    case 'uint32':
      return x >= 0 && x < 2 ** 32 ? x : undefined;
    case 'int16':
      return x >= -(2 ** 15) && x < 2 ** 15 ? x : undefined;
    case 'uint16':
      return x >= 0 && x < 2 ** 16 ? x : undefined;
    case 'int8':
      return x >= -128 && x < 128 ? x : undefined;
    case 'uint8':
      return x >= 0 && x < 256 ? x : undefined;
    default:
      return undefined;
  }
}

/** Row-major strides of a static shape. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= dims[i]!;
  }
  return s;
}

/** Index into `src` (of shape `srcDims`) for output position `flat` of a broadcast to `outDims`. */
export function broadcastIndex(flat: number, outDims: readonly number[], srcDims: readonly number[]): number {
  const off = outDims.length - srcDims.length;
  const sst = strides(srcDims);
  let idx = 0;
  let rem = flat;
  const ost = strides(outDims);
  for (let i = 0; i < outDims.length; i++) {
    const coord = Math.floor(rem / ost[i]!);
    rem -= coord * ost[i]!;
    const j = i - off;
    if (j >= 0 && srcDims[j] !== 1) idx += coord * sst[j]!;
  }
  return idx;
}
