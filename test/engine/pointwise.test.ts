/**
 * The pointwise pass (native/src/builder/pointwise_fusion.h) and the pointwise layer
 * (native/layers/pointwise.h) on the cpu backend, where fusion runs when asked (`fusion: true`):
 * which chains become one layer and which layers must stay apart, and what the layer
 * computes. References: onnxruntime on the same chain as an ONNX model (fp32 within 1e-6 of
 * the output's scale: the interpreter uses the cpu's own formulas, onnxruntime its own erf
 * and sigmoid), the unfused engine (fp32: bit-equal, since every step is the same fp32
 * operation in the same order), and for hand-written programs formulas computed here.
 *
 * The branching chain:
 *
 *   x [2,4,6] ── Add(b [4,1]) ── t ──┬── Relu ──── r ──┐
 *                                    └── Sigmoid ─ s ──┴── Mul ── m ── Mul(z [2,1,6]) ── y
 *
 * t has two readers, so it stays its own layer; relu, sigmoid and both muls become one
 * pointwise layer reading t and z.
 */
import { expect, it } from 'vitest';
import { type Engine, buildEngine, deserializeEngine } from '../../src/engine/engine.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { HybridError } from '../../src/errors.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/onnx/half.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { type Chain, broadcastIO, chainFeeds, chainNetwork, chainReference, gelu16Network, geluChain } from './helpers/chain-net.js';
import { maxRelError } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

const layers = (e: Engine) => e.info().layers.filter((l) => l.kind !== 'constant');

const branching: Chain = {
  ...broadcastIO,
  steps: [
    { op: 'Add', inputs: ['x', 'b'], output: 't' },
    { op: 'Relu', inputs: ['t'], output: 'r' },
    { op: 'Sigmoid', inputs: ['t'], output: 's' },
    { op: 'Mul', inputs: ['r', 's'], output: 'm' },
    { op: 'Mul', inputs: ['m', 'z'], output: 'y' },
  ],
  outputs: ['y'],
};

/** Runs fused and unfused engines of `c` and onnxruntime; returns the fused engine's layers. */
async function checkChain(c: Chain, tol = 1e-6) {
  const net = chainNetwork(c);
  const plain = await buildEngine(net, { backend: 'cpu', fusion: false });
  const fused = await buildEngine(net, { backend: 'cpu', fusion: true });
  try {
    for (const seed of [1, 7]) {
      const feeds = chainFeeds(c, seed);
      const args = c.inputs.map((i) => feeds[i.name]!.data as Float32Array);
      const want = await chainReference(c, feeds);
      const unfused = (await plain.createContext().run(args)) as Float32Array[];
      const have = (await fused.createContext().run(args)) as Float32Array[];
      have.forEach((h, i) => {
        expect(maxRelError(h, want[i]!), `output ${c.outputs[i]} vs onnxruntime, seed ${seed}`).toBeLessThanOrEqual(tol);
        expect(Array.from(h), `output ${c.outputs[i]} vs the unfused engine, seed ${seed}`).toEqual(Array.from(unfused[i]!));
      });
    }
    return { layers: layers(fused), fusions: fused.info().build.fusions };
  } finally {
    plain.dispose();
    fused.dispose();
  }
}

