/**
 * Concurrency on the cuda backend (test/helpers/concurrency-suite.ts; the same checks run on
 * cpu in test/engine/concurrency.test.ts and test/runtime/concurrency.test.ts): 8 runs in
 * flight on 8 execution contexts of one engine (each with its own stream, arena and pinned
 * staging) give exactly the results of sequential runs, round after round; and a compiled
 * model with 8 contexts allowed serves 8 concurrent run() calls, each equal to its sequential
 * result. Equality is exact: the same kernels and algorithms run on the same inputs, so any
 * difference is a race.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { contextsInFlight, expectConcurrentRuns, runSequentially } from '../helpers/concurrency-suite.js';
import { describeIf } from '../helpers/skip.js';
import { resnet, sine } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';

describeIf(CUDA, 'concurrency (cuda)', NO_CUDA, () => {
  contextsInFlight('cuda', 5);

  it('a model with 8 contexts serves 8 concurrent runs, each equal to its sequential result', async () => {
    const model = await compile(resnet, { backend: 'cuda', inputs: { input: [1, 3, 64, 64] }, maxContexts: 8 });
    try {
      const name = model.inputNames[0]!;
      const feeds = Array.from({ length: 8 }, (_, i) => ({ [name]: sine([1, 3, 64, 64], i) }));
      await expectConcurrentRuns(model, feeds, await runSequentially(model, feeds), 3);
      expect(Object.values(model.stats.contexts).every((n) => n >= 1 && n <= 8)).toBe(true);
    } finally {
      await model.dispose();
    }
  });
});
