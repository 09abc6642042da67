/**
 * sameElements: the compiler's element-wise equality (src/util/same-elements.ts). The
 * expectations are IEEE-754's and JavaScript's, written out here, not read from the code:
 * NaN equals NaN whatever its payload, +0 equals -0, and bytes equal across element types do
 * not make two arrays equal.
 */
import { describe, expect, it } from 'vitest';
import { sameElements } from '../../src/util/same-elements.js';

/** A float32 NaN with the given payload bits (quiet NaN: 0x7fc00000 | payload). */
function nan32(payload: number): number {
  const u = new Uint32Array([0x7fc00000 | payload]);
  return new Float32Array(u.buffer)[0]!;
}

describe('sameElements', () => {
  it('equal copies are equal, one changed element is not', () => {
    const a = Float32Array.from({ length: 1 << 16 }, (_, i) => Math.sin(i));
    const b = a.slice();
    expect(sameElements(a, b)).toBe(true);
    b[40000] = b[40000]! + 1e-3;
    expect(sameElements(a, b)).toBe(false);
  });

  it('+0 equals -0, and NaNs of other payloads are equal (their bytes differ)', () => {
    expect(sameElements(new Float32Array([0, 1]), new Float32Array([-0, 1]))).toBe(true);
    const a = new Float32Array([nan32(1), 2]);
    const b = new Float32Array([nan32(2), 2]);
    expect(new Uint32Array(a.buffer)[0]).not.toBe(new Uint32Array(b.buffer)[0]);
    expect(sameElements(a, b)).toBe(true);
    expect(sameElements(new Float32Array([NaN]), new Float32Array([0]))).toBe(false);
  });

  it('the same bytes as other element types are not the same elements', () => {
    const f = new Float32Array([1, 2]);
    const i = new Int32Array(f.buffer.slice(0));
    expect(sameElements(f, i)).toBe(false);
  });

  it('views into a larger buffer compare only their own elements', () => {
    const big = new Int32Array([9, 1, 2, 3, 9]);
    const other = new Int32Array([7, 1, 2, 3, 7]);
    expect(sameElements(big.subarray(1, 4), other.subarray(1, 4))).toBe(true);
    expect(sameElements(big.subarray(0, 4), other.subarray(0, 4))).toBe(false);
  });

  it('lengths, absent arrays and plain arrays', () => {
    expect(sameElements([1, 2], [1, 2, 3])).toBe(false);
    expect(sameElements(undefined, undefined)).toBe(true);
    expect(sameElements([1], undefined)).toBe(false);
    expect(sameElements(['s', 2], ['s', 2])).toBe(true);
    expect(sameElements(new BigInt64Array([1n, -2n]), new BigInt64Array([1n, -2n]))).toBe(true);
  });
});
