/**
 * The project's one seeded pseudo-random generator and the few draws made from it. Probe
 * samples, the CLI's random inputs, the example models' weights and every test's random data
 * come from here, so that a seed names the same sequence everywhere and any run replays
 * exactly from its seed.
 *
 * mulberry32: 32 bits of state, a period of 2^32, statistically good enough for test data and
 * sampling, and trivially seedable. Not for cryptography.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** The generator for `seed` (any number; only its low 32 bits count). */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    let t = (state = (state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seed for the stream called `name` under `seed` (FNV-1a over the name's UTF-16 units,
 * started from the seed): one stream per input or per model, so that one stream's values do
 * not shift when another stream draws more or fewer numbers.
 */
export function streamSeed(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** A number uniform in [lo, hi). */
export function uniform(next: Random, lo: number, hi: number): number {
  return lo + (hi - lo) * next();
}

/** An integer uniform in [lo, hi) (lo and hi integers). */
export function randomInt(next: Random, lo: number, hi: number): number {
  return lo + Math.floor(next() * (hi - lo));
}

/**
 * Standard normal draws (Box-Muller: each pair of uniforms gives two values, the second kept
 * for the next call).
 */
export function normal(next: Random): Random {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    // 1 - u keeps the logarithm's argument in (0, 1].
    const r = Math.sqrt(-2 * Math.log(1 - next()));
    const theta = 2 * Math.PI * next();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

/** Fills `out` with numbers uniform in [lo, hi) and returns it. */
export function fillUniform<T extends Float32Array | Float64Array>(out: T, next: Random, lo = -1, hi = 1): T {
  for (let i = 0; i < out.length; i++) out[i] = lo + (hi - lo) * next();
  return out;
}
