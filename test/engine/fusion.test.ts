/**
 * The builder's fusion pass (native/src/builder/fusion.h) on the cpu backend, where it is off unless
 * asked for (`fusion: true`): which layers it merges, which it must leave alone, and that the
 * fused engine computes what the unfused one does (itself checked against onnxruntime by the
 * layer tests) within 1e-5 of the output's scale: the fused kernels do the same fp32
 * arithmetic in the same order, so only the order of a bias and a residual sum may differ.
 *
 * The network (test/engine/helpers/fusable-net.ts) is drawn there.
 */
import { expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine, buildEngine, deserializeEngine } from '../../src/engine/engine.js';
import { loadNative } from '../../src/engine/native.js';
import type { NetworkDefinition } from '../../src/engine/network.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { castPermNet, expectCastPerm } from './helpers/cast-perm-net.js';
import { exciteNet, exciteReference, scaleReference, type ExciteShape } from './helpers/excite-net.js';
import { fusable } from './helpers/fusable-net.js';
import { residualMatmulNet } from './helpers/residual-matmul-net.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';
import { maxRelError } from './helpers/compare.js';

const layers = (e: Engine) => e.info().layers.filter((l) => l.kind !== 'constant');

/** A fused cpu engine and its plan round trip list the same fused layers and compute the same bits. */
async function expectPlanKeepsFusion(net: NetworkDefinition, x: Float32Array): Promise<void> {
  const fused = await buildEngine(net, { backend: 'cpu', fusion: true });
  const again = await deserializeEngine(fused.serialize());
  try {
    expect(layers(again).map((l) => [l.name, l.fusedFrom])).toEqual(layers(fused).map((l) => [l.name, l.fusedFrom]));
    const a = (await fused.createContext().run([x])) as Float32Array[];
    const b = (await again.createContext().run([x])) as Float32Array[];
    expect(b.map((t) => Array.from(t))).toEqual(a.map((t) => Array.from(t)));
  } finally {
    fused.dispose();
    again.dispose();
  }
}

