// If through compile(): a condition computed from the data (a wake-word detector's gate, as
// openWakeWord writes it: score >= 0.5 ? verifier(x) : score) runs wholly on one engine, both
// branches inside it and a select picking, and agrees with onnxruntime for either outcome
// (relative error within FP32_TOL, see test/engine/helpers/compare.ts). An If whose branch may fail when
// run untaken stays on onnxruntime, and the report points at the lowering note that says why.
import { expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import type { SubgraphSpec } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { BACKEND, FP32_TOL } from '../engine/helpers/compare.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { ortRun, relativeError, sine } from '../runtime/helpers.js';

function gated(then: SubgraphSpec) {
  return encodeModel(
    buildModel({
      inputs: [{ name: 'x', dtype: 'float32', shape: [1, 8] }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      initializers: {
        w: { dtype: 'float32', dims: [8, 1], data: Float32Array.from({ length: 8 }, (_, i) => (i % 3) - 1) },
        v: { dtype: 'float32', dims: [8, 1], data: Float32Array.from({ length: 8 }, (_, i) => 0.1 * i) },
        half: { dtype: 'float32', dims: [], data: Float32Array.of(0.5) },
      },
      nodes: [
        { op: 'MatMul', inputs: ['x', 'w'], outputs: ['logit'] },
        { op: 'Sigmoid', inputs: ['logit'], outputs: ['score'] },
        { op: 'GreaterOrEqual', inputs: ['score', 'half'], outputs: ['hit'] },
        { op: 'Squeeze', inputs: ['hit'], outputs: ['cond'] },
        {
          op: 'If',
          inputs: ['cond'],
          outputs: ['y'],
          attrs: {
            then_branch: { graph: then },
            else_branch: { graph: { outputs: [{ name: 'e', dtype: 'float32' }], nodes: [{ op: 'Identity', inputs: ['score'], outputs: ['e'] }] } },
          },
        },
      ],
    }),
  );
}

const verifier: SubgraphSpec = {
  outputs: [{ name: 't', dtype: 'float32' }],
  nodes: [
    { op: 'MatMul', inputs: ['x', 'v'], outputs: ['m'] },
    { op: 'Sigmoid', inputs: ['m'], outputs: ['t'] },
  ],
};

describeIf(HAS_NATIVE, `If (${BACKEND})`, NATIVE_MISSING, () => {
  it('a condition computed from the data: one engine, both outcomes agree with onnxruntime', async () => {
    const model = gated(verifier);
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1 });
    try {
      const s = m.report.data.summary;
      expect([s.engineNodes, s.nodes, s.fallbackSegments]).toEqual([s.nodes, s.nodes, 0]);
      // Which branch each input takes, from the gate's own arithmetic (x . w >= 0): both must occur.
      const taken = new Set<boolean>();
      for (const phase of [0, 1, 2, 3, 4, 5]) {
        const feeds = { x: sine([1, 8], phase) };
        const x = feeds.x.data as Float32Array;
        taken.add(x.reduce((acc, xi, i) => acc + xi * ((i % 3) - 1), 0) >= 0);
        const want = await ortRun(model, feeds);
        const got = await m.run(feeds);
        expect(relativeError(got.y!, want.y!), `phase ${phase}`).toBeLessThan(FP32_TOL);
      }
      expect([...taken].sort()).toEqual([false, true]);
    } finally {
      await m.dispose();
    }
  });

  it('a branch that may fail when run untaken keeps the If on onnxruntime, and the report says where to look', async () => {
    const model = gated({
      outputs: [{ name: 't', dtype: 'float32' }],
      nodes: [
        { op: 'NonZero', inputs: ['x'], outputs: ['nz'] },
        { op: 'ReduceSum', inputs: ['nz'], outputs: ['n'], attrs: { keepdims: 1 } },
        { op: 'Cast', inputs: ['n'], outputs: ['t'], attrs: { to: 1 } },
      ],
    });
    const m = await compile(model, { backend: BACKEND, minBlockSize: 1 });
    try {
      const node = m.report.data.nodes.find((n) => n.opType === 'If');
      expect(node?.reason).toContain('inline-if');
      const notes = m.report.data.lowering?.passes.find((p) => p.name === 'inline-if')?.notes.join('\n') ?? '';
      expect(notes).toContain('NonZero');
      const feeds = { x: sine([1, 8], 1) };
      expect(relativeError((await m.run(feeds)).y!, (await ortRun(model, feeds)).y!)).toBeLessThan(FP32_TOL);
    } finally {
      await m.dispose();
    }
  });
});
