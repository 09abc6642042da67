/**
 * Device tensors on the cpu backend (whose device memory is host memory); the same suite
 * runs on cuda in test/gpu/residency.test.ts.
 */
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { deviceSuite } from './helpers/device-suite.js';

describeIf(HAS_NATIVE, 'device tensors (cpu)', NATIVE_MISSING, () => {
  deviceSuite('cpu');
});
