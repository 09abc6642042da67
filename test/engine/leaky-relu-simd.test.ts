/**
 * LeakyRelu's vector forms (native/cpu/activation.cc LeakyRelu512 on AVX-512, LeakyRelu256 on
 * AVX2; every layer that applies it through ApplyActivation: unary layers, fused activations of
 * convolutions, pointwise chains) give formulas.inc's bits: v >= 0 ? v : alpha * v, the product
 * rounded to float32 once (the reference below: Math.fround of the double product, exact for two
 * float32 operands). Over lengths around vectors of 8 and 16 (the tails) and the special values:
 * NaN, +-0, +-Infinity, tiny and huge values. Exact: tolerance 0. Then a convolution with the
 * activation fused (oww_embedding's 1x3 layers over 24 channels) against onnxruntime's Conv +
 * LeakyRelu (helpers/compare.ts's tolerance), and the suite again with HYBRIDRT_CPU_KERNEL=avx2 in
 * a child process.
 */
import { expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { runVitestChild } from './helpers/child-vitest.js';
import { checkLayer } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

const f = Math.fround;

async function leakyRelu(x: Float32Array, alpha: number): Promise<Float32Array> {
  const d = new NetDraft('lr');
  const xi = d.input('x', 'float32', [x.length]);
  const [y] = d.layer('unary', 'lr', [xi], { op: 'leaky_relu', alpha }, [{ dtype: 'float32', shape: [x.length] }]);
  d.output(y!);
  const e = await buildEngine(d.finish(), { backend: 'cpu' });
  try {
    const [out] = await e.createContext().run([x]);
    return out as Float32Array;
  } finally {
    e.dispose();
  }
}

const forced = process.env.HYBRIDRT_CPU_KERNEL !== undefined;

describeIf(HAS_NATIVE, 'LeakyRelu, vector forms', NATIVE_MISSING, () => {
  it('the formula bit for bit, tails of 1 to 17 lanes and special values', async () => {
    const special = [NaN, 0, -0, Infinity, -Infinity, 1e-40, -1e-40, 3e38, -3e38, 1.5, -1.5, -2.5e-38, 2.5, -0.1, 0.1, -7, 7];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 16 - 8;
    for (const alpha of [0.2, 0.01, -1.5]) {
      const a = f(alpha);
      for (const n of [1, 7, 8, 9, 15, 16, 17, 33, 100]) {
        const x = Float32Array.from({ length: n }, (_, i) => (i < special.length && n >= 17 ? special[i]! : rand()));
        const y = await leakyRelu(x, alpha);
        const want = Float32Array.from(x, (v) => (v >= 0 ? v : f(a * v)));
        // Bits, NaN and -0 included.
        expect(Array.from(new Uint32Array(y.buffer, y.byteOffset, n)), `alpha ${alpha}, n ${n}`).toEqual(Array.from(new Uint32Array(want.buffer)));
      }
    }
  });

  it('fused into a 1x3 and a 3x1 convolution over 24 channels, against onnxruntime', async () => {
    for (const [kernel, pads] of [
      [
        [1, 3],
        [0, 1, 0, 1],
      ],
      [
        [3, 1],
        [0, 0, 0, 0],
      ],
    ]) {
      const inputs = [randomFloat([1, 24, 18, 13], 3), randomFloat([24, 24, kernel[0]!, kernel[1]!], 4), randomFloat([24], 5)];
      await checkLayer({
        op: 'Conv',
        attrs: { kernel_shape: kernel, strides: [1, 1], pads, dilations: [1, 1], group: 1 },
        inputs,
        constants: [1, 2],
        kind: 'convolution',
        then: [{ op: 'LeakyRelu', attrs: { alpha: 0.2 } }],
        params: {
          kernel,
          strides: [1, 1],
          padsBegin: pads.slice(0, 2),
          padsEnd: pads.slice(2),
          dilations: [1, 1],
          groups: 1,
          activation: { op: 'leaky_relu', alpha: 0.2 },
        },
      });
    }
  });
});

describeIf(HAS_NATIVE && !forced, 'LeakyRelu, the AVX2 form (HYBRIDRT_CPU_KERNEL=avx2)', NATIVE_MISSING, () => {
  it('the suite above passes with HYBRIDRT_CPU_KERNEL=avx2', () => {
    expect(runVitestChild(['test/engine/leaky-relu-simd.test.ts'], { HYBRIDRT_CPU_KERNEL: 'avx2' })).toMatch(/Tests\s+2 passed/);
  }, 300_000);
});
