/**
 * Range (converters/range.ts) at static shapes: constant float bounds become the values as a
 * constant, held exactly to onnxruntime. Bounds the model computes from Shape are in computed-window.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt } from './helpers/harness.js';

describe('Range', () => {
  it('constant float bounds at static shapes: the values as a constant, as onnxruntime sums them', async () => {
    const f = (v: number): TensorData => ({ dtype: 'float32', dims: [], data: Float32Array.of(v) });
    const net = await checkAgainstOrt({
      spec: {
        inputs: [],
        outputs: [{ name: 'out' }],
        initializers: { a: f(0.1), b: f(7.3), d: f(0.3) },
        nodes: [{ op: 'Range', inputs: ['a', 'b', 'd'], outputs: ['out'] }],
      },
      feeds: {},
      rtol: 0,
      atol: 0,
    });
    expect(net.layers.map((l) => l.kind)).toEqual(['constant']);
  });
});
