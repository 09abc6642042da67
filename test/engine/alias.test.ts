/**
 * Reshapes as aliases (native/src/builder/alias.h, memory_planner.h) on the cpu backend: which
 * shuffles are byte views, how the memory planner places an alias group (one block for a
 * tensor and its reshapes, alive as long as any of them), that such layers have tactic
 * 'alias' and take no time, and that engines with aliases compute what onnxruntime (or an
 * independent TypeScript reference) does, bit for bit for pure data movement and within
 * 1e-5 of the output's scale where a convolution sums products in another order. Inputs and
 * outputs may be in alias groups: an output that is a reshape of an input (the engine then
 * launches nothing), two outputs of one group, and a group read again after its reshape.
 */
import { expect, it } from 'vitest';
import { buildEngine, type Engine } from '../../src/engine/engine.js';
import type { EngineDType } from '../../src/engine/network.js';
import type { TypedArray } from '../../src/onnx/dtype.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { X_SHAPE, chainNet, chainReference, rereadNet, rereadReference, tensorIds } from './helpers/alias-nets.js';
import { expectClose } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { readPlanMemory } from './helpers/plan-sections.js';
import { randomFloat, randomInt } from './helpers/random.js';

const tacticOf = (e: Engine, name: string) => e.info().layers.find((l) => l.name === name)!.tactic;
const disjoint = (a: number, aBytes: number, b: number, bBytes: number) => a + aBytes <= b || b + bBytes <= a;
const input = (seed: number) => randomFloat(X_SHAPE, seed).data as Float32Array;

/** TensorRT's shuffle written out independently of the kernels: transpose, reshape, transpose. */
function shuffleReference(x: ArrayLike<unknown>, shape: number[], p: { firstPerm?: number[]; reshape?: number[]; secondPerm?: number[] }): unknown[] {
  const transpose = (data: unknown[], dims: number[], perm: number[]) => {
    const out: unknown[] = [];
    const outDims = perm.map((q) => dims[q]!);
    const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
    const idx = outDims.map(() => 0);
    for (let n = 0; n < data.length; n++) {
      out.push(data[idx.reduce((a, v, k) => a + v * strides[perm[k]!]!, 0)]);
      for (let k = idx.length - 1; k >= 0 && ++idx[k]! === outDims[k]; k--) idx[k] = 0;
    }
    return { out, dims: outDims };
  };
  let t = { out: Array.from(x), dims: shape };
  if (p.firstPerm) t = transpose(t.out, t.dims, p.firstPerm);
  if (p.reshape) t = { out: t.out, dims: p.reshape };
  if (p.secondPerm) t = transpose(t.out, t.dims, p.secondPerm);
  return t.out;
}

