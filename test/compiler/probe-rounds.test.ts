/**
 * Probing in rounds (src/compiler/probe.ts, `computed`): a round starts from the values an
 * earlier round computed instead of running their ancestors again, and hands on what nodes
 * outside its sub-model read. The test holds that contract where it shows: the second round is
 * given samples without the graph input at all, so it can only run from the first round's
 * values; its probed shape and the values fed on are checked against onnxruntime running the
 * whole graph on the full samples. What is kept after a round is only what nodes outside its
 * sub-model read.
 *
 *   x -> Relu -> a -> Neg -> b -> Abs -> c
 *                a ------------------------> Add(a, c) -> e
 */
import { describe, expect, it } from 'vitest';
import { probeShapes, sampleTensor } from '../../src/compiler/probe.js';
import { inferShapes } from '../../src/ir/infer/index.js';
import { buildGraph, buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { fromOrtTensor, toOrtTensor } from '../../src/onnx/ort.js';
import { ortRun } from '../runtime/helpers.js';

const spec = {
  opset: 17,
  inputs: [{ name: 'x', dtype: 'float32' as const, shape: [3, 5] }],
  outputs: [{ name: 'e', dtype: 'float32' as const }],
  nodes: [
    { op: 'Relu', inputs: ['x'], outputs: ['a'] },
    { op: 'Neg', inputs: ['a'], outputs: ['b'] },
    { op: 'Abs', inputs: ['b'], outputs: ['c'] },
    { op: 'Add', inputs: ['a', 'c'], outputs: ['e'] },
  ],
};

describe('probing in rounds', () => {
  it('a later round runs from what earlier rounds computed, without the graph inputs', async () => {
    const graph = buildGraph(spec);
    inferShapes(graph);
    const samples = [1, 2, 3].map((seed) => new Map([['x', sampleTensor({ name: 'x', dtype: 'float32', shape: [3, 5] }, seed)]]));
    const computed = samples.map(() => new Map<string, TensorData>());

    const first = await probeShapes(graph, ['b'], samples, 1, undefined, computed);
    expect(first.probed).toEqual(['b']);
    // 'a' leaves the first sub-model (Add reads it), so it is handed on with 'b'.
    for (const c of computed) expect([...c.keys()].sort()).toEqual(['a', 'b']);

    graph.types.delete('e');
    const noInputs = samples.map(() => new Map<string, TensorData>());
    const second = await probeShapes(graph, ['e'], noInputs, 1, undefined, computed);
    expect(second.probed).toEqual(['e']);
    expect(graph.types.get('e')).toEqual({ dtype: 'float32', shape: [3, 5] });
    // Kept: only what nodes outside the second sub-model (Abs, Add) read. 'b' (its reader Abs
    // ran) and 'e' (read by nothing) are not; 'a' is (Neg reads it).
    for (const c of computed) expect([...c.keys()]).toEqual(['a']);

    // What was handed on is what the whole graph computes from each sample.
    const model = encodeModel(buildModel({ ...spec, outputs: [...spec.outputs, { name: 'a', dtype: 'float32' as const }] }));
    for (const [i, s] of samples.entries()) {
      const want = await ortRun(model, { x: toOrtTensor(s.get('x')!, 'x') });
      expect(computed[i]!.get('a')!.data).toEqual(fromOrtTensor(want.a!, 'a').data);
    }
  });

  it('without the computed values the same round needs the graph input', async () => {
    const graph = buildGraph(spec);
    inferShapes(graph);
    graph.types.delete('e');
    const noInputs = [new Map<string, TensorData>(), new Map<string, TensorData>()];
    await expect(probeShapes(graph, ['e'], noInputs, 1)).rejects.toThrow(/probing needs input 'x'/);
  });
});
