/**
 * Older and rarer forms of the ops, which the conformance node tests (written for the newest
 * opsets) do not all exercise: attributes that later became inputs (axes, split, pads, k,
 * scales, min/max), changed defaults, auto_pad, ceil_mode, dilations, 1-D MatMul operands,
 * Einsum's implicit output. Each case is a small model run on onnxruntime; every value's
 * inferred dtype and shape must equal what onnxruntime produces, and with static inputs
 * nothing may be left symbolic.
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { inferShapes } from '../../src/ir/infer/index.js';
import { type AttrValue, type ModelSpec, buildGraph } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { compareType, runOrt } from './support.js';

const i64 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'int64', dims, data: BigInt64Array.from(values.map(BigInt)) });
const f32 = (values: number[], dims = [values.length]): TensorData => ({ dtype: 'float32', dims, data: Float32Array.from(values) });
const zeros = (dims: number[]): TensorData => f32(new Array(dims.reduce((a, b) => a * b, 1)).fill(0.25), dims);

interface Case {
  name: string;
  op: string;
  opset: number;
  /** Data inputs: name -> shape (float32 unless `dtypes` says otherwise); '' skips an optional input. */
  x: Array<[string, number[]]>;
  consts?: Record<string, TensorData>;
  /** Input order of the node (names from `x` and `consts`, '' for omitted). */
  ins?: string[];
  attrs?: Record<string, AttrValue>;
  outs?: number;
}

