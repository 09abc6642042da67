/**
 * Data-movement layers on the cpu backend against onnxruntime, bit-exact: shuffle
 * (transpose, reshape, transpose-reshape-transpose), concat, split, slice (negative and
 * zero steps; the latter is how Expand broadcasts), gather (default and elements; int32 and
 * int64 indices; negative indices; a scalar index) and pad (every mode, negative pads).
 */
import { describe, it } from 'vitest';
import { checkLayer } from './helpers/compare.js';
import { randomFloat, randomInt, tensor } from './helpers/random.js';

const ints = (dims: number[], seed: number) => randomInt(dims, seed, -1000, 1000, 'int64');

describe('shuffle', () => {
  it('transpose, for float32 and int64', async () => {
    for (const x of [randomFloat([2, 3, 4, 5], 1), ints([2, 3, 4, 5], 2)]) {
      for (const perm of [
        [0, 2, 3, 1],
        [3, 2, 1, 0],
        [1, 0, 2, 3],
        [0, 1, 3, 2],
      ]) {
        await checkLayer({ op: 'Transpose', attrs: { perm }, inputs: [x], kind: 'shuffle', params: { firstPerm: perm }, tol: 0 });
      }
    }
  });
  it('transpose of an 8 MB tensor (the input and output copies split over threads, util/host_copy.h)', () =>
    // 4 x 512 x 1024 float32 = 8 MiB in and out: above kParallelCopyBytes (2 MiB), so the
    // engine's input and output copies run in 1 MiB chunks on several threads; a chunk copied
    // to the wrong offset shows as a mismatch against onnxruntime.
    checkLayer({
      op: 'Transpose',
      attrs: { perm: [0, 2, 1] },
      inputs: [randomFloat([4, 512, 1024], 9)],
      kind: 'shuffle',
      params: { firstPerm: [0, 2, 1] },
      tol: 0,
    }));
  it('reshape and flatten', async () => {
    const x = randomFloat([2, 3, 4], 3);
    await checkLayer({
      op: 'Reshape',
      inputs: [x, tensor('int64', [2], [4, 6])],
      constants: [1],
      layerInputs: [0],
      kind: 'shuffle',
      params: { reshape: [4, 6] },
      tol: 0,
    });
    await checkLayer({ op: 'Flatten', attrs: { axis: 2 }, inputs: [x], kind: 'shuffle', params: { reshape: [6, 4] }, tol: 0 });
  });
  it('transpose, reshape, transpose', () =>
    checkLayer({
      op: 'Transpose',
      attrs: { perm: [0, 2, 1, 3] },
      inputs: [randomFloat([2, 3, 4, 5], 4), tensor('int64', [3], [2, 4, 15])],
      constants: [1],
      onnxInputs: ['x0'],
      layerInputs: [0],
      then: [
        { op: 'Reshape', extraInputs: ['x1'] },
        { op: 'Transpose', attrs: { perm: [2, 0, 1] } },
      ],
      kind: 'shuffle',
      params: { firstPerm: [0, 2, 1, 3], reshape: [2, 4, 15], secondPerm: [2, 0, 1] },
      tol: 0,
    }));
});

describe('concat and split', () => {
  it('concat three inputs along each axis', async () => {
    for (const axis of [0, 1, 2]) {
      const shape = (n: number) => [2, 3, 4].map((d, i) => (i === axis ? n : d));
      await checkLayer({
        op: 'Concat',
        attrs: { axis },
        inputs: [randomFloat(shape(1), 1), randomFloat(shape(3), 2), randomFloat(shape(2), 3)],
        kind: 'concat',
        params: { axis },
        tol: 0,
      });
    }
    await checkLayer({
      op: 'Concat',
      attrs: { axis: 1 },
      inputs: [ints([2, 2], 4), ints([2, 0], 5), ints([2, 1], 6)],
      kind: 'concat',
      params: { axis: 1 },
    });
  });
  it('split into uneven parts along each axis', async () => {
    for (const axis of [0, 1, 2]) {
      const x = randomFloat([6, 6, 6], 7 + axis);
      await checkLayer({
        op: 'Split',
        inputs: [x, tensor('int64', [3], [1, 3, 2])],
        constants: [1],
        layerInputs: [0],
        outputs: 3,
        attrs: { axis },
        kind: 'split',
        params: { axis, sizes: [1, 3, 2] },
        tol: 0,
      });
    }
  });
});

