// The conformance pytorch-converted, pytorch-operator and simple model tests (exporter output:
// Gemm/MatMul, BatchNormalization in eval mode, shape plumbing), lowered and compared with the
// originals on onnxruntime with the tests' inputs, as node-conformance.ts does for node tests.
import { expect, it } from 'vitest';
import { CONFORMANCE_MISSING, suiteTests } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { runNodeConformance } from './node-conformance.js';

const tests = (['pytorch-converted', 'pytorch-operator', 'simple'] as const).flatMap((suite) => suiteTests(suite));

describeIf(tests.length > 0, 'lowering the conformance PyTorch-exported models', CONFORMANCE_MISSING, () => {
  it('lowered models compute what the originals compute', async () => {
    const summary = await runNodeConformance(tests);
    console.log(`${summary.compared} compared, ${summary.changed} changed by lowering; not compared: ${JSON.stringify(summary.skipped)}`);
    expect(summary.failures).toEqual([]);
    // A third of these old exports (opset < 7) do not run on onnxruntime 1.30 at all.
    expect(summary.compared).toBeGreaterThan(tests.length * 0.6);
    expect(summary.changed).toBeGreaterThan(5);
  });
});
