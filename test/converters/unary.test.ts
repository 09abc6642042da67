/**
 * Unary converters (converters/unary.ts): the layer op of each ONNX op, the attribute defaults, the
 * refusals, and the activations with parameters against onnxruntime. Round and Sign have their own
 * file (round-sign.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkAgainstOrt, emitted, random, verdict } from './helpers/harness.js';
import { f32 } from './helpers/specs.js';

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