describeIf(HAS_NATIVE, 'byte views', NATIVE_MISSING, () => {
  const cases: Array<{ what: string; dtype: EngineDType; x: number[]; params: object; out: number[]; alias: boolean }> = [
    { what: 'reshape', dtype: 'float32', x: [2, 3, 4], params: { reshape: [6, 4] }, out: [6, 4], alias: true },
    { what: 'squeeze (int64)', dtype: 'int64', x: [2, 1, 3], params: { reshape: [2, 3] }, out: [2, 3], alias: true },
    { what: 'transpose of unit dims', dtype: 'float32', x: [1, 3, 1, 4], params: { firstPerm: [2, 1, 0, 3] }, out: [1, 3, 1, 4], alias: true },
    { what: 'a unit dim moved past others', dtype: 'float32', x: [3, 4, 1], params: { firstPerm: [2, 0, 1] }, out: [1, 3, 4], alias: true },
    {
      what: 'reshape, then a unit-dim secondPerm',
      dtype: 'float32',
      x: [2, 3, 4],
      params: { reshape: [6, 1, 4], secondPerm: [1, 0, 2] },
      out: [1, 6, 4],
      alias: true,
    },
    { what: 'a real transpose', dtype: 'float32', x: [2, 3, 4], params: { firstPerm: [0, 2, 1] }, out: [2, 4, 3], alias: false },
    {
      what: 'reshape, then a real secondPerm',
      dtype: 'int64',
      x: [2, 3, 4],
      params: { reshape: [6, 4], secondPerm: [1, 0] },
      out: [4, 6],
      alias: false,
    },
    { what: 'an empty tensor (no bytes to share)', dtype: 'float32', x: [0, 3], params: { reshape: [3, 0] }, out: [3, 0], alias: false },
  ];

  for (const c of cases) {
    it(`${c.what}: ${c.alias ? "tactic 'alias'" : 'a copy'}, the shuffle's values`, async () => {
      const d = new NetDraft();
      const x = d.input('x', c.dtype, c.x);
      const [y] = d.layer('shuffle', 'shuffle', [x], c.params, [{ dtype: c.dtype, shape: c.out }]);
      d.output(y!);
      const engine = await buildEngine(d.finish());
      try {
        expect(tacticOf(engine, 'shuffle') === 'alias').toBe(c.alias);
        const data = (c.dtype === 'int64' ? randomInt(c.x, 5, -99, 99, 'int64') : randomFloat(c.x, 5)).data;
        const [got] = await engine.createContext().run([data]);
        expect(Array.from(got as ArrayLike<unknown>)).toEqual(shuffleReference(data as ArrayLike<unknown>, c.x, c.params));
      } finally {
        engine.dispose();
      }
    });
  }

  it('a reshape of a constant copies (a constant is not in the arena)', async () => {
    const d = new NetDraft();
    const values = randomFloat([4, 6], 3).data;
    const k = d.constant('k', 'float32', [4, 6], values);
    const [y] = d.layer('shuffle', 'shuffle', [k], { reshape: [24] }, [{ dtype: 'float32', shape: [24] }]);
    d.output(y!);
    const engine = await buildEngine(d.finish());
    try {
      expect(tacticOf(engine, 'shuffle')).not.toBe('alias');
      const [got] = await engine.createContext().run([]);
      expect(Array.from(got as Float32Array)).toEqual(Array.from(values as Float32Array));
    } finally {
      engine.dispose();
    }
  });
});

describeIf(HAS_NATIVE, 'the memory planner places alias groups', NATIVE_MISSING, () => {
  it('chain conv -> reshape -> reshape -> relu: c, r1 and r2 share one block; activations 5 KiB instead of 9', async () => {
    const net = chainNet();
    const id = tensorIds(net);
    const engine = await buildEngine(net);
    try {
      const m = readPlanMemory(engine.serialize());
      expect([m.offsets[id.r1!], m.offsets[id.r2!]]).toEqual([m.offsets[id.c!], m.offsets[id.c!]]);
      // relu writes y while it reads r2: y's 2048 bytes are not the group's.
      expect(disjoint(m.offsets[id.y!]!, 2048, m.offsets[id.c!]!, 2048)).toBe(true);
      // x 1024 + {c, r1, r2} 2048 + y 2048; without aliasing r1 and r2 add 2048 each.
      expect(engine.info().memory.activationBytes).toBe(5120);
      const copies = await buildEngine(net, { alias: false });
      expect(copies.info().memory.activationBytes).toBe(9216);
      expect(copies.info().layers.some((l) => l.tactic === 'alias')).toBe(false);
      const x = input(7);
      expect(await copies.createContext().run([x])).toEqual(await engine.createContext().run([x]));
      copies.dispose();
      expect(['c', 'r1', 'r2', 'y'].map((n) => tacticOf(engine, n) === 'alias')).toEqual([false, true, true, false]);
      const ctx = engine.createContext();
      for (const seed of [1, 2]) {
        const [got] = (await ctx.run([input(seed)])) as Float32Array[];
        const [want] = await chainReference(input(seed));
        expectClose(Array.from(got!), Array.from(want!), 1e-5, `chain y, seed ${seed}`, true);
      }
    } finally {
      engine.dispose();
    }
  });

  it('the arena is smaller where the reshape is the peak: x [1,16,16,16] -> reshape -> mean', async () => {
    // x and the reshape's output are 16 KiB each, the mean's output 64 bytes (256 aligned).
    // A copying reshape needs x and its copy at once (32 KiB; the mean reuses x's bytes);
    // an alias needs x's block and the mean's: 16 KiB + 256.
    const d = new NetDraft();
    const x = d.input('x', 'float32', [1, 16, 16, 16]);
    const [r] = d.layer('shuffle', 'r', [x], { reshape: [16, 256] }, [{ dtype: 'float32', shape: [16, 256] }]);
    const [m] = d.layer('reduce', 'm', [r!], { op: 'mean', axes: [1], keepDims: false }, [{ dtype: 'float32', shape: [16] }]);
    d.output(m!);
    const aliased = await buildEngine(d.finish());
    const copied = await buildEngine(d.finish(), { alias: false });
    try {
      expect([tacticOf(aliased, 'r') === 'alias', tacticOf(copied, 'r') === 'alias']).toEqual([true, false]);
      expect(aliased.info().memory.arenaBytes).toBe(16384 + 256);
      expect(copied.info().memory.arenaBytes).toBe(2 * 16384);
      const input = randomFloat([1, 16, 16, 16], 9).data as Float32Array;
      const [got] = (await aliased.createContext().run([input])) as Float32Array[];
      const want = Array.from({ length: 16 }, (_, i) => input.subarray(i * 256, (i + 1) * 256).reduce((a, v) => a + v, 0) / 256);
      expectClose(Array.from(got!), want, 1e-5, 'row means');
      expect(Array.from((await copied.createContext().run([input]))[0] as Float32Array)).toEqual(Array.from(got!));
    } finally {
      aliased.dispose();
      copied.dispose();
    }
  });
});

