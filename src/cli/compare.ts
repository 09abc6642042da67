/**
 * --compare: how far an output is from onnxruntime's on the same inputs. Per output: max
 * absolute and max relative error, mean absolute error, cosine similarity, and pass/fail by
 * NumPy's allclose rule |a - b| <= atol + rtol * |b| on every element (b = the reference).
 * NaN matches NaN and an infinity matches the same infinity; any other non-finite value fails
 * and is counted apart (`nonFinite`), since the statistics are over the pairs where both are
 * finite. The relative error is over elements whose reference is not zero (at a zero
 * reference only the absolute error means anything), so it is never infinite.
 */
import type { TensorData } from '../onnx/tensor.js';
import { formatNumber, toFloat64 } from './summary.js';

export interface Comparison {
  name: string;
  pass: boolean;
  /** The tolerance applied (atol after scaling, where it was the default). */
  atol: number;
  rtol: number;
  /** Why it failed before any arithmetic (shape or dtype differ). */
  problem?: string;
  maxAbs: number;
  maxRel: number;
  meanAbs: number;
  cosine: number;
  /** Elements outside the tolerance (non-finite mismatches included). */
  mismatches: number;
  /** Elements where one side is NaN or infinite and the other is not the same value. */
  nonFinite: number;
  /** Of those, how many onnxruntime gives as NaN (the engine does not). */
  refNaN: number;
  /** Of those, how many the engine gives as NaN (onnxruntime does not). */
  gotNaN: number;
  /** Element pairs where both are finite: what the statistics cover. */
  finite: number;
  count: number;
}

/**
 * The scale of a tensor's finite values: the 99th percentile of |value| (rounded up to the next
 * element, so the largest of up to 100 values; 0 where there is none). A percentile rather than
 * the largest, so that a few huge values (masking sentinels such as -1e9 or -3.4e38, a box
 * coordinate among scores) do not widen every element's tolerance.
 */
export function magnitudeScale(t: TensorData): number {
  const finite = Float64Array.from(toFloat64(t), Math.abs).filter(Number.isFinite).sort();
  return finite.length ? finite[Math.ceil(0.99 * (finite.length - 1))]! : 0;
}

/** A default atol relative to the reference's scale: `atol * max(1, magnitudeScale(reference))`. */
export function scaledAtol(atol: number, reference: TensorData): number {
  return atol * Math.max(1, magnitudeScale(reference));
}

/**
 * `ref` names the reference in the messages of a shape or dtype difference ('onnxruntime', or
 * the saved file).
 */
export function compareTensors(name: string, actual: TensorData, expected: TensorData, atol: number, rtol: number, ref = 'onnxruntime'): Comparison {
  const base = {
    name,
    atol,
    rtol,
    maxAbs: NaN,
    maxRel: NaN,
    meanAbs: NaN,
    cosine: NaN,
    mismatches: 0,
    nonFinite: 0,
    refNaN: 0,
    gotNaN: 0,
    finite: 0,
    count: expected.data.length,
  };
  if (actual.dtype !== expected.dtype) {
    return { ...base, pass: false, problem: `dtype ${actual.dtype}, ${ref} gives ${expected.dtype}` };
  }
  if (actual.dims.join() !== expected.dims.join()) {
    return { ...base, pass: false, problem: `shape [${actual.dims.join(',')}], ${ref} gives [${expected.dims.join(',')}]` };
  }
  const a = toFloat64(actual);
  const b = toFloat64(expected);
  let maxAbs = 0;
  let maxRel = 0;
  let sumAbs = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  let mismatches = 0;
  let nonFinite = 0;
  let refNaN = 0;
  let gotNaN = 0;
  let finite = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      if (!(x === y || (Number.isNaN(x) && Number.isNaN(y)))) {
        mismatches++;
        nonFinite++;
        if (Number.isNaN(y)) refNaN++;
        if (Number.isNaN(x)) gotNaN++;
      }
      continue;
    }
    finite++;
    const d = Math.abs(x - y);
    maxAbs = Math.max(maxAbs, d);
    if (y !== 0) maxRel = Math.max(maxRel, d / Math.abs(y));
    sumAbs += d;
    dot += x * y;
    na += x * x;
    nb += y * y;
    if (d > atol + rtol * Math.abs(y)) mismatches++;
  }
  // Two all-zero tensors are identical: call that a cosine of 1 rather than 0/0 (but with no
  // finite pair at all there is nothing to measure).
  const cosine = finite === 0 ? NaN : na === 0 && nb === 0 ? 1 : dot / Math.sqrt(na * nb);
  return {
    name,
    pass: mismatches === 0,
    atol,
    rtol,
    maxAbs: finite ? maxAbs : NaN,
    maxRel: finite ? maxRel : NaN,
    meanAbs: finite ? sumAbs / finite : NaN,
    cosine,
    mismatches,
    nonFinite,
    refNaN,
    gotNaN,
    finite,
    count: a.length,
  };
}

/**
 * One output's line: verdict, statistics, and where it failed, how many elements. `ref` names
 * the reference in the NaN/Inf counts.
 */
export function formatComparison(c: Comparison, ref = 'onnxruntime'): string {
  const verdict = c.pass ? 'PASS' : 'FAIL';
  if (c.problem) return `${c.name}  ${verdict}  ${c.problem}`;
  const stat = (x: number) => (Number.isNaN(x) ? '-' : formatNumber(x));
  const stats = [
    ...(c.nonFinite ? [`NaN/Inf mismatches ${c.nonFinite} (${ref} NaN ${c.refNaN}, here NaN ${c.gotNaN})`] : []),
    `max abs ${stat(c.maxAbs)}`,
    `max rel ${stat(c.maxRel)}`,
    `mean abs ${stat(c.meanAbs)}`,
    `cosine ${stat(c.cosine)}`,
  ].join('  ');
  const miss = c.pass ? '' : `  (${c.mismatches} of ${c.count} elements outside tolerance)`;
  return `${c.name}  ${verdict}  ${stats}${miss}`;
}
