/**
 * Celu (converters/celu.ts, alpha * elu(x / alpha)) against onnxruntime on the same input, through
 * the reference interpreter and the cpu engine: alpha 0.7, the default 1 and 2.5, on values in
 * [-4, 4) and ±0, within 1e-6 relative and absolute (the division and product round once each).
 * A negative alpha (where that identity fails: onnxruntime gives x for x > 0) is refused, so
 * onnxruntime runs it.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, random, verdict } from './helpers/harness.js';

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

  it('refuses alpha <= 0, which alpha * elu(x / alpha) does not compute', () => {
    for (const alpha of [-1, -0.5, 0]) {
      const v = verdict({ op: 'Celu', opset: 12, attrs: { alpha: { float: alpha } }, inputs: [['float32', [4, 8]]], outputs: [['float32', [4, 8]]] });
      expect(v, `alpha ${alpha}`).toMatchObject({ ok: false, reason: expect.stringContaining('positive alpha only') });
    }
  });
});
