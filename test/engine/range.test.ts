/**
 * The range layer (ONNX Range of integers) on the backend compare.ts names
 * (test/gpu/engine-layers.test.ts runs these cases on cuda), exact throughout: with constant
 * bounds against onnxruntime (rising, falling, a step that does not divide the span, empty
 * ranges); the plain form (params start and delta) against values written here, int32 wrapping
 * past its largest value; and in a dynamic engine, bounds read from the input's shape
 * (shape -> gather -> range) against onnxruntime at each run's shape.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { BACKEND, checkLayer } from './helpers/compare.js';
import { NetDraft } from './helpers/net.js';
import { tensor } from './helpers/random.js';

const scalar = (dtype: 'int32' | 'int64', v: number) => tensor(dtype, [], [v]);

describe('range', () => {
  it('constant bounds, int32 and int64: rising, falling, uneven steps and empty ranges', async () => {
    for (const dtype of ['int32', 'int64'] as const) {
      for (const [start, limit, delta] of [
        [0, 10, 1],
        [5, -7, -3],
        [-4, 9, 4],
        [100, 1000, 37],
        [3, 3, 1],
        [10, 0, 2],
      ] as const) {
        await checkLayer({
          op: 'Range',
          inputs: [scalar(dtype, start), scalar(dtype, limit), scalar(dtype, delta)],
          constants: [0, 1, 2],
          kind: 'range',
          params: {},
        });
      }
    }
  });

  it('the plain form: start + i * delta, int32 wrapping past its largest value', async () => {
    for (const [dtype, start, delta, n] of [
      ['int64', -7, 3, 9],
      ['int32', 2 ** 31 - 3, 2, 4],
      ['int64', 40, -11, 6],
    ] as const) {
      const d = new NetDraft('range');
      const [y] = d.layer('range', 'r', [], { start: [start], delta: [delta] }, [{ dtype, shape: [n] }]);
      d.output(y!);
      const engine = await buildEngine(d.finish(), { backend: BACKEND });
      try {
        const [got] = await engine.createContext().run([]);
        const bits = dtype === 'int32' ? 32 : 64;
        const want = Array.from({ length: n }, (_, i) => BigInt.asIntN(bits, BigInt(start) + BigInt(i) * BigInt(delta)));
        expect(Array.from(got as ArrayLike<number | bigint>, BigInt), `${dtype} ${start} + i * ${delta}`).toEqual(want);
      } finally {
        engine.dispose();
      }
    }
  });

  it("bounds read from a dynamic input's shape follow each run's dims", async () => {
    // x [n, w] -> w = shape(x)[1] -> up = range(1, w, 2), down = range(w, -1, -3)
    const d = new NetDraft('shape_range');
    const x = d.input('x', 'float32', [2, 5]);
    const [dims] = d.layer('shape', 'dims', [x], {}, [{ dtype: 'int64', shape: [2] }]);
    const one = d.constant('one', 'int64', [], BigInt64Array.of(1n));
    const [w] = d.layer('gather', 'w', [dims!, one], { axis: 0, mode: 'default' }, [{ dtype: 'int64', shape: [] }]);
    const c = (name: string, v: bigint) => d.constant(name, 'int64', [], BigInt64Array.of(v));
    const [up] = d.layer('range', 'up', [one, w!, c('two', 2n)], {}, [{ dtype: 'int64', shape: [2] }]);
    const [down] = d.layer('range', 'down', [w!, c('minus_one', -1n), c('minus_three', -3n)], {}, [{ dtype: 'int64', shape: [2] }]);
    d.output(up!);
    d.output(down!);
    const engine = await buildEngine({ ...d.finish(), ranges: [{ min: [1, 1], max: [3, 12] }] }, { backend: BACKEND });
    const i64 = (v: number) => ({ dtype: 'int64' as const, dims: [], data: BigInt64Array.of(BigInt(v)) });
    const session = await ort.InferenceSession.create(
      encodeModel(
        buildModel({
          inputs: [{ name: 'x', dtype: 'float32', shape: ['n', 'w'] }],
          outputs: [{ name: 'up' }, { name: 'down' }],
          initializers: { one: i64(1), two: i64(2), minus_one: i64(-1), minus_three: i64(-3) },
          nodes: [
            { op: 'Shape', inputs: ['x'], outputs: ['dims'] },
            { op: 'Gather', inputs: ['dims', 'one'], outputs: ['w'], attrs: { axis: 0 } },
            { op: 'Range', inputs: ['one', 'w', 'two'], outputs: ['up'] },
            { op: 'Range', inputs: ['w', 'minus_one', 'minus_three'], outputs: ['down'] },
          ],
        }),
      ),
    );
    try {
      const ctx = engine.createContext();
      for (const [n, width] of [
        [2, 5],
        [1, 1],
        [3, 12],
        [2, 8],
      ] as const) {
        const data = new Float32Array(n * width);
        const got = await ctx.run([data], { shapes: [[n, width]] });
        const want = await session.run({ x: new ort.Tensor('float32', data, [n, width]) });
        expect(ctx.outputShapes, `w ${width}`).toEqual([[...want.up!.dims], [...want.down!.dims]]);
        expect(Array.from(got[0] as BigInt64Array), `up, w ${width}`).toEqual(Array.from(want.up!.data as BigInt64Array));
        expect(Array.from(got[1] as BigInt64Array), `down, w ${width}`).toEqual(Array.from(want.down!.data as BigInt64Array));
      }
    } finally {
      engine.dispose();
      await session.release();
    }
  });
});
