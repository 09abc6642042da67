/**
 * The reduced-precision rewrite on the cpu backend (the same suite runs on cuda in
 * test/gpu/precision.test.ts); the TypeScript buildEngine keeps the cpu backend in fp32.
 */
import { describe, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import { nativeAvailable } from '../../src/engine/native.js';
import { precisionSuite } from './helpers/precision-suite.js';
import { smallCnn } from './helpers/small-cnn.js';

describe.skipIf(!nativeAvailable())('precision (cpu)', () => {
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

describe.skipIf(nativeAvailable())('precision (cpu)', () => {
  it.skip('native addon not built (run `npm run build:native`)', () => {});
});
