/**
 * Where hybrid-serve's engine runs execute (src/engine/run-placement.ts): the server gives its
 * models SERVING_INLINE_RUN_MAX_US (200 us), not the library's default, so that a run of a few
 * ms computes on a worker thread while the event loop reads, batches and answers requests. A
 * model whose engine runs for well over 200 us anywhere (a 384 x 384 x 384 product at one
 * thread: 0.11 GFLOP) keeps the worker, compiled from model.onnx or loaded from model.hybrid:
 * the event loop turns while its run computes. (Under the library's default such a run, ~1-5 ms
 * on the machine of docs/benchmarks.md, takes the calling thread.)
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import type { CompiledModel } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { loadVersion, scanRepository } from '../../src/serve/repository.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { randomFloat } from '../engine/helpers/random.js';
import { makeRepository } from './helpers.js';

const N = 384;

function matmulBytes(): Uint8Array {
  const model = buildModel({
    inputs: [{ name: 'a', shape: [N, N] }],
    outputs: [{ name: 'y', shape: [N, N] }],
    initializers: { w: randomFloat([N, N], 7) },
    nodes: [{ op: 'MatMul', inputs: ['a', 'w'], outputs: ['y'] }],
  });
  return encodeModel(model, 'matmul');
}

/** Event loop turns during each of the model's runs after its first (measured on a worker). */
async function turnsPerRun(model: CompiledModel): Promise<number[]> {
  const feeds = { a: randomFloat([N, N], 8).data as Float32Array };
  await model.run(feeds);
  const turns: number[] = [];
  for (let i = 0; i < 4; i++) {
    let ticks = 0;
    const timer = setImmediate(() => ticks++);
    await model.run(feeds);
    clearImmediate(timer);
    turns.push(ticks);
  }
  return turns;
}

describeIf(HAS_NATIVE, 'hybrid-serve run placement', NATIVE_MISSING, () => {
  let saved: string | undefined;
  beforeEach(() => {
    saved = process.env.HYBRIDRT_INLINE_RUN_US;
    delete process.env.HYBRIDRT_INLINE_RUN_US;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.HYBRIDRT_INLINE_RUN_US;
    else process.env.HYBRIDRT_INLINE_RUN_US = saved;
  });

  it('runs of a few ms keep the worker thread in the server, from model.onnx and model.hybrid', async () => {
    // One node: an engine segment only with minBlockSize 1 (else onnxruntime runs it).
    const options = { backend: 'cpu', threads: 1, minBlockSize: 1, requireFullCompilation: true } as const;
    const compiled = await compile(matmulBytes(), options);
    const hybrid = await compiled.toBytes();
    await compiled.dispose();
    const dir = makeRepository({
      onnx: { versions: { 1: { file: 'model.onnx', bytes: matmulBytes() } }, config: options },
      hybrid: { versions: { 1: { file: 'model.hybrid', bytes: hybrid } }, config: { threads: 1 } },
    });
    for (const m of scanRepository(dir)) {
      const v = m.versions[0]!;
      await loadVersion(dir, v, {});
      expect(v.state, v.reason).toBe('READY');
      expect(v.model!.report.data.summary.engineSegments).toBe(1);
      try {
        expect(await turnsPerRun(v.model!)).toEqual([1, 1, 1, 1]);
      } finally {
        await v.model!.dispose();
      }
    }
  });
});
