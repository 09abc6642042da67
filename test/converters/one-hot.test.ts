/**
 * OneHot as comparisons with constant positions and a select, against onnxruntime on the
 * same inputs (exact), at opset 9 and 11, on every axis, with negative indices (counted from
 * the end at both opsets, as onnxruntime does) and indices outside [-depth, depth) (rows of
 * off values), and float indices (a non-integral one matches nothing). A depth computed at
 * run time is refused.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, verdict } from './helpers/harness.js';

const indices = { dtype: 'int64' as const, dims: [2, 3], data: BigInt64Array.of(0n, -1n, 2n, 5n, -4n, 1n) };

describe('OneHot', () => {
  it.each([
    { opset: 9, axis: -1 },
    { opset: 11, axis: -1 },
    { opset: 11, axis: 0 },
    { opset: 11, axis: 1 },
    { opset: 9, axis: -2 },
  ])('opset $opset axis $axis as onnxruntime encodes it', async ({ opset, axis }) => {
    await checkAgainstOrt({
      spec: {
        opset,
        inputs: [{ name: 'i', dtype: 'int64', shape: [2, 3] }],
        outputs: [{ name: 'y' }],
        initializers: {
          depth: { dtype: 'int64', dims: [], data: BigInt64Array.of(4n) },
          values: { dtype: 'float32', dims: [2], data: Float32Array.of(-1, 3) },
        },
        nodes: [{ op: 'OneHot', inputs: ['i', 'depth', 'values'], outputs: ['y'], attrs: { axis } }],
      },
      feeds: { i: indices },
      rtol: 0,
      atol: 0,
    });
  });

  it('compares float indices as floats, as onnxruntime does (1.7 is all off, -1 the last)', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 11,
        inputs: [{ name: 'i', dtype: 'float32', shape: [5] }],
        outputs: [{ name: 'y' }],
        initializers: {
          depth: { dtype: 'float32', dims: [], data: Float32Array.of(3) },
          values: { dtype: 'float32', dims: [2], data: Float32Array.of(0, 7) },
        },
        nodes: [{ op: 'OneHot', inputs: ['i', 'depth', 'values'], outputs: ['y'], attrs: { axis: 0 } }],
      },
      feeds: { i: { dtype: 'float32', dims: [5], data: Float32Array.of(0, 1.7, 2, -1, -2.9) } },
      rtol: 0,
      atol: 0,
    });
  });

  it('refuses a depth that is not a constant', () => {
    const runtimeDepth = verdict({
      op: 'OneHot',
      opset: 11,
      inputs: [['int64', [3]], ['int64', []], { dtype: 'float32', dims: [2], data: Float32Array.of(0, 1) }],
      outputs: [['float32', [3, 4]]],
    });
    expect(runtimeDepth.ok).toBe(false);
  });
});
