/**
 * TensorRT's entropy calibration (EntropyCalibration2, described in "8-bit Inference with
 * TensorRT", GTC 2017, and implemented by NVIDIA's pytorch-quantization as
 * `_compute_amax_entropy`): over a histogram of |x|, each candidate threshold i (in bins, from
 * 128 up to the histogram's length) gives
 * - P, the reference: bins [0, i) with every count beyond (the outliers) added to bin i - 1;
 * - Q, its 128-level quantization: bins [0, i) cut into 128 groups of (about) i / 128 bins
 *   (bin k in group floor(k * 128 / i)), each group's count spread evenly over its non-empty
 *   bins (empty bins stay empty);
 * and the threshold is the one whose KL(P || Q) is smallest (ties: the largest threshold), at
 * the upper edge of bin i - 1. As in pytorch-quantization, bin 0 counts as bin 1 does: the
 * zeros of a ReLU would otherwise dominate every merge with bin 0 and pull the threshold down.
 *
 * NOTE: like TensorRT's, the method compares the clipped reference with its own quantization,
 * so it cannot see the clipping itself where the clipped values all land in one group: a
 * tensor whose values stay far from 0 (no ReLU zeros, a positive offset) can get a threshold
 * at its smallest values. Use 'minmax' or 'percentile' for such tensors, and give entropy
 * calibration enough values (thousands per tensor) to fill its 2048 bins.
 */
import type { AbsHistogram } from './histogram.js';

/** Quantization levels of a signed 8-bit range, sign apart. */
export const ENTROPY_LEVELS = 128;

/** KL(P || Q) for candidate threshold `i` (in bins) over `bins`; Infinity where Q misses mass P has. */
export function klForThreshold(bins: ArrayLike<number>, i: number, levels = ENTROPY_LEVELS): number {
  let outliers = 0;
  for (let k = i; k < bins.length; k++) outliers += bins[k]!;
  const q = new Float64Array(i);
  let pSum = outliers;
  let qSum = 0;
  for (let j = 0; j < levels; j++) {
    // Bin k joins group floor(k * levels / i): pytorch-quantization's np.digitize over linspace(0, i, levels + 1).
    const start = Math.ceil((j * i) / levels);
    const end = Math.min(i, Math.ceil(((j + 1) * i) / levels));
    let sum = 0;
    let nonEmpty = 0;
    for (let k = start; k < end; k++) {
      sum += bins[k]!;
      if (bins[k]! !== 0) nonEmpty++;
    }
    for (let k = start; k < end; k++) q[k] = bins[k]! !== 0 ? sum / nonEmpty : 0;
    pSum += sum;
    qSum += sum;
  }
  if (pSum === 0) return 0;
  let kl = 0;
  for (let k = 0; k < i; k++) {
    const p = (bins[k]! + (k === i - 1 ? outliers : 0)) / pSum;
    if (p === 0) continue;
    if (q[k] === 0) return Infinity;
    kl += p * Math.log(p / (q[k]! / qSum));
  }
  return kl;
}

/** The entropy threshold (an |x| value) of a histogram; 0 for a tensor that was all zeros. */
export function entropyAmax(h: AbsHistogram, levels = ENTROPY_LEVELS): number {
  if (h.width === 0) return 0;
  const bins = Float64Array.from(h.counts);
  if (bins.length > 1) bins[0] = bins[1]!;
  if (bins.length <= levels) return h.absMax;
  let best = Infinity;
  let bestI = bins.length;
  for (let i = levels; i <= bins.length; i++) {
    const kl = klForThreshold(bins, i, levels);
    if (kl <= best) {
      best = kl;
      bestI = i;
    }
  }
  return Math.min(bestI * h.width, h.absMax);
}
