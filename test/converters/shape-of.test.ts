/**
 * Shape and Size as a `shape` layer (plus a slice or a product), against onnxruntime on the same
 * input (exact: integers): every engine dtype's input, Shape's start/end at opset 15 (negative,
 * clamped, empty), a scalar's Size. Lowering folds both where shapes are static; with shape
 * ranges they run in the engine (test/compiler/shape-ranges.test.ts, shape tensors).
 */
import { describe, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random } from './helpers/harness.js';

const x = random('float32', [2, 3, 4, 5], 1);

function one(op: string, input: TensorData, opset: number, attrs: Record<string, number> = {}) {
  return {
    spec: {
      opset,
      inputs: [{ name: 'x', dtype: input.dtype as 'float32', shape: input.dims }],
      outputs: [{ name: 'y' }],
      nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs }],
    },
    feeds: { x: input },
    rtol: 0,
    atol: 0,
  };
}

describe('Shape and Size', () => {
  it('Shape of float, int64 and bool tensors', async () => {
    await checkAgainstOrt(one('Shape', x, 13));
    await checkAgainstOrt(one('Shape', random('int64', [7, 1], 2), 13));
    await checkAgainstOrt(one('Shape', random('bool', [3], 3), 13));
  });

  it.each<Record<string, number>>([{ start: 1 }, { start: -2 }, { end: -1 }, { start: 1, end: 3 }, { start: -10, end: 10 }, { start: 3, end: 1 }])(
    'Shape at opset 15 with %o',
    async (attrs) => {
      await checkAgainstOrt(one('Shape', x, 15, attrs));
    },
  );

  it('Size of a tensor and of a scalar', async () => {
    await checkAgainstOrt(one('Size', x, 13));
    await checkAgainstOrt(one('Size', { dtype: 'float32', dims: [], data: Float32Array.of(3) }, 13));
  });
});
