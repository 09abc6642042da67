/**
 * GatherND as a `gather` layer in mode 'nd' against onnxruntime on the same inputs, through the
 * reference interpreter and the cpu engine (exact: elements are copied): whole-tuple indices
 * (scalars picked), partial tuples (rows and planes picked), batch_dims 1 and 2, negative
 * indices, integer data; then what is refused, with the reason (a constant index out of range,
 * a tuple longer than the data's rank). Indices are int64, as ONNX types GatherND.
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random, tensor, verdict } from './helpers/harness.js';

function gatherNd(data: TensorData, indices: TensorData, batchDims = 0, opset = 13) {
  return {
    spec: {
      opset,
      inputs: [
        { name: 'data', dtype: data.dtype as 'float32', shape: data.dims },
        { name: 'idx', dtype: indices.dtype as 'int64', shape: indices.dims },
      ],
      outputs: [{ name: 'y' }],
      nodes: [
        { op: 'GatherND', inputs: ['data', 'idx'], outputs: ['y'], attrs: (batchDims ? { batch_dims: batchDims } : {}) as Record<string, number> },
      ],
    },
    feeds: { data, idx: indices },
    rtol: 0,
    atol: 0,
  };
}

const i64 = (dims: number[], values: number[]) => tensor('int64', dims, values);

describe('GatherND', () => {
  const x = random('float32', [3, 4, 5], 1);

  it('full tuples pick scalars; partial tuples pick rows and planes (opset 11 and 13)', async () => {
    await checkAgainstOrt(gatherNd(x, i64([2, 3], [0, 1, 2, 2, 3, 4])));
    await checkAgainstOrt(gatherNd(x, i64([2, 2, 2], [0, 0, 1, 1, 2, 3, 0, 3])));
    await checkAgainstOrt(gatherNd(x, i64([4, 1], [2, 0, 1, 2]), 0, 11));
  });

  it('negative indices count from the end; int64 and int32 data', async () => {
    await checkAgainstOrt(gatherNd(x, i64([3, 2], [-1, -1, 0, -4, -3, 2])));
    await checkAgainstOrt(gatherNd(random('int64', [4, 6], 2), i64([5, 1], [3, 0, 1, 1, 2])));
    await checkAgainstOrt(gatherNd(random('int32', [4, 6], 4), i64([2, 2], [3, 5, 0, -6])));
  });

  it('batch_dims 1 and 2', async () => {
    await checkAgainstOrt(gatherNd(x, i64([3, 2, 1], [0, 3, 1, 1, 2, 0]), 1, 12));
    await checkAgainstOrt(gatherNd(random('float32', [2, 3, 4, 2], 3), i64([2, 3, 1, 2], [0, 1, 3, 0, 2, 1, 1, 1, 0, 0, 3, 1]), 2));
  });

  it('refuses a constant index out of range, and a tuple longer than the data has dims, saying why', () => {
    const base = { op: 'GatherND', opset: 13, outputs: [['float32', [2]] as ['float32', number[]]] };
    expect(verdict({ ...base, inputs: [['float32', [3, 4]], i64([2, 2], [0, 1, 2, 4])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('index 4 at position 3 is out of range for dim 1 of size 4'),
    });
    expect(
      verdict({
        ...base,
        inputs: [
          ['float32', [3, 4]],
          ['int64', [2, 3]],
        ],
      }),
    ).toMatchObject({ ok: false });
  });
});
