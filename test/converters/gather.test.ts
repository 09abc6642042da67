/**
 * Gather and GatherElements (converters/gather.ts). Gather: the resolved axis, the range check
 * of constant indices, and negative indices against onnxruntime. GatherElements as a `gather`
 * layer in mode 'elements', against onnxruntime on the same inputs (exact: elements are
 * copied): each axis of a 3-d tensor, negative indices, indices smaller than the data off the
 * axis, indices fed at run time; an index out of range in a constant is refused when the model
 * is compiled.
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, emitted, random, tensor, verdict } from './helpers/harness.js';
import { f32, i64 } from './helpers/specs.js';

describe('Gather', () => {
  it('Gather resolves the axis and range-checks constant indices', () => {
    expect(
      emitted({ op: 'Gather', opset: 13, attrs: { axis: -1 }, inputs: [f32([3, 4]), ['int64', [2]]], outputs: [f32([3, 2])] })[0]!.params,
    ).toEqual({ axis: 1, mode: 'default' });
    expect(verdict({ op: 'Gather', opset: 13, inputs: [f32([3, 4]), i64([3])], outputs: [f32([1, 4])] })).toEqual({
      ok: false,
      reason: 'Gather: index 3 at position 0 is out of range for dim 0 of size 3',
    });
  });

  it('Gather with negative indices computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [{ name: 'x', shape: [3, 4] }],
        outputs: [{ name: 'y' }],
        initializers: { i: tensor('int64', [2, 2], [-1, 0, 2, -3]) },
        nodes: [{ op: 'Gather', inputs: ['x', 'i'], outputs: ['y'], attrs: { axis: 1 } }],
      },
      feeds: { x: random('float32', [3, 4], 2) },
    });
  });
});

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
