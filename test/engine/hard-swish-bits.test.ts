/**
 * HardSwish's vector form (native/cpu/activation.cc HardSwish512, on AVX-512; every layer that
 * applies it through ApplyActivation: unary layers, fused activations of depthwise and blocked
 * convolutions, pointwise chains) gives formulas.inc's bits: x * clamp01(x / 6 + 0.5), each
 * operation rounded to float32 once (the reference below: Math.fround after each double
 * operation, exact for these). Over lengths around a vector of 16 (the masked tail) and the
 * special values: NaN, +-0, +-Infinity, the clamp's ends (-3, 3) and beyond, tiny and huge values.
 * Exact: tolerance 0.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { NetDraft } from './helpers/net.js';

const f = Math.fround;

function reference(v: number): number {
  const t = f(f(v / 6) + 0.5);
  const c = t < 0 ? 0 : t > 1 ? 1 : t; // clamp01, NaN kept
  return f(v * c);
}

async function hardSwish(x: Float32Array): Promise<Float32Array> {
  const d = new NetDraft('hs');
  const xi = d.input('x', 'float32', [x.length]);
  const [y] = d.layer('unary', 'hs', [xi], { op: 'hard_swish' }, [{ dtype: 'float32', shape: [x.length] }]);
  d.output(y!);
  const e = await buildEngine(d.finish(), { backend: 'cpu' });
  try {
    const [out] = await e.createContext().run([x]);
    return out as Float32Array;
  } finally {
    e.dispose();
  }
}

describe('HardSwish, vector form', () => {
  it('the formula bit for bit, tails of 1 to 17 lanes and special values', async () => {
    const special = [NaN, 0, -0, Infinity, -Infinity, -3, 3, -3.0000002, 2.9999998, -2.5, 0.1, 1e-40, -1e-40, 3e38, -3e38, 1.5, -1.5];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 16 - 8;
    for (const n of [1, 7, 15, 16, 17, 33, 100]) {
      const x = Float32Array.from({ length: n }, (_, i) => (i < special.length && n >= 17 ? special[i]! : rand()));
      const y = await hardSwish(x);
      const want = Float32Array.from(x, reference);
      // Bits, NaN and -0 included.
      expect(Array.from(new Uint32Array(y.buffer, y.byteOffset, n))).toEqual(Array.from(new Uint32Array(want.buffer)));
    }
  });
});
