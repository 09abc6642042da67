// The conformance pytorch-converted, pytorch-operator and simple model tests (exporter output:
// Gemm/MatMul, BatchNormalization in eval mode, shape plumbing), lowered and compared with the
// originals on onnxruntime with the tests' inputs, as node-conformance.ts does for node tests.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { CONFORMANCE_MISSING, type NodeTestCase, conformanceDir } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { runNodeConformance } from './node-conformance.js';

function modelTests(root: string | undefined): NodeTestCase[] {
  if (!root) return [];
  return ['pytorch-converted', 'pytorch-operator', 'simple'].flatMap((group) => {
    const base = path.join(root, group);
    if (!fs.existsSync(base)) return [];
    return fs
      .readdirSync(base)
      .sort()
      .map((name) => {
        const dir = path.join(base, name);
        const dataSets = fs.existsSync(dir) && fs.statSync(dir).isDirectory()
          ? fs.readdirSync(dir).filter((d) => d.startsWith('test_data_set_')).sort().map((d) => path.join(dir, d))
          : [];
        return { name: `${group}/${name}`, dir, model: path.join(dir, 'model.onnx'), dataSets };
      })
      .filter((t) => fs.existsSync(t.model));
  });
}

const tests = modelTests(conformanceDir());

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
