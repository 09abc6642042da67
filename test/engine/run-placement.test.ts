/**
 * Where runs execute (src/engine/run-placement.ts): on the cpu backend, a run of an engine whose
 * recent runs were fast executes on the calling thread inside run(); the first run, runs while
 * another of the engine is in flight, and a slow engine's runs take a worker thread. Which one
 * ran is seen from `busy` right after run() returns (a worker's run is still in flight; an
 * inline one has settled, or waits for its turn of the event loop: `waitingForTurn`, and holds
 * its context meanwhile). Inline runs give what worker runs give, bit for bit, reject (never
 * throw) on bad inputs, and concurrent model runs over them equal sequential runs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { type ExecutionContext, buildEngine } from '../../src/engine/engine.js';
import {
  INLINE_RUN_MAX_US,
  RECENT_RUNS,
  RunPlacement,
  SETTLE_IN_RUN_MAX_US,
  checkInlineRunUs,
  inlineRunLimitUs,
} from '../../src/engine/run-placement.js';
import { load } from '../../src/artifact/load.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HybridError } from '../../src/errors.js';
import { expectConcurrentRuns, runSequentially } from '../helpers/concurrency-suite.js';
import { withInlineRunLimit } from '../helpers/inline-runs.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { sine, transformer } from '../runtime/helpers.js';
import { NetDraft } from './helpers/net.js';
import { randomFloat } from './helpers/random.js';
import { smallCnn, smallCnnInputs } from './helpers/small-cnn.js';

const asArrays = (outs: ArrayLike<number | bigint>[]) => outs.map((o) => Array.from(o));

/**
 * A one-engine model whose runs take a few us: far below SETTLE_IN_RUN_MAX_US even on a loaded
 * machine, so that its inline runs settle inside run() and never wait for a turn (the
 * transformer's took 200 us and more under load, and waited).
 */
const tiny = encodeModel(
  buildModel({
    inputs: [{ name: 'x', shape: [4, 16] }],
    outputs: [{ name: 'y', shape: [4, 16] }],
    initializers: { w: randomFloat([16, 16], 3) },
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w'], outputs: ['m'] },
      { op: 'Relu', inputs: ['m'], outputs: ['y'] },
    ],
  }),
  'tiny',
);
const tinyFeeds = { x: randomFloat([4, 16], 4).data as Float32Array };

/** Runs `ctx` once; whether the run went to a worker (still busy when run() returned, not waiting for a turn). */
async function placed(ctx: ExecutionContext, inputs: Parameters<ExecutionContext['run']>[0]) {
  const p = ctx.run(inputs);
  const worker = ctx.busy && !ctx.waitingForTurn;
  expect(p).toBeInstanceOf(Promise);
  return { worker, outs: await p };
}

describe('RunPlacement', () => {
  it('inlines a cpu engine once the median of its recent runs is below the limit, and none is in flight', () => {
    const p = new RunPlacement('cpu', 200);
    expect(p.inline()).toBe(false); // no run measured yet
    p.started();
    p.finished(0.5); // a slow first run (0.5 ms)
    expect(p.inline()).toBe(false);
    p.record(0.01);
    expect(p.inline()).toBe(false); // [0.01, 0.5]: the upper median, 0.5 ms
    p.record(0.01);
    expect(p.inline()).toBe(true); // median 0.01 ms
    p.started();
    expect(p.inline()).toBe(false); // a run in flight
    p.finished(); // it failed: no time
    expect(p.inline()).toBe(true);
    // Only the latest RECENT_RUNS count: slow runs take the engine back to the worker.
    for (let i = 0; i < RECENT_RUNS; i++) p.record(0.3);
    expect(p.inline()).toBe(false);
    for (let i = 0; i < (RECENT_RUNS >> 1) + 1; i++) p.record(0.05);
    expect(p.inline()).toBe(true);
  });

  it('an inline run of SETTLE_IN_RUN_MAX_US or more yields a turn first, by the same upper median', () => {
    const p = new RunPlacement('cpu', 10_000);
    const slow = (SETTLE_IN_RUN_MAX_US * 2) / 1000; // ms
    const quick = SETTLE_IN_RUN_MAX_US / 2000;
    p.record(slow);
    expect([p.inline(), p.yields()]).toEqual([true, true]);
    p.record(quick);
    expect(p.yields()).toBe(true); // [quick, slow]: the upper median is the slow one
    p.record(quick);
    expect([p.inline(), p.yields()]).toEqual([true, false]);
    for (let i = 0; i < RECENT_RUNS; i++) p.record(slow);
    expect(p.yields()).toBe(true);
  });

  it('never inlines off the cpu backend or with a limit of 0', () => {
    for (const p of [new RunPlacement('cuda', 200), new RunPlacement('cpu', 0)]) {
      for (let i = 0; i < 5; i++) p.record(0.001);
      expect(p.inline()).toBe(false);
    }
  });

  it('HYBRIDRT_INLINE_RUN_US sets the limit, over a given one; a bad value is an OPTION error', () => {
    expect(inlineRunLimitUs({})).toBe(INLINE_RUN_MAX_US);
    expect(inlineRunLimitUs({ HYBRIDRT_INLINE_RUN_US: '' })).toBe(INLINE_RUN_MAX_US);
    expect(inlineRunLimitUs({}, 200)).toBe(200);
    expect(inlineRunLimitUs({ HYBRIDRT_INLINE_RUN_US: '' }, 0)).toBe(0);
    expect(inlineRunLimitUs({ HYBRIDRT_INLINE_RUN_US: '0' })).toBe(0);
    expect(inlineRunLimitUs({ HYBRIDRT_INLINE_RUN_US: '0' }, 5000)).toBe(0);
    expect(inlineRunLimitUs({ HYBRIDRT_INLINE_RUN_US: '1000' })).toBe(1000);
    for (const bad of ['-1', 'fast', 'Infinity']) {
      expect(() => inlineRunLimitUs({ HYBRIDRT_INLINE_RUN_US: bad })).toThrow(HybridError);
    }
  });

  it('checks the inlineRunUs option', () => {
    expect(checkInlineRunUs(undefined)).toBeUndefined();
    expect(checkInlineRunUs(0)).toBe(0);
    expect(checkInlineRunUs(200)).toBe(200);
    for (const bad of [-1, 0.5, Infinity, NaN, '200', 2e9]) {
      expect(() => checkInlineRunUs(bad)).toThrow(/inlineRunUs must be an integer from 0 to/);
    }
  });
});