describeIf(HAS_NATIVE, 'fusion pass (cpu)', NATIVE_MISSING, () => {
  it('is on by default on the cpu backend too; fusion: false keeps every layer', async () => {
    const byDefault = await buildEngine(fusable(), { backend: 'cpu' });
    const fused = await buildEngine(fusable(), { backend: 'cpu', fusion: true });
    try {
      expect(layers(byDefault).map((l) => l.name)).toEqual(layers(fused).map((l) => l.name));
      expect(byDefault.info().build.fusions.silu).toBe(1);
    } finally {
      byDefault.dispose();
      fused.dispose();
    }
    const plain = await buildEngine(fusable(), { backend: 'cpu', fusion: false });
    try {
      expect(layers(plain).map((l) => l.name)).toEqual([
        'conv1',
        'sig',
        'silu_mul',
        'conv2',
        'res_add',
        'res_relu',
        'conv3',
        'relu3',
        'flatten',
        'fc',
        'fc_bias',
        'fc_relu',
      ]);
      expect(plain.info().build.fusions).toEqual({ attention: 0, silu: 0, matmulBias: 0, activation: 0, residual: 0, excite: 0, pointwise: 0 });
    } finally {
      plain.dispose();
    }
  });

  it('merges silu, residual + relu, matmul + bias + relu; leaves a network output unfused; same results', async () => {
    const plain = await buildEngine(fusable(), { backend: 'cpu', fusion: false });
    const fused = await buildEngine(fusable(), { backend: 'cpu', fusion: true });
    try {
      const got = layers(fused).map((l) => ({ name: l.name, kind: l.kind, fusedFrom: l.fusedFrom }));
      expect(got).toEqual([
        { name: 'conv1', kind: 'convolution', fusedFrom: ['sig', 'silu_mul'] },
        { name: 'conv2', kind: 'convolution', fusedFrom: ['res_add', 'res_relu'] },
        { name: 'conv3', kind: 'convolution', fusedFrom: undefined },
        { name: 'relu3', kind: 'unary', fusedFrom: undefined },
        { name: 'flatten', kind: 'shuffle', fusedFrom: undefined },
        { name: 'fc', kind: 'matmul', fusedFrom: ['fc_bias', 'fc_relu'] },
      ]);
      // Activations: silu into conv1, relu into the residual add (then into conv2), relu into fc.
      expect(fused.info().build.fusions).toEqual({ attention: 0, silu: 1, matmulBias: 1, activation: 3, residual: 1, excite: 0, pointwise: 0 });
      expect(fused.info().outputs).toEqual(plain.info().outputs);
      const a = plain.createContext();
      const b = fused.createContext();
      for (const seed of [1, 2, 3]) {
        const x = randomFloat([1, 4, 8, 8], seed).data as Float32Array;
        const want = (await a.run([x])) as Float32Array[];
        const have = (await b.run([x])) as Float32Array[];
        have.forEach((h, i) => expect(maxRelError(h, want[i]!), `output ${i}, seed ${seed}`).toBeLessThanOrEqual(1e-5));
      }
    } finally {
      plain.dispose();
      fused.dispose();
    }
  });

  it("a transformer's residual add after a projection goes into the matmul (packed and unpacked b, with and without a bias, then relu); same results", async () => {
    // The network is drawn in test/engine/helpers/residual-matmul-net.ts.
    const net = residualMatmulNet();
    const plain = await buildEngine(net, { backend: 'cpu', fusion: false });
    const fused = await buildEngine(net, { backend: 'cpu', fusion: true });
    try {
      expect(layers(fused).map((l) => [l.name, l.kind, l.fusedFrom])).toEqual([
        ['proj', 'matmul', ['proj_bias', 'proj_res', 'proj_relu']],
        ['mix', 'matmul', ['mix_bias', 'mix_res']],
        ['out', 'matmul', ['out_res']],
      ]);
      expect(fused.info().build.fusions).toMatchObject({ matmulBias: 2, residual: 3, activation: 1 });
      for (const seed of [1, 2]) {
        const feeds = [randomFloat([2, 6, 16], seed).data as Float32Array, randomFloat([2, 16, 16], seed + 10).data as Float32Array];
        const want = (await plain.createContext().run(feeds)) as Float32Array[];
        const have = (await fused.createContext().run(feeds)) as Float32Array[];
        have.forEach((h, i) => expect(maxRelError(h, want[i]!), `output ${i}, seed ${seed}`).toBeLessThanOrEqual(1e-5));
      }
    } finally {
      plain.dispose();
      fused.dispose();
    }
  });

  it('a plan keeps the fused layers (residual, activation, fused names) and runs them alike', async () => {
    await expectPlanKeepsFusion(fusable(), randomFloat([1, 4, 8, 8], 7).data as Float32Array);
  });

  it('exp and reciprocal are not fused activations (the fp16 policy keeps them fp32); an int producer takes no activation', async () => {
    const d = new NetDraft('unfusable');
    const x = d.input('x', 'float32', [2, 3]);
    const i = d.input('i', 'int32', [2, 3]);
    const [s] = d.layer('elementwise', 'add', [x, x], { op: 'add' }, [{ dtype: 'float32', shape: [2, 3] }]);
    const [e] = d.layer('unary', 'exp', [s!], { op: 'exp' }, [{ dtype: 'float32', shape: [2, 3] }]);
    const [si] = d.layer('elementwise', 'iadd', [i, i], { op: 'add' }, [{ dtype: 'int32', shape: [2, 3] }]);
    const [ri] = d.layer('unary', 'irelu', [si!], { op: 'relu' }, [{ dtype: 'int32', shape: [2, 3] }]);
    d.output(e!);
    d.output(ri!);
    const engine = await buildEngine(d.finish(), { backend: 'cpu', fusion: true });
    try {
      // add + exp become one pointwise layer (the pointwise pass, which computes in fp32), not
      // an add with an exp activation; the int layers stay as they are.
      expect(layers(engine).map((l) => [l.name, l.kind, l.fusedFrom])).toEqual([
        ['exp', 'pointwise', ['add']],
        ['iadd', 'elementwise', undefined],
        ['irelu', 'unary', undefined],
      ]);
    } finally {
      engine.dispose();
    }
  });
});

