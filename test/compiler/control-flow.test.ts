// If through compile(): a condition computed from the data (a wake-word detector's gate, as
// openWakeWord writes it: score >= 0.5 ? verifier(x) : score) runs wholly on one engine, both
// branches inside it and a select picking, and agrees with onnxruntime for either outcome
// (relative error within FP32_TOL, see test/engine/helpers/compare.ts). An If whose branch may fail when
// run untaken stays on onnxruntime, and the report gives the lowering note's reason.
// A Loop with a constant trip count unrolls onto one engine; one with a computed count stays.
import ort from 'onnxruntime-node';
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
      const notes = m.report.data.lowering?.passes.find((p) => p.name === 'inline-if')?.notes.join('\n') ?? '';
      expect(notes).toContain('NonZero');
      // The partition report says the lowering note's reason itself, not only where to look.
      expect(node?.reason).toMatch(/^no converter for 'If' \(opset \d+\): .*; inline-if left it: .*NonZero/);
      const feeds = { x: sine([1, 8], 1) };
      expect(relativeError((await m.run(feeds)).y!, (await ortRun(model, feeds)).y!)).toBeLessThan(FP32_TOL);
    } finally {
      await m.dispose();
    }
  });

  it('a Loop of 5 trips (a running decay of a matmul, scanned) unrolls onto one engine and agrees; a computed trip count stays a Loop, saying why', async () => {
    const loop = (trips: 'm' | 'count') =>
      encodeModel(
        buildModel({
          inputs: [
            { name: 'x', dtype: 'float32', shape: [1, 8] },
            { name: 'count', dtype: 'int64', shape: [] },
          ],
          outputs: [
            { name: 'h', dtype: 'float32' },
            { name: 'hs', dtype: 'float32' },
          ],
          initializers: {
            m: { dtype: 'int64', dims: [], data: BigInt64Array.of(5n) },
            w: { dtype: 'float32', dims: [8, 8], data: Float32Array.from({ length: 64 }, (_, i) => Math.sin(i) * 0.3) },
            h0: { dtype: 'float32', dims: [1, 8], data: new Float32Array(8) },
          },
          nodes: [
            { op: 'Identity', inputs: ['count'], outputs: ['unused'] },
            {
              op: 'Loop',
              inputs: [trips, '', 'h0'],
              outputs: ['h', 'hs'],
              attrs: {
                body: {
                  graph: {
                    inputs: [
                      { name: 'i', dtype: 'int64', shape: [] },
                      { name: 'c', dtype: 'bool', shape: [] },
                      { name: 'h_in', dtype: 'float32', shape: [1, 8] },
                    ],
                    outputs: [
                      { name: 'c_out', dtype: 'bool', shape: [] },
                      { name: 'h_out', dtype: 'float32', shape: [1, 8] },
                      { name: 'h_row', dtype: 'float32', shape: [1, 8] },
                    ],
                    nodes: [
                      { op: 'Identity', inputs: ['c'], outputs: ['c_out'] },
                      { op: 'MatMul', inputs: ['h_in', 'w'], outputs: ['hw'] },
                      { op: 'Add', inputs: ['hw', 'x'], outputs: ['pre'] },
                      { op: 'Tanh', inputs: ['pre'], outputs: ['h_out'] },
                      { op: 'Identity', inputs: ['h_out'], outputs: ['h_row'] },
                    ],
                  },
                },
              },
            },
          ],
        }),
      );
    const feeds = { x: sine([1, 8], 2), count: new ort.Tensor('int64', BigInt64Array.of(5n), []) };
    const fixed = loop('m');
    const m = await compile(fixed, { backend: BACKEND, minBlockSize: 1 });
    try {
      const s = m.report.data.summary;
      expect([s.engineNodes, s.fallbackSegments]).toEqual([s.nodes, 0]);
      const [got, want] = [await m.run(feeds), await ortRun(fixed, feeds)];
      for (const name of ['h', 'hs']) expect(relativeError(got[name]!, want[name]!), name).toBeLessThan(FP32_TOL);
    } finally {
      await m.dispose();
    }
    const computed = loop('count');
    const c = await compile(computed, { backend: BACKEND, minBlockSize: 1 });
    try {
      expect(c.report.data.nodes.find((n) => n.opType === 'Loop')?.reason).toMatch(
        /^no converter for 'Loop' \(opset \d+\): .*; unroll-loops left it: its trip count is computed at run time/,
      );
      const notes = c.report.data.lowering?.passes.find((p) => p.name === 'unroll-loops')?.notes.join('\n') ?? '';
      expect(notes).toContain('its trip count is computed at run time');
      expect(relativeError((await c.run(feeds)).hs!, (await ortRun(computed, feeds)).hs!)).toBeLessThan(FP32_TOL);
    } finally {
      await c.dispose();
    }
  });
});
