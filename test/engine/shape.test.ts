/**
 * The shape layer (ONNX Shape: the input's dims as int64, written at run time) against
 * onnxruntime, on the backend compare.ts names (test/gpu/engine-layers.test.ts runs these cases
 * on cuda): inputs of every kind of dtype and of rank 0 to 5, exact. In a dynamic engine the
 * dims are each run's: checked against onnxruntime and against the dims fed.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { BACKEND, checkLayer } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { randomBool, randomFloat, randomInt } from './helpers/random.js';

const shapeOf = (x: Parameters<typeof checkLayer>[0]['inputs'][0], half?: 'float16' | 'bfloat16') =>
  checkLayer({ op: 'Shape', inputs: [x], kind: 'shape', params: {}, ...(half ? { half } : {}) });

describe('shape', () => {
  it('float32, int32, int64 and bool inputs of rank 0 to 5, one with an empty dim', async () => {
    await shapeOf(randomFloat([7], 1));
    await shapeOf(randomFloat([2, 3, 4], 2));
    await shapeOf(randomInt([5, 1, 3, 2], 3, -5, 5));
    await shapeOf(randomInt([3, 2], 4, -5, 5, 'int64'));
    await shapeOf(randomBool([1, 2, 3, 1, 4], 5));
    await shapeOf(randomFloat([], 8));
    await shapeOf(randomFloat([3, 0, 2], 9));
  });

  it('float16 and bfloat16 inputs', async () => {
    await shapeOf(randomFloat([6, 5], 6), 'float16');
    await shapeOf(randomFloat([2, 9, 1], 7), 'bfloat16');
  });

  it("a dynamic engine's shape layer gives each run's dims", async () => {
    const d = new NetDraft('shape_of');
    const x = d.input('x', 'float32', [2, 3, 5]);
    const [s] = d.layer('shape', 'dims', [x], {}, [{ dtype: 'int64', shape: [3] }]);
    d.output(s!);
    const engine = await buildEngine({ ...d.finish(), ranges: [{ min: [1, 3, 1], max: [4, 3, 9] }] }, { backend: BACKEND });
    const session = await ort.InferenceSession.create(
      encodeModel(
        buildModel({
          inputs: [{ name: 'x', dtype: 'float32', shape: ['n', 3, 'w'] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['y'] }],
        }),
      ),
    );
    try {
      const ctx = engine.createContext();
      for (const dims of [
        [2, 3, 5],
        [1, 3, 1],
        [4, 3, 9],
        [3, 3, 2],
      ]) {
        const data = randomFloat(dims, dims[0]! * 10 + dims[2]!).data as Float32Array;
        const [got] = await ctx.run([data], { shapes: [dims] });
        const want = (await session.run({ x: new ort.Tensor('float32', data, dims) })).y!.data as BigInt64Array;
        expect(Array.from(got as BigInt64Array), `at [${dims}]`).toEqual(Array.from(want));
        expect(Array.from(got as BigInt64Array, Number), `at [${dims}]`).toEqual(dims);
      }
    } finally {
      engine.dispose();
      await session.release();
    }
  });
});