describeIf(HAS_NATIVE, 'engine inputs and outputs in alias groups', NATIVE_MISSING, () => {
  it('outputs that are reshapes of an input: every layer an alias, nothing runs, both outputs are the input', async () => {
    const d = new NetDraft();
    const x = d.input('x', 'int64', [2, 3, 4]);
    const [a] = d.layer('shuffle', 'a', [x], { reshape: [6, 4] }, [{ dtype: 'int64', shape: [6, 4] }]);
    const [b] = d.layer('shuffle', 'b', [a!], { reshape: [24] }, [{ dtype: 'int64', shape: [24] }]);
    d.output(a!);
    d.output(b!);
    const engine = await buildEngine(d.finish());
    try {
      const info = engine.info();
      expect(info.layers.map((l) => l.tactic)).toEqual(['alias', 'alias']);
      expect([info.memory.arenaBytes, info.memory.activationBytes]).toEqual([256, 256]); // 192 bytes, aligned
      const ctx = engine.createContext();
      for (const seed of [1, 2]) {
        const data = randomInt([2, 3, 4], seed, -1000, 1000, 'int64').data as BigInt64Array;
        const out = (await ctx.run([data], { timing: 'layers' })) as TypedArray[];
        expect(out.map((o) => Array.from(o as BigInt64Array))).toEqual([Array.from(data), Array.from(data)]);
        expect(Array.from(ctx.timing!.layers!)).toEqual([0, 0]);
      }
    } finally {
      engine.dispose();
    }
  });

  it('a group read again after its reshape, with two outputs in it: as onnxruntime, aliases take 0 ms', async () => {
    const net = rereadNet();
    const id = tensorIds(net);
    const engine = await buildEngine(net, { fusion: false }); // the sigmoid stays a layer of its own
    try {
      const info = engine.info();
      expect(info.layers.filter((l) => l.tactic === 'alias').map((l) => l.name)).toEqual(['f', 'u']);
      const m = readPlanMemory(engine.serialize());
      expect([m.offsets[id.f!], m.offsets[id.u!]]).toEqual([m.offsets[id.c!], m.offsets[id.r!]]);
      // r is written while c (read by the sigmoid after it) is alive: separate bytes.
      expect(disjoint(m.offsets[id.r!]!, 2048, m.offsets[id.c!]!, 2048)).toBe(true);
      const ctx = engine.createContext();
      for (const seed of [3, 4]) {
        const got = (await ctx.run([input(seed)], { timing: 'layers' })) as Float32Array[];
        const want = await rereadReference(input(seed));
        want.forEach((w, i) => expectClose(Array.from(got[i]!), Array.from(w), 1e-5, `output ${info.outputs[i]!.name}, seed ${seed}`, true));
        const ms = ctx.timing!.layers!;
        info.layers.forEach((l, i) => {
          if (l.tactic === 'alias') expect(ms[i], l.name).toBe(0);
        });
      }
    } finally {
      engine.dispose();
    }
  });
});
