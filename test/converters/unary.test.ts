/**
 * Unary converters (converters/unary.ts): the layer op of each ONNX op, the attribute defaults, the
 * refusals, and the activations with parameters against onnxruntime.
 * Round and Sign as `unary` layers against onnxruntime on the same input, exactly, through the
 * reference interpreter and the cpu engine: Round's halves (to even, both signs), values away
 * from halves, ±0 and the infinities; Sign of floats with ±0 and NaN and of int32 and int64
 * tensors; and the zeros' signs and NaN bit for bit through compile() (the harness's comparison
 * takes -0 for 0).
 * The ONNX suite's cases (test_round, test_sign) run through engines too (test/conformance).
 */
import ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compiler/compile.js';
import { buildModel } from '../../src/ir/model-builder.js';
import { encodeModel } from '../../src/onnx/model.js';
import { ortRun } from '../runtime/helpers.js';
import type { TensorData } from '../../src/onnx/tensor.js';
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

function one(op: string, x: TensorData) {
  return {
    spec: {
      inputs: [{ name: 'x', dtype: x.dtype as 'float32', shape: x.dims }],
      outputs: [{ name: 'y' }],
      nodes: [{ op, inputs: ['x'], outputs: ['y'] }],
    },
    feeds: { x },
    rtol: 0,
    atol: 0,
  };
}

const floats = (...v: number[]): TensorData => ({ dtype: 'float32', dims: [v.length], data: Float32Array.from(v) });

describe('Round and Sign', () => {
  it('Round: halves to even, other values to the nearest, zeros and infinities kept', async () => {
    await checkAgainstOrt(one('Round', floats(0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 1.2, -1.7, 0, -0, 1e10, Infinity, -Infinity, 8388609.5)));
    await checkAgainstOrt(one('Round', random('float32', [4, 5], 1, -10, 10)));
  });

  it('Sign of floats and of int32 and int64 tensors', async () => {
    await checkAgainstOrt(one('Sign', floats(-3, -0, 0, 2.5, -1e-30, Infinity, -Infinity, NaN)));
    await checkAgainstOrt(one('Sign', random('int32', [3, 7], 2)));
    await checkAgainstOrt(one('Sign', random('int64', [2, 9], 3)));
  });

  it('the zeros and NaN of Sign and Round bit for bit as onnxruntime gives them (Sign: +0 for -0, NaN kept; Round: -0 kept)', async () => {
    const bits = (v: number) => (Number.isNaN(v) ? 'NaN' : Object.is(v, -0) ? '-0' : String(v));
    for (const op of ['Sign', 'Round']) {
      const model = encodeModel(
        buildModel({
          inputs: [{ name: 'x', dtype: 'float32', shape: [5] }],
          outputs: [{ name: 'y', dtype: 'float32' }],
          nodes: [{ op, inputs: ['x'], outputs: ['y'] }],
        }),
      );
      const feeds = { x: new ort.Tensor('float32', Float32Array.of(-0, 0, NaN, -0.4, 0.4), [5]) };
      const m = await compile(model, { backend: 'cpu', minBlockSize: 1 });
      try {
        expect(m.report.data.summary.fallbackSegments, op).toBe(0);
        const [got, want] = [(await m.run(feeds)).y!, (await ortRun(model, feeds)).y!];
        expect(Array.from(got.data as Float32Array, bits), op).toEqual(Array.from(want.data as Float32Array, bits));
      } finally {
        await m.dispose();
      }
    }
  });
});
