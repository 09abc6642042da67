/**
 * Output comparison for the conformance tests: same dtype and shape, then per element
 *   |got - want| <= atol + rtol * |want|
 * for floating-point outputs (fp16/bf16 decoded; NaN matches NaN, an infinity only itself),
 * and exact equality for integers and bools. Returns what is wrong, or undefined.
 *
 * Default tolerances, and why:
 * - float32 (and float64): rtol 1e-5, atol 1e-6. The references are numpy results rounded to
 *   fp32; the cpu engine computes in fp32 too, but sums in another order (blocked matrix
 *   products, vectorised reductions) and its exp/log/erf/pow differ from libm by a few ulps:
 *   errors of tens of ulps (fp32 ulp = 1.2e-7 relative). atol covers results that cancel to
 *   near 0 in a sum of O(1) terms, whose relative error is large in any summation order.
 * - float16: rtol 1e-3, atol 1e-5: one fp16 ulp (2^-10 = 9.8e-4 relative). Engines compute
 *   fp16 layers in fp32 and round once, as the reference does, but a rounding tie or a one-ulp
 *   difference in an intermediate fp16 value shows as one ulp in the output; atol only covers
 *   results near 0 (fp16's smallest normal is 6.1e-5). bfloat16 likewise: one ulp, 2^-7.
 */
import type { TensorData } from '../../../src/onnx/tensor.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from '../../../src/onnx/half.js';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export function defaultTolerance(dtype: string): Tolerance | undefined {
  if (dtype === 'float32' || dtype === 'float64') return { rtol: 1e-5, atol: 1e-6 };
  if (dtype === 'float16') return { rtol: 1e-3, atol: 1e-5 };
  if (dtype === 'bfloat16') return { rtol: 8e-3, atol: 1e-5 }; // one bf16 ulp, 2^-7
  return undefined; // integers and bools: exact
}

function decoder(dtype: string): (v: number | bigint) => number {
  if (dtype === 'float16') return (v) => float16BitsToFloat32(v as number);
  if (dtype === 'bfloat16') return (v) => bfloat16BitsToFloat32(v as number);
  return (v) => Number(v);
}

/**
 * What differs between `got` and `want` (the worst element first), or undefined when they
 * match. `tolerance` defaults by dtype (above); null compares the stored values exactly (the
 * bits, for float16/bfloat16).
 */
export function compareTensors(
  got: TensorData,
  want: TensorData,
  tolerance: Tolerance | null = defaultTolerance(want.dtype) ?? null,
): string | undefined {
  if (got.dtype !== want.dtype) return `dtype ${got.dtype}, expected ${want.dtype}`;
  if (got.dims.join() !== want.dims.join()) return `shape [${got.dims}], expected [${want.dims}]`;
  const decode = decoder(want.dtype);
  const a = got.data as ArrayLike<number | bigint>;
  const b = want.data as ArrayLike<number | bigint>;
  let bad = 0;
  let worst = -1;
  let worstExcess = -Infinity;
  for (let i = 0; i < b.length; i++) {
    if (!tolerance) {
      if (a[i] !== b[i]) {
        bad++;
        if (worst < 0) worst = i;
      }
      continue;
    }
    const x = decode(a[i]!);
    const y = decode(b[i]!);
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    const excess = Math.abs(x - y) - (tolerance.atol + tolerance.rtol * Math.abs(y));
    // NaN excess: a NaN against a number, or an infinity against another value.
    if (excess <= 0) continue;
    bad++;
    if (!(excess <= worstExcess)) {
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
      worst = i;
    }
  }
  if (!bad) return undefined;
  const tol = tolerance ? ` (rtol ${tolerance.rtol}, atol ${tolerance.atol})` : ' (exact)';
  return `${bad} of ${b.length} elements differ${tol}; worst at ${worst}: got ${decode(a[worst]!)}, expected ${decode(b[worst]!)}`;
}
