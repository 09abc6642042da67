/**
 * Elementwise unary ops and activations -> one `unary` layer each, with ONNX's attribute
 * defaults resolved: Relu, LeakyRelu, Elu, Selu, Sigmoid, HardSigmoid, HardSwish, Tanh,
 * Softplus, Mish, Gelu, Erf, Exp, Log, Sqrt, Reciprocal, Abs, Neg. Their semantics never
 * changed across opsets (later versions only added types), so each has one converter from
 * the version that introduced it; opset-1 `consumed_inputs` is a legacy memory hint.
 */
import { unaryDTypes } from '../src/engine/layer-shapes.js';
import type { UnaryOp } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

type UnaryParams = { op: UnaryOp; alpha?: number; beta?: number; min?: number; max?: number };

function unary(opType: string, sinceVersion: number, params: (v: NodeView) => UnaryParams, notes = ''): Converter {
  return defineConverter<UnaryParams>({
    opType,
    sinceVersion,
    notes: notes || undefined,
    plan(v) {
      const p = params(v);
      v.dtype(0, unaryDTypes(p.op));
      return p;
    },
    emit(e, p) {
      e.output(0, e.add('unary', [e.input(0)], p));
    },
  });
}

const simple = (opType: string, op: UnaryOp, sinceVersion = 1) => unary(opType, sinceVersion, () => ({ op }), `Dtypes: ${unaryDTypes(op).join(', ')}.`);

export const unaryConverters: Converter[] = [
  simple('Abs', 'abs'),
  unary('Elu', 1, (v) => ({ op: 'elu', alpha: v.float('alpha', 1.0) })),
  simple('Erf', 'erf', 9),
  simple('Exp', 'exp'),
  unary(
    'Gelu',
    20,
    (v) => ({ op: v.choice('approximate', 'none', ['none', 'tanh']) === 'tanh' ? 'gelu_tanh' : 'gelu' }),
    "approximate must be 'none' or 'tanh'.",
  ),
  unary('HardSigmoid', 1, (v) => ({ op: 'hard_sigmoid', alpha: v.float('alpha', 0.2), beta: v.float('beta', 0.5) })),
  simple('HardSwish', 'hard_swish', 14),
  unary('LeakyRelu', 1, (v) => ({ op: 'leaky_relu', alpha: v.float('alpha', 0.01) })),
  simple('Log', 'log'),
  simple('Mish', 'mish', 18),
  simple('Neg', 'neg'),
  simple('Reciprocal', 'reciprocal'),
  simple('Relu', 'relu'),
  // Selu's defaults are the float32 values of the constants in the ONNX spec.
  unary('Selu', 1, (v) => ({ op: 'selu', alpha: v.float('alpha', 1.67326319217681884765625), beta: v.float('gamma', 1.05070102214813232421875) })),
  simple('Sigmoid', 'sigmoid'),
  simple('Softplus', 'softplus'),
  simple('Sqrt', 'sqrt'),
  simple('Tanh', 'tanh'),
];
