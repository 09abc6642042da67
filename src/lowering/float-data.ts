/**
 * Float tensors as float64 arrays and back, for the passes that compute new weights (folding
 * BatchNormalization or a per-channel scale into a convolution). Arithmetic runs in float64 and
 * is rounded once, to the tensor's own type, at the end.
 */
import { numel } from '../onnx/dtype.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../onnx/half.js';
import type { TensorData } from '../onnx/tensor.js';

export type FloatDType = 'float32' | 'float64' | 'float16' | 'bfloat16';

export function isFloatTensor(t: TensorData | undefined): t is TensorData & { dtype: FloatDType } {
  return t !== undefined && (t.dtype === 'float32' || t.dtype === 'float64' || t.dtype === 'float16' || t.dtype === 'bfloat16');
}

export function toFloat64(t: TensorData): Float64Array {
  if (t.dtype === 'float32' || t.dtype === 'float64') return new Float64Array(t.data as Float32Array);
  const n = t.data.length;
  const out = new Float64Array(n);
  if (t.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = float16BitsToFloat32(t.data[i] as number);
  else if (t.dtype === 'bfloat16') for (let i = 0; i < n; i++) out[i] = bfloat16BitsToFloat32(t.data[i] as number);
  else for (let i = 0; i < n; i++) out[i] = Number(t.data[i]);
  return out;
}

/** Rounds float64 values to `dtype` (float32 first for the half types, as ONNX casts do). */
export function fromFloat64(dtype: FloatDType, dims: number[], values: Float64Array): TensorData {
  if (values.length !== numel(dims)) throw new RangeError(`${values.length} values do not fill [${dims.join(',')}]`);
  switch (dtype) {
    case 'float64':
      return { dtype, dims, data: values };
    case 'float32':
      return { dtype, dims, data: new Float32Array(values) };
    case 'float16':
      return { dtype, dims, data: Uint16Array.from(values, (v) => float32ToFloat16Bits(Math.fround(v))) };
    case 'bfloat16':
      return { dtype, dims, data: Uint16Array.from(values, (v) => float32ToBfloat16Bits(Math.fround(v))) };
  }
}

/**
 * t * scale[channel], where channel is `channelOf(index)`, or index / block when the channels
 * are contiguous blocks (Conv weights). float32/float64 are scaled in place of a copy, without
 * a float64 detour: the product is formed in float64 and rounded once on store.
 */
export function scaleByChannel(
  t: TensorData & { dtype: FloatDType },
  scale: Float64Array,
  channelOf: (i: number) => number,
  block?: number,
): TensorData {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    const v = toFloat64(t);
    for (let i = 0; i < v.length; i++) v[i]! *= scale[channelOf(i)]!;
    return fromFloat64(t.dtype, [...t.dims], v);
  }
  const out = t.dtype === 'float32' ? new Float32Array(t.data as Float32Array) : new Float64Array(t.data as Float64Array);
  if (block) {
    for (let c = 0, i = 0; c < scale.length; c++) {
      const k = scale[c]!;
      for (const end = i + block; i < end; i++) out[i]! *= k;
    }
  } else {
    for (let i = 0; i < out.length; i++) out[i]! *= scale[channelOf(i)]!;
  }
  return { dtype: t.dtype, dims: [...t.dims], data: out };
}

/**
 * The per-channel vector of a constant that broadcasts against a tensor of rank `rank` along
 * axis `axis` only (shape [C], [C,1,1], [1,C,1,1]... or a single value), expanded to `channels`
 * values; undefined when it varies along any other axis or its size does not fit.
 */
export function perChannel(t: TensorData, rank: number, axis: number, channels: number): Float64Array | undefined {
  if (t.dims.length > rank) return undefined;
  const values = toFloat64(t);
  if (values.length === 1) return new Float64Array(channels).fill(values[0]!);
  const offset = rank - t.dims.length;
  for (let i = 0; i < t.dims.length; i++) {
    const d = t.dims[i]!;
    if (i + offset === axis) {
      if (d !== channels) return undefined;
    } else if (d !== 1) return undefined;
  }
  return values.length === channels ? values : undefined;
}
