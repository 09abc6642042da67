/**
 * TensorRT's entropy threshold (src/quantize/entropy.ts): the KL divergence of small cases
 * worked out by hand, and the threshold of 2048-bin histograms against an independent
 * reference written here the way NVIDIA's pytorch-quantization writes it
 * (`_compute_amax_entropy`: np.digitize over linspace(0, i, 129), a Counter of group sizes,
 * scipy.stats.entropy), on known distributions.
 */
import { describe, expect, it } from 'vitest';
import { ENTROPY_LEVELS, entropyAmax, klForThreshold } from '../../src/quantize/entropy.js';
import { AbsHistogram } from '../../src/quantize/histogram.js';
import { mulberry32 } from '../../src/util/random.js';

/** scipy.stats.entropy(p, q): both normalized, sum p log(p / q), inf where q = 0 < p. */
function scipyEntropy(p: number[], q: number[]): number {
  const sp = p.reduce((a, b) => a + b, 0);
  const sq = q.reduce((a, b) => a + b, 0);
  let e = 0;
  for (let k = 0; k < p.length; k++) {
    const pk = p[k]! / sp;
    const qk = q[k]! / sq;
    if (pk === 0) continue;
    if (qk === 0) return Infinity;
    e += pk * Math.log(pk / qk);
  }
  return e;
}

/** np.digitize(x, edges) for increasing edges: the number of edges <= x (a binary search). */
function digitize(edges: number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** pytorch-quantization's _compute_amax_entropy (num_bits 8, signed, stride 1, start_bin 128), transcribed. */
function referenceAmax(hist: number[], width: number): number {
  const bins = [...hist];
  bins[0] = bins[1]!;
  const nbins = 128;
  const divergences: number[] = [];
  for (let i = nbins; i <= bins.length; i++) {
    const space = Array.from({ length: nbins + 1 }, (_, j) => (j * i) / nbins); // np.linspace(0, i, nbins + 1)
    const digitized = Array.from({ length: i }, (_, k) => digitize(space, k) - 1); // np.digitize(range(i), space) - 1
    for (let k = 0; k < i; k++) if (bins[k] === 0) digitized[k] = -1;
    const counts = new Array<number>(nbins).fill(0);
    const sizes = new Array<number>(nbins).fill(0);
    digitized.forEach((d, k) => {
      if (d !== -1) {
        counts[d] += bins[k]!;
        sizes[d]++;
      }
    });
    const newDensity = digitized.map((d) => (d === -1 ? 0 : counts[d]! / sizes[d]!));
    const reference = bins.slice(0, i);
    reference[i - 1] += bins.slice(i).reduce((a, b) => a + b, 0);
    divergences.push(scipyEntropy(reference, newDensity));
  }
  let last = 0;
  divergences.forEach((d, k) => {
    if (d <= divergences[last]!) last = k;
  });
  return (last + nbins) * width; // calib_bin_edges[last_argmin + start_bin]
}

describe('klForThreshold', () => {
  it('matches KL divergences worked out by hand (4 bins, 2 levels)', () => {
    const bins = [4, 2, 1, 1];
    // i = 2: P = [4, 2 + 2] / 8 (the outliers join bin 1), Q = [4, 2] / 6
    expect(klForThreshold(bins, 2, 2)).toBeCloseTo(0.5 * Math.log(0.5 / (4 / 6)) + 0.5 * Math.log(0.5 / (2 / 6)), 12);
    // i = 3: P = [4, 2, 1 + 1] / 8; groups {0, 1} (6 -> 3, 3) and {2} (1): Q = [3, 3, 1] / 7
    expect(klForThreshold(bins, 3, 2)).toBeCloseTo(
      0.5 * Math.log(0.5 / (3 / 7)) + 0.25 * Math.log(0.25 / (3 / 7)) + 0.25 * Math.log(0.25 / (1 / 7)),
      12,
    );
    // i = 4: no outliers; groups {0, 1} -> 3, 3 and {2, 3} -> 1, 1
    expect(klForThreshold(bins, 4, 2)).toBeCloseTo(0.5 * Math.log(0.5 / (3 / 8)) + 0.25 * Math.log(0.25 / (3 / 8)), 12);
    // an empty bin keeps its group's count off it; P with mass where Q has none is infinitely far
    expect(klForThreshold([2, 0, 2, 0], 4, 2)).toBe(0);
    expect(klForThreshold([2, 0, 0, 3], 2, 2)).toBe(Infinity);
  });
});

describe('entropyAmax', () => {
  const fromCounts = (counts: number[], width = 1): AbsHistogram => {
    const h = new AbsHistogram(counts.length);
    h.counts = Float64Array.from(counts);
    h.width = width;
    h.absMax = counts.length * width;
    return h;
  };

  it('keeps the whole range of a flat |x| distribution (nothing to clip)', () => {
    const h = fromCounts(new Array<number>(2048).fill(10), 0.01);
    expect(entropyAmax(h)).toBeCloseTo(20.48, 10);
  });

  it('clips a lone outlier far beyond the bulk of the values', () => {
    const counts = new Array<number>(2048).fill(0);
    for (let k = 0; k < 300; k++) counts[k] = 1000 - 3 * k;
    counts[2047] = 1;
    const amax = entropyAmax(fromCounts(counts, 1 / 256));
    expect(amax).toBeLessThan(400 / 256);
    expect(amax).toBe(referenceAmax(counts, 1 / 256));
  });

  it('agrees with the pytorch-quantization reference on Gaussian and ReLU-like activations', () => {
    const r = mulberry32(7);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    for (const [name, sample] of [
      ['gaussian', () => gauss()],
      ['relu of a gaussian', () => Math.max(0, gauss())],
      ['laplace', () => -Math.log(1 - r()) * (r() < 0.5 ? -1 : 1)],
    ] as const) {
      const h = new AbsHistogram();
      for (let b = 0; b < 3; b++) h.add(Float32Array.from({ length: 20000 }, sample));
      const got = entropyAmax(h);
      expect(got, name).toBeCloseTo(referenceAmax(Array.from(h.counts), h.width), 12);
      expect(got, name).toBeLessThan(h.absMax);
      expect(got, name).toBeGreaterThan((ENTROPY_LEVELS * h.width) / 2);
    }
  });
});
