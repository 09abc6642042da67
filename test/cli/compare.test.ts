/** --compare metrics against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import { compareTensors, formatComparison, magnitudeScale, scaledAtol } from '../../src/cli/compare.js';
import type { TensorData } from '../../src/onnx/tensor.js';

const f64 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'float64', dims, data: Float64Array.from(values) });

describe('compareTensors', () => {
  it('computes max abs/rel error, mean abs error and cosine similarity', () => {
    // diffs: 0.1, 0, 0.5 -> max abs 0.5, mean abs 0.2; rel: 0.1/1, 0, 0.5/2 -> 0.25.
    const c = compareTensors('y', f64([1.1, -3, 2.5]), f64([1, -3, 2]), 1, 0);
    expect(c.maxAbs).toBeCloseTo(0.5, 12);
    expect(c.meanAbs).toBeCloseTo(0.2, 12);
    expect(c.maxRel).toBeCloseTo(0.25, 12);
    // cos = (1.1 + 9 + 5) / (sqrt(1.21+9+6.25) * sqrt(1+9+4)) = 15.1 / sqrt(16.46 * 14)
    expect(c.cosine).toBeCloseTo(15.1 / Math.sqrt(16.46 * 14), 12);
    expect(c.pass).toBe(true);
  });

  it('fails elements outside atol + rtol * |reference|', () => {
    // |2.5 - 2| = 0.5 > 0.1 + 0.1 * 2 = 0.3; |1.1 - 1| = 0.1 <= 0.1 + 0.1 = 0.2.
    const c = compareTensors('y', f64([1.1, -3, 2.5]), f64([1, -3, 2]), 0.1, 0.1);
    expect(c.pass).toBe(false);
    expect(c.mismatches).toBe(1);
    expect(formatComparison(c)).toMatch(/^y {2}FAIL {2}max abs 0\.5 .*\(1 of 3 elements outside tolerance\)$/);
  });

  it('matches NaN with NaN and equal infinities, and fails any other non-finite pair', () => {
    expect(compareTensors('y', f64([NaN, Infinity]), f64([NaN, Infinity]), 0, 0).pass).toBe(true);
    expect(compareTensors('y', f64([NaN]), f64([1]), 1, 1).pass).toBe(false);
    expect(compareTensors('y', f64([-Infinity]), f64([Infinity]), 1, 1).pass).toBe(false);
  });

  it('counts and prints NaN/Inf mismatches apart, and keeps them out of the finite statistics', () => {
    // The engine returns finite values where onnxruntime gives NaN (a NaN input through Relu).
    const c = compareTensors('logits', f64([0.5, 1, 2]), f64([NaN, NaN, 2]), 1e-4, 1e-3);
    expect(c).toMatchObject({ pass: false, mismatches: 2, nonFinite: 2, refNaN: 2, gotNaN: 0, finite: 1, maxAbs: 0 });
    expect(formatComparison(c)).toBe(
      'logits  FAIL  NaN/Inf mismatches 2 (onnxruntime NaN 2, here NaN 0)  max abs 0  max rel 0  mean abs 0  cosine 1  (2 of 3 elements outside tolerance)',
    );
    // No finite pair at all: no statistic to give, rather than a misleading 0 and 1.
    const none = compareTensors('y', f64([1, 2]), f64([NaN, NaN]), 1, 1);
    expect(formatComparison(none)).toBe(
      'y  FAIL  NaN/Inf mismatches 2 (onnxruntime NaN 2, here NaN 0)  max abs -  max rel -  mean abs -  cosine -  (2 of 2 elements outside tolerance)',
    );
  });

  it('takes the relative error over non-zero references only, so it is never infinite', () => {
    const c = compareTensors('y', f64([1e-3, 2.2]), f64([0, 2]), 1e-2, 0);
    expect(c.maxRel).toBeCloseTo(0.1, 12);
    expect(c.maxAbs).toBeCloseTo(0.2, 12);
    expect(formatComparison(c)).not.toContain('Infinity');
  });

  it('gives all-zero outputs a cosine of 1', () => {
    expect(compareTensors('y', f64([0, 0]), f64([0, 0]), 0, 0)).toMatchObject({ cosine: 1, pass: true, maxAbs: 0 });
  });

  it('fails a shape or dtype difference without comparing values', () => {
    const shape = compareTensors('y', f64([1, 2], [2, 1]), f64([1, 2], [1, 2]), 1, 1);
    expect(shape).toMatchObject({ pass: false, problem: 'shape [2,1], onnxruntime gives [1,2]' });
    const f32: TensorData = { dtype: 'float32', dims: [2], data: Float32Array.of(1, 2) };
    expect(compareTensors('y', f32, f64([1, 2]), 1, 1).problem).toBe('dtype float32, onnxruntime gives float64');
  });

  it("scales a default atol by the reference's scale: logits near 8.6 pass at float32 rounding, a wrong value fails", () => {
    // Logits of a classifier (inception_v3's reach 8.6), and a run whose sums were added in
    // another order: differences of a few 1e-4, about 8.6 * 2^-14 per rounding of a long sum.
    const ref = [8.6, -2.1, 0.004, -0.0007];
    const got = [8.6002, -2.1003, 0.0043, -0.00045];
    // A fixed atol of 1e-4 fails the elements near zero: |0.0043 - 0.004| = 3e-4 > 1e-4 + 1e-3 * 0.004.
    expect(compareTensors('logits', f64(got), f64(ref), 1e-4, 1e-3)).toMatchObject({ pass: false, mismatches: 2 });
    // Scaled: 1e-4 * 8.6 = 8.6e-4 of room everywhere.
    expect(scaledAtol(1e-4, f64(ref))).toBeCloseTo(8.6e-4, 15);
    const c = compareTensors('logits', f64(got), f64(ref), scaledAtol(1e-4, f64(ref)), 1e-3);
    expect(c).toMatchObject({ pass: true, mismatches: 0 });
    expect(c.atol).toBeCloseTo(8.6e-4, 15);
    // A value that is wrong, not rounded, still fails: 0.05 where 0.004 is expected.
    const wrong = [8.6002, -2.1003, 0.05, -0.00045];
    expect(compareTensors('logits', f64(wrong), f64(ref), scaledAtol(1e-4, f64(ref)), 1e-3)).toMatchObject({ pass: false, mismatches: 1 });
  });

  it('leaves the atol of outputs of magnitude up to 1 as it is, and skips non-finite values in the scale', () => {
    expect(scaledAtol(1e-4, f64([0.5, -0.25]))).toBe(1e-4);
    expect(scaledAtol(1e-4, f64([]))).toBe(1e-4);
    expect(magnitudeScale(f64([NaN, -Infinity, -3, 2]))).toBe(3);
    const f16: TensorData = { dtype: 'float16', dims: [1], data: Uint16Array.of(0x4800) }; // 8 in IEEE half
    expect(magnitudeScale(f16)).toBe(8);
  });

  it('takes the scale from the 99th percentile, so that a few masking sentinels do not widen the tolerance', () => {
    // 1000 logits of magnitude up to 5, and 5 positions masked with -1e9.
    const values = Array.from({ length: 1000 }, (_, i) => 5 * Math.sin(i));
    for (const i of [3, 200, 401, 600, 999]) values[i] = -1e9;
    const scale = magnitudeScale(f64(values));
    expect(scale).toBeLessThanOrEqual(5);
    expect(scale).toBeGreaterThan(4.9);
    // A wrong logit (off by 0.01) still fails under the scaled default atol of 1e-4.
    const got = [...values];
    got[10] = got[10]! + 0.01;
    expect(compareTensors('logits', f64(got), f64(values), scaledAtol(1e-4, f64(values)), 1e-3)).toMatchObject({ pass: false, mismatches: 1 });
  });

  it('names the reference it compares with in its messages', () => {
    const shape = compareTensors('y', f64([1, 2], [2, 1]), f64([1, 2], [1, 2]), 1, 1, 'the reference');
    expect(shape.problem).toBe('shape [2,1], the reference gives [1,2]');
    const nan = compareTensors('y', f64([1]), f64([NaN]), 1, 1);
    expect(formatComparison(nan, 'reference')).toContain('NaN/Inf mismatches 1 (reference NaN 1, here NaN 0)');
  });
});
