/**
 * CumSum as a `cumsum` layer against onnxruntime on the same input, through the reference
 * interpreter and the cpu engine: every axis of a 3-d float32 tensor (negative too) with each
 * combination of exclusive and reverse (fp32 sums of 3 to 5 terms: within 1e-6 relative), and
 * int32 and int64 inputs (exact). The ONNX suite's cases hold float64 data, which engines refuse.
 */
import { describe, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random } from './helpers/harness.js';

function cumsum(x: TensorData, axis: number, attrs: Record<string, number>, axisType: 'int32' | 'int64' = 'int64') {
  const exact = x.dtype !== 'float32';
  return {
    spec: {
      inputs: [{ name: 'x', dtype: x.dtype as 'float32', shape: x.dims }],
      outputs: [{ name: 'y' }],
      initializers: {
        axis:
          axisType === 'int64'
            ? { dtype: 'int64' as const, dims: [], data: BigInt64Array.of(BigInt(axis)) }
            : { dtype: 'int32' as const, dims: [], data: Int32Array.of(axis) },
      },
      nodes: [{ op: 'CumSum', inputs: ['x', 'axis'], outputs: ['y'], attrs }],
    },
    feeds: { x },
    rtol: exact ? 0 : 1e-6,
    atol: exact ? 0 : 1e-6,
  };
}

describe('CumSum', () => {
  const x = random('float32', [3, 4, 5], 1);
  for (const axis of [0, 1, 2, -1]) {
    it.each([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ])(`float32 [3,4,5] axis ${axis}, exclusive %i, reverse %i`, async (exclusive, reverse) => {
      await checkAgainstOrt(cumsum(x, axis, { exclusive, reverse }));
    });
  }

  it('int32 and int64 inputs, an int32 axis', async () => {
    await checkAgainstOrt(cumsum(random('int32', [4, 6], 2), 1, { reverse: 1 }, 'int32'));
    await checkAgainstOrt(cumsum(random('int64', [2, 3, 7], 3), -1, { exclusive: 1 }));
  });
});
