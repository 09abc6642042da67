/**
 * The |x| histogram (src/quantize/histogram.ts) and the percentile and min-max bounds, against
 * counts worked out by hand on small known distributions (a histogram of 4 or 8 bins, so that
 * every bin can be checked).
 */
import { describe, expect, it } from 'vitest';
import { AbsHistogram, percentileAmax } from '../../src/quantize/histogram.js';

describe('AbsHistogram', () => {
  it('bins |x| over [0, max|x|] of the first batch, the maximum in the last bin', () => {
    const h = new AbsHistogram(4);
    // max |x| = 8: width 2; bins [0,2) [2,4) [4,6) [6,8]
    h.add(Float32Array.from([0, -1, 1.5, 2, -3.9, 4, 5.5, -6, 8, 8]));
    expect(h.width).toBe(2);
    expect(Array.from(h.counts)).toEqual([3, 2, 2, 3]);
    expect(h.total).toBe(10);
    expect(h.absMax).toBe(8);
  });

  it('a larger batch later extends the histogram with bins of the same width; counts are never re-binned', () => {
    const h = new AbsHistogram(4);
    h.add(Float32Array.from([1, 4])); // width 1: [0,1) [1,2) [2,3) [3,4]
    h.add(Float32Array.from([-6.5, 0.5, 3.5, 5])); // needs bins up to 6.5: 7 bins
    expect(h.width).toBe(1);
    // 1 -> bin 1, 4 (the first batch's max) -> bin 3; then 0.5 -> 0, 3.5 -> 3, 5 -> 5, 6.5 -> 6
    expect(Array.from(h.counts)).toEqual([1, 1, 0, 2, 0, 1, 1]);
    expect(h.absMax).toBe(6.5);
  });

  it('zeros before any non-zero value count in bin 0; NaN is not counted', () => {
    const h = new AbsHistogram(4);
    h.add(Float32Array.from([0, 0, 0]));
    expect(h.width).toBe(0);
    expect(h.total).toBe(3);
    h.add(Float32Array.from([NaN, 2, -0.1]));
    expect(Array.from(h.counts)).toEqual([4, 0, 0, 1]);
    expect(h.total).toBe(5);
  });

  it('a NaN in an all-zero batch is not counted either', () => {
    const h = new AbsHistogram(4);
    h.add(Float32Array.from([0, NaN, 0]));
    expect(h.total).toBe(2);
  });

  it('a range far beyond the first batch merges whole groups of bins: counts exact, bins bounded', () => {
    // 4 bins of 0.25 over [0, 1]; then |x| up to 100 would need 400 bins, more than 4 * 4: bins
    // merge by ceil(400 / 16) = 25 into 1 bin of 6.25 ... until 100 fits in 16 bins.
    const h = new AbsHistogram(4);
    h.add(Float32Array.from([0.1, 0.3, 0.6, 1]));
    h.add(Float32Array.from([5, 7, 100, -99]));
    expect(h.width).toBeCloseTo(6.25, 12);
    expect(h.counts.length).toBe(16);
    // By hand: 0.1, 0.3, 0.6, 1 and 5 are in [0, 6.25); 7 in [6.25, 12.5); 99 and 100 in the last bin.
    expect(Array.from(h.counts).filter((c) => c > 0)).toEqual([5, 1, 2]);
    expect([h.counts[0], h.counts[1], h.counts[15]]).toEqual([5, 1, 2]);
    expect(h.total).toBe(8);
  });

  it('refuses infinities', () => {
    expect(() => new AbsHistogram(4).add([1, Infinity])).toThrow(/infinity/);
  });
});

describe('percentileAmax', () => {
  it('is the upper edge of the bin where the cumulative count reaches the percentile', () => {
    const h = new AbsHistogram(8);
    // 100 values: 0.5, 1.5, ..., 7.5 in counts 40, 20, 10, 10, 10, 5, 4, 1, and one 8 -> width 1
    const values: number[] = [8];
    [40, 20, 10, 10, 10, 5, 4, 0].forEach((n, k) => values.push(...new Array<number>(n).fill(k + 0.5)));
    h.add(values);
    expect(Array.from(h.counts)).toEqual([40, 20, 10, 10, 10, 5, 4, 1]);
    // cumulative: 40 60 70 80 90 95 99 100
    expect(percentileAmax(h, 50)).toBe(2);
    expect(percentileAmax(h, 60)).toBe(2);
    expect(percentileAmax(h, 95)).toBe(6);
    expect(percentileAmax(h, 99)).toBe(7);
    expect(percentileAmax(h, 99.99)).toBe(8);
    expect(percentileAmax(h, 100)).toBe(8);
    expect(() => percentileAmax(h, 0)).toThrow(/not in/);
  });

  it('of an all-zero tensor is 0', () => {
    const h = new AbsHistogram();
    h.add(new Float32Array(5));
    expect(percentileAmax(h, 99.99)).toBe(0);
  });
});
