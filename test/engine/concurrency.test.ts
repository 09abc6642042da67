/**
 * Execution contexts: 8 runs in flight on 8 contexts of one engine give the same results
 * as sequential runs; a context is reusable; a second run on a busy context is refused;
 * runs happen off the JavaScript thread; dispose() semantics for engines and contexts
 * (using a disposed object is a DISPOSED error, never a crash; runs in flight complete).
 * Also the memory plan's reuse on a chain whose packing is known.
 */
import { describe, expect, it } from 'vitest';
import { HybridError } from '../../src/errors.js';
import { buildEngine } from '../../src/engine/engine.js';
import { contextsInFlight } from '../helpers/concurrency-suite.js';
import { inlineRunLimitForFile } from '../helpers/inline-runs.js';
import { NetDraft } from './helpers/net.js';
import { smallCnn, smallCnnInputs } from './helpers/small-cnn.js';

const asArrays = (outs: ArrayLike<number>[]) => outs.map((o) => Array.from(o));

// Runs on worker threads: small engines would otherwise run on the calling thread (test/engine/run-placement.test.ts).
inlineRunLimitForFile(0);

describe('concurrency', () => {
  contextsInFlight('cpu', 3); // test/gpu/concurrency.test.ts: on cuda

  it('a context runs one run at a time; runs leave the event loop free', async () => {
    const engine = await buildEngine(smallCnn());
    const ctx = engine.createContext();
    const first = ctx.run(smallCnnInputs(1));
    expect(ctx.busy).toBe(true);
    await expect(ctx.run(smallCnnInputs(2))).rejects.toThrow(/already in flight on this execution context/);
    await first;
    expect(ctx.busy).toBe(false);
    // A timer fires while runs are in flight: the runs do not hold the JavaScript thread.
    // (Were run() synchronous, a run's promise would settle before any timer could fire,
    // so a tick would never see one pending.) Rounds repeat until one does, since a fast
    // machine may finish a round of small runs within one timer period.
    let pending = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      if (pending > 0) ticks++;
    }, 0);
    for (let round = 0; round < 200 && ticks === 0; round++) {
      const runs = [];
      for (let i = 0; i < 20; i++) {
        pending++;
        runs.push(
          engine
            .createContext()
            .run(smallCnnInputs(i))
            .finally(() => pending--),
        );
      }
      await Promise.all(runs);
    }
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    engine.dispose();
  });
});

describe('dispose', () => {
  it('a disposed context or engine is a DISPOSED error, repeatedly and harmlessly', async () => {
    const engine = await buildEngine(smallCnn());
    const a = engine.createContext();
    const b = engine.createContext();
    a.dispose();
    a.dispose();
    await expect(a.run(smallCnnInputs(1))).rejects.toMatchObject({ code: 'DISPOSED', message: 'execution context was disposed' });
    await b.run(smallCnnInputs(1));
    engine.dispose();
    engine.dispose();
    expect(engine.disposed).toBe(true);
    expect(b.disposed).toBe(true);
    await expect(b.run(smallCnnInputs(1))).rejects.toMatchObject({
      code: 'DISPOSED',
      message: "engine 'small_cnn' of this execution context was disposed",
    });
    expect(() => engine.createContext()).toThrow(HybridError);
    expect(() => engine.serialize()).toThrow(/engine was disposed/);
    expect(() => engine.info()).toThrow(/engine was disposed/);
  });

  it('runs in flight complete when their context or engine is disposed', async () => {
    const engine = await buildEngine(smallCnn());
    const ref = await engine.createContext().run(smallCnnInputs(3));
    const c1 = engine.createContext();
    const c2 = engine.createContext();
    const p1 = c1.run(smallCnnInputs(3));
    const p2 = c2.run(smallCnnInputs(3));
    c1.dispose();
    engine.dispose();
    const [r1, r2] = await Promise.all([p1, p2]);
    expect(asArrays(r1 as Float32Array[])).toEqual(asArrays(ref as Float32Array[]));
    expect(asArrays(r2 as Float32Array[])).toEqual(asArrays(ref as Float32Array[]));
    await expect(c2.run(smallCnnInputs(3))).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});

describe('memory plan', () => {
  it('a chain of 6 unary layers packs into two buffers', async () => {
    // x -> u0 -> u1 -> ... -> u5 (output), each [1024] float32 = 4096 bytes (256-aligned).
    // Lifetimes: x [0,0], u_k [k, k+1], u5 [5, end]; at most two are alive at once.
    const d = new NetDraft('chain');
    let t = d.input('x', 'float32', [1024]);
    for (let k = 0; k < 6; k++) [t] = d.layer('unary', `u${k}`, [t], { op: 'neg' }, [{ dtype: 'float32', shape: [1024] }]) as [number];
    d.output(t);
    const engine = await buildEngine(d.finish(), { fusion: false }); // six layers, not one pointwise chain
    const { memory } = engine.info();
    expect(memory.activationBytes).toBe(7 * 4096);
    expect(memory.arenaBytes).toBe(2 * 4096);
    const x = Float32Array.from({ length: 1024 }, (_, i) => i - 500);
    const [y] = await engine.createContext().run([x]);
    expect(Array.from(y as Float32Array)).toEqual(Array.from(x)); // six negations
    engine.dispose();
  });
});
