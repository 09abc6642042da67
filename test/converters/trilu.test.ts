/**
 * Trilu as a select under a constant mask of the last two dims, against onnxruntime on the
 * same inputs (exact: elements are kept or zeroed), upper and lower, with k positive,
 * negative and past the matrix, batched, and for an int64 input.
 */
import { describe, it } from 'vitest';
import { checkAgainstOrt, random } from './helpers/harness.js';

describe('Trilu', () => {
  it.each([
    { shape: [4, 5], upper: 1, k: undefined, dtype: 'float32' as const },
    { shape: [4, 5], upper: 0, k: undefined, dtype: 'float32' as const },
    { shape: [2, 3, 4, 4], upper: 1, k: 2, dtype: 'float32' as const },
    { shape: [3, 5, 3], upper: 0, k: -1, dtype: 'float32' as const },
    { shape: [3, 4], upper: 1, k: 7, dtype: 'float32' as const },
    { shape: [3, 4], upper: 0, k: -9, dtype: 'int64' as const },
  ])('$shape upper=$upper k=$k ($dtype) as onnxruntime masks it', async ({ shape, upper, k, dtype }) => {
    await checkAgainstOrt({
      spec: {
        opset: 14,
        inputs: [{ name: 'x', dtype, shape }],
        outputs: [{ name: 'y' }],
        initializers: k === undefined ? {} : { k: { dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(k)) } },
        nodes: [{ op: 'Trilu', inputs: k === undefined ? ['x'] : ['x', 'k'], outputs: ['y'], attrs: { upper } }],
      },
      feeds: { x: random(dtype, shape, 3, 1, 9) },
      rtol: 0,
      atol: 0,
    });
  });
});
