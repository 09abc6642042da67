/**
 * Elementwise unary ops and activations -> one `unary` layer each, with ONNX's attribute
 * defaults resolved: Relu, LeakyRelu, Elu, Selu, Sigmoid, HardSigmoid, HardSwish, Tanh,
 * Softplus, Mish, Gelu, Erf, Exp, Log, Sqrt, Reciprocal, Abs, Neg. Their semantics never
 * changed across opsets (later versions only added types), so each has one converter from
 * the version that introduced it; opset-1 `consumed_inputs` is a legacy memory hint.
 */
import { unaryDTypes } from '../src/engine/layer-dtypes.js';
import type { UnaryOp } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

type UnaryParams = { op: UnaryOp; alpha?: number; beta?: number; min?: number; max?: number };

/**
 * A converter to one unary layer of `op` (Gelu's `params` may switch it to 'gelu_tanh', of
 * the same dtypes), its attributes resolved by `params`.
 */
function unary(opType: string, sinceVersion: number, op: UnaryOp, params: (v: NodeView) => Partial<UnaryParams> = () => ({}), notes = ''): Converter {
  return defineConverter<UnaryParams>({
    opType,
    sinceVersion,
    notes: `${notes}Dtypes: ${unaryDTypes(op).join(', ')}.`,
    plan(v) {
      const p = { op, ...params(v) };
      v.dtype(0, unaryDTypes(p.op));
      return p;
    },
    emit(e, p) {
      e.output(0, e.add('unary', [e.input(0)], p));
    },
  });
}

export const unaryConverters: Converter[] = [
  unary('Abs', 1, 'abs'),
  unary('Ceil', 1, 'ceil'),
  unary('Cos', 7, 'cos'),
  unary('Elu', 1, 'elu', (v) => ({ alpha: v.float('alpha', 1.0) })),
  unary('Erf', 9, 'erf'),
  unary('Exp', 1, 'exp'),
  unary('Floor', 1, 'floor'),
  unary(
    'Gelu',
    20,
    'gelu',
    (v) => ({ op: v.choice('approximate', 'none', ['none', 'tanh']) === 'tanh' ? 'gelu_tanh' : 'gelu' }),
    "approximate 'none' or 'tanh'. ",
  ),
  unary('HardSigmoid', 1, 'hard_sigmoid', (v) => ({ alpha: v.float('alpha', 0.2), beta: v.float('beta', 0.5) })),
  unary('HardSwish', 14, 'hard_swish'),
  unary('LeakyRelu', 1, 'leaky_relu', (v) => ({ alpha: v.float('alpha', 0.01) })),
  unary('Log', 1, 'log'),
  unary('Mish', 18, 'mish'),
  unary('Neg', 1, 'neg'),
  unary('Not', 1, 'not'),
  unary('Reciprocal', 1, 'reciprocal'),
  unary('Round', 11, 'round', undefined, 'Halves to even. '),
  unary('Relu', 1, 'relu'),
  // Selu's defaults are the float32 values of the constants in the ONNX spec; gamma is the layer's beta.
  unary('Selu', 1, 'selu', (v) => ({ alpha: v.float('alpha', 1.67326319217681884765625), beta: v.float('gamma', 1.05070102214813232421875) })),
  unary('Sigmoid', 1, 'sigmoid'),
  unary('Sign', 9, 'sign', undefined, 'Zeros give +0 and NaN stays NaN, as onnxruntime computes float32 (its float16 Sign gives 0 for NaN). '),
  unary('Sin', 7, 'sin'),
  unary('Softplus', 1, 'softplus'),
  unary('Sqrt', 1, 'sqrt'),
  unary('Tanh', 1, 'tanh'),
];
