/**
 * NonZero as a `nonzero` layer against onnxruntime on the same inputs, through the reference
 * interpreter and the cpu engine (exact: indices), the output at the count found ([rank,
 * count]) while the layer declares its bound: float data with zeros (and -0), integer and bool
 * data, every hit and none (all zeros: [rank, 0]), opsets 9 and 13; then what is refused.
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random, tensor, verdict } from './helpers/harness.js';

function nonZero(x: TensorData, opset = 13) {
  return {
    spec: {
      opset,
      inputs: [{ name: 'x', dtype: x.dtype as 'float32', shape: x.dims }],
      outputs: [{ name: 'y' }],
      nodes: [{ op: 'NonZero', inputs: ['x'], outputs: ['y'] }],
    },
    feeds: { x },
    rtol: 0,
    atol: 0,
  };
}

describe('NonZero', () => {
  it('float data with zeros and -0, ranks 1 to 3, opsets 9 and 13', async () => {
    await checkAgainstOrt(nonZero(tensor('float32', [2, 3], [0, 1.5, -0, -2, 0, 3])));
    await checkAgainstOrt(nonZero(tensor('float32', [5], [0, 0, 7, 0, -1]), 9));
    const x = random('float32', [3, 4, 5], 1);
    (x.data as Float32Array).forEach((v, i, a) => v < 0 && (a[i] = 0));
    await checkAgainstOrt(nonZero(x));
  });

  it('int32, int64 and bool data; every element a hit', async () => {
    await checkAgainstOrt(nonZero(random('int32', [4, 6], 2, -1, 1)));
    await checkAgainstOrt(nonZero(random('int64', [3, 3], 3, 1, 4)));
    await checkAgainstOrt(nonZero(tensor('bool', [2, 2], [1, 0, 0, 1])));
  });

  it('finds nothing: all zeros give [rank, 0]', async () => {
    const net = await checkAgainstOrt(nonZero(tensor('float32', [3, 4], new Array(12).fill(0))));
    // The engine's tensor is declared at the bound: [rank, numel].
    expect(net.tensors[net.outputs[0]!]!.shape).toEqual([2, 12]);
  });

  it('refuses a scalar and a dtype engines do not hold, saying why', () => {
    const out: ['int64', Array<number | string>] = ['int64', [0, 'n']];
    expect(verdict({ op: 'NonZero', inputs: [['float32', []]], outputs: [out] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('scalar'),
    });
    expect(verdict({ op: 'NonZero', inputs: [['float64', [3]]], outputs: [['int64', [1, 'n']]] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('float64'),
    });
  });
});
