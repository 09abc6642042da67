/**
 * Dynamic engines (native/src/engine/instances.cc): a network built at one shape with a range
 * per input runs at every shape in the range, each run's tensor shapes derived by the layer
 * rules. Reference: the same network built as a static engine at that shape (another path:
 * its shapes are declared, its tactics chosen and its memory planned for that shape alone),
 * within FP32_TOL of the output's scale (1e-5 on cpu, 1e-4 on cuda: the same fp32 arithmetic,
 * possibly another tactic). test/gpu/ranges.test.ts runs these cases on the cuda backend.
 */
import { expect, it } from 'vitest';
import { buildEngine, deserializeEngine, type Engine } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { rejection } from '../helpers/errors.js';
import { dynCnn } from './helpers/dyn-cnn.js';
import { BACKEND, FP32_TOL, expectClose } from './helpers/compare.js';
import { randomFloat } from './helpers/random.js';

const RANGE = [{ min: [1, 3, 4, 4], max: [4, 3, 16, 16] }];

async function staticRun(n: number, h: number, w: number, x: Float32Array): Promise<Float32Array[]> {
  const e = await buildEngine(dynCnn(n, h, w), { backend: BACKEND });
  try {
    return (await e.createContext().run([x])) as Float32Array[];
  } finally {
    e.dispose();
  }
}

async function withDynamic<T>(fn: (e: Engine) => Promise<T>): Promise<T> {
  const e = await buildEngine(dynCnn(2, 8, 8, RANGE), { backend: BACKEND });
  try {
    return await fn(e);
  } finally {
    e.dispose();
  }
}

describeIf(HAS_NATIVE, `dynamic engines (${BACKEND})`, NATIVE_MISSING, () => {
  it('runs at min, opt, max and shapes between, as static engines of those shapes do', async () => {
    await withDynamic(async (e) => {
      expect(e.info().ranges).toEqual(RANGE);
      const ctx = e.createContext();
      for (const [n, h, w] of [
        [2, 8, 8],
        [1, 4, 4],
        [4, 16, 16],
        [3, 6, 10],
        [1, 13, 5],
        [2, 8, 8],
      ] as const) {
        const x = randomFloat([n, 3, h, w], n * 100 + h * 10 + w).data as Float32Array;
        const got = (await ctx.run([x], { shapes: [[n, 3, h, w]] })) as Float32Array[];
        expect(ctx.outputShapes).toEqual([
          [n, 5],
          [n, 8, h >> 1, w >> 1],
        ]);
        const want = await staticRun(n, h, w, x);
        expectClose(Array.from(got[0]!), Array.from(want[0]!), FP32_TOL, `y at ${n}x3x${h}x${w}`, true);
        expectClose(Array.from(got[1]!), Array.from(want[1]!), FP32_TOL, `pooled at ${n}x3x${h}x${w}`, true);
      }
    });
  });

  it('prepares a shape once, outside any timing of tactics, and counts it', async () => {
    await withDynamic(async (e) => {
      const tactics = e.info().layers.map((l) => l.tactic);
      const ctx = e.createContext();
      const x = randomFloat([3, 3, 6, 6], 7).data as Float32Array;
      await ctx.run([x], { shapes: [[3, 3, 6, 6]] });
      expect(ctx.prepareMs).toBeGreaterThan(0);
      expect(e.instancesMade).toBe(1);
      await ctx.run([x], { shapes: [[3, 3, 6, 6]] });
      expect(ctx.prepareMs).toBe(0);
      // Another context meets the shape the engine already prepared.
      const other = e.createContext();
      await other.run([x], { shapes: [[3, 3, 6, 6]] });
      expect(other.prepareMs).toBe(0);
      expect(e.instancesMade).toBe(1);
      // The layers keep the tactics the build chose.
      expect(e.info().layers.map((l) => l.tactic)).toEqual(tactics);
    });
  });

  it('refuses shapes outside the range with a SHAPE error naming input, dim, value and range', async () => {
    await withDynamic(async (e) => {
      const ctx = e.createContext();
      const err = await rejection(ctx.run([new Float32Array(5 * 3 * 8 * 8)], { shapes: [[5, 3, 8, 8]] }));
      expect(err.code).toBe('SHAPE');
      expect(err.message).toContain("input 'x' dim 0 is 5; the engine takes 1 to 4");
      const rank = await rejection(ctx.run([new Float32Array(3 * 8 * 8)], { shapes: [[3, 8, 8]] }));
      expect(rank.code).toBe('SHAPE');
      expect(rank.message).toContain('rank 4');
      // A wrong element count for a shape in range is the feed's error, as for static engines.
      const count = await rejection(ctx.run([new Float32Array(7)], { shapes: [[1, 3, 4, 4]] }));
      expect(count.code).toBe('INPUT');
      // The context still runs afterwards.
      const x = randomFloat([1, 3, 4, 4], 3).data as Float32Array;
      await ctx.run([x], { shapes: [[1, 3, 4, 4]] });
      expect(ctx.outputShapes[0]).toEqual([1, 5]);
    });
  });

  it('keeps its ranges through a plan and computes the same bits after deserialization', async () => {
    await withDynamic(async (e) => {
      const again = await deserializeEngine(e.serialize());
      try {
        expect(again.info().ranges).toEqual(RANGE);
        const x = randomFloat([4, 3, 12, 10], 11).data as Float32Array;
        const a = (await e.createContext().run([x], { shapes: [[4, 3, 12, 10]] })) as Float32Array[];
        const b = (await again.createContext().run([x], { shapes: [[4, 3, 12, 10]] })) as Float32Array[];
        expect(Array.from(b[0]!)).toEqual(Array.from(a[0]!));
        expect(Array.from(b[1]!)).toEqual(Array.from(a[1]!));
      } finally {
        again.dispose();
      }
    });
  });

  it('sizes the arena for the largest shapes, and refuses ranges that do not hold the declared shape', async () => {
    await withDynamic(async (e) => {
      const big = await buildEngine(dynCnn(4, 16, 16), { backend: BACKEND });
      try {
        const m = e.info().memory;
        const atMax = big.info().memory;
        expect(m.maxArenaBytes).toBe(atMax.arenaBytes + atMax.workspaceBytes);
        expect(m.maxArenaBytes).toBeGreaterThan(m.arenaBytes);
      } finally {
        big.dispose();
      }
    });
    const bad = await rejection(buildEngine(dynCnn(2, 8, 8, [{ min: [3, 3, 4, 4], max: [4, 3, 16, 16] }]), { backend: BACKEND }));
    expect(bad.message).toContain('dim 0 must satisfy min <= opt <= max; got 3 <= 2 <= 4');
    // A range the layers cannot take (a 2x2 pooling window on a 1-pixel image) fails the build.
    const small = await rejection(buildEngine(dynCnn(2, 8, 8, [{ min: [1, 3, 1, 1], max: [2, 3, 8, 8] }]), { backend: BACKEND }));
    expect(small.message).toContain('cannot run at the min shapes of its range');
  });
});