describeIf(HAS_NATIVE, 'runs on the calling thread', NATIVE_MISSING, () => {
  afterEach(() => {
    delete process.env.HYBRIDRT_INLINE_RUN_US;
  });

  it('a fast engine runs inline after its first run, with the results of worker runs, bit for bit', async () => {
    // A limit far above the small network's run time, so that the test does not depend on the
    // machine's speed (the default's behaviour is the same with a smaller margin).
    // (An engine reads the variable when it makes its first context.)
    process.env.HYBRIDRT_INLINE_RUN_US = '100000';
    const inline = await buildEngine(smallCnn(), { threads: 2 });
    const a = inline.createContext();
    process.env.HYBRIDRT_INLINE_RUN_US = '0';
    const worker = await buildEngine(smallCnn(), { threads: 2 });
    const b = worker.createContext();
    try {
      for (let i = 0; i < 6; i++) {
        const ra = await placed(a, smallCnnInputs(i + 1));
        const rb = await placed(b, smallCnnInputs(i + 1));
        expect(ra.worker).toBe(i === 0); // the first run is measured on a worker
        expect(rb.worker).toBe(true);
        expect(asArrays(ra.outs as Float32Array[])).toEqual(asArrays(rb.outs as Float32Array[]));
      }
      expect(a.busy).toBe(false);
    } finally {
      inline.dispose();
      worker.dispose();
    }
  });

  it('errors of an inline run are rejected promises, not throws', async () => {
    process.env.HYBRIDRT_INLINE_RUN_US = '100000';
    const engine = await buildEngine(smallCnn());
    try {
      const ctx = engine.createContext();
      await ctx.run(smallCnnInputs(1));
      expect((await placed(ctx, smallCnnInputs(2))).worker).toBe(false);
      const [x, ids] = smallCnnInputs(3);
      let bad!: Promise<unknown>;
      expect(() => (bad = ctx.run([x.subarray(1), ids]))).not.toThrow();
      await expect(bad).rejects.toMatchObject({ code: 'INPUT', message: expect.stringMatching(/input 'x': expected 768 elements/) });
      expect(ctx.busy).toBe(false);
      // The context still runs, inline, after the error.
      expect((await placed(ctx, smallCnnInputs(2))).worker).toBe(false);
      ctx.dispose();
      let gone!: Promise<unknown>;
      expect(() => (gone = ctx.run(smallCnnInputs(1)))).not.toThrow();
      await expect(gone).rejects.toMatchObject({ code: 'DISPOSED' });
    } finally {
      engine.dispose();
    }
  });

  it('runs started while one of the engine is in flight take a worker; later ones run inline in call order', async () => {
    // (That a fast engine's run waits for a worker while another is in flight is RunPlacement's
    // rule above; here, the first runs of an engine, all in flight at once.)
    process.env.HYBRIDRT_INLINE_RUN_US = '0';
    const reference = await buildEngine(smallCnn());
    const seq = reference.createContext();
    const expected = [];
    for (let i = 0; i < 4; i++) expected.push(asArrays((await seq.run(smallCnnInputs(i + 1))) as Float32Array[]));
    reference.dispose();
    process.env.HYBRIDRT_INLINE_RUN_US = '100000';
    const engine = await buildEngine(smallCnn());
    try {
      const contexts = Array.from({ length: 4 }, () => engine.createContext());
      const runs = contexts.map((c, i) => {
        const p = c.run(smallCnnInputs(i + 1));
        expect(c.busy).toBe(true);
        return p;
      });
      expect((await Promise.all(runs)).map((g) => asArrays(g as Float32Array[]))).toEqual(expected);
      // Four runs at once on a machine of two cores can each take 200 us or more (then the next
      // inline runs would wait for a turn): runs one at a time first, so that most of the recent
      // times are a lone run's.
      for (let i = 0; i < 5; i++) await contexts[0]!.run(smallCnnInputs(1));
      // Nothing in flight now, and the runs were fast: each settles inside run(), in call order.
      const order: number[] = [];
      const again = contexts.map((c, i) => {
        const p = c.run(smallCnnInputs(i + 1));
        expect(c.busy).toBe(false);
        return p.then((outs) => (order.push(i), outs));
      });
      expect((await Promise.all(again)).map((g) => asArrays(g as Float32Array[]))).toEqual(expected);
      expect(order).toEqual([0, 1, 2, 3]);
    } finally {
      engine.dispose();
    }
  });

  it('an inline engine whose runs take 200 us or more lets the event loop turn once before each run', async () => {
    // 384 x 384 x 384 products at one thread: far above 200 us anywhere, inline under a limit of 100 s.
    process.env.HYBRIDRT_INLINE_RUN_US = '100000000';
    const n = 384;
    const d = new NetDraft('mm');
    const a = d.input('a', 'float32', [n, n]);
    const w = d.constant('w', 'float32', [n, n], randomFloat([n, n], 7).data);
    const [y] = d.layer('matmul', 'mm', [a, w], { transA: false, transB: false, alpha: 1, beta: 1 }, [{ dtype: 'float32', shape: [n, n] }]);
    d.output(y!);
    const engine = await buildEngine(d.finish(), { threads: 1 });
    const ctx = engine.createContext(); // (the variable is read here)
    process.env.HYBRIDRT_INLINE_RUN_US = '0';
    const reference = await buildEngine(d.finish(), { threads: 1 });
    const ref = reference.createContext();
    try {
      const x = randomFloat([n, n], 8).data as Float32Array;
      const want = asArrays((await ref.run([x])) as Float32Array[]);
      expect((await placed(ctx, [x])).worker).toBe(true); // the first run is measured on a worker
      for (let i = 0; i < 3; i++) {
        let ticks = 0;
        const timer = setImmediate(() => ticks++);
        const p = ctx.run([x]);
        expect([ctx.busy, ctx.waitingForTurn]).toEqual([true, true]); // not on a worker: it holds its context until its turn...
        const outs = await p;
        clearImmediate(timer);
        expect(ticks).toBe(1); // ...and the event loop turned, once, before the run
        expect(asArrays(outs as Float32Array[])).toEqual(want);
      }
      // While a run waits for its turn it is in flight: a run started then takes a worker.
      const other = engine.createContext();
      const waiting = ctx.run([x]);
      const beside = other.run([x]);
      expect(other.busy).toBe(true);
      for (const outs of await Promise.all([waiting, beside])) expect(asArrays(outs as Float32Array[])).toEqual(want);
    } finally {
      engine.dispose();
      reference.dispose();
    }
  });

  it('a slow engine keeps the worker thread (and the event loop free)', async () => {
    // 384 x 384 x 384 products: 0.11 GFLOP a run, far above 200 us on one thread anywhere (the
    // limit hybrid-serve gives; the default, 10 ms, would take a run this short inline).
    process.env.HYBRIDRT_INLINE_RUN_US = '200';
    const n = 384;
    const d = new NetDraft('slow');
    const a = d.input('a', 'float32', [n, n]);
    const w = d.constant('w', 'float32', [n, n], randomFloat([n, n], 7).data);
    const [y] = d.layer('matmul', 'mm', [a, w], { transA: false, transB: false, alpha: 1, beta: 1 }, [{ dtype: 'float32', shape: [n, n] }]);
    d.output(y!);
    const engine = await buildEngine(d.finish(), { threads: 1 });
    try {
      const ctx = engine.createContext();
      const x = randomFloat([n, n], 8).data as Float32Array;
      for (let i = 0; i < 5; i++) {
        let ticks = 0;
        const timer = setImmediate(() => ticks++);
        const r = await placed(ctx, [x]);
        clearImmediate(timer);
        expect(r.worker).toBe(true);
        expect(ticks).toBe(1); // the event loop turned while the run was on the worker
      }
    } finally {
      engine.dispose();
    }
  });

  it('concurrent model runs over inline engine segments (and onnxruntime ones) equal sequential runs', async () => {
    const build = () => compile(transformer, { inputs: { hidden_states: [1, 6, 64] }, fallbackOps: ['Softmax'], minBlockSize: 1, threads: 1 });
    const feeds = Array.from({ length: 6 }, (_, i) => ({ hidden_states: sine([1, 6, 64], 3 + i) }));
    // The reference: every engine run on a worker.
    const expected = await withInlineRunLimit(0, async () => {
      const worker = await build();
      try {
        return await runSequentially(worker, feeds);
      } finally {
        await worker.dispose();
      }
    });
    process.env.HYBRIDRT_INLINE_RUN_US = '100000';
    const model = await build();
    try {
      expect(model.report.data.summary.engineSegments).toBeGreaterThan(1);
      expect(model.report.data.summary.fallbackSegments).toBeGreaterThan(0);
      expect(await runSequentially(model, feeds)).toEqual(expected);
      await expectConcurrentRuns(model, feeds, expected, 3);
    } finally {
      await model.dispose();
    }
  });

  it("compile()'s and load()'s inlineRunUs set the limit; HYBRIDRT_INLINE_RUN_US overrides it", async () => {
    delete process.env.HYBRIDRT_INLINE_RUN_US;
    /** Event loop turns during the model's fourth run (its first is measured on a worker). */
    const turns = async (model: Awaited<ReturnType<typeof compile>>) => {
      try {
        for (let i = 0; i < 3; i++) await model.run(tinyFeeds);
        let ticks = 0;
        const timer = setImmediate(() => ticks++);
        await model.run(tinyFeeds);
        clearImmediate(timer);
        return ticks;
      } finally {
        await model.dispose();
      }
    };
    const build = (inlineRunUs: number) => compile(tiny, { threads: 1, minBlockSize: 1, requireFullCompilation: true, inlineRunUs });
    expect(await turns(await build(0))).toBeGreaterThan(0); // 0: every run on a worker
    expect(await turns(await build(100_000))).toBe(0);
    const saved = await (await build(100_000)).toBytes();
    expect(await turns(await load(saved, { inlineRunUs: 0 }))).toBeGreaterThan(0);
    expect(await turns(await load(saved, { inlineRunUs: 100_000 }))).toBe(0);
    await expect(load(saved, { inlineRunUs: -1 })).rejects.toMatchObject({ code: 'OPTION' });
    await expect(build(-1)).rejects.toMatchObject({ code: 'OPTION' });
    process.env.HYBRIDRT_INLINE_RUN_US = '0';
    expect(await turns(await build(100_000))).toBeGreaterThan(0);
  });

  it('concurrent runs of an engine whose inline runs wait for a turn equal sequential runs', async () => {
    // One engine segment of 256 x 256 x 256 products at one thread (above 200 us anywhere): its
    // inline runs wait for a turn, in flight meanwhile, so runs started then take a worker
    // (another context of the engine) beside it.
    const n = 256;
    const bytes = encodeModel(
      buildModel({
        inputs: [{ name: 'a', shape: [n, n] }],
        outputs: [{ name: 'y', shape: [n, n] }],
        initializers: { w: randomFloat([n, n], 7) },
        nodes: [{ op: 'MatMul', inputs: ['a', 'w'], outputs: ['y'] }],
      }),
      'mm',
    );
    const build = (inlineRunUs: number) => compile(bytes, { threads: 1, minBlockSize: 1, requireFullCompilation: true, inlineRunUs });
    const feeds = Array.from({ length: 5 }, (_, i) => ({ a: randomFloat([n, n], 10 + i).data as Float32Array }));
    const worker = await build(0);
    const expected = await runSequentially(worker, feeds);
    await worker.dispose();
    const model = await build(100_000_000);
    try {
      expect(await runSequentially(model, feeds)).toEqual(expected);
      await expectConcurrentRuns(model, feeds, expected, 3);
      expect(Object.values(model.stats.contexts)[0]).toBeGreaterThan(1); // runs did overlap
    } finally {
      await model.dispose();
    }
  });

  it('a model of inline engine segments runs within one turn of the event loop', async () => {
    process.env.HYBRIDRT_INLINE_RUN_US = '100000';
    const model = await compile(tiny, { threads: 1, minBlockSize: 1 });
    try {
      expect(model.report.data.summary.fallbackSegments).toBe(0);
      for (let i = 0; i < 3; i++) await model.run(tinyFeeds); // the first measured on a worker
      let ticks = 0;
      const timer = setImmediate(() => ticks++);
      await model.run(tinyFeeds);
      clearImmediate(timer);
      expect(ticks).toBe(0);
    } finally {
      await model.dispose();
    }
  });
});
