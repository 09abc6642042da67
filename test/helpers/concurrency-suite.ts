/**
 * Concurrency checks shared by the cpu tests (test/engine/concurrency.test.ts,
 * test/runtime/concurrency.test.ts) and the cuda ones (test/gpu/concurrency.test.ts). Equality
 * is exact throughout: the same kernels run on the same inputs, so any difference is a race.
 */
import { expect, it } from 'vitest';
import type { Backend } from '../../src/compiler/options.js';
import { buildEngine } from '../../src/engine/engine.js';
import type { Feeds } from '../../src/runtime/feeds.js';
import type { HybridModel } from '../../src/runtime/hybrid-model.js';
import { smallCnn, smallCnnInputs } from '../engine/helpers/small-cnn.js';

const asArrays = (outs: ArrayLike<number>[]) => outs.map((o) => Array.from(o));

/**
 * One test: 8 runs in flight on 8 execution contexts of one engine (on cuda each with its own
 * stream, arena and pinned staging) give exactly the results of sequential runs, `rounds`
 * times (so that runs overlap in different orders); then the sequential context, reused in
 * the reverse order, gives them again.
 */
export function contextsInFlight(backend: Backend, rounds: number): void {
  it('8 runs in flight on 8 contexts equal sequential runs', async () => {
    const engine = await buildEngine(smallCnn(), { backend });
    try {
      const seq = engine.createContext();
      const expected = [];
      for (let i = 0; i < 8; i++) expected.push(asArrays((await seq.run(smallCnnInputs(i + 1))) as Float32Array[]));
      const contexts = Array.from({ length: 8 }, () => engine.createContext());
      for (let round = 0; round < rounds; round++) {
        const got = await Promise.all(contexts.map((c, i) => c.run(smallCnnInputs(i + 1))));
        expect(got.map((g) => asArrays(g as Float32Array[]))).toEqual(expected);
      }
      for (let i = 7; i >= 0; i--) expect(asArrays((await seq.run(smallCnnInputs(i + 1))) as Float32Array[])).toEqual(expected[i]);
    } finally {
      engine.dispose();
    }
  });
}

/** Each feed's outputs, every one as a plain array by output name, from runs one at a time. */
export async function runSequentially(model: HybridModel, feeds: Feeds[]): Promise<Array<Record<string, number[]>>> {
  const results = [];
  for (const f of feeds) results.push(plain(await model.run(f)));
  return results;
}

/** `rounds` times, every feed run at once: each result equals `expected` (runSequentially's), output by output. */
export async function expectConcurrentRuns(
  model: HybridModel,
  feeds: Feeds[],
  expected: Array<Record<string, number[]>>,
  rounds: number,
): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const got = await Promise.all(feeds.map((f) => model.run(f)));
    got.forEach((g, i) => expect(plain(g), `run ${i}, round ${round}`).toEqual(expected[i]));
  }
}

function plain(outputs: Record<string, { data: unknown }>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, Array.from(t.data as ArrayLike<number>)]));
}
