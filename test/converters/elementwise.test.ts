/**
 * Binary, variadic, unary and select converters: legacy broadcast reshapes, defaults of the
 * activations, Clip's bounds in each opset form, Pow's exponent cast; and numerics against
 * onnxruntime where the conformance tests leave gaps.
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, tensor, verdict } from './helpers/harness.js';

const f32 = (shape: number[]) => ['float32', shape] as ['float32', number[]];

describe('binary ops', () => {
  it('numpy broadcasting from opset 7: one layer, inputs as they are', () => {
    expect(emitted({ op: 'Sub', opset: 14, inputs: [f32([3, 4, 5]), f32([5])], outputs: [f32([3, 4, 5])] })).toEqual([
      expect.objectContaining({ kind: 'elementwise', params: { op: 'sub' }, inputs: [0, 1] }),
    ]);
  });

  it('legacy broadcast (opset < 7): B is reshaped to align at axis', () => {
    // A [2,3,4,5], B [3,4] at axis 1 -> B seen as [1,3,4,1]
    const layers = emitted({
      op: 'Add',
      opset: 6,
      attrs: { broadcast: 1, axis: 1 },
      inputs: [f32([2, 3, 4, 5]), f32([3, 4])],
      outputs: [f32([2, 3, 4, 5])],
    });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [1, 3, 4, 1] }],
      ['elementwise', { op: 'add' }],
    ]);
    // no axis: B matches A's trailing dims
    const tail = emitted({ op: 'Mul', opset: 6, attrs: { broadcast: 1 }, inputs: [f32([2, 3, 4]), f32([4])], outputs: [f32([2, 3, 4])] });
    expect(tail.map((l) => l.kind)).toEqual(['elementwise']);
    expect(verdict({ op: 'Add', opset: 6, inputs: [f32([2, 3]), f32([3])], outputs: [f32([2, 3])] })).toEqual({
      ok: false,
      reason: 'Add: broadcast=0 needs equal shapes, got [2,3] and [3]',
    });
  });

  it('Pow casts an integer exponent to the base type, rejects an integer base', () => {
    const layers = emitted({ op: 'Pow', opset: 15, inputs: [f32([3]), ['int64', [3]]], outputs: [f32([3])] });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['cast', { to: 'float32' }],
      ['elementwise', { op: 'pow' }],
    ]);
    expect(verdict({ op: 'Pow', opset: 15, inputs: [['int32', [3]], f32([3])], outputs: [['int32', [3]]] })).toEqual({
      ok: false,
      reason: 'Pow: base dtype int32 is not supported; engines compute Pow in float32, float16, bfloat16',
    });
  });

  it('Equal gives bool and takes integers; unsupported integer widths are named', () => {
    expect(
      emitted({
        op: 'Equal',
        opset: 13,
        inputs: [
          ['int64', [2]],
          ['int64', [2]],
        ],
        outputs: [['bool', [2]]],
      })[0],
    ).toMatchObject({ params: { op: 'equal' } });
    expect(
      verdict({
        op: 'Equal',
        opset: 13,
        inputs: [
          ['int16', [2]],
          ['int16', [2]],
        ],
        outputs: [['bool', [2]]],
      }),
    ).toEqual({
      ok: false,
      reason: "Equal: input 'in0' has dtype int16, which engines do not hold",
    });
  });

  it('Max/Min fold their inputs left to right; one input is a copy', () => {
    const three = emitted({ op: 'Max', opset: 13, inputs: [f32([3]), f32([2, 1]), f32([3])], outputs: [f32([2, 3])] });
    expect(three.map((l) => [l.name, l.params, l.inputs])).toEqual([
      ['n/max1', { op: 'max' }, [0, 1]],
      ['n', { op: 'max' }, [3, 2]],
    ]);
    expect(emitted({ op: 'Min', opset: 13, inputs: [f32([3])], outputs: [f32([3])] })).toEqual([
      expect.objectContaining({ kind: 'unary', params: { op: 'identity' } }),
    ]);
    expect(verdict({ op: 'Max', opset: 6, inputs: [f32([3]), f32([1])], outputs: [f32([3])] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('equal shapes before opset 8'),
    });
  });

  it('PRelu before opset 7: a [C] slope is per channel', () => {
    const layers = emitted({
      op: 'PRelu',
      opset: 6,
      inputs: [f32([2, 3, 4, 5]), tensor('float32', [3], [0.1, 0.2, 0.3])],
      outputs: [f32([2, 3, 4, 5])],
    });
    expect(layers.map((l) => [l.kind, l.params])).toEqual([
      ['shuffle', { reshape: [3, 1, 1] }],
      ['elementwise', { op: 'prelu' }],
    ]);
    // from opset 7 the same slope would align with the last dim, which does not fit
    expect(verdict({ op: 'PRelu', opset: 9, inputs: [f32([2, 3, 4, 5]), f32([3])], outputs: [f32([2, 3, 4, 5])] }).ok).toBe(false);
  });

  it('Add with broadcasting and PRelu compute what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [
          { name: 'a', shape: [2, 1, 4] },
          { name: 'b', shape: [3, 1] },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Div', inputs: ['a', 'b'], outputs: ['y'] }],
      },
      feeds: { a: random('float32', [2, 1, 4], 1), b: random('float32', [3, 1], 2, 0.5, 2) },
    });
    await checkAgainstOrt({
      spec: {
        opset: 9,
        inputs: [{ name: 'x', shape: [2, 3, 4] }],
        outputs: [{ name: 'y' }],
        initializers: { s: random('float32', [3, 1], 3) },
        nodes: [{ op: 'PRelu', inputs: ['x', 's'], outputs: ['y'] }],
      },
      feeds: { x: random('float32', [2, 3, 4], 4) },
    });
  });
});

describe('unary ops', () => {
  it('map each ONNX op to its layer op', () => {
    const ops: Array<[string, number, string]> = [
      ['Abs', 13, 'abs'],
      ['Erf', 13, 'erf'],
      ['Exp', 13, 'exp'],
      ['HardSwish', 14, 'hard_swish'],
      ['Log', 13, 'log'],
      ['Mish', 18, 'mish'],
      ['Neg', 13, 'neg'],
      ['Reciprocal', 13, 'reciprocal'],
      ['Relu', 14, 'relu'],
      ['Sigmoid', 13, 'sigmoid'],
      ['Softplus', 1, 'softplus'],
      ['Sqrt', 13, 'sqrt'],
      ['Tanh', 13, 'tanh'],
    ];
    for (const [op, opset, layerOp] of ops) {
      expect(emitted({ op, opset, inputs: [f32([2, 3])], outputs: [f32([2, 3])] }), op).toEqual([
        expect.objectContaining({ kind: 'unary', name: 'n', params: { op: layerOp }, inputs: [0], outputs: [1] }),
      ]);
    }
  });

  it('resolve ONNX attribute defaults', () => {
    const p = (op: string, attrs?: Record<string, number | string>, opset = 22) =>
      emitted({ op, opset, attrs, inputs: [f32([2])], outputs: [f32([2])] })[0]!.params;
    expect(p('LeakyRelu')).toEqual({ op: 'leaky_relu', alpha: 0.01 });
    expect(p('Elu')).toEqual({ op: 'elu', alpha: 1 });
    expect(p('HardSigmoid')).toEqual({ op: 'hard_sigmoid', alpha: 0.2, beta: 0.5 });
    // ONNX: alpha 1.67326319217681884765625, gamma 1.05070102214813232421875 (float32 values)
    expect(p('Selu')).toEqual({ op: 'selu', alpha: 1.67326319217681884765625, beta: 1.05070102214813232421875 });
    expect(p('Gelu', { approximate: 'tanh' })).toEqual({ op: 'gelu_tanh' });
    expect(p('Gelu')).toEqual({ op: 'gelu' });
    expect(p('HardSwish')).toEqual({ op: 'hard_swish' });
  });

  it('reject unsupported dtypes and attribute values', () => {
    expect(verdict({ op: 'Sigmoid', opset: 13, inputs: [['float64', [2]]], outputs: [['float64', [2]]] })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('dtype float64'),
    });
    expect(verdict({ op: 'Gelu', opset: 20, attrs: { approximate: 'fast' }, inputs: [f32([2])], outputs: [f32([2])] })).toEqual({
      ok: false,
      reason: "Gelu: approximate 'fast' is not supported; use 'none' or 'tanh'",
    });
    expect(verdict({ op: 'Mish', opset: 17, inputs: [f32([2])], outputs: [f32([2])] })).toEqual({
      ok: false,
      reason: 'no converter for Mish at opset 17',
    });
  });

  for (const [op, opset, attrs] of [
    ['Selu', 6, { alpha: 1.5, gamma: 2.5 }],
    ['HardSigmoid', 6, { alpha: 0.3, beta: 0.4 }],
    ['Softplus', 1, {}],
    ['Mish', 18, {}],
    ['Gelu', 20, { approximate: 'tanh' }],
    ['Erf', 13, {}],
  ] as const) {
    it(`${op} computes what onnxruntime computes`, async () => {
      await checkAgainstOrt({
        spec: {
          opset,
          inputs: [{ name: 'x', shape: [4, 8] }],
          outputs: [{ name: 'y' }],
          nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs: { ...attrs } }],
        },
        feeds: { x: random('float32', [4, 8], 11, -4, 4) },
      });
    });
  }
});

describe('Clip', () => {
  it('opset 6: missing bounds are the float32 range, not infinities', () => {
    expect(emitted({ op: 'Clip', opset: 6, attrs: { min: { float: 0 } }, inputs: [f32([3])], outputs: [f32([3])] })[0]!.params).toEqual({
      op: 'clip',
      min: 0,
      max: 3.4028234663852886e38,
    });
  });

  it('opset 11+: constant bounds become params, run-time bounds max/min layers', () => {
    const c = emitted({ op: 'Clip', opset: 13, inputs: [f32([3]), tensor('float32', [], [-1]), null], outputs: [f32([3])] });
    expect(c.map((l) => l.params)).toEqual([{ op: 'clip', min: -1, max: 3.4028234663852886e38 }]);
    const r = emitted({ op: 'Clip', opset: 13, inputs: [f32([3]), f32([]), tensor('float32', [], [6])], outputs: [f32([3])] });
    expect(r.map((l) => [l.kind, l.params])).toEqual([
      ['elementwise', { op: 'max' }],
      ['unary', { op: 'clip', min: -3.4028234663852886e38, max: 6 }],
    ]);
    const ints = emitted({ op: 'Clip', opset: 13, inputs: [['int32', [3]], null, tensor('int32', [], [5])], outputs: [['int32', [3]]] });
    expect(ints[0]!.params).toEqual({ op: 'clip', min: -Infinity, max: 5 });
  });

  it('with a run-time bound computes what onnxruntime computes', async () => {
    await checkAgainstOrt({
      spec: {
        opset: 13,
        inputs: [
          { name: 'x', shape: [10] },
          { name: 'lo', shape: [] },
        ],
        outputs: [{ name: 'y' }],
        initializers: { hi: tensor('float32', [], [0.5]) },
        nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }],
      },
      feeds: { x: random('float32', [10], 5), lo: tensor('float32', [], [-0.25]) },
    });
  });
});

describe('Where', () => {
  it('is a select layer with three-way broadcasting', async () => {
    const net = await checkAgainstOrt({
      spec: {
        opset: 16,
        inputs: [
          { name: 'c', dtype: 'bool', shape: [2, 1] },
          { name: 'a', shape: [3] },
          { name: 'b', shape: [2, 3] },
        ],
        outputs: [{ name: 'y' }],
        nodes: [{ op: 'Where', inputs: ['c', 'a', 'b'], outputs: ['y'] }],
      },
      feeds: { c: tensor('bool', [2, 1], [1, 0]), a: random('float32', [3], 1), b: random('float32', [2, 3], 2) },
    });
    expect(net.layers.map((l) => l.kind)).toEqual(['select']);
  });
});
