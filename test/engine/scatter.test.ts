/**
 * The scatter layer (ONNX ScatterElements and ScatterND, every reduction) against onnxruntime on
 * the same inputs, on the backend compare.ts names (test/gpu/engine-layers.test.ts runs these
 * cases on cuda). Writes and max/min are exact, as are integer reductions; float add and mul
 * within compare.ts's tolerance (FP32_TOL; one rounding of the output for float16). Negative
 * indices count from the end. Where an index repeats the updates apply in their order: with a
 * reduction onnxruntime is the reference; with 'none' (which ONNX leaves undefined) the layer's
 * contract, the later update written last, is checked against values written here. An index out
 * of range is an INPUT error naming the layer, and the context runs on.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { EngineDType } from '../../src/engine/network.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { BACKEND, checkLayer, runEngine } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomBool, randomFloat, randomInt, tensor } from './helpers/random.js';

type Reduction = 'none' | 'add' | 'mul' | 'max' | 'min';

const idx = (dims: number[], values: number[]) => tensor('int64', dims, values);

function elements(data: TensorData, indices: TensorData, updates: TensorData, axis: number, reduction: Reduction, extra: object = {}) {
  return checkLayer({
    op: 'ScatterElements',
    attrs: { axis, reduction },
    inputs: [data, indices, updates],
    kind: 'scatter',
    params: { mode: 'elements', axis, reduction },
    ...extra,
  });
}

function nd(data: TensorData, indices: TensorData, updates: TensorData, reduction: Reduction, extra: object = {}) {
  return checkLayer({
    op: 'ScatterND',
    attrs: { reduction },
    inputs: [data, indices, updates],
    kind: 'scatter',
    params: { mode: 'nd', axis: 0, reduction },
    ...extra,
  });
}

describe('scatter elements', () => {
  it("'none' along each axis of a rank-2 and a rank-3 tensor, distinct and negative indices", async () => {
    // axis 0 of [4,5]: each column gets rows that do not repeat.
    const rows = idx([2, 5], [0, -1, 2, 3, 1, 3, 2, -4, 0, -2]);
    await elements(randomFloat([4, 5], 1), rows, randomFloat([2, 5], 2), 0, 'none');
    // axis 1, fewer lines than data has (3 of 4) and shorter ones (3 of 5).
    const cols = idx([3, 3], [4, 0, 2, -1, 1, 0, 3, -5, 2]);
    await elements(randomFloat([4, 5], 3), cols, randomFloat([3, 3], 4), 1, 'none');
    const deep = idx([2, 2, 3], [1, 0, 2, -1, 0, 1, 2, 1, 0, 0, 2, -2]);
    await elements(randomFloat([2, 3, 4], 5), deep, randomFloat([2, 2, 3], 6), 1, 'none', { constants: [1] });
  });

  it('add, mul, max and min with repeated indices, float32 and float16', async () => {
    const indices = randomInt([6, 5], 7, -4, 3, 'int64'); // 6 updates per column into 4 rows: repeats
    for (const reduction of ['add', 'mul', 'max', 'min'] as const) {
      await elements(randomFloat([4, 5], 8), indices, randomFloat([6, 5], 9), 0, reduction);
      await elements(randomFloat([4, 5], 10), indices, randomFloat([6, 5], 11), 0, reduction, { half: 'float16' });
    }
  });

  it('int32 add, int64 max and bool writes, exact', async () => {
    const indices = randomInt([3, 6], 12, -6, 5, 'int64');
    await elements(randomInt([3, 6], 13, -100, 100), indices, randomInt([3, 6], 14, -100, 100), 1, 'add');
    await elements(randomInt([3, 6], 15, -100, 100, 'int64'), indices, randomInt([3, 6], 16, -100, 100, 'int64'), 1, 'max');
    const once = idx([2, 3], [2, 0, 1, 0, 2, 1]);
    await elements(randomBool([2, 3], 17), once, randomBool([2, 3], 18), 1, 'none');
  });
});

describe('scatter nd', () => {
  it("'none' on rows, on vectors and on elements, with negative indices and leading index dims", async () => {
    const data = randomFloat([4, 5, 6], 20);
    await nd(data, idx([3, 1], [2, 0, -1]), randomFloat([3, 5, 6], 21), 'none');
    await nd(data, idx([2, 2], [1, 4, -4, -2]), randomFloat([2, 6], 22), 'none', { constants: [1] });
    await nd(data, idx([4, 3], [0, 0, 0, 3, 4, 5, -1, -1, -1, 2, 1, 3]), randomFloat([4], 23), 'none');
    await nd(data, idx([2, 2, 1], [3, 1, 0, 2]), randomFloat([2, 2, 5, 6], 24), 'none');
  });

  it('add, mul, max and min with repeated indices, float32 and bfloat16', async () => {
    const indices = idx([5, 2], [1, 2, 0, 0, 1, 2, -1, -1, 1, -1]); // (1,2) four times (as (-1,-1) and (1,-1) too), (0,0) once
    for (const reduction of ['add', 'mul', 'max', 'min'] as const) {
      await nd(randomFloat([2, 3, 4], 25), indices, randomFloat([5, 4], 26), reduction);
      await nd(randomFloat([2, 3, 4], 27), indices, randomFloat([5, 4], 28), reduction, { half: 'bfloat16' });
    }
  });

  it('int64 and int32 reductions and bool writes, exact', async () => {
    const indices = idx([4, 1], [0, 2, 0, -1]);
    await nd(randomInt([3, 4], 29, -50, 50, 'int64'), indices, randomInt([4, 4], 30, -50, 50, 'int64'), 'add');
    await nd(randomInt([3, 4], 31, -9, 9), indices, randomInt([4, 4], 32, -9, 9), 'mul');
    await nd(randomInt([3, 4], 33, -50, 50), indices, randomInt([4, 4], 34, -50, 50), 'min');
    await nd(randomBool([3, 4], 35), idx([2, 1], [2, 0]), randomBool([2, 4], 36), 'none');
  });
});

describe('scatter contract', () => {
  async function run(mode: 'nd' | 'elements', data: number[], dataDims: number[], indices: TensorData, updates: number[]): Promise<number[]> {
    const f = (dims: number[], v: number[]) => tensor('float32', dims, v);
    const inputs = [f(dataDims, data), indices, f(indices.dims.slice(0, mode === 'nd' ? -1 : undefined), updates)];
    const out = await runEngine({ op: 'scatter', inputs, kind: 'scatter', params: { mode, axis: 1, reduction: 'none' } }, inputs, [
      { dtype: 'float32', shape: dataDims },
    ]);
    return Array.from(out[0] as Float32Array);
  }

  it("'none' with a repeated index: the later update is written last", async () => {
    // ScatterND into [4]: index 2 gets 7, then 9.
    expect(await run('nd', [1, 2, 3, 4], [4], idx([3, 1], [2, 0, -2]), [7, 8, 9]), BACKEND).toEqual([8, 2, 9, 4]);
    // ScatterElements along axis 1 of [2, 4]: row 0 position 1 gets 1, 2 then 4; row 1 position 3 gets 5 then 8.
    expect(
      await run('elements', [10, 20, 30, 40, 50, 60, 70, 80], [2, 4], idx([2, 4], [1, 1, 3, 1, 3, 0, 2, -1]), [1, 2, 3, 4, 5, 6, 7, 8]),
      BACKEND,
    ).toEqual([10, 4, 30, 3, 6, 60, 7, 8]);
  });

  it('an index out of range is an INPUT error naming the layer, index and position; the context runs on', async () => {
    const d = new NetDraft('scatter');
    const dtype: EngineDType = 'float32';
    const data = d.input('data', dtype, [4, 2]);
    const indices = d.input('indices', 'int64', [3, 1]);
    const updates = d.input('updates', dtype, [3, 2]);
    const [y] = d.layer('scatter', 'put', [data, indices, updates], { mode: 'nd', axis: 0, reduction: 'none' }, [{ dtype, shape: [4, 2] }]);
    d.output(y!);
    const engine = await buildEngine(d.finish(), { backend: BACKEND });
    try {
      const ctx = engine.createContext();
      const x = Float32Array.from({ length: 8 }, (_, i) => i);
      const u = Float32Array.from([-1, -2, -3, -4, -5, -6]);
      await expect(ctx.run([x, BigInt64Array.from([0n, 4n, 1n]), u])).rejects.toMatchObject({
        code: 'INPUT',
        message: "layer 'put' (scatter): index 4 at position 1 of the indices is out of range for a dim of 4 (valid: -4 to 3)",
      });
      const [ok] = (await ctx.run([x, BigInt64Array.from([0n, -4n, 3n]), u])) as Float32Array[];
      expect(Array.from(ok!)).toEqual([-3, -4, 2, 3, 4, 5, -5, -6]);
    } finally {
      engine.dispose();
    }
  });
});
