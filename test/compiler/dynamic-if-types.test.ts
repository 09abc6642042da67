/**
 * A dynamic compile (input ranges) of a model with an If that lowering leaves (its condition
 * depends on the data) and an engine after it: the If's outputs have no element type in the
 * symbolic graph (there is no inference rule for If, and the branches declare none), only in
 * the views, which probed them at fixed shapes. The engine segment's onnxruntime sub-model (its
 * fallback for other shapes) and the If's own fallback session are still extracted. Silero VAD
 * (every export with If nodes) failed so with `--min-shapes input=1x256 ... --max-shapes
 * input=4x1024`: "extract from 'main_graph': input '/decoder/If_1_output_0' of node
 * '/decoder/Unsqueeze' has no known element type". Outputs are compared with onnxruntime alone
 * at three shapes of the range within 1e-6 relative (an engine computes the tail).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/compiler/analyze.js';
import { compile } from '../../src/compiler/compile.js';
import { buildGraph } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { lstmIfBranches } from '../helpers/lstm-if.js';

/**
 *   x [N,4,1] ─► Abs ─► ReduceMax ─► Greater(100) ─► cond      (false for inputs in [-1, 1))
 *   If(cond) ─┬─ then: Squeeze(x) ─► LSTM ─► Y_h ─► Reshape([-1])   (lowering keeps the If:
 *             └─ else: Neg(x) ─► Reshape([-1])                      running this branch can fail)
 *             ─► y (no declared type) ─► Abs ─► Sigmoid ─► Mul ─► out
 */
function model(): Uint8Array {
  const g = buildGraph({
    inputs: [{ name: 'x', shape: ['N', 4, 1] }],
    outputs: [{ name: 'out' }],
    initializers: { hundred: { dtype: 'float32', dims: [], data: Float32Array.from([100]) } },
    nodes: [
      { op: 'Abs', inputs: ['x'], outputs: ['ax'] },
      { op: 'ReduceMax', inputs: ['ax'], outputs: ['mx'], attrs: { keepdims: 0 } },
      { op: 'Greater', inputs: ['mx', 'hundred'], outputs: ['cond'] },
      { op: 'If', inputs: ['cond'], outputs: ['y'], attrs: lstmIfBranches(false) },
      { op: 'Abs', inputs: ['y'], outputs: ['a'] },
      { op: 'Sigmoid', inputs: ['a'], outputs: ['s'] },
      { op: 'Mul', inputs: ['s', 'a'], outputs: ['out'] },
    ],
  });
  return encodeModel(g.toModel());
}

const range = { x: { min: [1, 4, 1], opt: [2, 4, 1], max: [3, 4, 1] } };

describe('a dynamic compile extracts sub-models after an If left to onnxruntime', () => {
  it('compiles and runs over the range as onnxruntime does', async () => {
    const bytes = model();
    const hybrid = await compile(bytes, { backend: 'cpu', inputs: range, minBlockSize: 0 });
    const session = await ort.InferenceSession.create(bytes);
    try {
      // The If is on onnxruntime, the tail on an engine.
      expect(hybrid.report.data.summary.fallbackSegments).toBeGreaterThanOrEqual(1);
      expect(hybrid.report.data.summary.engineSegments).toBeGreaterThanOrEqual(1);
      for (const n of [1, 2, 3]) {
        const x = new ort.Tensor(
          'float32',
          Float32Array.from({ length: 4 * n }, (_, i) => Math.cos(i * 1.7) * 0.9),
          [n, 4, 1],
        );
        const got = (await hybrid.run({ x })).out!.data as Float32Array;
        const want = (await session.run({ x })).out!.data as Float32Array;
        expect(got.length).toBe(want.length);
        want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
      }
    } finally {
      await session.release();
      await hybrid.dispose();
    }
  });

  it('probes each end of the range at its own shapes where probeFeeds are given at one shape (the CLI gives its run inputs)', async () => {
    const bytes = model();
    const at = (n: number) =>
      new ort.Tensor(
        'float32',
        Float32Array.from({ length: 4 * n }, (_, i) => Math.sin(i * 0.9) * 0.8),
        [n, 4, 1],
      );
    // Feeds at opt: probing the min and max views with them recorded opt's shapes there, so
    // the engine after the If was built for opt's alone and refused a run at min.
    const hybrid = await compile(bytes, { backend: 'cpu', inputs: range, minBlockSize: 0, probeFeeds: { x: at(2) } });
    const session = await ort.InferenceSession.create(bytes);
    try {
      expect(hybrid.report.data.summary.engineSegments).toBeGreaterThanOrEqual(1);
      for (const n of [1, 2, 3]) {
        const got = (await hybrid.run({ x: at(n) })).out!.data as Float32Array;
        const want = (await session.run({ x: at(n) })).out!.data as Float32Array;
        expect(got.length).toBe(want.length);
        want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
      }
    } finally {
      await session.release();
      await hybrid.dispose();
    }
  });

  it('the dry run opens every fallback session over the range', async () => {
    const r = await analyze(model(), { inputs: range, minBlockSize: 0, checkFallbacks: true });
    expect(r.report.summary.fallbackSegments).toBeGreaterThanOrEqual(1);
  });
});
