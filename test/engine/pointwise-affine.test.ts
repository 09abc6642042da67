/**
 * The pointwise layer's per-channel affine planes (native/cpu/pointwise_affine.h): a fused
 * mul(x, scale); add(t0, shift)[; relu(t1)] with scale and shift one value a channel, as
 * densenet121's BatchNormalization + Relu after each Concat becomes, runs one pass a plane
 * instead of the interpreter's block buffers. Planes of 1024, 64, 16 (whole vectors), 49 and 15
 * floats (a masked tail), batch 2, the operands of each step in either order, with and without
 * the Relu. References: onnxruntime on the same chain (within 1e-6 of the output's scale) and the
 * unfused engine (bit-equal: the product, then the sum, each rounded, then v < 0 ? 0 : v, as the
 * separate layers compute). Then again with HYBRIDRT_CPU_KERNEL=portable in a child process (the
 * plain loop).
 */
import { expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { runVitestChild } from './helpers/child-vitest.js';
import { type Chain, chainFeeds, chainNetwork, chainReference } from './helpers/chain-net.js';
import { maxRelError } from './helpers/compare.js';

function affineChain(x: number[], relu: boolean, swapped: boolean): Chain {
  const c = x[1]!;
  const values = (k: number) => Array.from({ length: c }, (_, i) => Math.sin(i * 1.7 + k) * 1.5);
  const steps = [
    { op: 'Mul', inputs: swapped ? ['s', 'x'] : ['x', 's'], output: 't' },
    { op: 'Add', inputs: swapped ? ['b', 't'] : ['t', 'b'], output: relu ? 'u' : 'y' },
  ];
  if (relu) steps.push({ op: 'Relu', inputs: ['u'], output: 'y' });
  return {
    inputs: [{ name: 'x', shape: x }],
    constants: [
      { name: 's', shape: [c, 1, 1], values: values(0) },
      { name: 'b', shape: [c, 1, 1], values: values(2) },
    ],
    steps,
    outputs: ['y'],
  };
}

async function check(c: Chain): Promise<void> {
  const net = chainNetwork(c);
  const plain = await buildEngine(net, { backend: 'cpu', fusion: false });
  const fused = await buildEngine(net, { backend: 'cpu', fusion: true, threads: 2 });
  try {
    const kinds = fused
      .info()
      .layers.filter((l) => l.kind !== 'constant')
      .map((l) => l.kind);
    expect(kinds).toEqual(['pointwise']);
    for (const seed of [3, 11]) {
      const feeds = chainFeeds(c, seed);
      const args = [feeds.x!.data as Float32Array];
      const want = (await chainReference(c, feeds))[0]!;
      const unfused = ((await plain.createContext().run(args)) as Float32Array[])[0]!;
      const have = ((await fused.createContext().run(args)) as Float32Array[])[0]!;
      expect(maxRelError(have, want), `vs onnxruntime, seed ${seed}`).toBeLessThanOrEqual(1e-6);
      expect(Array.from(have), `vs the unfused engine, seed ${seed}`).toEqual(Array.from(unfused));
    }
  } finally {
    plain.dispose();
    fused.dispose();
  }
}

const forced = process.env.HYBRIDRT_CPU_KERNEL !== undefined;

describeIf(HAS_NATIVE, 'per-channel affine planes (cpu pointwise)', NATIVE_MISSING, () => {
  it('BatchNormalization + Relu as densenet121 runs it: planes of 1024, 64 and 16 floats, batch 2', async () => {
    await check(affineChain([1, 64, 32, 32], true, false));
    await check(affineChain([2, 24, 8, 8], true, false));
    await check(affineChain([1, 40, 4, 4], true, false));
  });
  it('planes of 49 and 15 floats (a masked tail), the operands swapped, without the Relu', async () => {
    await check(affineChain([2, 12, 7, 7], true, true));
    await check(affineChain([1, 5, 3, 5], false, false));
    await check(affineChain([2, 9, 7, 7], false, true));
  });
});

describeIf(HAS_NATIVE && !forced, 'per-channel affine planes, the plain loop (HYBRIDRT_CPU_KERNEL=portable)', NATIVE_MISSING, () => {
  it('the suite above passes with HYBRIDRT_CPU_KERNEL=portable', () => {
    expect(runVitestChild(['test/engine/pointwise-affine.test.ts'], { HYBRIDRT_CPU_KERNEL: 'portable' })).toMatch(/Tests\s+2 passed/);
  }, 300_000);
});
