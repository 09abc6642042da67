/**
 * The reduced-precision rewrite on the cpu backend (the same suite runs on cuda in
 * test/gpu/precision.test.ts); the TypeScript buildEngine keeps the cpu backend in fp32.
 */
import { expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { precisionSuite } from './helpers/precision-suite.js';
import { smallCnn } from './helpers/small-cnn.js';

describeIf(HAS_NATIVE, 'precision (cpu)', NATIVE_MISSING, () => {
  precisionSuite('cpu');

  it('buildEngine() ignores fp16 on the cpu backend, as documented', async () => {
    const engine = await buildEngine(smallCnn(), { backend: 'cpu', precisions: ['fp16'] });
    try {
      expect(engine.info().layers.filter((l) => l.kind !== 'constant' && l.precision !== 'fp32')).toEqual([]);
    } finally {
      engine.dispose();
    }
  });
});
