/**
 * A run's outputs are the caller's own: never memory of the execution context nor of another
 * run. The addon copies small host outputs (up to 64 KiB) out of the context on the JS thread
 * and large ones on the worker thread (native/src/napi/napi_context.cc); both kinds are checked
 * here against a reference computed in JavaScript (Relu and Abs: exact), across sequential runs
 * on one context (an earlier run's arrays keep their values), runs in flight at once (one
 * context each), and a caller writing into an output it got.
 */
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { compile, type CompiledModel } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { mulberry32 } from '../../src/util/random.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

const SMALL = 1000; // 4000 bytes: copied on the JS thread
const LARGE = 40000; // 160000 bytes: copied on the worker thread

const feeds = (seed: number) => {
  const r = mulberry32(seed);
  const data = (n: number) => Float32Array.from({ length: n }, () => r() * 2 - 1);
  return { a: new ort.Tensor('float32', data(SMALL), [1, SMALL]), b: new ort.Tensor('float32', data(LARGE), [1, LARGE]) };
};

function reference(f: ReturnType<typeof feeds>): { small: Float32Array; large: Float32Array } {
  return {
    small: (f.a.data as Float32Array).map((v) => Math.max(v, 0)),
    large: (f.b.data as Float32Array).map((v) => Math.abs(v)),
  };
}

describeIf(HAS_NATIVE, 'run outputs', NATIVE_MISSING, () => {
  let model: CompiledModel;
  beforeAll(async () => {
    const onnx = buildModel({
      inputs: [
        { name: 'a', shape: [1, SMALL] },
        { name: 'b', shape: [1, LARGE] },
      ],
      outputs: [{ name: 'small' }, { name: 'large' }],
      nodes: [
        { op: 'Relu', inputs: ['a'], outputs: ['small'] },
        { op: 'Abs', inputs: ['b'], outputs: ['large'] },
      ],
    });
    model = await compile(encodeModel(onnx), { backend: 'cpu', threads: 2, minBlockSize: 1, requireFullCompilation: true, maxContexts: 4 });
  });
  afterAll(() => model?.dispose());

  it('an earlier run keeps its outputs after later runs on the same context', async () => {
    const first = await model.run(feeds(1));
    const want = reference(feeds(1));
    for (let seed = 2; seed < 6; seed++) {
      const later = await model.run(feeds(seed));
      expect(later.small!.data).toEqual(reference(feeds(seed)).small);
      expect(later.large!.data).toEqual(reference(feeds(seed)).large);
      expect((later.small!.data as Float32Array).buffer).not.toBe((first.small!.data as Float32Array).buffer);
      expect((later.large!.data as Float32Array).buffer).not.toBe((first.large!.data as Float32Array).buffer);
    }
    // One context served every run so far: the later runs reused the first run's arena.
    expect(Object.values(model.stats.contexts)).toEqual([1]);
    expect(first.small!.data).toEqual(want.small);
    expect(first.large!.data).toEqual(want.large);
  });

  it('runs in flight at once get their own outputs', async () => {
    const seeds = [11, 12, 13, 14, 15, 16, 17, 18];
    const outs = await Promise.all(seeds.map((s) => model.run(feeds(s))));
    const buffers = new Set<ArrayBufferLike>();
    outs.forEach((o, i) => {
      const want = reference(feeds(seeds[i]!));
      expect(o.small!.data).toEqual(want.small);
      expect(o.large!.data).toEqual(want.large);
      buffers.add((o.small!.data as Float32Array).buffer);
      buffers.add((o.large!.data as Float32Array).buffer);
    });
    expect(buffers.size).toBe(2 * seeds.length);
  });

  it('writing into an output changes no later run', async () => {
    const f = feeds(21);
    const first = await model.run(f);
    (first.small!.data as Float32Array).fill(7);
    (first.large!.data as Float32Array).fill(7);
    const second = await model.run(f);
    expect(second.small!.data).toEqual(reference(f).small);
    expect(second.large!.data).toEqual(reference(f).large);
  });
});
