/** Output summaries against hand-computed statistics. */
import { describe, expect, it } from 'vitest';
import { formatNumber, formatStats, formatTop, isClassVector, summarize } from '../../src/cli/summary.js';
import { float32ToFloat16Bits } from '../../src/onnx/half.js';
import type { TensorData } from '../../src/onnx/tensor.js';

const f32 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(values) });

describe('summarize', () => {
  it('gives min, max and mean', () => {
    const s = summarize(f32([1, -2, 4, 5], [2, 2]));
    expect(s).toMatchObject({ count: 4, min: -2, max: 5, mean: 2, nan: 0, inf: 0 });
    expect(s.top).toBeUndefined(); // [2,2] is not a class vector
  });

  it('leaves NaN and infinities out of the statistics and counts them', () => {
    const s = summarize(f32([1, NaN, 3, Infinity, -Infinity]));
    expect(s).toMatchObject({ min: 1, max: 3, mean: 2, nan: 1, inf: 2 });
    expect(formatStats(s)).toBe('min 1  max 3  mean 2  nan 1  inf 2');
    expect(formatStats(summarize(f32([NaN])))).toBe('no finite values  nan 1');
    expect(formatStats(summarize(f32([])))).toBe('empty');
  });

  it('lists the top-5 classes of a [1,K] or [K] float vector, largest first', () => {
    const s = summarize(f32([0.1, 0.9, -3, 0.5, 2, 0.7, 0.3], [1, 7]));
    expect(s.top).toEqual([
      { index: 4, value: 2 },
      { index: 1, value: expect.closeTo(0.9, 6) },
      { index: 5, value: expect.closeTo(0.7, 6) },
      { index: 3, value: 0.5 },
      { index: 6, value: expect.closeTo(0.3, 6) },
    ]);
    expect(formatTop(summarize(f32([1, 3, 2])))).toBe('top-3: 1 (3), 2 (2), 0 (1)');
  });

  it('ranks NaN last among the top classes', () => {
    expect(summarize(f32([NaN, 1, 2])).top!.map((t) => t.index)).toEqual([2, 1, 0]);
  });

  it('knows what a class vector is', () => {
    expect(isClassVector(f32([1, 2], [1, 2]))).toBe(true);
    expect(isClassVector(f32([1, 2], [2, 1]))).toBe(false);
    expect(isClassVector(f32([1], [1]))).toBe(false);
    expect(isClassVector({ dtype: 'int32', dims: [3], data: Int32Array.of(1, 2, 3) })).toBe(false);
  });

  it('decodes float16 and int64 values', () => {
    const half: TensorData = { dtype: 'float16', dims: [3], data: Uint16Array.from([0.5, -1.5, 4].map(float32ToFloat16Bits)) };
    expect(summarize(half)).toMatchObject({ min: -1.5, max: 4, mean: 1 });
    const big: TensorData = { dtype: 'int64', dims: [2], data: BigInt64Array.of(-3n, 10n) };
    expect(summarize(big)).toMatchObject({ min: -3, max: 10, mean: 3.5 });
  });
});

describe('formatNumber', () => {
  it('prints at most 6 significant digits without trailing zeros', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(-5.801358699798584)).toBe('-5.80136');
    expect(formatNumber(1.5e-7)).toBe('1.5e-7');
    expect(formatNumber(0.00000286102)).toBe('2.86102e-6');
    expect(formatNumber(0.000123)).toBe('0.000123');
    expect(formatNumber(123456789.5)).toBe('1.23457e+8');
    expect(formatNumber(NaN)).toBe('NaN');
  });
});