const cases: Case[] = [
  { name: 'Squeeze axes attribute', op: 'Squeeze', opset: 11, x: [['a', [2, 1, 3, 1]]], attrs: { axes: [1, -1] } },
  { name: 'Squeeze without axes', op: 'Squeeze', opset: 13, x: [['a', [1, 2, 1, 3]]] },
  { name: 'Unsqueeze axes attribute', op: 'Unsqueeze', opset: 11, x: [['a', [2, 3]]], attrs: { axes: [0, 3] } },
  { name: 'Unsqueeze axes input', op: 'Unsqueeze', opset: 13, x: [['a', [2, 3]]], consts: { ax: i64([-1, 1]) }, ins: ['a', 'ax'] },
  { name: 'Split split attribute', op: 'Split', opset: 11, x: [['a', [2, 3, 4]]], attrs: { axis: 2, split: [1, 3] }, outs: 2 },
  { name: 'Split equal parts', op: 'Split', opset: 11, x: [['a', [2, 3, 6]]], attrs: { axis: -1 }, outs: 3 },
  { name: 'Split num_outputs uneven', op: 'Split', opset: 18, x: [['a', [2, 7]]], attrs: { axis: 1, num_outputs: 3 }, outs: 3 },
  { name: 'Split split input', op: 'Split', opset: 13, x: [['a', [5, 2]]], consts: { s: i64([2, 3]) }, ins: ['a', 's'], outs: 2 },
  { name: 'Slice attributes', op: 'Slice', opset: 9, x: [['a', [3, 4, 5]]], attrs: { starts: [0, 1], ends: [2, 1000], axes: [0, 2] } },
  {
    name: 'Slice negative steps',
    op: 'Slice',
    opset: 13,
    x: [['a', [6, 7]]],
    consts: { st: i64([-1, 5]), en: i64([-9223372036854775807, 0]), ax: i64([0, 1]), sp: i64([-2, -3]) },
    ins: ['a', 'st', 'en', 'ax', 'sp'],
  },
  { name: 'Pad pads attribute', op: 'Pad', opset: 2, x: [['a', [2, 3]]], attrs: { pads: [0, 1, 2, 3] } },
  { name: 'Pad pads input', op: 'Pad', opset: 11, x: [['a', [2, 3]]], consts: { p: i64([1, 0, 0, -1]) }, ins: ['a', 'p'] },
  {
    name: 'Pad axes input',
    op: 'Pad',
    opset: 18,
    x: [['a', [2, 3, 4]]],
    consts: { p: i64([1, 2, 3, 4]), ax: i64([2, 0]) },
    ins: ['a', 'p', '', 'ax'],
  },
  { name: 'ReduceMean axes attribute', op: 'ReduceMean', opset: 11, x: [['a', [2, 3, 4]]], attrs: { axes: [1], keepdims: 0 } },
  { name: 'ReduceSum axes attribute', op: 'ReduceSum', opset: 11, x: [['a', [2, 3, 4]]], attrs: { axes: [0, -1] } },
  {
    name: 'ReduceSum axes input',
    op: 'ReduceSum',
    opset: 13,
    x: [['a', [2, 3, 4]]],
    consts: { ax: i64([1]) },
    ins: ['a', 'ax'],
    attrs: { keepdims: 0 },
  },
  { name: 'ReduceMax all axes', op: 'ReduceMax', opset: 18, x: [['a', [2, 3, 4]]], attrs: { keepdims: 0 } },
  { name: 'ReduceL2 noop with empty axes', op: 'ReduceL2', opset: 18, x: [['a', [2, 3]]], attrs: { noop_with_empty_axes: 1 } },
  { name: 'ArgMax keepdims 0', op: 'ArgMax', opset: 13, x: [['a', [2, 3, 4]]], attrs: { axis: -2, keepdims: 0, select_last_index: 1 } },
  { name: 'Resize opset 10 scales', op: 'Resize', opset: 10, x: [['a', [1, 1, 3, 4]]], consts: { s: f32([1, 1, 2, 1.5]) }, ins: ['a', 's'] },
  {
    name: 'Resize opset 11 sizes',
    op: 'Resize',
    opset: 11,
    x: [['a', [1, 2, 3, 4]]],
    consts: { roi: f32([]), s: f32([]), z: i64([1, 2, 7, 5]) },
    ins: ['a', 'roi', 's', 'z'],
  },
  { name: 'Resize fractional scales', op: 'Resize', opset: 13, x: [['a', [1, 1, 5, 5]]], consts: { s: f32([1, 1, 1.5, 0.7]) }, ins: ['a', '', 's'] },
  {
    name: 'Resize axes and not_larger',
    op: 'Resize',
    opset: 18,
    x: [['a', [1, 1, 4, 6]]],
    consts: { z: i64([9, 9]) },
    ins: ['a', '', '', 'z'],
    attrs: { axes: [2, 3], keep_aspect_ratio_policy: 'not_larger' },
  },
  {
    name: 'Resize not_smaller',
    op: 'Resize',
    opset: 18,
    x: [['a', [1, 1, 4, 6]]],
    consts: { z: i64([1, 1, 9, 9]) },
    ins: ['a', '', '', 'z'],
    attrs: { keep_aspect_ratio_policy: 'not_smaller' },
  },
  { name: 'Upsample scales attribute', op: 'Upsample', opset: 7, x: [['a', [1, 1, 2, 3]]], attrs: { scales: { floats: [1, 1, 2, 3] } } },
  { name: 'Upsample scales input', op: 'Upsample', opset: 9, x: [['a', [1, 1, 2, 3]]], consts: { s: f32([1, 1, 2, 2]) }, ins: ['a', 's'] },
  { name: 'TopK k attribute', op: 'TopK', opset: 1, x: [['a', [3, 5]]], attrs: { k: 2 }, outs: 2 },
  { name: 'TopK K input', op: 'TopK', opset: 11, x: [['a', [3, 5]]], consts: { k: i64([3]) }, ins: ['a', 'k'], attrs: { axis: 0 }, outs: 2 },
  { name: 'Clip attributes', op: 'Clip', opset: 6, x: [['a', [2, 3]]], attrs: { min: { float: -0.5 }, max: { float: 0.5 } } },
  { name: 'Clip min input only', op: 'Clip', opset: 11, x: [['a', [2, 3]]], consts: { lo: f32([0], []) }, ins: ['a', 'lo'] },
  { name: 'Dropout mask opset 7', op: 'Dropout', opset: 7, x: [['a', [2, 3]]], outs: 2 },
  { name: 'Dropout mask opset 10', op: 'Dropout', opset: 10, x: [['a', [2, 3]]], outs: 2 },
  { name: 'Dropout ratio input', op: 'Dropout', opset: 12, x: [['a', [2, 3]]], consts: { r: f32([0.5], []) }, ins: ['a', 'r'], outs: 2 },
  {
    name: 'Reshape allowzero',
    op: 'Reshape',
    opset: 14,
    x: [['a', [2, 0, 3]]],
    consts: { s: i64([3, 0, 2]) },
    ins: ['a', 's'],
    attrs: { allowzero: 1 },
  },
  { name: 'Reshape copies 0 and solves -1', op: 'Reshape', opset: 13, x: [['a', [2, 3, 4]]], consts: { s: i64([0, -1, 2]) }, ins: ['a', 's'] },
  { name: 'Flatten axis 0', op: 'Flatten', opset: 9, x: [['a', [2, 3, 4]]], attrs: { axis: 0 } },
  { name: 'Flatten negative axis', op: 'Flatten', opset: 13, x: [['a', [2, 3, 4]]], attrs: { axis: -1 } },
  {
    name: 'Gemm transposed',
    op: 'Gemm',
    opset: 7,
    x: [
      ['a', [4, 3]],
      ['b', [5, 4]],
      ['c', [1, 5]],
    ],
    attrs: { transA: 1, transB: 1 },
  },
  {
    name: 'MatMul vector x matrix',
    op: 'MatMul',
    opset: 13,
    x: [
      ['a', [3]],
      ['b', [2, 3, 4]],
    ],
  },
  {
    name: 'MatMul matrix x vector',
    op: 'MatMul',
    opset: 13,
    x: [
      ['a', [2, 5, 3]],
      ['b', [3]],
    ],
  },
  {
    name: 'MatMul vector x vector',
    op: 'MatMul',
    opset: 13,
    x: [
      ['a', [3]],
      ['b', [3]],
    ],
  },
  {
    name: 'MatMul batch broadcast',
    op: 'MatMul',
    opset: 13,
    x: [
      ['a', [2, 1, 4, 3]],
      ['b', [5, 3, 6]],
    ],
  },
  {
    name: 'Einsum implicit output',
    op: 'Einsum',
    opset: 12,
    x: [
      ['a', [2, 3]],
      ['b', [3, 4]],
    ],
    attrs: { equation: 'ij,jk' },
  },
  {
    name: 'Einsum batched explicit',
    op: 'Einsum',
    opset: 12,
    x: [
      ['a', [5, 2, 3]],
      ['b', [5, 3, 4]],
    ],
    attrs: { equation: 'bij,bjk->bik' },
  },
  { name: 'Einsum ellipsis diagonal', op: 'Einsum', opset: 12, x: [['a', [2, 4, 4]]], attrs: { equation: '...ii->...i' } },
  {
    name: 'MaxPool ceil_mode',
    op: 'MaxPool',
    opset: 10,
    x: [['a', [1, 1, 6, 6]]],
    attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 },
    outs: 2,
  },
  {
    name: 'MaxPool dilations and pads',
    op: 'MaxPool',
    opset: 12,
    x: [['a', [1, 1, 9, 8]]],
    attrs: { kernel_shape: [2, 3], dilations: [2, 2], pads: [1, 0, 1, 2] },
  },
  {
    name: 'MaxPool SAME_UPPER',
    op: 'MaxPool',
    opset: 8,
    x: [['a', [1, 2, 7, 5]]],
    attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' },
  },
  {
    name: 'AveragePool VALID',
    op: 'AveragePool',
    opset: 7,
    x: [['a', [1, 2, 7, 5]]],
    attrs: { kernel_shape: [3, 2], strides: [2, 2], auto_pad: 'VALID' },
  },
  {
    name: 'AveragePool ceil 1-D',
    op: 'AveragePool',
    opset: 19,
    x: [['a', [1, 2, 10]]],
    attrs: { kernel_shape: [3], strides: [4], ceil_mode: 1, pads: [1, 1] },
  },
  { name: 'LpPool', op: 'LpPool', opset: 18, x: [['a', [1, 2, 7, 7]]], attrs: { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 } },
  { name: 'GlobalLpPool', op: 'GlobalLpPool', opset: 2, x: [['a', [1, 2, 7, 7]]] },
  {
    name: 'Conv SAME_LOWER with dilation',
    op: 'Conv',
    opset: 11,
    x: [
      ['a', [1, 2, 9, 8]],
      ['w', [4, 1, 3, 3]],
    ],
    attrs: { auto_pad: 'SAME_LOWER', strides: [2, 3], group: 2 },
  },
  {
    name: 'Conv 1-D dilated',
    op: 'Conv',
    opset: 11,
    x: [
      ['a', [2, 3, 20]],
      ['w', [5, 3, 4]],
    ],
    attrs: { dilations: [3], strides: [2], pads: [1, 2] },
  },
  {
    name: 'ConvTranspose output_padding',
    op: 'ConvTranspose',
    opset: 11,
    x: [
      ['a', [1, 2, 5, 5]],
      ['w', [2, 3, 3, 3]],
    ],
    attrs: { strides: [2, 2], output_padding: [1, 0], pads: [1, 1, 1, 1] },
  },
  {
    name: 'ConvTranspose output_shape',
    op: 'ConvTranspose',
    opset: 11,
    x: [
      ['a', [1, 2, 5, 5]],
      ['w', [2, 3, 3, 3]],
    ],
    attrs: { strides: [2, 2], output_shape: [10, 11] },
  },
  {
    name: 'ConvTranspose SAME_UPPER grouped',
    op: 'ConvTranspose',
    opset: 11,
    x: [
      ['a', [1, 4, 5, 6]],
      ['w', [4, 3, 3, 3]],
    ],
    attrs: { strides: [2, 2], auto_pad: 'SAME_UPPER', group: 2 },
  },
  { name: 'Shape start and end', op: 'Shape', opset: 15, x: [['a', [2, 3, 4, 5]]], attrs: { start: 1, end: -1 } },
  {
    name: 'Concat opset 4',
    op: 'Concat',
    opset: 4,
    x: [
      ['a', [2, 3]],
      ['b', [2, 5]],
    ],
    attrs: { axis: 1 },
  },
  {
    name: 'Gather 2-D indices',
    op: 'Gather',
    opset: 13,
    x: [['a', [5, 4, 3]]],
    consts: { i: i64([0, 2, 3, 1, 1, -1], [2, 3]) },
    ins: ['a', 'i'],
    attrs: { axis: 1 },
  },
  {
    name: 'GatherND batch_dims',
    op: 'GatherND',
    opset: 13,
    x: [['a', [2, 3, 4]]],
    consts: { i: i64([1, 2, 0, 3], [2, 1, 2]) },
    ins: ['a', 'i'],
    attrs: { batch_dims: 1 },
  },
  {
    name: 'OneHot axis 1',
    op: 'OneHot',
    opset: 11,
    x: [],
    consts: { i: i64([1, 2, 0, 3], [2, 2]), d: f32([5], []), v: f32([0, 1]) },
    ins: ['i', 'd', 'v'],
    attrs: { axis: 1 },
  },
  { name: 'DepthToSpace', op: 'DepthToSpace', opset: 13, x: [['a', [1, 8, 2, 3]]], attrs: { blocksize: 2, mode: 'CRD' } },
  { name: 'SpaceToDepth', op: 'SpaceToDepth', opset: 13, x: [['a', [1, 2, 4, 6]]], attrs: { blocksize: 2 } },
  { name: 'Tile', op: 'Tile', opset: 13, x: [['a', [2, 3]]], consts: { r: i64([3, 2]) }, ins: ['a', 'r'] },
  { name: 'Expand bidirectional', op: 'Expand', opset: 13, x: [['a', [3, 1]]], consts: { s: i64([2, 1, 4]) }, ins: ['a', 's'] },
  { name: 'ConstantOfShape empty shape', op: 'ConstantOfShape', opset: 9, x: [], consts: { s: i64([]) }, ins: ['s'] },
  { name: 'Range float', op: 'Range', opset: 11, x: [], consts: { a: f32([1], []), b: f32([2.2], []), c: f32([0.3], []) }, ins: ['a', 'b', 'c'] },
  {
    name: 'LayerNormalization statistics',
    op: 'LayerNormalization',
    opset: 17,
    x: [
      ['a', [2, 3, 4]],
      ['g', [3, 4]],
    ],
    attrs: { axis: 1 },
    outs: 3,
  },
  {
    name: 'GroupNormalization',
    op: 'GroupNormalization',
    opset: 21,
    x: [
      ['a', [2, 4, 3]],
      ['g', [4]],
      ['b', [4]],
    ],
    attrs: { num_groups: 2 },
  },
  {
    name: 'InstanceNormalization',
    op: 'InstanceNormalization',
    opset: 6,
    x: [
      ['a', [2, 3, 4]],
      ['g', [3]],
      ['b', [3]],
    ],
  },
  { name: 'LRN', op: 'LRN', opset: 13, x: [['a', [1, 4, 3, 3]]], attrs: { size: 3 } },
  { name: 'CumSum', op: 'CumSum', opset: 14, x: [['a', [2, 3]]], consts: { ax: i64([1], []) }, ins: ['a', 'ax'] },
  { name: 'Trilu', op: 'Trilu', opset: 14, x: [['a', [2, 3, 4]]], attrs: { upper: 0 } },
  { name: 'QuantizeLinear default uint8', op: 'QuantizeLinear', opset: 10, x: [['a', [2, 3]]], consts: { s: f32([0.1], []) }, ins: ['a', 's'] },
  {
    name: 'QuantizeLinear int8 zero point',
    op: 'QuantizeLinear',
    opset: 13,
    x: [['a', [2, 3]]],
    consts: { s: f32([0.1], []), z: { dtype: 'int8', dims: [], data: Int8Array.from([3]) } },
    ins: ['a', 's', 'z'],
  },
  {
    name: 'DequantizeLinear',
    op: 'DequantizeLinear',
    opset: 10,
    x: [],
    consts: { q: { dtype: 'uint8', dims: [2, 2], data: Uint8Array.from([1, 2, 3, 4]) }, s: f32([0.5], []) },
    ins: ['q', 's'],
  },
  { name: 'DynamicQuantizeLinear', op: 'DynamicQuantizeLinear', opset: 11, x: [['a', [2, 3]]], outs: 3 },
  {
    name: 'MatMulInteger',
    op: 'MatMulInteger',
    opset: 10,
    x: [],
    consts: { a: { dtype: 'uint8', dims: [2, 3], data: new Uint8Array(6) }, b: { dtype: 'uint8', dims: [3, 4], data: new Uint8Array(12) } },
    ins: ['a', 'b'],
  },
  {
    name: 'Where broadcast',
    op: 'Where',
    opset: 9,
    x: [
      ['b', [1, 3]],
      ['c', [2, 1]],
    ],
    consts: { k: { dtype: 'bool', dims: [2, 3], data: Uint8Array.from([1, 0, 1, 0, 1, 0]) } },
    ins: ['k', 'b', 'c'],
  },
  {
    name: 'Mean variadic',
    op: 'Mean',
    opset: 13,
    x: [
      ['a', [3, 1]],
      ['b', [4]],
      ['c', [1, 1]],
    ],
  },
  {
    name: 'PRelu slope broadcast',
    op: 'PRelu',
    opset: 9,
    x: [
      ['a', [2, 3, 4]],
      ['s', [3, 1]],
    ],
  },
  { name: 'Pow integer exponent', op: 'Pow', opset: 15, x: [['a', [2, 3]]], consts: { e: i64([2], []) }, ins: ['a', 'e'] },
  { name: 'Size', op: 'Size', opset: 13, x: [['a', [2, 3, 4]]] },
  { name: 'NonZero', op: 'NonZero', opset: 13, x: [['a', [2, 3]]] },
  {
    name: 'Compress with axis',
    op: 'Compress',
    opset: 11,
    x: [['a', [3, 2]]],
    consts: { c: { dtype: 'bool', dims: [2], data: Uint8Array.from([0, 1]) } },
    ins: ['a', 'c'],
    attrs: { axis: 1 },
  },
];

