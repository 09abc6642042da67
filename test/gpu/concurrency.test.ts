/**
 * Concurrency on the cuda backend: 8 runs in flight on 8 execution contexts of one engine
 * (each with its own stream, arena and pinned staging) give exactly the results of
 * sequential runs, round after round; and a compiled model with 8 contexts allowed serves
 * 8 concurrent run() calls, each equal to its sequential result. Equality is exact: the same
 * kernels and algorithms run on the same inputs, so any difference is a race.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildEngine } from '../../src/engine/engine.js';
import { smallCnn, smallCnnInputs } from '../engine/helpers/small-cnn.js';
import { resnet, sine } from '../runtime/helpers.js';
import { CUDA, NO_CUDA } from './helpers.js';
import { describeIf } from '../helpers/skip.js';

const asArrays = (outs: ArrayLike<number>[]) => outs.map((o) => Array.from(o));

describeIf(CUDA, 'concurrency (cuda)', NO_CUDA, () => {
  it('8 runs in flight on 8 contexts equal sequential runs', async () => {
    const engine = await buildEngine(smallCnn(), { backend: 'cuda' });
    try {
      const seq = engine.createContext();
      const expected = [];
      for (let i = 0; i < 8; i++) expected.push(asArrays((await seq.run(smallCnnInputs(i + 1))) as Float32Array[]));
      const contexts = Array.from({ length: 8 }, () => engine.createContext());
      for (let round = 0; round < 5; round++) {
        const got = await Promise.all(contexts.map((c, i) => c.run(smallCnnInputs(i + 1))));
        expect(got.map((g) => asArrays(g as Float32Array[]))).toEqual(expected);
      }
    } finally {
      engine.dispose();
    }
  });

  it('a model with 8 contexts serves 8 concurrent runs, each equal to its sequential result', async () => {
    const model = await compile(resnet, { backend: 'cuda', inputs: { input: [1, 3, 64, 64] }, maxContexts: 8 });
    try {
      const name = model.inputNames[0]!;
      const feeds = Array.from({ length: 8 }, (_, i) => ({ [name]: sine([1, 3, 64, 64], i) }));
      const expected = [];
      for (const f of feeds) expected.push(Object.values(await model.run(f)).map((t) => Array.from(t.data as Float32Array)));
      for (let round = 0; round < 3; round++) {
        const got = await Promise.all(feeds.map((f) => model.run(f)));
        expect(got.map((o) => Object.values(o).map((t) => Array.from(t.data as Float32Array)))).toEqual(expected);
      }
      expect(Object.values(model.stats.contexts).every((n) => n >= 1 && n <= 8)).toBe(true);
    } finally {
      await model.dispose();
    }
  });
});
