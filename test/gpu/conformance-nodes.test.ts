/**
 * Every single-node ONNX conformance test whose op has a converter, through an engine on the
 * cuda backend: the node is converted as the compiler does (test/converters/helpers/harness),
 * built for cuda, run on the test's inputs, and compared with the test's expected outputs
 * (onnxruntime's where the expected values disagree with onnxruntime; see FOLLOW_ORT).
 * Tests that validate rejects are the unit suite's business (test/converters/
 * conformance-nodes.test.ts lists why) and are skipped here the same way.
 *
 * Tolerance: |got - expected| <= 1e-5 + 1e-4 |expected| in fp32 (TF32 is off; cuda's
 * transcendental functions are within 2 ulp, sums run in another order); float16 tensors
 * 1e-3 + 1e-3 |expected| (one fp16 rounding, 2^-11, of a result computed in fp32).
 */
import { afterAll, expect, it } from 'vitest';
import { buildEngine } from '../../src/engine/engine.js';
import type { TypedArray } from '../../src/onnx/dtype.js';
import { fromTensorData } from '../converters/helpers/eval-network.js';
import { convertGraph, expectClose } from '../converters/helpers/harness.js';
import { caseExpected, caseInputs, nodeCases, validateCase } from '../converters/helpers/node-cases.js';
import { CONFORMANCE_MISSING, conformanceDir } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { CUDA, NO_CUDA } from './helpers.js';

const root = conformanceDir();

describeIf(CUDA && !!root, 'conformance node tests on the cuda backend', !CUDA ? NO_CUDA : CONFORMANCE_MISSING, () => {
  const all = nodeCases(root);
  let ran = 0;
  afterAll(() => {
    // Most of the supported ops' tests run (the rest validate rejects, as the unit suite says).
    expect(ran).toBeGreaterThan(340); // 358 at the time of writing
  });

  for (const c of all) {
    it(c.name, async () => {
      const data = caseInputs(c);
      if (!data) return; // string or exotic element types: validate rejects them
      const { graph, verdict } = validateCase(c, data);
      if (!verdict.ok) return;
      const feeds = Object.fromEntries(graph.inputs.map((name, i) => [name, data[i]!.data]));
      const engine = await buildEngine(convertGraph(graph), { backend: 'cuda' });
      let outs: Record<string, TypedArray>;
      try {
        outs = await engine.createContext().runNamed(feeds);
      } finally {
        engine.dispose();
      }
      ran++;
      const expected = await caseExpected(c, graph, data);
      for (const o of graph.outputs) {
        const want = expected[o]!;
        const got = fromTensorData({ dtype: want.dtype, dims: want.dims, data: outs[o]! });
        const half = want.dtype === 'float16';
        expectClose(got, want, `output '${o}'`, half ? 1e-3 : 1e-4, half ? 1e-3 : 1e-5);
      }
    });
  }
});
