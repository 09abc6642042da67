/**
 * The com.microsoft ops that onnxruntime's transformer optimizer writes into BERT/GPT-class
 * models, on the layers the standard ops use (semantics: onnxruntime's contrib op docs, checked
 * against onnxruntime-node in test/converters/microsoft.test.ts):
 *
 * - Gelu(X) -> unary 'gelu' (erf); BiasGelu(A, B) -> add, then 'gelu';
 * - FastGelu(X, bias?) -> add, then 'gelu_tanh' (0.5x(1 + tanh(0.7978845608(x + 0.044715x^3))));
 * - QuickGelu(X; alpha 1.702) -> x * sigmoid(alpha x);
 * - SkipLayerNormalization(input, skip, gamma, beta?, bias?; epsilon) -> s = input + skip (+ bias),
 *   a layer normalization of s over the last dim; outputs mean and inv_std_var as LayerNormalization's,
 *   and input_skip_bias_sum = s;
 * - FusedMatMul(A, B; alpha, transA, transB) -> one matmul layer (transBatchA/B refused).
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { sameShape } from '../src/engine/shape-math.js';
import { defineConverter } from './define.js';
import { type LayerNormPlan, layerNormStats } from './normalization.js';
import type { Converter } from './types.js';

const domain = 'com.microsoft';

const gelu = defineConverter<null>({
  opType: 'Gelu',
  domain,
  sinceVersion: 1,
  notes: `Dtypes ${FLOAT_DTYPES.join(', ')}.`,
  plan(v) {
    v.dtype(0, FLOAT_DTYPES);
    return null;
  },
  emit(e) {
    e.output(0, e.add('unary', [e.input(0)], { op: 'gelu' }));
  },
});

/** BiasGelu (exact) and FastGelu (tanh form): x + bias, then the GELU. */
function biasGelu(opType: 'BiasGelu' | 'FastGelu', op: 'gelu' | 'gelu_tanh'): Converter {
  return defineConverter<null>({
    opType,
    domain,
    sinceVersion: 1,
    notes: `Dtypes ${FLOAT_DTYPES.join(', ')}; the bias broadcasts over the last dim.`,
    plan(v) {
      const dtype = v.dtype(0, FLOAT_DTYPES);
      if (v.has(1)) {
        const x = v.in(0).shape;
        v.check(v.in(1).dtype === dtype, () => `${v.inLabel(1)} has dtype ${v.in(1).dtype}, X ${dtype}`);
        v.check(sameShape(v.in(1).shape, x.slice(-1)), () => `${v.inLabel(1)} [${v.in(1).shape}] is not [${x.slice(-1)}]`);
      }
      return null;
    },
    emit(e) {
      const x = e.node.inputs[1] ? e.add('elementwise', [e.input(0), e.input(1)], { op: 'add' }, 'bias') : e.input(0);
      e.output(0, e.add('unary', [x], { op }));
    },
  });
}

const quickGelu = defineConverter<number>({
  opType: 'QuickGelu',
  domain,
  sinceVersion: 1,
  notes: `Dtypes ${FLOAT_DTYPES.join(', ')}.`,
  plan(v) {
    v.dtype(0, FLOAT_DTYPES);
    return v.float('alpha', 1.702);
  },
  emit(e, alpha) {
    const x = e.input(0);
    const scaled = e.add('elementwise', [x, e.fill(alpha, x.dtype, 'alpha')], { op: 'mul' }, 'scaled');
    const gate = e.add('unary', [scaled], { op: 'sigmoid' }, 'gate');
    e.output(0, e.add('elementwise', [x, gate], { op: 'mul' }));
  },
});

const skipLayerNorm = defineConverter<LayerNormPlan>({
  opType: 'SkipLayerNormalization',
  domain,
  sinceVersion: 1,
  notes: `Dtypes ${FLOAT_DTYPES.join(', ')}; skip of the input's shape or broadcasting to it; statistics in float32.`,
  plan(v) {
    const dtype = v.dtype(0, FLOAT_DTYPES);
    const x = v.in(0).shape;
    v.check(x.length >= 2, () => `input [${x}] has rank ${x.length}; expected 2 or more`);
    const hidden = x.slice(-1);
    for (const i of [1, 2, 3, 4]) {
      if (!v.has(i)) continue;
      v.check(v.in(i).dtype === dtype, () => `${v.inLabel(i)} has dtype ${v.in(i).dtype}, input ${dtype}`);
    }
    const skip = v.in(1).shape;
    v.check(skip.length <= x.length && skip.every((d, k) => d === x[x.length - skip.length + k]), () => `skip [${skip}] does not fit input [${x}]`);
    for (const i of [2, 3, 4]) if (v.has(i)) v.check(sameShape(v.in(i).shape, hidden), () => `${v.inLabel(i)} [${v.in(i).shape}] is not [${hidden}]`);
    const plan: LayerNormPlan = { axis: x.length - 1, epsilon: v.float('epsilon', 1e-12), paramShape: hidden };
    if (v.hasOutput(1) || v.hasOutput(2)) plan.stats = v.out(v.hasOutput(1) ? 1 : 2).dtype as LayerNormPlan['stats'];
    return plan;
  },
  emit(e, p) {
    let s = e.add('elementwise', [e.input(0), e.input(1)], { op: 'add' }, 'skip');
    if (e.node.inputs[4]) s = e.add('elementwise', [s, e.input(4)], { op: 'add' }, 'bias');
    const inputs = [s, e.input(2)];
    if (e.node.inputs[3]) inputs.push(e.input(3));
    e.output(0, e.add('normalization', inputs, { mode: 'layer', axis: p.axis, epsilon: p.epsilon, groups: 1 }));
    if (p.stats) layerNormStats(e, s, p, p.stats);
    e.output(3, s);
  },
});

interface FusedMatMulPlan {
  transA: boolean;
  transB: boolean;
  alpha: number;
}

const fusedMatMul = defineConverter<FusedMatMulPlan>({
  opType: 'FusedMatMul',
  domain,
  sinceVersion: 1,
  notes: `Dtypes ${FLOAT_DTYPES.join(', ')}; transA/transB on rank >= 2 operands; transBatchA/transBatchB must be 0.`,
  plan(v) {
    const dtype = v.dtype(0, FLOAT_DTYPES);
    v.check(v.in(1).dtype === dtype, () => `${v.inLabel(1)} has dtype ${v.in(1).dtype}, A ${dtype}`);
    for (const a of ['transBatchA', 'transBatchB']) v.check(v.int(a, 0) === 0, () => `${a}=1 is not supported`);
    const transA = v.int('transA', 0) !== 0;
    const transB = v.int('transB', 0) !== 0;
    v.check(!transA || v.in(0).shape.length >= 2, () => 'transA on a rank-1 A');
    v.check(!transB || v.in(1).shape.length >= 2, () => 'transB on a rank-1 B');
    return { transA, transB, alpha: v.float('alpha', 1) };
  },
  emit(e, p) {
    e.output(0, e.add('matmul', [e.input(0), e.input(1)], { ...p, beta: 0 }));
  },
});

export const microsoftConverters: Converter[] = [
  biasGelu('BiasGelu', 'gelu'),
  biasGelu('FastGelu', 'gelu_tanh'),
  fusedMatMul,
  gelu,
  quickGelu,
  skipLayerNorm,
];
