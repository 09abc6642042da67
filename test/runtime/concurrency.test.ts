// Runs in flight at once: 8 concurrent run() calls on one model (engine and fallback segments)
// give exactly what 8 sequential runs give, each with its own execution contexts; the pool
// stays within its bound and is reused afterwards; engine work leaves the event loop free.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compile, type CompiledModel } from '../../src/compiler/compile.js';
import { expectConcurrentRuns, runSequentially } from '../helpers/concurrency-suite.js';
import { inlineRunLimitForFile } from '../helpers/inline-runs.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { resnet, sine, transformer } from './helpers.js';

// Engine runs on worker threads, overlapping: small engines would otherwise run on the calling
// thread (test/engine/run-placement.test.ts covers that).
inlineRunLimitForFile(0);

describeIf(HAS_NATIVE, 'concurrent runs', NATIVE_MISSING, () => {
  let model: CompiledModel;
  beforeAll(async () => {
    // Softmax and the residual Adds on onnxruntime: engine -> fallback -> engine hand-overs.
    model = await compile(transformer, {
      inputs: { hidden_states: [2, 12, 64] },
      fallbackOps: ['Softmax', 'Add'],
      minBlockSize: 1,
      maxContexts: 8,
      threads: 1,
    });
  });
  afterAll(() => model?.dispose());

  it('8 concurrent runs equal 8 sequential runs, bit for bit', async () => {
    const summary = model.report.data.summary;
    expect(summary.engineSegments).toBeGreaterThan(1);
    expect(summary.fallbackSegments).toBeGreaterThan(0);
    const feeds = Array.from({ length: 8 }, (_, i) => ({ hidden_states: sine([2, 12, 64], i) }));
    const sequential = await runSequentially(model, feeds);
    expect(model.stats.contexts).toEqual(Object.fromEntries(model.report.engines.map((e) => [e.segment, 1])));
    await expectConcurrentRuns(model, feeds, sequential, 1);
    // The runs overlapped: some engine lent more than one context, and none more than the bound.
    const counts = Object.values(model.stats.contexts);
    expect(Math.max(...counts)).toBeGreaterThan(1);
    expect(Math.max(...counts)).toBeLessThanOrEqual(8);
    expect(model.stats.runs).toBe(16);
  });

  it('a bounded pool makes extra runs wait for a context, with the same results', async () => {
    const small = await compile(transformer, {
      inputs: { hidden_states: [1, 5, 64] },
      fallbackOps: ['Softmax'],
      minBlockSize: 1,
      maxContexts: 2,
      threads: 1,
    });
    try {
      const feeds = Array.from({ length: 6 }, (_, i) => ({ hidden_states: sine([1, 5, 64], 10 + i) }));
      await expectConcurrentRuns(small, feeds, await runSequentially(small, feeds), 1);
      for (const n of Object.values(small.stats.contexts)) expect(n).toBeLessThanOrEqual(2);
    } finally {
      await small.dispose();
    }
  });

  it('keeps the event loop free while an engine runs: a timer fires before the run resolves', async () => {
    // resnet_mini is one engine segment; batch 16 makes its run long enough to notice.
    const cnn = await compile(resnet, { inputs: { input: [16, 3, 64, 64] }, threads: 1 });
    try {
      expect(cnn.report.data.summary).toMatchObject({ engineSegments: 1, fallbackSegments: 0 });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      let ticksAtEnd = -1;
      await cnn.run({ input: sine([16, 3, 64, 64]) }).then(() => (ticksAtEnd = ticks));
      clearInterval(timer);
      expect(ticksAtEnd).toBeGreaterThan(0);
    } finally {
      await cnn.dispose();
    }
  });

  it('dispose waits for the runs in flight, then refuses new ones with DISPOSED', async () => {
    const m = await compile(transformer, { inputs: { hidden_states: [1, 6, 64] }, fallbackOps: ['Softmax'], minBlockSize: 1, threads: 1 });
    const inFlight = [m.run({ hidden_states: sine([1, 6, 64]) }), m.run({ hidden_states: sine([1, 6, 64], 2) })];
    const disposed = m.dispose();
    await expect(m.run({ hidden_states: sine([1, 6, 64]) })).rejects.toMatchObject({ code: 'DISPOSED' });
    const results = await Promise.all(inFlight);
    for (const r of results) expect(r.output!.dims).toEqual([1, 6, 64]);
    await disposed;
    expect(m.disposed).toBe(true);
    await expect(m.run({ hidden_states: sine([1, 6, 64]) })).rejects.toMatchObject({ name: 'HybridError', code: 'DISPOSED' });
    await m.dispose(); // idempotent
  });
});
