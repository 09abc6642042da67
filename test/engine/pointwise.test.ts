/**
 * The pointwise pass (native/src/builder/pointwise_fusion.h) and the pointwise layer
 * (native/layers/pointwise.h) on the cpu backend, where fusion runs when asked (`fusion: true`):
 * which chains become one layer and which layers must stay apart, and what the layer
 * computes. References: onnxruntime on the same chain as an ONNX model (fp32 within 1e-6 of
 * the output's scale: the interpreter uses the cpu's own formulas, onnxruntime its own erf
 * and sigmoid), the unfused engine (fp32: bit-equal, since every step is the same fp32
 * operation in the same order). The layer given as input (hand-written programs) has its own
 * suite, run on both backends: pointwise-layer.test.ts.
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
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../src/onnx/half.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { type Chain, broadcastIO, chainFeeds, chainNetwork, chainReference, gelu16Network, geluChain } from './helpers/chain-net.js';
import { maxRelError } from './helpers/compare.js';
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
