/**
 * Sizes inference knows where an input is empty: NonZero of an empty tensor finds nothing, and
 * NonMaxSuppression selects nothing without batches, classes or boxes or with a limit of 0 (the
 * default); a Gather index past a known dim is an issue (onnxruntime fails). Each case runs on
 * onnxruntime: the inferred shape is its output's (or onnxruntime fails where inference reports
 * the issue); where data decides, inference keeps a symbol.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../src/ir/infer/index.js';
import { type ModelSpec, buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { runOrt } from './support.js';

const i64 = (...v: number[]): TensorData => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const f32 = (v: number): TensorData => ({ dtype: 'float32', dims: [1], data: Float32Array.of(v) });
const zeros = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims);

const nms = (boxes: number[], scores: number[], consts: Record<string, TensorData>, ins: string[]): ModelSpec => ({
  opset: 11,
  inputs: [
    { name: 'boxes', shape: boxes },
    { name: 'scores', shape: scores },
  ],
  outputs: [{ name: 'y' }],
  initializers: consts,
  nodes: [{ op: 'NonMaxSuppression', inputs: ['boxes', 'scores', ...ins], outputs: ['y'] }],
});
const LIMITS = { limit: i64(5), none: i64(0), iou: f32(0.5) };

const cases: Array<{ name: string; spec: ModelSpec; shape: Array<number | 'symbol'> }> = [
  {
    name: 'NonZero of an empty tensor',
    spec: { opset: 13, inputs: [{ name: 'x', shape: [0, 3] }], outputs: [{ name: 'y' }], nodes: [{ op: 'NonZero', inputs: ['x'], outputs: ['y'] }] },
    shape: [2, 0],
  },
  {
    name: 'NonZero of a tensor with elements',
    spec: { opset: 13, inputs: [{ name: 'x', shape: [2, 3] }], outputs: [{ name: 'y' }], nodes: [{ op: 'NonZero', inputs: ['x'], outputs: ['y'] }] },
    shape: [2, 'symbol'],
  },
  { name: 'NonMaxSuppression over no boxes', spec: nms([1, 0, 4], [1, 2, 0], LIMITS, ['limit', 'iou']), shape: [0, 3] },
  { name: 'NonMaxSuppression over no classes', spec: nms([1, 3, 4], [1, 0, 3], LIMITS, ['limit', 'iou']), shape: [0, 3] },
  { name: 'NonMaxSuppression over no batch', spec: nms([0, 3, 4], [0, 2, 3], LIMITS, ['limit', 'iou']), shape: [0, 3] },
  { name: 'NonMaxSuppression with a limit of 0', spec: nms([1, 3, 4], [1, 2, 3], LIMITS, ['none', 'iou']), shape: [0, 3] },
  { name: 'NonMaxSuppression without a limit (0)', spec: nms([1, 3, 4], [1, 2, 3], LIMITS, []), shape: [0, 3] },
  { name: 'NonMaxSuppression over boxes', spec: nms([1, 3, 4], [1, 2, 3], LIMITS, ['limit', 'iou']), shape: ['symbol', 3] },
];

describe('inference at empty inputs, against onnxruntime', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const g = buildGraph(c.spec);
      const feeds = Object.fromEntries(c.spec.inputs.map((i) => [i.name, zeros(i.shape as number[])]));
      const actual = (await runOrt(g.toModel(), feeds)).y!;
      const r = inferShapes(g);
      expect(r.issues).toEqual([]);
      const shape = g.types.get('y')!.shape!;
      expect(shape.map((d) => (typeof d === 'string' ? 'symbol' : d))).toEqual(c.shape);
      shape.forEach((d, i) => typeof d === 'number' && expect(actual.dims[i]).toBe(d));
    });
  }

  it.each([
    { name: 'past the dim', dims: [3, 2], index: 3 },
    { name: 'below minus the dim', dims: [3, 2], index: -4 },
    { name: 'into an empty dim', dims: [0, 2], index: 0 },
  ])('reports a Gather whose constant index is $name, where onnxruntime fails', async ({ dims, index }) => {
    const g = buildGraph({
      opset: 13,
      inputs: [{ name: 'x', shape: dims }],
      outputs: [{ name: 'y' }],
      initializers: { i: i64(index) },
      nodes: [{ op: 'Gather', inputs: ['x', 'i'], outputs: ['y'], attrs: { axis: 0 } }],
    });
    await expect(runOrt(g.toModel(), { x: zeros(dims) })).rejects.toThrow();
    expect(inferShapes(g).issues.map((i) => i.message)).toEqual([`Gather: index ${index} is out of range for dimension ${dims[0]}`]);
  });
});
