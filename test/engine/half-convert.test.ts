/**
 * float16 <-> float32 conversion on the cpu backend (cpu/half_convert.h: the Cast layer and the
 * half adapter, 16 a vector on AVX-512) against independent references: Cast float32 -> float16
 * bit for bit against src/onnx/half.ts's rounding (nearest even) over every half's value, the
 * midpoints between neighbours (ties) and a float either side of them, subnormals, the overflow
 * boundary, infinities and NaNs (sign | 0x7e00, the rule of src/ir/dtype.cc); Cast float16 ->
 * float32 over all 65536 bit patterns (NaNs quieted, payload kept); an fp16 layer through the
 * adapter against onnxruntime on float32 copies (helpers/compare.ts), lengths off a vector's
 * multiple, 1 and 2 threads. Then the file again with HYBRIDRT_CPU_KERNEL=portable (the scalar
 * forms, which an AVX-512 machine never picks).
 */
import { expect, it } from 'vitest';
import { runVitestChild } from './helpers/child-vitest.js';
import { checkLayer, runEngine } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/onnx/half.js';

const forced = process.env.HYBRIDRT_CPU_KERNEL !== undefined;

/** Float32 bit patterns: halves' values, ties and their neighbours, edges, NaNs; then random ones. */
function narrowingInputs(): Uint32Array {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const bits: number[] = [];
  const push = (v: number) => {
    f[0] = v;
    bits.push(u[0]!);
    bits.push(u[0]! + 1, u[0]! - 1); // a float either side
  };
  for (let h = 0; h < 0x7c00; h += 7) {
    const a = float16BitsToFloat32(h);
    const b = float16BitsToFloat32(h + 1);
    push(a);
    push(-a);
    if (h + 1 < 0x7c00) push((a + b) / 2); // the tie between neighbours
  }
  for (const v of [65504, 65519.99, 65520, 65536, 1e6, 2 ** -24, 2 ** -25, 1.5 * 2 ** -25, 2 ** -26, 1e-30, 0, Infinity, -Infinity]) {
    push(v);
    push(-v);
  }
  bits.push(0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x7fe12345, 0xffe12345);
  let s = 12345;
  for (let i = 0; i < 40_001; ++i) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    bits.push(s);
  }
  return Uint32Array.from(bits, (b) => b >>> 0);
}

function expectedHalf(b: number): number {
  const f = new Float32Array(Uint32Array.of(b).buffer)[0]!;
  if ((b & 0x7fffffff) > 0x7f800000) return ((b >>> 16) & 0x8000) | 0x7e00;
  return float32ToFloat16Bits(f);
}

function firstDiff(actual: ArrayLike<number>, expected: ArrayLike<number>, input: ArrayLike<number>): string {
  for (let i = 0; i < expected.length; ++i) {
    if (actual[i] !== expected[i])
      return `at ${i}: input 0x${input[i]!.toString(16)}, got 0x${actual[i]!.toString(16)}, expected 0x${expected[i]!.toString(16)}`;
  }
  return '';
}

describeIf(HAS_NATIVE, 'float16 conversion', NATIVE_MISSING, () => {
  for (const threads of [1, 2]) {
    it(`${threads} thread(s): Cast float32 -> float16, bit for bit`, async () => {
      const bits = narrowingInputs();
      const x = { dtype: 'float32' as const, dims: [bits.length], data: new Float32Array(bits.buffer) };
      const [y] = await runEngine(
        { op: 'Cast', inputs: [x], kind: 'cast', params: { to: 'float16' }, threads },
        [x],
        [{ dtype: 'float16', shape: [bits.length] }],
      );
      const expected = Uint16Array.from(bits, expectedHalf);
      expect(firstDiff(y as Uint16Array, expected, bits)).toBe('');
    });
    it(`${threads} thread(s): Cast float16 -> float32, every bit pattern`, async () => {
      const halves = Uint16Array.from({ length: 65536 + 9 }, (_, i) => i & 0xffff);
      const x = { dtype: 'float16' as const, dims: [halves.length], data: halves };
      const [y] = await runEngine(
        { op: 'Cast', inputs: [x], kind: 'cast', params: { to: 'float32' }, threads },
        [x],
        [{ dtype: 'float32', shape: [halves.length] }],
      );
      const got = new Uint32Array((y as Float32Array).buffer, (y as Float32Array).byteOffset, halves.length);
      const expected = Uint32Array.from(halves, (h) => {
        if ((h & 0x7c00) === 0x7c00 && h & 0x3ff) return (((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13) | 0x400000) >>> 0;
        return new Uint32Array(Float32Array.of(float16BitsToFloat32(h)).buffer)[0]!;
      });
      expect(firstDiff(got, expected, halves)).toBe('');
    });
    it(`${threads} thread(s): an fp16 Add through the adapter against onnxruntime`, async () => {
      for (const n of [40_003, 17, 16]) {
        await checkLayer({
          op: 'Add',
          inputs: [randomFloat([n], 1), randomFloat([n], 2)],
          kind: 'elementwise',
          params: { op: 'add' },
          half: 'float16',
          threads,
        });
      }
    });
  }
});

describeIf(HAS_NATIVE && !forced, 'float16 conversion, scalar forms', NATIVE_MISSING, () => {
  it('the suite above passes with HYBRIDRT_CPU_KERNEL=portable', () => {
    expect(runVitestChild(['test/engine/half-convert.test.ts'], { HYBRIDRT_CPU_KERNEL: 'portable' })).toMatch(/Tests\s+6 passed/);
  }, 300_000);
});
