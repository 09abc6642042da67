/**
 * The cuda warm-up of a batched version (src/serve/warmup.ts): one run per batch size
 * 1..max_batch_size with zero feeds of every input's dtype, shaped as the first profile's opt
 * beyond dim 0; only for cuda models served with dynamic batching. A stand-in model records
 * the feeds (the cuda backend itself runs in test/gpu).
 */
import { describe, expect, it } from 'vitest';
import type { CompiledModel } from '../../src/compiler/compile.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { wantsWarmup, warmBatches } from '../../src/serve/warmup.js';

function standIn(backend: string) {
  const runs: Array<Array<[string, string, number[], boolean]>> = [];
  const model = {
    backend,
    inputs: [
      { name: 'x', dtype: 'float32', shape: [4, 3, 16, 16], ranges: [{ min: [1, 3, 8, 8], opt: [4, 3, 16, 16], max: [8, 3, 32, 32] }] },
      { name: 'ids', dtype: 'int64', shape: [4, 7], ranges: [{ min: [1, 7], opt: [4, 7], max: [8, 7] }] },
    ],
    async run(feeds: Record<string, TensorData>) {
      runs.push(
        Object.entries(feeds).map(([n, t]) => [
          n,
          t.dtype,
          [...t.dims],
          Array.from(t.data as ArrayLike<number | bigint>).every((v) => Number(v) === 0),
        ]),
      );
      return {};
    },
  };
  return { model: model as unknown as CompiledModel, runs };
}

describe('warm-up of batch sizes', () => {
  it('runs every batch size once, zeros of each input dtype at the opt shape beyond dim 0', async () => {
    const { model, runs } = standIn('cuda');
    await warmBatches(model, 3);
    expect(runs).toEqual(
      [1, 2, 3].map((b) => [
        ['x', 'float32', [b, 3, 16, 16], true],
        ['ids', 'int64', [b, 7], true],
      ]),
    );
  });

  it('takes, per batch, the first profile whose dim-0 range holds it, for every input', async () => {
    const { model, runs } = standIn('cuda');
    // Profile 0: batch 1 at width 512; profile 1: batch 1..4 at width 128 (opt 64).
    (model as unknown as { inputs: unknown[] }).inputs = [
      {
        name: 'x',
        dtype: 'float32',
        shape: [1, 512],
        ranges: [
          { min: [1, 512], opt: [1, 512], max: [1, 512] },
          { min: [1, 16], opt: [2, 64], max: [4, 128] },
        ],
      },
    ];
    await warmBatches(model, 4);
    expect(runs.map((r) => r[0]![2])).toEqual([
      [1, 512],
      [2, 64],
      [3, 64],
      [4, 64],
    ]);
  });

  it('leaves out an input fixed at compile time (inputValues): it is not batched, and run() takes it as fixed', async () => {
    const { model, runs } = standIn('cuda');
    const sr = { dtype: 'int64', dims: [], data: BigInt64Array.of(16000n) };
    (model as unknown as { inputs: unknown[] }).inputs.push({
      name: 'sr',
      dtype: 'int64',
      shape: [],
      ranges: [{ min: [], opt: [], max: [] }],
      value: sr,
    });
    await warmBatches(model, 2);
    expect(runs.map((r) => r.map(([n, , dims]) => [n, dims]))).toEqual(
      [1, 2].map((b) => [
        ['x', [b, 3, 16, 16]],
        ['ids', [b, 7]],
      ]),
    );
  });

  it('names the batch a failed warm-up run was at', async () => {
    const { model } = standIn('cuda');
    let calls = 0;
    (model as unknown as { run: () => Promise<unknown> }).run = async () => {
      if (++calls === 3) throw new Error('out of device memory');
      return {};
    };
    await expect(warmBatches(model, 8)).rejects.toThrow('warm-up at batch 3: out of device memory');
  });

  it('is wanted on cuda with dynamic batching only', () => {
    expect(wantsWarmup(standIn('cuda').model, 8, true)).toBe(true);
    expect(wantsWarmup(standIn('cuda').model, 8, false)).toBe(false);
    expect(wantsWarmup(standIn('cuda').model, 1, true)).toBe(false);
    expect(wantsWarmup(standIn('cpu').model, 8, true)).toBe(false);
  });
});
