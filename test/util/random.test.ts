/**
 * The shared generator against references computed outside this code: mulberry32's words from
 * its C definition (Tommy Ettinger's, compiled with gcc: `z = (s += 0x6D2B79F5); ...`),
 * FNV-1a's published 32-bit test vectors, and the moments of the derived draws.
 */
import { describe, expect, it } from 'vitest';
import { fillUniform, mulberry32, normal, randomInt, streamSeed, uniform } from '../../src/util/random.js';

/** The first four 32-bit words of mulberry32 in C for each seed. */
const C_WORDS: Record<number, number[]> = {
  0: [1144304738, 1416247, 958946056, 627933444],
  1: [2693262067, 11749833, 2265367787, 4213581821],
  20261120: [3824996810, 2461228684, 2706288404, 2927902441],
  4294967295: [3850105811, 813802916, 3073704848, 4054706436],
};

describe('mulberry32', () => {
  it('draws the C implementation words, divided by 2^32', () => {
    for (const [seed, words] of Object.entries(C_WORDS)) {
      const next = mulberry32(Number(seed));
      expect(
        words.map(() => next() * 2 ** 32),
        `seed ${seed}`,
      ).toEqual(words);
    }
  });

  it('uses the low 32 bits of the seed only', () => {
    const a = mulberry32(-1);
    const b = mulberry32(4294967295);
    for (let i = 0; i < 8; i++) expect(a()).toBe(b());
  });

  it('stays in [0, 1) with a uniform mean', () => {
    const next = mulberry32(5);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    // Standard error of the mean: sqrt(1/12 / 1e5) ~ 9e-4; 5 of them.
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(5e-3);
  });
});

describe('streamSeed', () => {
  it('is FNV-1a 32 of the name when the seed is 0 (published test vectors)', () => {
    expect(streamSeed(0, '')).toBe(0x811c9dc5);
    expect(streamSeed(0, 'a')).toBe(0xe40c292c);
    expect(streamSeed(0, 'foobar')).toBe(0xbf9cf968);
  });

  it('differs by seed and by name', () => {
    expect(streamSeed(1, 'x')).not.toBe(streamSeed(2, 'x'));
    expect(streamSeed(1, 'x')).not.toBe(streamSeed(1, 'y'));
  });
});

describe('draws', () => {
  it('uniform and fillUniform keep to [lo, hi)', () => {
    const next = mulberry32(3);
    for (let i = 0; i < 1000; i++) {
      const v = uniform(next, -3, 2);
      expect(v >= -3 && v < 2).toBe(true);
    }
    const a = fillUniform(new Float64Array(1000), mulberry32(4), 10, 11);
    expect(Math.min(...a)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...a)).toBeLessThan(11);
  });

  it('randomInt covers [lo, hi) and nothing else', () => {
    const next = mulberry32(9);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(randomInt(next, -2, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2]);
  });

  it('normal has mean 0 and variance 1', () => {
    const draw = normal(mulberry32(11));
    const n = 100_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = draw();
      s += v;
      s2 += v * v;
    }
    // Standard errors: mean 1/sqrt(n) ~ 3e-3, variance sqrt(2/n) ~ 4.5e-3; 5 of them.
    expect(Math.abs(s / n)).toBeLessThan(1.6e-2);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(2.3e-2);
  });
});
