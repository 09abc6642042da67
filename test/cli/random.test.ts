/** Random inputs: reproducible per seed and per input, in the documented ranges and distributions. */
import { describe, expect, it } from 'vitest';
import { INT_RANGE, randomTensor } from '../../src/cli/random.js';
import { float16BitsToFloat32 } from '../../src/onnx/half.js';

const spec = { name: 'x', dims: [4, 1000], seed: 0, distribution: 'uniform' as const };

describe('randomTensor', () => {
  it('is the same for the same seed and name, different for another seed or name', () => {
    const a = randomTensor({ ...spec, dtype: 'float32' });
    const b = randomTensor({ ...spec, dtype: 'float32' });
    expect(a.data).toEqual(b.data);
    expect(randomTensor({ ...spec, dtype: 'float32', seed: 1 }).data).not.toEqual(a.data);
    expect(randomTensor({ ...spec, dtype: 'float32', name: 'y' }).data).not.toEqual(a.data);
  });

  it('draws floats uniformly from [-1, 1)', () => {
    const d = randomTensor({ ...spec, dtype: 'float64' }).data as Float64Array;
    expect(Math.min(...d)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...d)).toBeLessThan(1);
    // Uniform on [-1,1): mean 0 (sd of the mean 0.577/sqrt(4000) ~ 0.009), variance 1/3.
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(variance).toBeCloseTo(1 / 3, 1);
  });

  it('draws standard normal floats with --random-dist normal', () => {
    const d = randomTensor({ ...spec, dtype: 'float32', distribution: 'normal' }).data as Float32Array;
    const mean = d.reduce((s, v) => s + v, 0) / d.length;
    const variance = d.reduce((s, v) => s + (v - mean) ** 2, 0) / d.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
    expect(d.some((v) => Math.abs(v) > 1)).toBe(true); // not uniform on [-1, 1)
  });

  it('encodes float16 inputs as half bits of values in [-1, 1)', () => {
    const t = randomTensor({ ...spec, dtype: 'float16' });
    expect(t.data).toBeInstanceOf(Uint16Array);
    const values = Array.from(t.data as Uint16Array, float16BitsToFloat32);
    expect(values.every((v) => v >= -1 && v <= 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(100);
  });

  it('draws small non-negative integers and 0/1 bools', () => {
    for (const dtype of ['int32', 'uint8', 'int8'] as const) {
      const d = Array.from(randomTensor({ ...spec, dtype }).data as Int32Array);
      expect(Math.min(...d)).toBe(0);
      expect(Math.max(...d)).toBe(INT_RANGE - 1);
    }
    const big = randomTensor({ ...spec, dtype: 'int64' }).data as BigInt64Array;
    expect(big.every((v) => v >= 0n && v < BigInt(INT_RANGE))).toBe(true);
    const bools = randomTensor({ ...spec, dtype: 'bool' }).data as Uint8Array;
    expect(new Set(bools)).toEqual(new Set([0, 1]));
  });

  it('keeps the requested shape', () => {
    const t = randomTensor({ ...spec, dims: [2, 0, 3], dtype: 'float32' });
    expect(t.dims).toEqual([2, 0, 3]);
    expect(t.data.length).toBe(0);
  });
});
