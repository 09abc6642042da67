/**
 * The conformance comparison itself (helpers/compare.ts): a comparison that let everything
 * through would make every conformance case pass. Values worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { float32ToFloat16Bits } from '../../src/onnx/half.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { compareTensors } from './helpers/compare.js';

const f32 = (...v: number[]): TensorData => ({ dtype: 'float32', dims: [v.length], data: Float32Array.from(v) });
const f16 = (...v: number[]): TensorData => ({ dtype: 'float16', dims: [v.length], data: Uint16Array.from(v.map(float32ToFloat16Bits)) });

describe('compareTensors', () => {
  it('float32: within atol + rtol * |want| passes, beyond fails and names the worst element', () => {
    expect(compareTensors(f32(1, 100), f32(1 + 5e-6, 100 + 9e-4))).toBeUndefined(); // 5e-6 <= 1.1e-5, 9e-4 <= 1.001e-3
    expect(compareTensors(f32(0, 1e-6), f32(9e-7, 0))).toBeUndefined();
    expect(compareTensors(f32(1, 100, 3), f32(1, 100.01, 3.001))).toBe(
      '2 of 3 elements differ (rtol 0.00001, atol 0.000001); worst at 1: got 100, expected 100.01000213623047',
    );
  });

  it('NaN matches only NaN, an infinity only itself', () => {
    expect(compareTensors(f32(NaN, Infinity, -Infinity), f32(NaN, Infinity, -Infinity))).toBeUndefined();
    expect(compareTensors(f32(1), f32(NaN))).toMatch(/^1 of 1 elements differ/);
    expect(compareTensors(f32(NaN), f32(1))).toMatch(/^1 of 1 elements differ/);
    expect(compareTensors(f32(Infinity), f32(-Infinity))).toMatch(/^1 of 1 elements differ/);
    expect(compareTensors(f32(3e38), f32(Infinity))).toMatch(/^1 of 1 elements differ/);
  });

  it('integers and bools exactly; dtype and shape first', () => {
    const i64 = (...v: bigint[]): TensorData => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v) });
    expect(compareTensors(i64(1n, 2n), i64(1n, 2n))).toBeUndefined();
    expect(compareTensors(i64(1n, 3n), i64(1n, 2n))).toBe('1 of 2 elements differ (exact); worst at 1: got 3, expected 2');
    const bool = (...v: number[]): TensorData => ({ dtype: 'bool', dims: [v.length], data: Uint8Array.from(v) });
    expect(compareTensors(bool(1, 0), bool(1, 1))).toMatch(/^1 of 2 elements differ \(exact\)/);
    expect(compareTensors(f32(1), i64(1n))).toBe('dtype float32, expected int64');
    expect(compareTensors(f32(1, 2), { ...f32(1, 2), dims: [2, 1] })).toBe('shape [2], expected [2,1]');
  });

  it('float16 decoded from its bits, one ulp allowed', () => {
    // fp16 spacing in [1, 2) is 2^-10: 1 + 2^-10 is one ulp from 1, 1 + 2^-9 two.
    expect(compareTensors(f16(1 + 2 ** -10), f16(1))).toBeUndefined();
    expect(compareTensors(f16(1 + 2 ** -9), f16(1))).toMatch(/^1 of 1 elements differ \(rtol 0.001/);
  });

  it('a given tolerance replaces the default', () => {
    expect(compareTensors(f32(1.0001), f32(1), { rtol: 0, atol: 2e-4 })).toBeUndefined();
    expect(compareTensors(f32(1.0001), f32(1))).toBeDefined();
  });
});
