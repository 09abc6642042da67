/**
 * onnxruntime-node's conventions on a compiled model: run(feeds, fetches) resolves with the
 * named outputs only (an unknown name is an INPUT error before anything runs), release() is
 * dispose(), Symbol.asyncDispose lets `await using` dispose the model, and the Tensor class
 * hybridrt exports is the class of every output, from engines and from onnxruntime segments
 * alike. Values are checked against onnxruntime on the same model.
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { Tensor } from '../../src/index.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, sine } from './helpers.js';

/** x -> Relu -> a; x -> Sigmoid -> b: two outputs. */
const model = encodeModel(
  buildModel({
    inputs: [{ name: 'x', shape: [2, 8] }],
    outputs: [{ name: 'a' }, { name: 'b' }],
    nodes: [
      { op: 'Relu', inputs: ['x'], outputs: ['a'] },
      { op: 'Sigmoid', inputs: ['x'], outputs: ['b'] },
    ],
  }),
);

describeIf(HAS_NATIVE, 'onnxruntime conventions', NATIVE_MISSING, () => {
  it('run(feeds, fetches) gives the named outputs only, with the values onnxruntime gives', async () => {
    const m = await compile(model, { backend: 'cpu', minBlockSize: 1 });
    try {
      const feeds = { x: sine([2, 8]) };
      const want = await ortRun(model, feeds);
      const onlyB = await m.run(feeds, ['b']);
      expect(Object.keys(onlyB)).toEqual(['b']);
      // Sigmoid on the engine (a vector kernel) against onnxruntime's: float32 rounding.
      expect(relativeError(onlyB.b!, want.b!)).toBeLessThan(1e-6);
      const both = await m.run(feeds, ['b', 'a'], { timing: 'coarse' });
      expect(Object.keys(both).sort()).toEqual(['a', 'b']);
      expect(relativeError(both.a!, want.a!)).toBe(0);
      const runs = m.stats.runs;
      await expect(m.run(feeds, ['c'])).rejects.toMatchObject({
        code: 'INPUT',
        message: "<bytes>: run(feeds, fetches): the model has no output 'c' (its outputs: a, b)",
      });
      expect(m.stats.runs).toBe(runs); // refused before running
    } finally {
      await m.dispose();
    }
  });

  it('outputs are instances of the Tensor hybridrt exports, whether an engine or onnxruntime made them', async () => {
    for (const fallbackOps of [[], ['Sigmoid'], ['Relu', 'Sigmoid']]) {
      const m = await compile(model, { backend: 'cpu', minBlockSize: 1, fallbackOps });
      try {
        const out = await m.run({ x: new Tensor('float32', new Float32Array(16).fill(0.5), [2, 8]) });
        expect(
          Object.values(out).map((t) => t instanceof Tensor),
          `fallbackOps ${fallbackOps}`,
        ).toEqual([true, true]);
        expect(out.a!.data).toBeInstanceOf(Float32Array);
      } finally {
        await m.dispose();
      }
    }
  });

  it('release() and Symbol.asyncDispose dispose the model', async () => {
    const a = await compile(model, { backend: 'cpu' });
    await a.release();
    expect(a.disposed).toBe(true);
    await expect(a.run({ x: sine([2, 8]) })).rejects.toMatchObject({ code: 'DISPOSED' });
    const b = await compile(model, { backend: 'cpu' });
    await b[Symbol.asyncDispose]();
    expect(b.disposed).toBe(true);
  });
});
