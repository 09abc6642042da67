/**
 * Device tensors on the cpu backend (whose device memory is host memory); the same suite
 * runs on cuda in test/gpu/residency.test.ts.
 */
import { describe, it } from 'vitest';
import { nativeAvailable } from '../../src/engine/native.js';
import { deviceSuite } from './helpers/device-suite.js';

describe.skipIf(!nativeAvailable())('device tensors (cpu)', () => {
  deviceSuite('cpu');
});

describe.skipIf(nativeAvailable())('device tensors (cpu)', () => {
  it.skip('native addon not built (run `npm run build:native`)', () => {});
});
