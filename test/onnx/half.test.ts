/**
 * float16 / bfloat16 bit conversions against bit patterns taken from the IEEE 754 binary16
 * and bfloat16 tables (not computed by the code under test), rounding ties to even.
 */
import { describe, expect, it } from 'vitest';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../../src/onnx/half.js';

// [value, float16 bits] pairs that are exact in both directions.
const F16_EXACT: Array<[number, number]> = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3c00],
  [-2, 0xc000],
  [0.5, 0x3800],
  [65504, 0x7bff], // largest finite
  [-65504, 0xfbff],
  [2 ** -14, 0x0400], // smallest normal
  [2 ** -24, 0x0001], // smallest subnormal
  [1023 * 2 ** -24, 0x03ff], // largest subnormal
  [0.333251953125, 0x3555],
  [Infinity, 0x7c00],
  [-Infinity, 0xfc00],
];

// [value, bfloat16 bits] pairs that are exact in both directions.
const BF16_EXACT: Array<[number, number]> = [
  [0, 0x0000],
  [-0, 0x8000],
  [1, 0x3f80],
  [-2, 0xc000],
  [3.140625, 0x4049],
  [0.333984375, 0x3eab],
  [3.3895313892515355e38, 0x7f7f], // largest finite
  [2 ** -126, 0x0080], // smallest normal
  [Infinity, 0x7f80],
  [-Infinity, 0xff80],
];

describe('float16 bits', () => {
  it.each(F16_EXACT)('%d <-> 0x%s', (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
    expect(Object.is(float16BitsToFloat32(bits), value)).toBe(true);
  });

  it('rounds to nearest, ties to even', () => {
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, even below
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, even above
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(float32ToFloat16Bits(1 / 3)).toBe(0x3555);
    expect(float32ToFloat16Bits(0.1)).toBe(0x2e66);
  });

  it('overflows to infinity and underflows to signed zero', () => {
    expect(float32ToFloat16Bits(65519.99)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00); // halfway to 65536: ties to even = inf
    expect(float32ToFloat16Bits(1e10)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // half the smallest subnormal: tie to even 0
    expect(float32ToFloat16Bits(2 ** -26)).toBe(0x0000);
    expect(float32ToFloat16Bits(-(2 ** -30))).toBe(0x8000);
    expect(float32ToFloat16Bits(3 * 2 ** -26)).toBe(0x0001); // 0.75 of the smallest subnormal
  });

  it('keeps NaN a NaN', () => {
    const bits = float32ToFloat16Bits(NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x03ff).not.toBe(0);
    expect(float16BitsToFloat32(0x7e00)).toBeNaN();
    expect(float16BitsToFloat32(0xfc01)).toBeNaN();
  });

  it('every one of the 65536 patterns survives bits -> float -> bits (NaNs stay NaN)', () => {
    const wrong: string[] = [];
    for (let b = 0; b < 0x10000; b++) {
      const v = float16BitsToFloat32(b);
      const back = float32ToFloat16Bits(v);
      if (Number.isNaN(v) ? !Number.isNaN(float16BitsToFloat32(back)) : back !== b)
        wrong.push(`0x${b.toString(16)} -> ${v} -> 0x${back.toString(16)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('bfloat16 bits', () => {
  it.each(BF16_EXACT)('%d <-> 0x%s', (value, bits) => {
    expect(float32ToBfloat16Bits(value)).toBe(bits);
    expect(Object.is(bfloat16BitsToFloat32(bits), value)).toBe(true);
  });

  it('rounds to nearest, ties to even', () => {
    expect(float32ToBfloat16Bits(Math.PI)).toBe(0x4049);
    expect(float32ToBfloat16Bits(1 / 3)).toBe(0x3eab);
    expect(float32ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80); // tie, even below
    expect(float32ToBfloat16Bits(1 + 3 * 2 ** -8)).toBe(0x3f82); // tie, even above
    expect(float32ToBfloat16Bits(3.4e38)).toBe(0x7f80); // rounds past the largest finite
  });

  it('keeps NaN a quiet NaN', () => {
    const bits = float32ToBfloat16Bits(NaN);
    expect(bits & 0x7f80).toBe(0x7f80);
    expect(bits & 0x007f).not.toBe(0);
    expect(bfloat16BitsToFloat32(0x7fc0)).toBeNaN();
  });
});
