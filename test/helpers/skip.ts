/**
 * Suites and tests that need something an environment may lack (the native addon, the
 * conformance data, Chromium, Graphviz, NumPy, a built dist/). Where it is there they run
 * under their own title and nothing is reported skipped; where it is not they are reported
 * skipped, and the title says why: `suite (skipped: native addon not built ...)`.
 */
import { describe, it } from 'vitest';
import { nativeAvailable } from '../../src/engine/native.js';

/** Whether the native addon is built and loads. */
export const HAS_NATIVE = nativeAvailable();

/** Why engine tests skip where the addon is not built. */
export const NATIVE_MISSING = 'native addon not built (run `npm run build:native`)';

const skipped = (title: string, reason: string) => `${title} (skipped: ${reason})`;

/**
 * A suite that runs when `condition` holds; otherwise every test in it is reported skipped
 * under a title that ends with `(skipped: reasonWhenSkipped)`. The body is collected either way
 * (so the skipped tests are listed), hence it must not itself need what may be missing: do
 * such work in hooks or tests.
 */
export function describeIf(condition: boolean, title: string, reasonWhenSkipped: string, fn: () => void): void {
  if (condition) describe(title, fn);
  else describe.skip(skipped(title, reasonWhenSkipped), fn);
}

/** One test, as describeIf does for a suite. */
export function itIf(condition: boolean, title: string, reasonWhenSkipped: string, fn: () => unknown, timeout?: number): void {
  if (condition) it(title, fn, timeout);
  else it.skip(skipped(title, reasonWhenSkipped), fn, timeout);
}
