/**
 * What hybrid-run prints about a tensor: element count, min, max and mean over the finite
 * values, how many are NaN or infinite, and for a class vector ([K] or [1,K] float, K > 1) the
 * top-5 indices with their values. Statistics are computed in float64 whatever the dtype.
 */
import { isFloatDType } from '../onnx/dtype.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from '../onnx/half.js';
import type { TensorData } from '../onnx/tensor.js';

export interface Summary {
  count: number;
  /** Over finite values; undefined when there are none. */
  min?: number;
  max?: number;
  mean?: number;
  nan: number;
  inf: number;
  /** Top-5 (index, value) pairs, largest first, for a class vector. */
  top?: Array<{ index: number; value: number }>;
}

/** The tensor's values as float64 (fp16/bf16 decoded, int64 rounded to the nearest double). */
export function toFloat64(t: TensorData): Float64Array {
  const n = t.data.length;
  const out = new Float64Array(n);
  if (t.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = float16BitsToFloat32(t.data[i] as number);
  else if (t.dtype === 'bfloat16') for (let i = 0; i < n; i++) out[i] = bfloat16BitsToFloat32(t.data[i] as number);
  else if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) for (let i = 0; i < n; i++) out[i] = Number(t.data[i]);
  else out.set(t.data as ArrayLike<number>);
  return out;
}

export function isClassVector(t: TensorData): boolean {
  const { dims } = t;
  const k = dims[dims.length - 1] ?? 0;
  return isFloatDType(t.dtype) && k > 1 && (dims.length === 1 || (dims.length === 2 && dims[0] === 1));
}

export const TOP_K = 5;

export function summarize(t: TensorData): Summary {
  const values = toFloat64(t);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  let nan = 0;
  let inf = 0;
  for (const v of values) {
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      finite++;
    }
  }
  const s: Summary = { count: values.length, nan, inf };
  if (finite > 0) Object.assign(s, { min, max, mean: sum / finite });
  if (isClassVector(t)) {
    // NaN sorts last so that a broken logit never reads as the prediction.
    const key = (i: number) => (Number.isNaN(values[i]!) ? -Infinity : values[i]!);
    const order = Array.from(values.keys()).sort((a, b) => key(b) - key(a) || a - b);
    s.top = order.slice(0, TOP_K).map((index) => ({ index, value: values[index]! }));
  }
  return s;
}

/** A number in at most 6 significant digits, without trailing zeros ("0.5", "-1.23457e-7"). */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  if (!Number.isFinite(x)) return String(x);
  // toPrecision writes 2.86e-6 as 0.00000286102; small magnitudes read better as exponents.
  const text = Math.abs(x) < 1e-4 ? x.toExponential(5) : x.toPrecision(6);
  const [mant, exp] = text.split('e');
  const trimmed = mant!.includes('.') ? mant!.replace(/0+$/, '').replace(/\.$/, '') : mant!;
  return exp ? `${trimmed}e${exp}` : trimmed;
}

/** The statistics part of an output line: "min -1.2 max 3.4 mean 0.5" (+ nan/inf counts). */
export function formatStats(s: Summary): string {
  const parts: string[] = [];
  if (s.count === 0) parts.push('empty');
  else if (s.mean === undefined) parts.push('no finite values');
  else parts.push(`min ${formatNumber(s.min!)}`, `max ${formatNumber(s.max!)}`, `mean ${formatNumber(s.mean)}`);
  if (s.nan) parts.push(`nan ${s.nan}`);
  if (s.inf) parts.push(`inf ${s.inf}`);
  return parts.join('  ');
}

export function formatTop(s: Summary): string | undefined {
  if (!s.top) return undefined;
  return `top-${s.top.length}: ${s.top.map((t) => `${t.index} (${formatNumber(t.value)})`).join(', ')}`;
}