describe('slice', () => {
  // ONNX Slice inputs: starts, ends, axes, steps; the engine gets resolved starts/steps.
  async function slice(x: number[], starts: number[], ends: number[], steps: number[], resolved: { starts: number[]; steps: number[] }) {
    const axes = x.map((_, i) => i);
    await checkLayer({
      op: 'Slice',
      inputs: [
        randomFloat(x, 1),
        tensor('int64', [axes.length], starts),
        tensor('int64', [axes.length], ends),
        tensor('int64', [axes.length], axes),
        tensor('int64', [axes.length], steps),
      ],
      constants: [1, 2, 3, 4],
      layerInputs: [0],
      kind: 'slice',
      params: resolved,
      tol: 0,
    });
  }
  it('positive steps', () => slice([5, 6, 7], [1, 0, 2], [4, 6, 7], [1, 2, 3], { starts: [1, 0, 2], steps: [1, 2, 3] }));
  it('negative steps', () =>
    // dim 0: 4,3,2,1,0; dim 1: 5,3,1; dim 2: 5,4,3
    slice([5, 6, 7], [-1, 5, -2], [-10, 0, 2], [-1, -2, -1], { starts: [4, 5, 5], steps: [-1, -2, -1] }));
  it('zero steps repeat (how Expand broadcasts)', () =>
    checkLayer({
      op: 'Expand',
      inputs: [randomFloat([1, 3, 1, 4], 3), tensor('int64', [4], [2, 3, 5, 4])],
      constants: [1],
      layerInputs: [0],
      kind: 'slice',
      params: { starts: [0, 0, 0, 0], steps: [0, 1, 0, 1] },
      tol: 0,
    }));
});

describe('gather', () => {
  it('default mode along each axis, int32 and int64 indices, negative indices', async () => {
    const x = randomFloat([4, 5, 6], 1);
    for (const axis of [0, 1, 2]) {
      const n = [4, 5, 6][axis]!;
      for (const dtype of ['int32', 'int64'] as const) {
        await checkLayer({
          op: 'Gather',
          attrs: { axis },
          inputs: [x, randomInt([2, 3], axis + 10, -n, n - 1, dtype)],
          kind: 'gather',
          params: { axis, mode: 'default' },
          tol: 0,
        });
      }
    }
  });
  it('a scalar index drops the axis; int64 data', () =>
    checkLayer({
      op: 'Gather',
      attrs: { axis: 1 },
      inputs: [ints([3, 4, 2], 1), tensor('int64', [], [-2])],
      kind: 'gather',
      params: { axis: 1, mode: 'default' },
    }));
  it('constant indices (embedding lookup shape)', () =>
    checkLayer({
      op: 'Gather',
      attrs: { axis: 0 },
      inputs: [randomFloat([10, 8], 2), randomInt([1, 7], 3, 0, 9, 'int64')],
      constants: [0],
      kind: 'gather',
      params: { axis: 0, mode: 'default' },
      tol: 0,
    }));
  it('elements mode along each axis, indices smaller than the data', async () => {
    const x = randomFloat([4, 5, 3], 4);
    for (const axis of [0, 1, 2]) {
      const n = [4, 5, 3][axis]!;
      await checkLayer({
        op: 'GatherElements',
        attrs: { axis },
        inputs: [x, randomInt([3, 4, 2], 20 + axis, -n, n - 1, 'int64')],
        kind: 'gather',
        params: { axis, mode: 'elements' },
        tol: 0,
      });
    }
  });
});

describe('pad', () => {
  async function pad(mode: string, x: number[], pads: number[], value = 0, data = randomFloat(x, 1)) {
    const r = x.length;
    await checkLayer({
      op: 'Pad',
      opset: 19,
      attrs: { mode },
      inputs: [data, tensor('int64', [2 * r], pads), tensor(data.dtype, [], [value])],
      constants: [1, 2],
      layerInputs: [0],
      kind: 'pad',
      params: { mode, padsBegin: pads.slice(0, r), padsEnd: pads.slice(r), value },
      tol: 0,
    });
  }
  it('constant, with a value, and negative pads crop', async () => {
    await pad('constant', [2, 3, 4], [0, 1, 2, 1, 0, 3], 1.5);
    await pad('constant', [2, 5, 4], [1, -1, 0, 0, -2, 1], -2);
    await pad('constant', [3, 4], [1, 2, 0, 1], 7, ints([3, 4], 3));
  });
  // NOTE: pads no longer than the (cropped) dim: onnxruntime's wrap fills zeros beyond that.
  for (const mode of ['reflect', 'edge', 'wrap']) {
    it(`${mode}, and after cropping the other end`, async () => {
      await pad(mode, [1, 3, 5, 5], [0, 0, 2, 3, 0, 1, 4, 1]);
      await pad(mode, [5, 6], [-1, 2, 2, -3]);
    });
  }
});