describeIf(HAS_NATIVE, 'squeeze-excite fusion (cpu)', NATIVE_MISSING, () => {
  const shape: ExciteShape = { batch: 2, inChannels: 3, channels: 12, hidden: 3, spatial: 5 };

  it('merges mean, fc1 + silu, fc2 + sigmoid and the multiply into one reduce layer; same outputs; as a float64 reference', async () => {
    const plain = await buildEngine(exciteNet(shape), { backend: 'cpu', fusion: false });
    const fused = await buildEngine(exciteNet(shape), { backend: 'cpu', fusion: true });
    try {
      const got = layers(fused).map((l) => ({ name: l.name, kind: l.kind, fusedFrom: l.fusedFrom }));
      expect(got).toEqual([
        { name: 'conv0', kind: 'convolution', fusedFrom: ['act0_sig', 'act0_mul'] },
        { name: 'se_mean', kind: 'reduce', fusedFrom: ['fc1', 'fc1_sig', 'fc1_mul', 'fc2', 'gate', 'scale'] },
        { name: 'conv2', kind: 'convolution', fusedFrom: undefined },
      ]);
      expect(fused.info().build.fusions).toEqual({ attention: 0, silu: 2, matmulBias: 0, activation: 3, residual: 0, excite: 1, pointwise: 0 });
      const a = plain.createContext();
      const b = fused.createContext();
      for (const seed of [1, 2]) {
        const x = randomFloat([2, 3, 5, 5], seed).data as Float32Array;
        const want = (await a.run([x])) as Float32Array[];
        const have = (await b.run([x])) as Float32Array[];
        have.forEach((h, i) => expect(maxRelError(h, want[i]!), `output ${i}, seed ${seed}`).toBeLessThanOrEqual(1e-5));
        const ref = scaleReference(shape, have[2]!, exciteReference(shape, have[2]!));
        expect(maxRelError(have[1]!, ref), `t * gate, seed ${seed}`).toBeLessThanOrEqual(1e-5);
      }
    } finally {
      plain.dispose();
      fused.dispose();
    }
  });

  it('where the gate is a network output the multiply stays; the gate matches a float64 reference', async () => {
    const s: ExciteShape = { ...shape, gateIsOutput: true };
    const fused = await buildEngine(exciteNet(s), { backend: 'cpu', fusion: true });
    try {
      expect(layers(fused).map((l) => [l.name, l.fusedFrom])).toEqual([
        ['conv0', ['act0_sig', 'act0_mul']],
        ['se_mean', ['fc1', 'fc1_sig', 'fc1_mul', 'fc2', 'gate']],
        ['scale', undefined],
        ['conv2', undefined],
      ]);
      const have = (await fused.createContext().run([randomFloat([2, 3, 5, 5], 3).data as Float32Array])) as Float32Array[];
      expect(maxRelError(have[1]!, Float32Array.from(exciteReference(s, have[2]!)))).toBeLessThanOrEqual(1e-5);
    } finally {
      fused.dispose();
    }
  });

  it('a wide gate (200 channels through 52, the products over several threads): matches a float64 reference', async () => {
    const s: ExciteShape = { batch: 1, inChannels: 3, channels: 200, hidden: 52, spatial: 4, gateIsOutput: true };
    const fused = await buildEngine(exciteNet(s), { backend: 'cpu', fusion: true, threads: 2 });
    try {
      const have = (await fused.createContext().run([randomFloat([1, 3, 4, 4], 4).data as Float32Array])) as Float32Array[];
      expect(maxRelError(have[1]!, Float32Array.from(exciteReference(s, have[2]!)))).toBeLessThanOrEqual(1e-5);
    } finally {
      fused.dispose();
    }
  });

  it('a plan keeps the excite layer (its weights as [Cr, C], both activations) and runs it alike', async () => {
    await expectPlanKeepsFusion(exciteNet(shape), randomFloat([2, 3, 5, 5], 9).data as Float32Array);
  });

  it('leaves the block alone where the mean is a network output', async () => {
    const engine = await buildEngine(exciteNet({ ...shape, meanIsOutput: true }), { backend: 'cpu', fusion: true });
    try {
      expect(engine.info().build.fusions.excite).toBe(0);
      const mean = layers(engine).find((l) => l.name === 'se_mean')!;
      expect([mean.kind, mean.fusedFrom]).toEqual(['reduce', undefined]);
      expect(layers(engine).map((l) => l.name)).toContain('fc1');
    } finally {
      engine.dispose();
    }
  });

  it('a hand-written excite tail (network.ts builder form) runs its activations: relu, then sigmoid', async () => {
    const d = new NetDraft('excite_form');
    const x = d.input('x', 'float32', [1, 2, 2, 2]);
    const w1 = d.constant('w1', 'float32', [1, 2], Float32Array.from([1, -1]));
    const b1 = d.constant('b1', 'float32', [1], Float32Array.from([0.5]));
    const w2 = d.constant('w2', 'float32', [2, 1], Float32Array.from([2, -3]));
    const b2 = d.constant('b2', 'float32', [2], Float32Array.from([0, 1]));
    const params = { op: 'mean', axes: [2, 3], keepDims: true, excite: true, excite1: { op: 'relu' }, excite2: { op: 'sigmoid' } };
    const [g] = d.layer('reduce', 'se', [x, w1, b1, w2, b2], params, [{ dtype: 'float32', shape: [1, 2, 1, 1] }]);
    d.output(g!);
    const engine = await buildEngine(d.finish(), { backend: 'cpu' });
    try {
      // means 2.5 and 0.5; h = relu(2.5 - 0.5 + 0.5) = 2.5; g = sigmoid([5, -6.5])
      const [y] = (await engine.createContext().run([Float32Array.from([1, 2, 3, 4, 0, 1, 0, 1])])) as Float32Array[];
      const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
      expect(y!.length).toBe(2);
      [sigmoid(5), sigmoid(-6.5)].forEach((want, i) => expect(Math.abs(y![i]! - want), `g[${i}]`).toBeLessThanOrEqual(1e-6));
    } finally {
      engine.dispose();
    }
  });

  it('a nested object param other than an activation is refused by its dotted name', async () => {
    const d = new NetDraft('bad_nested');
    const x = d.input('x', 'float32', [1, 8, 4, 4]);
    const [g] = d.layer('reduce', 'r', [x], { op: 'mean', axes: [2, 3], keepDims: true, bogus: { op: 'relu' } }, [
      { dtype: 'float32', shape: [1, 8, 1, 1] },
    ]);
    d.output(g!);
    await expect(buildEngine(d.finish(), { backend: 'cpu' })).rejects.toThrow(/unknown param 'bogus\.op' for a reduce layer/);
  });

  it('a hand-written excite tail with a weight of the wrong shape is refused with the shape expected', async () => {
    const d = new NetDraft('bad_excite');
    const x = d.input('x', 'float32', [1, 8, 4, 4]);
    const w1 = d.constant('w1', 'float32', [2, 6], new Float32Array(12));
    const b1 = d.constant('b1', 'float32', [2], new Float32Array(2));
    const w2 = d.constant('w2', 'float32', [8, 2], new Float32Array(16));
    const b2 = d.constant('b2', 'float32', [8], new Float32Array(8));
    const [g] = d.layer('reduce', 'se', [x, w1, b1, w2, b2], { op: 'mean', axes: [2, 3], keepDims: true, excite: true }, [
      { dtype: 'float32', shape: [1, 8, 1, 1] },
    ]);
    d.output(g!);
    await expect(buildEngine(d.finish(), { backend: 'cpu' })).rejects.toThrow(/input 1 has shape \[2,6\]; expected \[2,8\]/);
  });
});

