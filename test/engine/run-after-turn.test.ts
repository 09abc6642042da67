/**
 * An inline run that first lets the event loop turn (src/engine/run-placement.ts,
 * SETTLE_IN_RUN_MAX_US; engine.ts runAfterTurn) holds its execution context meanwhile, as a run
 * on a worker does: a second run() on the same context before the turn is the one refused ("a
 * run is already in flight", as docs/engine.md says of a busy context), and the first gives the
 * outputs of a reference engine that runs everything on workers.
 */
import { afterEach, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';

const saved = process.env.HYBRIDRT_INLINE_RUN_US;
afterEach(() => {
  if (saved === undefined) delete process.env.HYBRIDRT_INLINE_RUN_US;
  else process.env.HYBRIDRT_INLINE_RUN_US = saved;
});

const asArrays = (outs: ArrayLike<number>[]) => outs.map((o) => Array.from(o));

/** 384 x 384 x 384 products at one thread: far above 200 us anywhere. */
function matmulNet() {
  const n = 384;
  const d = new NetDraft('mm');
  const a = d.input('a', 'float32', [n, n]);
  const w = d.constant('w', 'float32', [n, n], randomFloat([n, n], 7).data);
  const [y] = d.layer('matmul', 'mm', [a, w], { transA: false, transB: false, alpha: 1, beta: 1 }, [{ dtype: 'float32', shape: [n, n] }]);
  d.output(y!);
  return d.finish();
}

describeIf(HAS_NATIVE, 'a run waiting for its turn', NATIVE_MISSING, () => {
  it('holds its context: a second run() on it is refused, the first gives its outputs', async () => {
    process.env.HYBRIDRT_INLINE_RUN_US = '0';
    const reference = await buildEngine(matmulNet(), { threads: 1 });
    process.env.HYBRIDRT_INLINE_RUN_US = '100000000'; // inline however long a run takes
    const engine = await buildEngine(matmulNet(), { threads: 1 });
    try {
      const x = randomFloat([384, 384], 8).data as Float32Array;
      const want = asArrays((await reference.createContext().run([x])) as Float32Array[]);
      const ctx = engine.createContext();
      await ctx.run([x]); // the first run is measured on a worker; the next ones wait for a turn
      const first = ctx.run([x]);
      expect(ctx.busy).toBe(true);
      const second = ctx.run([x]);
      await expect(second).rejects.toMatchObject({ code: 'NATIVE', message: expect.stringContaining('already in flight') });
      expect(asArrays((await first) as Float32Array[])).toEqual(want);
      // Settled, the context runs again.
      expect(asArrays((await ctx.run([x])) as Float32Array[])).toEqual(want);
    } finally {
      engine.dispose();
      reference.dispose();
    }
  });
});
