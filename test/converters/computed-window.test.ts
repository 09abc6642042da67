/**
 * Slice, Expand, ConstantOfShape and Range whose window, target, shape or bounds the model computes from Shape,
 * converted as one view of a shape range (the harness's `ranged`): the converters emit slice
 * and range layers that read those values as shape tensors (native/src/ir/computed_layers.h), and the
 * network (reference interpreter and cpu engine) is held to onnxruntime on the same inputs,
 * exactly (the layers only move elements). The cases are ONNX Slice's clamping (negative starts
 * and ends, ends past the dim, negative steps, empty windows, int32 values, negative axes),
 * Expand's bidirectional broadcast (a target of lower and higher rank, 1s that keep the input's
 * dim), Range of computed integer bounds (descending, empty, int32), and ConstantOfShape's value
 * dtypes. The constant forms at static shapes are in constant-of-shape.test.ts and range.test.ts.
 * compile() over ranges runs them at many shapes: test/compiler/computed-windows.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { ModelSpec } from '../../src/ir/model-builder.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { checkAgainstOrt, random } from './helpers/harness.js';

const i64 = (...v: number[]): TensorData => ({ dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const x = random('float32', [4, 6, 5], 1);
const BIG = 2 ** 62;

/** A graph over x [4, 6, 5] whose nodes compute `d1` = [6] (x's dim 1, from Shape) and then `nodes`. */
function over(nodes: ModelSpec['nodes'], initializers: Record<string, TensorData> = {}, extra: ModelSpec['inputs'] = []) {
  return {
    spec: {
      inputs: [{ name: 'x', dtype: 'float32' as const, shape: x.dims }, ...extra],
      outputs: [{ name: 'out' }],
      initializers: { one: i64(1), two: i64(2), ...initializers },
      nodes: [{ op: 'Shape', inputs: ['x'], outputs: ['s'] }, { op: 'Gather', inputs: ['s', 'one'], outputs: ['d1'], attrs: { axis: 0 } }, ...nodes],
    },
    feeds: { x } as Record<string, TensorData>,
    rtol: 0,
    atol: 0,
    ranged: true,
  };
}

/** Slice(x, starts, ends, axes, steps) after the nodes that make its inputs. */
const slice = (nodes: ModelSpec['nodes'], inputs: string[], initializers: Record<string, TensorData>) =>
  over([...nodes, { op: 'Slice', inputs: ['x', ...inputs], outputs: ['out'] }], initializers);

describe('Slice with a window computed from shapes', () => {
  const d1 = [{ op: 'Identity', inputs: ['d1'], outputs: ['n'] }];
  const cases: Array<[string, ModelSpec['nodes'], string[], Record<string, TensorData>]> = [
    ['x[:, 1:n]', d1, ['c1', 'n', 'ax1'], { c1: i64(1), ax1: i64(1) }],
    ['x[:, 1:n-2]', [...d1, { op: 'Sub', inputs: ['n', 'two'], outputs: ['e'] }], ['c1', 'e', 'ax1'], { c1: i64(1), ax1: i64(1) }],
    [
      'x[:, -n:] (a start clamped to 0, an INT64-style end)',
      [...d1, { op: 'Neg', inputs: ['n'], outputs: ['b'] }],
      ['b', 'end', 'ax1'],
      { end: i64(BIG), ax1: i64(1) },
    ],
    ['x[:, n::-2] (a start past the dim, a negative step)', d1, ['n', 'lo', 'ax1', 'st'], { lo: i64(-BIG), ax1: i64(1), st: i64(-2) }],
    [
      'x[:, n-1:-7:-1] (every row reversed)',
      [...d1, { op: 'Sub', inputs: ['n', 'c1'], outputs: ['b'] }],
      ['b', 'm7', 'ax1', 'm1'],
      { c1: i64(1), m7: i64(-7), ax1: i64(1), m1: i64(-1) },
    ],
    [
      'x[:, 2n:] (an empty window)',
      [...d1, { op: 'Mul', inputs: ['n', 'two'], outputs: ['b'] }],
      ['b', 'end', 'ax1'],
      { end: i64(BIG), ax1: i64(1) },
    ],
    [
      'two axes, negative ones, int32 values',
      [
        ...d1,
        { op: 'Sub', inputs: ['n', 'c4'], outputs: ['k'] },
        { op: 'Concat', inputs: ['k', 'c1'], outputs: ['b64'], attrs: { axis: 0 } },
        { op: 'Concat', inputs: ['n', 'c3'], outputs: ['e64'], attrs: { axis: 0 } },
        { op: 'Cast', inputs: ['b64'], outputs: ['b'], attrs: { to: 6 } },
        { op: 'Cast', inputs: ['e64'], outputs: ['e'], attrs: { to: 6 } },
      ],
      ['b', 'e', 'axes'],
      { c1: i64(1), c3: i64(3), c4: i64(4), axes: { dtype: 'int32', dims: [2], data: Int32Array.of(-1, 0) } },
    ],
  ];
  it.each(cases)('%s', async (_name, nodes, inputs, init) => {
    const net = await checkAgainstOrt(slice(nodes, inputs, { zero: i64(0), ...init }));
    expect(net.layers.filter((l) => l.kind === 'slice').map((l) => l.inputs.length)).toEqual([3]);
  });
});

