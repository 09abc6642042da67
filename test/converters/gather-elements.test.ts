/**
 * GatherElements as a `gather` layer in mode 'elements', against onnxruntime on the same inputs
 * (exact: elements are copied): each axis of a 3-d tensor, negative indices, indices smaller
 * than the data off the axis, indices fed at run time; an index out of range in a constant is
 * refused when the model is compiled.
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random, verdict } from './helpers/harness.js';

const data = random('float32', [3, 4, 5], 1);
/** Indices in [-bound, bound): negative ones count from the end. */
const indices = (dims: number[], bound: number, seed: number): TensorData => random('int64', dims, seed, -bound, bound - 1);

describe('GatherElements', () => {
  it.each([0, 1, 2, -1])('axis %i with negative indices, indices fed at run time', async (axis) => {
    const a = axis < 0 ? axis + 3 : axis;
    const dims = [3, 4, 5].map((d, k) => (k === a ? 6 : Math.max(1, d - 1)));
    const idx = indices(dims, [3, 4, 5][a]!, 10 + a);
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [
          { name: 'x', dtype: 'float32', shape: [3, 4, 5] },
          { name: 'i', dtype: 'int64', shape: dims },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'GatherElements', inputs: ['x', 'i'], outputs: ['y'], attrs: { axis } }],
      },
      feeds: { x: data, i: idx },
      rtol: 0,
      atol: 0,
    });
  });

  it('refuses constant indices out of range, and indices of another rank', () => {
    const out = verdict({
      op: 'GatherElements',
      opset: 13,
      inputs: [['float32', [2, 3]], { dtype: 'int64', dims: [2, 1], data: BigInt64Array.of(0n, 3n) }],
      outputs: [['float32', [2, 1]]],
      attrs: { axis: 1 },
    });
    expect(out.ok).toBe(false);
    expect(!out.ok && out.reason).toContain('index 3 at position 1 is out of range for dim 1 of size 3');
    const rank = verdict({
      op: 'GatherElements',
      opset: 13,
      inputs: [
        ['float32', [2, 3]],
        ['int64', [2]],
      ],
      outputs: [['float32', [2]]],
    });
    expect(!rank.ok && rank.reason).toContain('must have the rank of data');
  });
});
