/**
 * The pointwise layer (native/layers/pointwise.h; kernels cpu/pointwise.cc and the NVRTC code
 * of cuda/pointwise.cc) given as input, as the builder writes it: a program of element-wise
 * steps over broadcast inputs, on the backend compare.ts names (test/gpu/engine-layers.test.ts
 * runs these cases on cuda; the pointwise pass that makes such layers is pointwise.test.ts and,
 * on cuda, test/gpu/pointwise.test.ts). References: each step's float32 rounding computed here
 * (Math.fround). Tolerance: bit-equal on cpu, which rounds every step; on cuda, 1e-6 of the
 * output's scale, since NVRTC contracts a product and a sum into one fused multiply-add (one
 * rounding fewer: at most 2^-24 of the product, the products here below 4). The program's
 * errors are the layer's rule, the same on both.
 */
import { expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { HybridError } from '../../src/errors.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { BACKEND, maxRelError } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

const TOL = BACKEND === 'cpu' ? 0 : 1e-6;

/** got against want: bit-equal on cpu, within TOL of want's scale on cuda. */
function expectSteps(got: Float32Array, want: number[]): void {
  if (TOL === 0) expect(Array.from(got)).toEqual(want);
  else expect(maxRelError(got, want)).toBeLessThanOrEqual(TOL);
}

/** A hand-written pointwise layer over x [3,4] and w [4] (the builder form as input). */
function programNet(program: string, constants: number[] | undefined, inputs = 2, outShape = [3, 4]): NetworkDefinition {
  const d = new NetDraft('prog');
  const x = d.input('x', 'float32', [3, 4]);
  const w = d.input('w', 'float32', [4]);
  const params = constants ? { program, constants } : { program };
  const [y] = d.layer('pointwise', 'pw', inputs === 2 ? [x, w] : [x], params, [{ dtype: 'float32', shape: outShape }]);
  d.output(y!);
  return d.finish();
}

describeIf(HAS_NATIVE, `pointwise layers as input (${BACKEND})`, NATIVE_MISSING, () => {
  it('computes clip and leaky_relu with constant parameters over a broadcast input', async () => {
    const e = await buildEngine(programNet('sub(x0,x1);leaky_relu(t0,c0);clip(t1,c1,c2)', [0.1, -0.5, 2]), { backend: BACKEND });
    try {
      const x = randomFloat([3, 4], 11, -4, 4).data as Float32Array;
      const w = Float32Array.of(1, -1, 0.5, 3);
      const [y] = (await e.createContext().run([x, w])) as Float32Array[];
      const want = Array.from(x, (v, i) => {
        const t = Math.fround(v - w[i % 4]!);
        const l = t >= 0 ? t : Math.fround(Math.fround(0.1) * t);
        return Math.min(Math.max(l, -0.5), 2);
      });
      expectSteps(y!, want);
    } finally {
      e.dispose();
    }
  });

  it('gathers broadcast inputs of several shapes across blocks that split rows', async () => {
    // y [3,5,37] = x [3,5,37] * a [5,1] + b [3,1,37]: 555 outputs, blocks (512) end mid-row,
    // a repeats one value per row, b one row per batch.
    const d = new NetDraft('gather');
    const x = d.input('x', 'float32', [3, 5, 37]);
    const a = d.input('a', 'float32', [5, 1]);
    const b = d.input('b', 'float32', [3, 1, 37]);
    const [y] = d.layer('pointwise', 'pw', [x, a, b], { program: 'mul(x0,x1);add(t0,x2)' }, [{ dtype: 'float32', shape: [3, 5, 37] }]);
    d.output(y!);
    const e = await buildEngine(d.finish(), { backend: BACKEND });
    try {
      const xs = randomFloat([3, 5, 37], 3).data as Float32Array;
      const as = randomFloat([5, 1], 4).data as Float32Array;
      const bs = randomFloat([3, 1, 37], 5).data as Float32Array;
      const [got] = (await e.createContext().run([xs, as, bs])) as Float32Array[];
      const want = Array.from(xs, (v, i) => {
        const [n, c, w] = [Math.floor(i / 185), Math.floor(i / 37) % 5, i % 37];
        return Math.fround(Math.fround(v * as[c]!) + bs[n * 37 + w]!);
      });
      expectSteps(got!, want);
    } finally {
      e.dispose();
    }
  });

  it('reads one value a block of per-channel inputs, and of inputs whose dims lie apart, on 1 and 2 threads', async () => {
    // y [2,3,4,300] = x * a [3,1,1] + b [2,1,4,1] - c [2,3,1,1]: a channel's 1200 outputs hold
    // whole blocks (of 512), where a and c are one value read by one division (cpu/pointwise.cc,
    // their dims one span); blocks that cross channels fill runs of them; b (its dims apart)
    // goes through the gather.
    const shape = [2, 3, 4, 300];
    const d = new NetDraft('cyclic');
    const x = d.input('x', 'float32', shape);
    const a = d.input('a', 'float32', [3, 1, 1]);
    const b = d.input('b', 'float32', [2, 1, 4, 1]);
    const c = d.input('c', 'float32', [2, 3, 1, 1]);
    const [y] = d.layer('pointwise', 'pw', [x, a, b, c], { program: 'mul(x0,x1);add(t0,x2);sub(t1,x3)' }, [{ dtype: 'float32', shape }]);
    d.output(y!);
    const net = d.finish();
    const xs = randomFloat(shape, 6).data as Float32Array;
    const as = randomFloat([3, 1, 1], 7).data as Float32Array;
    const bs = randomFloat([2, 1, 4, 1], 8).data as Float32Array;
    const cs = randomFloat([2, 3, 1, 1], 9).data as Float32Array;
    const want = Array.from(xs, (v, i) => {
      const [n, ch, h] = [Math.floor(i / 3600), Math.floor(i / 1200) % 3, Math.floor(i / 300) % 4];
      return Math.fround(Math.fround(Math.fround(v * as[ch]!) + bs[n * 4 + h]!) - cs[n * 3 + ch]!);
    });
    for (const threads of [1, 2]) {
      const e = await buildEngine(net, { backend: BACKEND, threads });
      try {
        const [got] = (await e.createContext().run([xs, as, bs, cs])) as Float32Array[];
        expectSteps(got!, want);
      } finally {
        e.dispose();
      }
    }
  });

  it.each([
    ['foo(x0);add(t0,x1)', undefined, 'unknown op'],
    ['add(x0,x5)', undefined, 'input 5 of 2'],
    ['relu(t1);add(t0,x1)', undefined, 'does not precede'],
    ['leaky_relu(x0,x1)', undefined, 'must be a constant'],
    ['add(x0,x1);clip(t0,c0,c3)', [0, 1], 'constant 3 of 2'],
    ['relu(x0)', undefined, 'input x1 is never read'],
    ['add(x0,x1', undefined, 'is not op(operands)'],
    ['add(x0)', undefined, 'takes 2 operands'],
  ])('refuses the program %s', async (program, constants, fragment) => {
    const err = await buildEngine(programNet(program, constants), { backend: BACKEND }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).message).toContain("layer 'pw' (pointwise)");
    expect((err as HybridError).message).toContain(fragment);
  });

  it('refuses an input that does not broadcast to the output', async () => {
    const err = await buildEngine(programNet('add(x0,x1)', undefined, 2, [4]), { backend: BACKEND }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).message).toContain('does not broadcast');
  });
});
