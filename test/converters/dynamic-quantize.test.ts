/**
 * DynamicQuantizeLinear (converters/dynamic-quantize.ts) against onnxruntime on the same models
 * and inputs, through the reference interpreter and the cpu engine: y, the scale and the zero
 * point equal (tolerance 0). The quantize_dynamic pattern it starts is
 * test/converters/integer-products.test.ts's.
 */
import { describe, it } from 'vitest';
import type { ModelSpec } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random, tensor } from './helpers/harness.js';

const exact = { rtol: 0, atol: 0 };

describe('DynamicQuantizeLinear', () => {
  const dql = (x: TensorData) => {
    const spec: ModelSpec = {
      opset: 11,
      inputs: [{ name: 'x', dtype: 'float32', shape: x.dims }],
      outputs: [{ name: 'y' }, { name: 's' }, { name: 'zp' }],
      nodes: [{ op: 'DynamicQuantizeLinear', inputs: ['x'], outputs: ['y', 's', 'zp'] }],
    };
    return checkAgainstOrt({ spec, feeds: { x }, ...exact });
  };

  it('mixed signs, all positive (min adjusted to 0), all negative (max adjusted to 0): y, scale and zero point as onnxruntime', async () => {
    await dql(random('float32', [3, 4, 5], 1, -3, 7));
    await dql(random('float32', [2, 17], 2, 0.5, 2));
    await dql(random('float32', [33], 3, -9, -1));
    // Reduced in two steps (rows of 9, then the 80 rows' results), the extremes in any row.
    for (const seed of [4, 5]) await dql(random('float32', [2, 40, 9], seed, -4, 4));
  });

  it('values on half steps of the scale round half to even; all zeros take onnxruntime scale 1', async () => {
    // Range [-1, 1.55]: scale 0.01, zero point round(100) = 100; x = k.5 * scale are ties (within float rounding of the scale).
    const ties = [-1, 1.55, 0.005, 0.015, 0.025, -0.005, -0.015, 0.125, 1.005, 0];
    await dql(tensor('float32', [ties.length], ties));
    await dql(tensor('float32', [2, 3], [0, 0, 0, 0, 0, 0]));
  });
});