describe('Slice of an empty axis', () => {
  it('reversed with a computed start: an empty window (the clamping bounds meet)', async () => {
    const z: TensorData = { dtype: 'float32', dims: [2, 0, 3], data: new Float32Array(0) };
    const net = await checkAgainstOrt({
      spec: {
        inputs: [{ name: 'z', dtype: 'float32', shape: z.dims }],
        outputs: [{ name: 'out' }],
        initializers: { one: i64(1), lo: i64(-BIG), ax1: i64(1), m1: i64(-1) },
        nodes: [
          { op: 'Shape', inputs: ['z'], outputs: ['s'] },
          { op: 'Gather', inputs: ['s', 'one'], outputs: ['d1'], attrs: { axis: 0 } },
          { op: 'Slice', inputs: ['z', 'd1', 'lo', 'ax1', 'm1'], outputs: ['out'] },
        ],
      },
      feeds: { z },
      rtol: 0,
      atol: 0,
      ranged: true,
    });
    expect(net.layers.filter((l) => l.kind === 'slice').map((l) => l.inputs.length)).toEqual([3]);
  });
});

describe('Expand to a target computed from shapes', () => {
  it('a varying input raised in rank: x [4,6,5] to [2, 4, 6, 5]', async () => {
    await checkAgainstOrt(
      over([
        { op: 'Concat', inputs: ['two', 's'], outputs: ['t'], attrs: { axis: 0 } },
        { op: 'Expand', inputs: ['x', 't'], outputs: ['out'] },
      ]),
    );
  });

  it('a constant [1, 5] to [6, 1]: the target 1 keeps its dim', async () => {
    await checkAgainstOrt(
      over(
        [
          { op: 'Identity', inputs: ['d1'], outputs: ['n'] },
          { op: 'Concat', inputs: ['n', 'one'], outputs: ['t'], attrs: { axis: 0 } },
          { op: 'Expand', inputs: ['k', 't'], outputs: ['out'] },
        ],
        { k: random('float32', [1, 5], 2), zero: i64(0) },
      ),
    );
  });

  it('a target of lower rank: x [4, 6, 1] (an int64 input) to [n]', async () => {
    const c = over(
      [
        { op: 'Identity', inputs: ['d1'], outputs: ['n'] },
        { op: 'Expand', inputs: ['y', 'n'], outputs: ['out'] },
      ],
      { zero: i64(0) },
      [{ name: 'y', dtype: 'int64', shape: [4, 6, 1] }],
    );
    c.feeds.y = random('int64', [4, 6, 1], 3);
    const net = await checkAgainstOrt(c);
    expect(net.layers.some((l) => l.kind === 'slice' && l.inputs.length === 2)).toBe(true);
  });
});

describe('Range', () => {
  // n = [6] from Shape; Range takes scalars: Squeeze it to s6.
  const n = [{ op: 'Squeeze', inputs: ['d1', 'zero'], outputs: ['s6'] }];
  const i32 = (v: number): TensorData => ({ dtype: 'int32', dims: [], data: Int32Array.of(v) });
  const scalar = (v: number): TensorData => ({ dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(v)) });
  const cases: Array<[string, ModelSpec['nodes'], Record<string, TensorData>]> = [
    ['arange(n)', [...n, { op: 'Range', inputs: ['c0', 's6', 'c1'], outputs: ['out'] }], { c0: scalar(0), c1: scalar(1) }],
    [
      'arange(n - 1, -1, -1) (descending)',
      [...n, { op: 'Sub', inputs: ['s6', 'c1'], outputs: ['top'] }, { op: 'Range', inputs: ['top', 'm1', 'm1'], outputs: ['out'] }],
      { c1: scalar(1), m1: scalar(-1) },
    ],
    ['arange(n, 20, 4)', [...n, { op: 'Range', inputs: ['s6', 'c20', 'c4'], outputs: ['out'] }], { c20: scalar(20), c4: scalar(4) }],
    ['arange(n, 2) (empty)', [...n, { op: 'Range', inputs: ['s6', 'c2', 'c1'], outputs: ['out'] }], { c2: scalar(2), c1: scalar(1) }],
    [
      'int32 bounds: arange(-n, n, 5)',
      [
        ...n,
        { op: 'Cast', inputs: ['s6'], outputs: ['n32'], attrs: { to: 6 } },
        { op: 'Neg', inputs: ['n32'], outputs: ['lo'] },
        { op: 'Range', inputs: ['lo', 'n32', 'c5'], outputs: ['out'] },
      ],
      { c5: i32(5) },
    ],
  ];
  it.each(cases)('%s', async (_name, nodes, init) => {
    const net = await checkAgainstOrt(over(nodes, { zero: i64(0), ...init }));
    expect(net.layers.filter((l) => l.kind === 'range').map((l) => l.inputs.length)).toEqual([3]);
  });
});

describe('ConstantOfShape', () => {
  it('of a shape computed from shapes: an int64 value over x [4,6,5]', async () => {
    await checkAgainstOrt(
      over([{ op: 'ConstantOfShape', inputs: ['s'], outputs: ['out'], attrs: { value: { dtype: 'int64', dims: [1], data: BigInt64Array.of(7n) } } }]),
    );
  });

  it('of [n, 3] with the default value (float zeros)', async () => {
    await checkAgainstOrt(
      over(
        [
          { op: 'Identity', inputs: ['d1'], outputs: ['n'] },
          { op: 'Concat', inputs: ['n', 'c3'], outputs: ['t'], attrs: { axis: 0 } },
          { op: 'ConstantOfShape', inputs: ['t'], outputs: ['out'] },
        ],
        { zero: i64(0), c3: i64(3) },
      ),
    );
  });
});
