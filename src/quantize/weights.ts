/**
 * Weight quantization: symmetric int8 in [-127, 127] (as onnxruntime's quantize_static makes
 * weights, and as TensorRT requires: no zero point), one scale per output channel along
 * `axis` (or one for the whole tensor): scale = max|w| / 127 over the channel (1 for an
 * all-zero channel), q = round_half_even(w / scale) with the quotient in fp32, as
 * QuantizeLinear computes it, so that DequantizeLinear(q) equals what onnxruntime would make.
 */
import type { TensorData } from '../onnx/tensor.js';

export const INT8_MAX = 127;

/** The symmetric scale of an |x| bound: amax / 127, 1 where amax is 0 (nothing to scale). */
export function symmetricScale(amax: number): number {
  const s = Math.fround(amax / INT8_MAX);
  return s > 0 ? s : 1;
}

/** Rounds half to even, as QuantizeLinear does. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Channel index of flat element i: the index along `axis` (0 for per-tensor, axis undefined). */
function channelOf(dims: readonly number[], axis: number | undefined): (i: number) => number {
  if (axis === undefined) return () => 0;
  const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = dims[axis]!;
  return (i) => Math.floor(i / inner) % n;
}

export interface QuantizedWeight {
  q: Int8Array;
  /** One scale per channel along `axis` (length 1 for per-tensor). */
  scales: Float32Array;
}

/** Quantizes a float32 weight per channel along `axis`, or per tensor where `axis` is undefined. */
export function quantizeWeight(w: TensorData, axis: number | undefined): QuantizedWeight {
  const data = w.data as Float32Array;
  const channel = channelOf(w.dims, axis);
  const scales = new Float32Array(axis === undefined ? 1 : w.dims[axis]!);
  const amax = new Float64Array(scales.length);
  for (let i = 0; i < data.length; i++) amax[channel(i)] = Math.max(amax[channel(i)]!, Math.abs(data[i]!));
  amax.forEach((a, c) => (scales[c] = symmetricScale(a)));
  const q = new Int8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = roundHalfEven(Math.fround(data[i]! / scales[channel(i)]!));
    q[i] = Math.max(-INT8_MAX, Math.min(INT8_MAX, v));
  }
  return { q, scales };
}