describeIf(HAS_NATIVE, 'pointwise chains (cpu)', NATIVE_MISSING, () => {
  it("GELU's five layers become one pointwise layer, its constants in the program", async () => {
    const { layers: got, fusions } = await checkChain(geluChain);
    expect(got.map((l) => [l.name, l.kind, l.fusedFrom])).toEqual([['y', 'pointwise', ['div', 'erf', 'add', 'mul']]]);
    expect(fusions.pointwise).toBe(1);
  });

  it('a tensor with two readers stays its own layer; the branches after it merge', async () => {
    const { layers: got } = await checkChain(branching);
    expect(got.map((l) => [l.name, l.kind])).toEqual([
      ['t', 'elementwise'],
      ['y', 'pointwise'],
    ]);
  });

  it('an intermediate that is a network output is not swallowed', async () => {
    const c: Chain = { ...geluChain, outputs: ['erf', 'y'] };
    const { layers: got } = await checkChain(c);
    // div + erf were already one layer (the fusion pass's activation); add, mul, mul read it.
    expect(got.map((l) => [l.name, l.kind])).toEqual([
      ['div', 'elementwise'],
      ['y', 'pointwise'],
    ]);
  });

  it('is on by default on the cpu backend (as fusion is); `pointwise` switches it apart from fusion', async () => {
    const net = chainNetwork(geluChain);
    const kinds = async (config: Parameters<typeof buildEngine>[1]) => {
      const e = await buildEngine(net, config);
      try {
        return layers(e).map((l) => l.kind);
      } finally {
        e.dispose();
      }
    };
    expect(await kinds({ backend: 'cpu' })).toEqual(['pointwise']);
    expect(await kinds({ backend: 'cpu', fusion: false })).toEqual(['elementwise', 'unary', 'elementwise', 'elementwise', 'elementwise']);
    expect(await kinds({ backend: 'cpu', fusion: false, pointwise: true })).toEqual(['pointwise']);
    // Fusion alone: erf becomes div's activation, the rest stays.
    expect(await kinds({ backend: 'cpu', fusion: true, pointwise: false })).toEqual(['elementwise', 'elementwise', 'elementwise', 'elementwise']);
    await expect(buildEngine(net, { pointwise: 1 as never })).rejects.toMatchObject({ code: 'OPTION' });
  });

  it('fp16 tensors: the cast at the end joins the chain, and no intermediate is rounded to fp16', async () => {
    const shape = [2, 8, 64];
    const net = gelu16Network(shape, true);
    const fused = await buildEngine(net, { backend: 'cpu', fusion: true });
    const plain = await buildEngine(net, { backend: 'cpu', fusion: false });
    try {
      expect(layers(fused).map((l) => [l.name, l.kind, l.fusedFrom])).toEqual([['y', 'pointwise', ['div', 'erf', 'add', 'mul', 'mul2']]]);
      const x32 = randomFloat(shape, 3, -3, 3).data as Float32Array;
      const bits = Uint16Array.from(x32, (v) => float32ToFloat16Bits(v));
      const rounded = Float32Array.from(bits, (b) => float16BitsToFloat32(b));
      const [want] = await chainReference(geluChain, { x: { dtype: 'float32', dims: shape, data: rounded } });
      const [have] = (await fused.createContext().run([bits])) as Float32Array[];
      const [stepwise] = (await plain.createContext().run([bits])) as Float32Array[];
      // The constants are fp16 values (sqrt2 rounds to 1.4141), so compare with onnxruntime at
      // fp16 constant accuracy: 2^-11 relative on the divisor; the unfused engine also rounds
      // each of its four intermediates to fp16 and ends further away.
      const fusedErr = maxRelError(have!, want!);
      expect(fusedErr).toBeLessThanOrEqual(4e-4);
      expect(fusedErr).toBeLessThan(maxRelError(stepwise!, want!));
    } finally {
      fused.dispose();
      plain.dispose();
    }
  });

  it('a plan keeps the program: same layers, bit-equal outputs', async () => {
    const fused = await buildEngine(chainNetwork(branching), { backend: 'cpu', fusion: true });
    const again = await deserializeEngine(fused.serialize());
    try {
      expect(layers(again).map((l) => [l.name, l.kind, l.fusedFrom])).toEqual(layers(fused).map((l) => [l.name, l.kind, l.fusedFrom]));
      const feeds = chainFeeds(branching, 5);
      const args = branching.inputs.map((i) => feeds[i.name]!.data as Float32Array);
      const a = (await fused.createContext().run(args)) as Float32Array[];
      const b = (await again.createContext().run(args)) as Float32Array[];
      expect(Array.from(b[0]!)).toEqual(Array.from(a[0]!));
    } finally {
      fused.dispose();
      again.dispose();
    }
  });
});

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

describeIf(HAS_NATIVE, 'pointwise layers as input (cpu)', NATIVE_MISSING, () => {
  it('computes clip and leaky_relu with constant parameters over a broadcast input', async () => {
    const e = await buildEngine(programNet('sub(x0,x1);leaky_relu(t0,c0);clip(t1,c1,c2)', [0.1, -0.5, 2]));
    try {
      const x = randomFloat([3, 4], 11, -4, 4).data as Float32Array;
      const w = Float32Array.of(1, -1, 0.5, 3);
      const [y] = (await e.createContext().run([x, w])) as Float32Array[];
      const want = Array.from(x, (v, i) => {
        const t = Math.fround(v - w[i % 4]!);
        const l = t >= 0 ? t : Math.fround(Math.fround(0.1) * t);
        return Math.min(Math.max(l, -0.5), 2);
      });
      expect(Array.from(y!)).toEqual(want);
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
    const e = await buildEngine(d.finish(), { backend: 'cpu' });
    try {
      const xs = randomFloat([3, 5, 37], 3).data as Float32Array;
      const as = randomFloat([5, 1], 4).data as Float32Array;
      const bs = randomFloat([3, 1, 37], 5).data as Float32Array;
      const [got] = (await e.createContext().run([xs, as, bs])) as Float32Array[];
      const want = Array.from(xs, (v, i) => {
        const [n, c, w] = [Math.floor(i / 185), Math.floor(i / 37) % 5, i % 37];
        return Math.fround(Math.fround(v * as[c]!) + bs[n * 37 + w]!);
      });
      expect(Array.from(got!)).toEqual(want);
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
      const e = await buildEngine(net, { backend: 'cpu', threads });
      try {
        const [got] = (await e.createContext().run([xs, as, bs, cs])) as Float32Array[];
        expect(Array.from(got!)).toEqual(want);
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
    const err = await buildEngine(programNet(program, constants)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).message).toContain("layer 'pw' (pointwise)");
    expect((err as HybridError).message).toContain(fragment);
  });

  it('refuses an input that does not broadcast to the output', async () => {
    const err = await buildEngine(programNet('add(x0,x1)', undefined, 2, [4])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HybridError);
    expect((err as HybridError).message).toContain('does not broadcast');
  });
});
