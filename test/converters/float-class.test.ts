/**
 * IsNaN and IsInf as comparisons, against onnxruntime on values of every class (NaN, +-inf,
 * +-0, the largest and smallest floats, ordinary numbers), for each detect_* combination.
 */
import { describe, it } from 'vitest';
import { checkAgainstOrt } from './helpers/harness.js';

const values = Float32Array.of(NaN, Infinity, -Infinity, 0, -0, 3.4e38, -3.4e38, 1e-45, 1, -2.5, NaN, Infinity);
const x = { dtype: 'float32' as const, dims: [3, 4], data: values };

describe('IsNaN and IsInf', () => {
  it.each([9, 13])('IsNaN (opset %i) as onnxruntime classifies', async (opset) => {
    await checkAgainstOrt({
      spec: { opset, inputs: [{ name: 'x', shape: [3, 4] }], outputs: [{ name: 'y' }], nodes: [{ op: 'IsNaN', inputs: ['x'], outputs: ['y'] }] },
      feeds: { x },
    });
  });

  it.each([
    { detect_positive: 1, detect_negative: 1 },
    { detect_positive: 1, detect_negative: 0 },
    { detect_positive: 0, detect_negative: 1 },
    { detect_positive: 0, detect_negative: 0 },
  ])('IsInf %o as onnxruntime classifies', async (attrs) => {
    await checkAgainstOrt({
      spec: {
        opset: 10,
        inputs: [{ name: 'x', shape: [3, 4] }],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'IsInf', inputs: ['x'], outputs: ['y'], attrs }],
      },
      feeds: { x },
    });
  });
});
