// Conformance node tests (shard 0 of 2, so that the two halves run side by side): each model
// lowered, then compared with the original on onnxruntime using the test's inputs (see
// node-conformance.ts for the tolerances and what is not compared).
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_MISSING, nodeTests } from '../helpers/conformance.js';
import { runNodeConformance } from './node-conformance.js';

const tests = nodeTests().filter((_, i) => i % 2 === 0);

describe.skipIf(tests.length === 0)(`lowering the conformance node tests${tests.length ? '' : ` (skipped: ${CONFORMANCE_MISSING})`}`, () => {
  it('lowered models compute what the originals compute (shard 0)', async () => {
    const summary = await runNodeConformance(tests);
    console.log(`shard 0: ${summary.compared} compared, ${summary.changed} changed by lowering; not compared: ${JSON.stringify(summary.skipped)}`);
    expect(summary.failures).toEqual([]);
    // Most node tests run on onnxruntime; far fewer compared would mean the harness broke.
    expect(summary.compared).toBeGreaterThan(tests.length * 0.75);
    expect(summary.changed).toBeGreaterThan(100);
  });
});
