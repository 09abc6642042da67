/**
 * Celu (converters/celu.ts, alpha * elu(x / alpha)) against onnxruntime on the same input, through
 * the reference interpreter and the cpu engine: alpha 0.7, the default 1 and 2.5, on values in
 * [-4, 4) and ±0, within 1e-6 relative and absolute (the division and product round once each).
 */
import { describe, it } from 'vitest';
import { checkAgainstOrt, random } from './helpers/harness.js';

describe('Celu', () => {
  const cases: Array<Record<string, number>> = [{ alpha: 0.7 }, {}, { alpha: 2.5 }];
  for (const attrs of cases) {
    it(`alpha ${attrs.alpha ?? 'default'} computes what onnxruntime computes`, async () => {
      const x = random('float32', [4, 8], 11, -4, 4);
      (x.data as Float32Array).set([0, -0], 0);
      await checkAgainstOrt({
        spec: {
          opset: 12,
          inputs: [{ name: 'x', shape: [4, 8] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op: 'Celu', inputs: ['x'], outputs: ['y'], attrs }],
        },
        feeds: { x },
        rtol: 1e-6,
        atol: 1e-6,
      });
    });
  }
});