describeIf(HAS_NATIVE, 'transposing cast (cpu)', NATIVE_MISSING, () => {
  it('casts with perm write their input transposed (float16 and back, and int32)', async () => {
    const engine = await buildEngine(castPermNet(), { backend: 'cpu' });
    try {
      await expectCastPerm(engine);
    } finally {
      engine.dispose();
    }
  });

  it("a convolution's inputClip (a cuda build form) is refused with the reason", async () => {
    const d = new NetDraft('input_clip');
    const x = d.input('x', 'float32', [1, 8, 4, 4]);
    const w = d.constant('w', 'float32', [8, 1, 3, 3], new Float32Array(72));
    const win = { kernel: [3, 3], strides: [1, 1], dilations: [1, 1], padsBegin: [1, 1], padsEnd: [1, 1], groups: 8 };
    const [y] = d.layer('convolution', 'dw', [x, w], { ...win, inputClip: 6 }, [{ dtype: 'float32', shape: [1, 8, 4, 4] }]);
    d.output(y!);
    await expect(buildEngine(d.finish(), { backend: 'cpu' })).rejects.toThrow(/does not clip a convolution's input/);
  });

  it('a perm that is not a permutation is refused', async () => {
    const d = new NetDraft('bad_perm');
    const x = d.input('x', 'float32', [2, 3]);
    const [y] = d.layer('cast', 'c', [x], { to: 'float16', perm: [0, 0] }, [{ dtype: 'float16', shape: [2, 2] }]);
    d.output(y!);
    await expect(buildEngine(d.finish(), { backend: 'cpu' })).rejects.toThrow(/'perm' is not a permutation of 0\.\.1/);
  });
});

describeIf(HAS_NATIVE, 'timing cache (cpu)', NATIVE_MISSING, () => {
  const tmp = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-tc-')), 'cache.txt');
  const entries = (file: string) => fs.readFileSync(file, 'utf8').trim().split('\n').slice(1);

  it('records the tactics of a build, and a later build takes them from the file', async () => {
    const file = tmp();
    const first = await buildEngine(fusable(), { backend: 'cpu', timingCachePath: file });
    const second = await buildEngine(fusable(), { backend: 'cpu', timingCachePath: file });
    try {
      expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('hybridrt-timing-cache 1');
      // One entry per layer whose tactic is a choice (the three convolutions here).
      const tactics = first.info().layers.filter((l) => !['default', 'constant', 'alias'].includes(l.tactic));
      expect(entries(file)).toHaveLength(tactics.length);
      expect(entries(file).every((line) => line.split('\t').length === 3)).toBe(true);
      expect(first.info().build.timingCache).toMatchObject({ path: file, hits: 0 });
      expect(second.info().build.timingCache).toMatchObject({ path: file, hits: tactics.length });
      expect(second.info().layers.map((l) => l.tactic)).toEqual(first.info().layers.map((l) => l.tactic));
      expect(first.info().build.ms).toBeGreaterThan(0);
    } finally {
      first.dispose();
      second.dispose();
    }
  });

  it('cached tactics the backend refuses are chosen again and corrected; a file that is not a cache is refused and left intact', async () => {
    const file = tmp();
    const first = await buildEngine(fusable(), { backend: 'cpu', timingCachePath: file });
    const conv1 = first.info().layers.find((l) => l.name === 'conv1')!.tactic;
    first.dispose();
    // Every cached tactic replaced by one no kernel knows.
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\t[^\t\n]+\n/g, '\tbogus\n'));
    const again = await buildEngine(fusable(), { backend: 'cpu', timingCachePath: file });
    try {
      expect(again.info().layers.find((l) => l.name === 'conv1')!.tactic).toBe(conv1);
      expect(fs.readFileSync(file, 'utf8')).not.toContain('\tbogus\n');
      expect(again.info().build.timingCache?.hits).toBe(0);
    } finally {
      again.dispose();
    }
    // A model given as the cache by mistake (`--timing-cache victim.onnx`) must survive.
    const victim = 'not a timing cache\n\u0000garbage\tx\n';
    fs.writeFileSync(file, victim);
    await expect(buildEngine(fusable(), { backend: 'cpu', timingCachePath: file })).rejects.toMatchObject({
      code: 'OPTION',
      message: expect.stringMatching(/is not a timing cache .*refusing to overwrite it/),
    });
    // The addon refuses it on its own too, for callers that skip the TypeScript check.
    await expect(loadNative().buildEngine(fusable(), { backend: 'cpu', timingCachePath: file })).rejects.toThrow(/is not a timing cache/);
    expect(fs.readFileSync(file, 'utf8')).toBe(victim);
    // Neither a folder nor a FIFO is read (a FIFO would block the build forever).
    await expect(buildEngine(fusable(), { backend: 'cpu', timingCachePath: path.dirname(file) })).rejects.toMatchObject({ code: 'OPTION' });
    // An empty file is a new cache.
    fs.writeFileSync(file, '');
    const fresh = await buildEngine(fusable(), { backend: 'cpu', timingCachePath: file });
    try {
      expect(fs.readFileSync(file, 'utf8').split('\n')[0]).toBe('hybridrt-timing-cache 1');
    } finally {
      fresh.dispose();
    }
  });

  it('a choice made under other tactic switches is timed again, not reused; at the defaults the old entries hit', async () => {
    const file = tmp();
    const first = await buildEngine(fusable(), { backend: 'cpu', timingCachePath: file });
    const n = entries(file).length;
    first.dispose();
    process.env.HYBRIDRT_INT8_CUDNN = '0';
    let switched;
    try {
      switched = await buildEngine(fusable(), { backend: 'cpu', timingCachePath: file });
    } finally {
      delete process.env.HYBRIDRT_INT8_CUDNN;
    }
    const back = await buildEngine(fusable(), { backend: 'cpu', timingCachePath: file });
    try {
      expect(switched.info().build.timingCache?.hits).toBe(0);
      expect(entries(file)).toHaveLength(2 * n);
      expect(entries(file).filter((line) => / switches int8_cudnn=0\t/.test(line))).toHaveLength(n);
      expect(back.info().build.timingCache?.hits).toBe(n);
    } finally {
      switched.dispose();
      back.dispose();
    }
  });

  it('refuses a timingCachePath that is not a path', async () => {
    await expect(buildEngine(fusable(), { backend: 'cpu', timingCachePath: '' })).rejects.toMatchObject({ code: 'OPTION' });
  });
});
