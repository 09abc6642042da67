/**
 * A histogram of |x| per tensor, as TensorRT's entropy calibrator collects it (and NVIDIA's
 * pytorch-quantization HistogramCalibrator, its reference implementation): 2048 bins of equal
 * width over [0, max|x|] of the first batch that holds a non-zero value; a later batch with a
 * larger |x| extends the histogram with more bins of the same width, so that no count is ever
 * re-binned (the counts stay exact whatever the batch order). Bin k holds |x| in
 * [k * width, (k + 1) * width); the largest value of the first batch lands in the last bin.
 * Where a later batch's range would need more than MAX_BINS_FACTOR times the first one's bins
 * (a first batch of near-zero values), adjacent bins are merged by a whole factor and the width
 * grows by it: the counts stay exact at the coarser width, and the memory and the threshold
 * search (quadratic in the bins) stay bounded.
 */

export const HISTOGRAM_BINS = 2048;
export const MAX_BINS_FACTOR = 4;

export class AbsHistogram {
  /** Counts per bin (length >= HISTOGRAM_BINS once a non-zero value was seen). */
  counts: Float64Array = new Float64Array(0);
  /** The bin width; 0 until a non-zero value was seen. */
  width = 0;
  /** Zeros seen before the width was known (they join bin 0). */
  private zeros = 0;
  /** The largest |x| seen. */
  absMax = 0;

  constructor(readonly bins = HISTOGRAM_BINS) {}

  /** Adds a batch's values (NaN is ignored; an infinity is an error of the caller's data). */
  add(values: ArrayLike<number>): void {
    let max = 0;
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]!);
      if (a > max) max = a;
    }
    if (!Number.isFinite(max)) throw new RangeError('a calibration tensor holds an infinity');
    if (max > this.absMax) this.absMax = max;
    if (this.width === 0) {
      if (max === 0) {
        for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) this.zeros++;
        return;
      }
      this.width = max / this.bins;
      this.counts = new Float64Array(this.bins);
      this.counts[0] = this.zeros;
    }
    // Bins up to max (a value on the last edge joins the last bin; 1e-9 absorbs the rounding of max / width).
    let need = Math.ceil(max / this.width - 1e-9);
    const cap = this.bins * MAX_BINS_FACTOR;
    if (need > cap) {
      const f = Math.ceil(need / cap);
      const merged = new Float64Array(Math.ceil(this.counts.length / f));
      for (let k = 0; k < this.counts.length; k++) merged[Math.floor(k / f)]! += this.counts[k]!;
      this.counts = merged;
      this.width *= f;
      need = Math.ceil(max / this.width - 1e-9);
    }
    if (need > this.counts.length) {
      const grown = new Float64Array(need);
      grown.set(this.counts);
      this.counts = grown;
    }
    const last = this.counts.length - 1;
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]!);
      if (Number.isNaN(a)) continue;
      this.counts[Math.min(last, Math.floor(a / this.width))]! += 1;
    }
  }

  /** The number of values counted (NaN excluded). */
  get total(): number {
    let t = this.width === 0 ? this.zeros : 0;
    for (const c of this.counts) t += c;
    return t;
  }
}

/**
 * The `percentile` (0-100] of |x|: the upper edge of the first bin at which the cumulative
 * count reaches percentile% of all values (0 for a tensor that was all zeros).
 */
export function percentileAmax(h: AbsHistogram, percentile: number): number {
  if (!(percentile > 0 && percentile <= 100)) throw new RangeError(`percentile ${percentile} is not in (0, 100]`);
  if (h.width === 0) return 0;
  const target = (h.total * percentile) / 100;
  let sum = 0;
  for (let k = 0; k < h.counts.length; k++) {
    sum += h.counts[k]!;
    if (sum >= target) return Math.min((k + 1) * h.width, h.absMax);
  }
  return h.absMax;
}