/** Values onnxruntime decides at run time (from data), which inference may leave symbolic. */
const DATA_DEPENDENT = new Set(['NonZero', 'Compress']);

function modelOf(c: Case): Graph {
  const ins = c.ins ?? c.x.map(([n]) => n);
  const outs = Array.from({ length: c.outs ?? 1 }, (_, i) => `y${i}`);
  const spec: ModelSpec = {
    opset: c.opset,
    inputs: c.x.map(([name, shape]) => ({ name, shape })),
    outputs: outs.map((name) => ({ name })),
    initializers: c.consts,
    nodes: [{ op: c.op, inputs: ins, outputs: outs, attrs: c.attrs, name: 'n' }],
  };
  return buildGraph(spec);
}

describe('inference of older and rarer op forms, against onnxruntime', () => {
  for (const c of cases) {
    it(`${c.op} opset ${c.opset}: ${c.name}`, async () => {
      const g = modelOf(c);
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, shape] of c.x) {
        const t = zeros(shape);
        feeds[name] = new ort.Tensor('float32', t.data as Float32Array, shape);
      }
      const actual = await runOrt(g.toModel(), feeds);
      const res = inferShapes(g);
      expect(res.issues).toEqual([]);
      const bindings = new Map<string, number>();
      for (const [name, t] of Object.entries(actual)) {
        const r = compareType(g.types.get(name), { dtype: t.type, dims: t.dims }, bindings);
        expect(r.wrong, name).toEqual([]);
        if (!DATA_DEPENDENT.has(c.op)) expect(r.less, name).toEqual([]);
      }
    });
  }
});
