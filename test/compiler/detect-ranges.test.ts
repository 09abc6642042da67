/**
 * TopK, RoiAlign and GridSample through compile() over shape ranges: one engine serves every shape, each
 * run held to onnxruntime on the same feeds (test/helpers/ranges.ts: max |a - b| over max |b|
 * within 1e-5 on cpu; TopK's indices compared as floats, exactly representable). TopK with a
 * constant k while the batch and the line length vary, and with k = min(n, 4) computed from
 * Shape (the layer reads it as a shape tensor at each shape); RoiAlign with the
 * feature maps' batch, height and width varying and a fixed set of boxes; GridSample with the
 * batch, the map's size and the grid's size all varying (points scaled to reach outside [-1, 1]).
 */
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { BACKEND } from '../engine/helpers/compare.js';
import { sine } from '../runtime/helpers.js';
import { engineOnly, expectMatches, shapesIn } from '../helpers/ranges.js';

describeIf(HAS_NATIVE, `TopK, RoiAlign and GridSample over shape ranges (${BACKEND})`, NATIVE_MISSING, () => {
  it('TopK with a constant k: the batch and the line length vary', async () => {
    const model = encodeModel(
      buildModel({
        opset: 11,
        inputs: [{ name: 'x', shape: ['b', 'n', 5] }],
        outputs: [{ name: 'values' }, { name: 'where' }],
        initializers: { k: { dtype: 'int64', dims: [1], data: BigInt64Array.of(3n) } },
        nodes: [
          { op: 'TopK', inputs: ['x', 'k'], outputs: ['values', 'indices'], attrs: { axis: 1, largest: 0 } },
          { op: 'Cast', inputs: ['indices'], outputs: ['where'], attrs: { to: 1 } },
        ],
      }),
    );
    const range = { min: [1, 3, 5], opt: [2, 8, 5], max: [4, 40, 5] };
    const m = await compile(model, { backend: BACKEND, inputs: { x: range }, minBlockSize: 1 });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const shape of shapesIn(range, 3, 1)) await expectMatches(m, model, { x: sine(shape, shape[1]!) }, `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });

  it('TopK with k = min(n, 4) computed from Shape: k follows the line length (a shape tensor)', async () => {
    const i64 = (v: number) => ({ dtype: 'int64' as const, dims: [1], data: BigInt64Array.of(BigInt(v)) });
    const model = encodeModel(
      buildModel({
        opset: 13,
        inputs: [{ name: 'x', shape: ['b', 'n', 5] }],
        outputs: [{ name: 'values' }, { name: 'where' }],
        initializers: { one: i64(1), four: i64(4) },
        nodes: [
          { op: 'Shape', inputs: ['x'], outputs: ['s'] },
          { op: 'Gather', inputs: ['s', 'one'], outputs: ['n'], attrs: { axis: 0 } },
          { op: 'Min', inputs: ['n', 'four'], outputs: ['k'] },
          { op: 'TopK', inputs: ['x', 'k'], outputs: ['values', 'indices'], attrs: { axis: 1 } },
          { op: 'Cast', inputs: ['indices'], outputs: ['where'], attrs: { to: 1 } },
        ],
      }),
    );
    const range = { min: [1, 2, 5], opt: [2, 8, 5], max: [3, 30, 5] };
    const m = await compile(model, { backend: BACKEND, inputs: { x: range }, minBlockSize: 1 });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const shape of [...shapesIn(range, 2, 3), [2, 3, 5], [1, 4, 5]]) {
        await expectMatches(m, model, { x: sine(shape, shape[1]!) }, `[${shape}]`);
      }
    } finally {
      await m.dispose();
    }
  });

  it('RoiAlign: the feature maps vary, the boxes are fixed', async () => {
    const boxes = [0, 0, 7, 7, 1.5, 2.5, 6.2, 5.1, -2, -1, 3, 4, 4, 4, 20, 30];
    const model = encodeModel(
      buildModel({
        opset: 16,
        inputs: [{ name: 'x', shape: ['n', 3, 'h', 'w'] }],
        outputs: [{ name: 'y' }],
        initializers: {
          rois: { dtype: 'float32', dims: [4, 4], data: Float32Array.from(boxes) },
          batch: { dtype: 'int64', dims: [4], data: BigInt64Array.of(0n, 0n, 0n, 0n) },
        },
        nodes: [
          {
            op: 'RoiAlign',
            inputs: ['x', 'rois', 'batch'],
            outputs: ['y'],
            attrs: { mode: 'avg', output_height: 2, output_width: 3, sampling_ratio: 0, spatial_scale: 0.5 },
          },
        ],
      }),
    );
    const range = { min: [1, 3, 4, 4], opt: [2, 3, 8, 8], max: [3, 3, 16, 12] };
    const m = await compile(model, { backend: BACKEND, inputs: { x: range }, minBlockSize: 1 });
    try {
      expect(engineOnly(m)).toBe(true);
      for (const shape of shapesIn(range, 3, 2)) await expectMatches(m, model, { x: sine(shape, 0.25) }, `[${shape}]`);
    } finally {
      await m.dispose();
    }
  });
  it('GridSample: the batch, the map and the grid vary', async () => {
    const model = encodeModel(
      buildModel({
        opset: 16,
        inputs: [
          { name: 'x', shape: ['n', 2, 'h', 'w'] },
          { name: 'g', shape: ['n', 'ho', 'wo', 2] },
        ],
        outputs: [{ name: 'linear' }, { name: 'cubic' }],
        initializers: { scale: { dtype: 'float32', dims: [], data: Float32Array.of(1.6) } },
        nodes: [
          { op: 'Mul', inputs: ['g', 'scale'], outputs: ['grid'] },
          { op: 'GridSample', inputs: ['x', 'grid'], outputs: ['linear'], attrs: { padding_mode: 'reflection' } },
          { op: 'GridSample', inputs: ['x', 'grid'], outputs: ['cubic'], attrs: { mode: 'bicubic', padding_mode: 'border', align_corners: 1 } },
        ],
      }),
    );
    const x = { min: [1, 2, 2, 3], opt: [2, 2, 8, 8], max: [3, 2, 16, 12] };
    const g = { min: [1, 1, 1, 2], opt: [2, 5, 6, 2], max: [3, 9, 11, 2] };
    const m = await compile(model, { backend: BACKEND, inputs: { x, g }, minBlockSize: 1 });
    try {
      expect(engineOnly(m)).toBe(true);
      const views: Array<[number, number, number, number, number]> = [
        [1, 2, 3, 1, 1],
        [2, 8, 8, 5, 6],
        [3, 16, 12, 9, 11],
        [2, 5, 12, 7, 2],
        [3, 11, 4, 3, 10],
      ];
      for (const [n, h, w, ho, wo] of views) {
        const feeds = { x: sine([n, 2, h, w], 0.25), g: sine([n, ho, wo, 2], 1.1) };
        await expectMatches(m, model, feeds, `x [${n}, 2, ${h}, ${w}], grid [${n}, ${ho}, ${wo}, 2]`);
      }
    } finally {
      await m.dispose();
    }
  });
});
