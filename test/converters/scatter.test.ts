/**
 * ScatterND and ScatterElements as a `scatter` layer against onnxruntime on the same inputs,
 * through the reference interpreter and the cpu engine: ScatterND writing scalars, rows and
 * planes, with negative and repeated indices (the later update wins, as onnxruntime applies
 * them) and each reduction; ScatterElements along every axis of a 3-d tensor, with indices
 * smaller than the data, negative indices and each reduction, on float32 (reductions within
 * 1e-6: a product or sum of a few terms) and int32/int64 data (exact); then what is refused,
 * with the reason.
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random, tensor, verdict } from './helpers/harness.js';

function scatter(
  op: 'ScatterND' | 'ScatterElements',
  data: TensorData,
  indices: TensorData,
  updates: TensorData,
  attrs: Record<string, unknown> = {},
  opset = 18,
) {
  const exact = data.dtype !== 'float32' || !attrs.reduction || attrs.reduction === 'none';
  return {
    spec: {
      opset,
      inputs: [
        { name: 'data', dtype: data.dtype as 'float32', shape: data.dims },
        { name: 'idx', dtype: 'int64' as const, shape: indices.dims },
        { name: 'upd', dtype: updates.dtype as 'float32', shape: updates.dims },
      ],
      outputs: [{ name: 'y' }],
      nodes: [{ op, inputs: ['data', 'idx', 'upd'], outputs: ['y'], attrs: attrs as never }],
    },
    feeds: { data, idx: indices, upd: updates },
    rtol: exact ? 0 : 1e-6,
    atol: exact ? 0 : 1e-6,
  };
}

const i64 = (dims: number[], values: number[]) => tensor('int64', dims, values);
const REDUCTIONS = ['none', 'add', 'mul', 'max', 'min'] as const;

describe('ScatterND', () => {
  const x = random('float32', [4, 3, 5], 1);

  it('scalars, rows and planes, negative indices (opsets 11 and 18)', async () => {
    await checkAgainstOrt(scatter('ScatterND', x, i64([2, 3], [0, 1, 2, -1, -1, -1]), random('float32', [2], 2)));
    await checkAgainstOrt(scatter('ScatterND', x, i64([3, 2], [3, 0, 1, 2, -4, 1]), random('float32', [3, 5], 3), {}, 11));
    await checkAgainstOrt(scatter('ScatterND', x, i64([2, 1], [2, 0]), random('float32', [2, 3, 5], 4)));
  });

  for (const reduction of REDUCTIONS) {
    it(`reduction ${reduction}, with a repeated index (float32 and int32)`, async () => {
      const idx = i64([3, 1], [1, 3, 1]);
      await checkAgainstOrt(scatter('ScatterND', x, idx, random('float32', [3, 3, 5], 5), { reduction }));
      await checkAgainstOrt(scatter('ScatterND', random('int32', [4, 3], 6), idx, random('int32', [3, 3], 7), { reduction }));
    });
  }
});

describe('ScatterElements', () => {
  const x = random('float32', [3, 4, 5], 8);

  for (const axis of [0, 1, 2, -1]) {
    it(`axis ${axis}, indices smaller than the data, negative ones`, async () => {
      const dim = x.dims[(axis + 3) % 3]!;
      const values = Array.from({ length: 2 * 3 * 4 }, (_, i) => ((i * 7) % (2 * dim)) - dim);
      await checkAgainstOrt(scatter('ScatterElements', x, i64([2, 3, 4], values), random('float32', [2, 3, 4], 9 + axis), { axis }));
    });
  }

  for (const reduction of REDUCTIONS) {
    it(`reduction ${reduction} with repeated indices (float32 and int64; opset 16 for add and mul)`, async () => {
      const idx = i64([2, 3], [0, 0, 2, 1, 1, 1]);
      const opset = reduction === 'max' || reduction === 'min' ? 18 : 16;
      await checkAgainstOrt(
        scatter('ScatterElements', random('float32', [3, 3], 10), idx, random('float32', [2, 3], 11), { axis: 1, reduction }, opset),
      );
      await checkAgainstOrt(scatter('ScatterElements', random('int64', [3, 3], 12), idx, random('int64', [2, 3], 13), { axis: 0, reduction }, opset));
    });
  }

  it('more updates along the axis than the data has (a scatter-add of 7 values into 3 bins)', async () => {
    const bins = i64([7], [0, 2, 1, 2, 0, -1, 1]);
    await checkAgainstOrt(scatter('ScatterElements', random('float32', [3], 16), bins, random('float32', [7], 17), { reduction: 'add' }, 16));
    await checkAgainstOrt(
      scatter(
        'ScatterElements',
        random('int32', [2, 3], 18),
        i64([2, 5], [0, 1, 2, 1, 0, 2, 2, 0, 1, 1]),
        random('int32', [2, 5], 19),
        { axis: 1, reduction: 'add' },
        16,
      ),
    );
  });

  it('refuses a constant index out of range, a reduction its opset lacks and mismatched shapes, saying why', () => {
    const f = (dims: number[]): ['float32', number[]] => ['float32', dims];
    const base = { op: 'ScatterElements', outputs: [f([3, 3])] };
    expect(verdict({ ...base, opset: 18, inputs: [f([3, 3]), i64([1, 2], [0, 3]), f([1, 2])], attrs: { axis: 1 } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('index 3 at position 1 is out of range for dim 1 of size 3'),
    });
    expect(verdict({ ...base, opset: 16, inputs: [f([3, 3]), ['int64', [1, 2]], f([1, 2])], attrs: { reduction: 'max' } })).toMatchObject({
      ok: false,
      reason: expect.stringContaining("reduction 'max' is not supported"),
    });
    expect(verdict({ ...base, opset: 18, inputs: [f([3, 3]), ['int64', [1, 2]], f([2, 2])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('do not fit'),
    });
  });
});
