/**
 * The nonzero layer (a data-dependent output: network.h's DataDependentLayer) against
 * onnxruntime's NonZero on the same inputs, on the backend compare.ts names: the output tensor
 * is declared at the bound [rank, numel(x)], and the run's outputShapes and data must be
 * onnxruntime's [rank, count] exactly, for every engine type (floats with -0 and NaN, halves by
 * their bits), all-zero and empty inputs (count 0), and an input past the cpu kernel's 64K-element
 * chunks (counted in parallel, then written from their prefixes) and the cuda kernel's tiles.
 * The validator keeps the engine ending at such an output.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { DeviceTensor } from '../../src/engine/device-tensor.js';
import type { EngineDType } from '../../src/engine/network.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { float32ToBfloat16Bits, float32ToFloat16Bits } from '../../src/onnx/half.js';
import { BACKEND, runOrt } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomBool, randomFloat, randomInt, tensor } from './helpers/random.js';

const numel = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

function network(x: TensorData, bound = [x.dims.length, numel(x.dims)]) {
  const d = new NetDraft('nonzero');
  const input = d.input('x', x.dtype as EngineDType, x.dims);
  const [y] = d.layer('nonzero', 'nz', [input], {}, [{ dtype: 'int64', shape: bound }]);
  d.output(y!);
  return { d, y: y! };
}

/** The engine's indices and shape against onnxruntime's; `ref` is what onnxruntime reads (a half's float32 value). */
async function check(x: TensorData, ref: TensorData = x, location: 'host' | 'device' = 'host') {
  const [want] = await runOrt({ op: 'NonZero', inputs: [ref], kind: 'nonzero', params: {} }, [ref]);
  const engine = await buildEngine(network(x).d.finish(), { backend: BACKEND });
  try {
    const ctx = engine.createContext();
    const [got] = await ctx.run([x.data], { outputLocation: location });
    const data = location === 'host' ? got : (await (got as DeviceTensor).download()).data;
    if (location === 'device') expect((got as DeviceTensor).dims).toEqual(want!.dims);
    expect(ctx.outputShapes).toEqual([want!.dims]);
    expect(Array.from(data as BigInt64Array, Number)).toEqual(Array.from(want!.data as BigInt64Array, Number));
    return want!.dims;
  } finally {
    engine.dispose();
  }
}

describe('nonzero', () => {
  it('float32 of ranks 1 to 4, -0 as zero and NaN as nonzero', async () => {
    const x = randomFloat([3, 4, 5], 1);
    const v = x.data as Float32Array;
    for (let i = 0; i < v.length; i += 3) v[i] = 0;
    v[1] = -0;
    v[2] = NaN;
    expect((await check(x))[1]).toBeGreaterThan(0);
    for (const dims of [[7], [2, 3, 2, 4]]) {
      const y = randomFloat(dims, 2);
      (y.data as Float32Array)[0] = 0;
      await check(y);
    }
  });

  it('integer, bool and 8-bit types', async () => {
    await check(randomInt([4, 6], 3, -1, 1, 'int32'));
    await check(randomInt([4, 6], 4, 0, 2, 'int64'));
    await check(randomBool([5, 3], 5));
    // onnxruntime has no int8 NonZero: it reads the same values as int32.
    const int8 = [0, -1, 0, 127, -128, 0];
    await check(tensor('int8', [6], int8), tensor('int32', [6], int8));
    await check(tensor('uint8', [2, 3], [0, 255, 1, 0, 0, 9]));
  });

  it('float16 and bfloat16 read by their bits (-0 zero)', async () => {
    const values = [0, -0, 1.5, -2, 0, 3e-5, 0, 7];
    const ref = tensor('float32', [2, 4], values);
    for (const [dtype, enc] of [
      ['float16', float32ToFloat16Bits],
      ['bfloat16', float32ToBfloat16Bits],
    ] as const) {
      await check({ dtype, dims: [2, 4], data: Uint16Array.from(values, enc) }, ref);
    }
  });

  it('finds nothing: all zeros and an empty input give [rank, 0]', async () => {
    expect(await check(tensor('float32', [3, 4], new Array(12).fill(0)))).toEqual([2, 0]);
    expect(await check(tensor('float32', [3, 0, 2], []))).toEqual([3, 0]);
  });

  it('an input past one chunk (parallel count and write) and a device output', async () => {
    const x = randomFloat([3, 300, 257], 6);
    const v = x.data as Float32Array;
    for (let i = 0; i < v.length; i++) if (v[i]! < 0.3) v[i] = 0;
    await check(x);
    await check(x, x, 'device');
    await check(tensor('float32', [2, 2], [0, 0, 0, 0]), undefined, 'device');
  });

  it('the same context runs again with other data: each run reports its own count', async () => {
    const a = tensor('int32', [5], [1, 0, 2, 0, 3]);
    const engine = await buildEngine(network(a).d.finish(), { backend: BACKEND });
    try {
      // The engine says which dim each run sizes (the runtime reads outputShapes for it).
      expect(engine.info().outputs[0]).toMatchObject({ shape: [1, 5], dataDependentDim: 1 });
      const ctx = engine.createContext();
      for (const values of [
        [1, 0, 2, 0, 3],
        [0, 0, 0, 0, 0],
        [4, 4, 4, 4, 4],
      ]) {
        const [got] = await ctx.run([Int32Array.from(values)]);
        const want = values.flatMap((v, i) => (v ? [i] : []));
        expect(ctx.outputShapes).toEqual([[1, want.length]]);
        expect(Array.from(got as BigInt64Array, Number)).toEqual(want);
      }
    } finally {
      engine.dispose();
    }
  });

  it('is refused where a layer reads its output, where it is not an output, and at another bound', async () => {
    const x = randomFloat([2, 3], 7);
    const read = network(x);
    read.d.layer('unary', 'after', [read.y], { op: 'identity' }, [{ dtype: 'int64', shape: [2, 6] }]);
    await expect(buildEngine(read.d.finish(), { backend: 'cpu' })).rejects.toThrow(/reads tensor 'nz'.*depends on the data/);

    const hidden = new NetDraft('hidden');
    const i = hidden.input('x', 'float32', [2, 3]);
    const [y] = hidden.layer('nonzero', 'nz', [i], {}, [{ dtype: 'int64', shape: [2, 6] }]);
    const [z] = hidden.layer('unary', 'other', [i], { op: 'identity' }, [{ dtype: 'float32', shape: [2, 3] }]);
    void y;
    hidden.output(z!);
    await expect(buildEngine(hidden.finish(), { backend: 'cpu' })).rejects.toThrow(/must be a network output/);

    await expect(buildEngine(network(x, [2, 5]).d.finish(), { backend: 'cpu' })).rejects.toThrow(/\[2,6\]/);
  });
});
