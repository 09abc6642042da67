/**
 * Normalizations.
 * - BatchNormalization (inference) -> y = x * a + b per channel. With constant parameters,
 *   a = scale / sqrt(var + eps) and b = B - mean * a are folded here into two constants
 *   (the lowering pass usually folds them into the preceding Conv already); otherwise the
 *   same arithmetic is emitted as layers. Training mode is rejected.
 * - InstanceNormalization -> a `normalization` layer, mode 'instance'.
 * - GroupNormalization -> a `normalization` layer, mode 'group'.
 * - LayerNormalization -> a `normalization` layer, mode 'layer' (scale/bias broadcast to
 *   x.shape[axis:] first); its optional Mean and InvStdDev outputs become reduce layers.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { broadcastShapes, sameShape } from '../src/engine/shape-math.js';
import type { TensorRef } from '../src/engine/builder.js';
import type { EngineDType } from '../src/engine/network.js';
import { type Emitter, defineConverter, tensorOf } from './define.js';
import { type NodeView, tensorNumbers } from './node-view.js';
import type { Converter } from './types.js';

interface BatchNormPlan {
  dtype: EngineDType;
  /** Shape the per-channel vectors take to broadcast over x: [C, 1, ...]. */
  paramShape: number[];
  epsilon: number;
  /** Folded a and b when all four parameters are constants. */
  folded?: { a: number[]; b: number[] };
}

function batchNorm(sinceVersion: number): Converter {
  return defineConverter<BatchNormPlan>({
    opType: 'BatchNormalization',
    sinceVersion,
    notes:
      'Inference only (' +
      (sinceVersion === 1 ? 'is_test=1' : sinceVersion === 7 ? 'spatial=1' : 'training_mode=0') +
      `, one output); dtypes ${FLOAT_DTYPES.join(', ')}.`,
    plan(v) {
      if (sinceVersion === 1)
        v.check(v.int('is_test', 0) !== 0, () => 'is_test=0 asks for training-mode statistics; export the model in inference (eval) mode');
      if (sinceVersion < 9) v.check(v.int('spatial', 1) !== 0, () => 'spatial=0 (per-element statistics) is not supported');
      if (sinceVersion >= 14)
        v.check(v.int('training_mode', 0) === 0, () => 'training_mode=1 computes batch statistics; export the model in inference (eval) mode');
      v.check(
        v.node.outputs.slice(1).every((o) => !o),
        () => 'the running/saved statistics outputs exist only in training mode; leave them unused',
      );
      const dtype = v.dtype(0, FLOAT_DTYPES);
      const x = v.in(0);
      v.check(x.shape.length >= 2, () => `X [${x.shape}] needs (N, C, ...)`);
      const c = x.shape[1]!;
      for (let i = 1; i <= 4; i++) {
        v.check(sameShape(v.in(i).shape, [c]), () => `${v.inLabel(i)} has shape [${v.in(i).shape}], expected [${c}]`);
      }
      const epsilon = v.float('epsilon', 1e-5);
      const paramShape = [c, ...new Array<number>(x.shape.length - 2).fill(1)];
      const consts = [1, 2, 3, 4].map((i) => v.constant(i));
      if (consts.every((t) => t !== undefined)) {
        const [scale, bias, mean, variance] = consts.map((t) => tensorNumbers(t!)) as [number[], number[], number[], number[]];
        const a = scale.map((s, i) => s / Math.sqrt(variance[i]! + epsilon));
        return { dtype, paramShape, epsilon, folded: { a, b: bias.map((b, i) => b - mean[i]! * a[i]!) } };
      }
      for (let i = 1; i <= 4; i++) v.check(v.in(i).dtype === dtype, () => `${v.inLabel(i)} has dtype ${v.in(i).dtype}, X ${dtype}`);
      return { dtype, paramShape, epsilon };
    },
    emit(e, p) {
      const x = e.input(0);
      let a: TensorRef;
      let b: TensorRef;
      if (p.folded) {
        a = e.constant(tensorOf(p.dtype, p.paramShape, p.folded.a), 'a');
        b = e.constant(tensorOf(p.dtype, p.paramShape, p.folded.b), 'b');
        e.output(0, e.add('elementwise', [e.add('elementwise', [x, a], { op: 'mul' }, 'mul'), b], { op: 'add' }));
        return;
      }
      const param = (i: number) => e.reshape(e.input(i), p.paramShape, `param${i}`);
      const eps = e.fill(p.epsilon, p.dtype, 'epsilon');
      const std = e.add('unary', [e.add('elementwise', [param(4), eps], { op: 'add' }, 'var_eps')], { op: 'sqrt' }, 'std');
      a = e.add('elementwise', [param(1), std], { op: 'div' }, 'a');
      const centered = e.add('elementwise', [x, param(3)], { op: 'sub' }, 'center');
      const scaled = e.add('elementwise', [centered, a], { op: 'mul' }, 'scale');
      e.output(0, e.add('elementwise', [scaled, param(2)], { op: 'add' }));
    },
  });
}

const instanceNorm = defineConverter<number>({
  opType: 'InstanceNormalization',
  sinceVersion: 1,
  notes: `Rank >= 3; dtypes ${FLOAT_DTYPES.join(', ')}.`,
  plan(v) {
    const dtype = v.dtype(0, FLOAT_DTYPES);
    const x = v.in(0);
    v.check(x.shape.length >= 3, () => `X [${x.shape}] needs (N, C, spatial...)`);
    for (const i of [1, 2]) {
      v.check(
        v.in(i).dtype === dtype && sameShape(v.in(i).shape, [x.shape[1]!]),
        () => `${v.inLabel(i)} is ${v.in(i).dtype}[${v.in(i).shape}], expected ${dtype}[${x.shape[1]}]`,
      );
    }
    return v.float('epsilon', 1e-5);
  },
  emit(e, epsilon) {
    e.output(0, e.add('normalization', [e.input(0), e.input(1), e.input(2)], { mode: 'instance', axis: 1, epsilon, groups: 1 }));
  },
});

export interface LayerNormPlan {
  axis: number;
  epsilon: number;
  paramShape: number[];
  /** dtype of the Mean/InvStdDev outputs, when either is used. */
  stats?: EngineDType;
}

function checkParam(v: NodeView, i: number, dtype: string, shape: number[]): void {
  const t = v.in(i);
  v.check(t.dtype === dtype, () => `${v.inLabel(i)} has dtype ${t.dtype}, X ${dtype}`);
  const b = broadcastShapes(t.shape, shape);
  v.check(b !== undefined && sameShape(b, shape), () => `${v.inLabel(i)} [${t.shape}] does not broadcast to [${shape}]`);
}

const layerNorm = defineConverter<LayerNormPlan>({
  opType: 'LayerNormalization',
  sinceVersion: 17,
  notes: `Dtypes ${FLOAT_DTYPES.join(', ')}; statistics are computed in float32.`,
  plan(v) {
    const dtype = v.dtype(0, FLOAT_DTYPES);
    const x = v.in(0);
    v.check(x.shape.length >= 1, () => 'X is a scalar');
    const axis = v.axis(v.int('axis', -1), x.shape.length);
    const paramShape = x.shape.slice(axis);
    checkParam(v, 1, dtype, paramShape);
    if (v.has(2)) checkParam(v, 2, dtype, paramShape);
    const plan: LayerNormPlan = { axis, epsilon: v.float('epsilon', 1e-5), paramShape };
    const statOutputs = [1, 2].filter((i) => v.hasOutput(i));
    if (statOutputs.length) {
      const stats = v.out(statOutputs[0]!).dtype;
      v.check((FLOAT_DTYPES as readonly string[]).includes(stats), () => `statistics of dtype ${stats} are not supported`);
      plan.stats = stats as EngineDType;
    }
    return plan;
  },
  emit(e, p) {
    const x = e.input(0);
    const inputs = [x, e.broadcastTo(e.input(1), p.paramShape, 'scale')];
    if (e.node.inputs[2]) inputs.push(e.broadcastTo(e.input(2), p.paramShape, 'bias'));
    e.output(0, e.add('normalization', inputs, { mode: 'layer', axis: p.axis, epsilon: p.epsilon, groups: 1 }));
    if (p.stats) layerNormStats(e, x, p, p.stats);
  },
});

/** Mean and 1/sqrt(var + eps) over [axis, rank), kept as size-1 dims, in the stash type. */
export function layerNormStats(e: Emitter, x: TensorRef, p: LayerNormPlan, dtype: EngineDType): void {
  const axes = Array.from({ length: x.shape.length - p.axis }, (_, i) => i + p.axis);
  const xs = e.cast(x, dtype, 'stash');
  const mean = e.add('reduce', [xs], { op: 'mean', axes, keepDims: true }, 'mean');
  e.output(1, mean);
  if (!e.node.outputs[2]) return;
  const centered = e.add('elementwise', [xs, mean], { op: 'sub' }, 'centered');
  const sq = e.add('elementwise', [centered, centered], { op: 'mul' }, 'squared');
  const variance = e.add('reduce', [sq], { op: 'mean', axes, keepDims: true }, 'variance');
  const plusEps = e.add('elementwise', [variance, e.fill(p.epsilon, dtype, 'epsilon')], { op: 'add' }, 'var_eps');
  const std = e.add('unary', [plusEps], { op: 'sqrt' }, 'std');
  e.output(2, e.add('unary', [std], { op: 'reciprocal' }, 'inv_std'));
}

interface GroupNormPlan {
  groups: number;
  epsilon: number;
  /** Opset 18's scale and bias are per group: each is repeated over its group's channels first. */
  perGroup: boolean;
}

/**
 * GroupNormalization -> a `normalization` layer, mode 'group'. Opset 21 gives scale and bias per
 * channel; opset 18 per group, which the converter repeats over each group's channels (a reshape
 * to [G, 1], a broadcast to [G, C/G], a reshape to [C]).
 */
function groupNorm(sinceVersion: 18 | 21): Converter {
  return defineConverter<GroupNormPlan>({
    opType: 'GroupNormalization',
    sinceVersion,
    notes: `Rank >= 3; num_groups divides C; scale and bias per ${sinceVersion === 18 ? 'group' : 'channel'}; dtypes ${FLOAT_DTYPES.join(', ')}; statistics in float32.`,
    plan(v) {
      const dtype = v.dtype(0, FLOAT_DTYPES);
      const x = v.in(0);
      v.check(x.shape.length >= 3, () => `X [${x.shape}] needs (N, C, spatial...)`);
      v.check(v.hasAttr('num_groups'), () => 'the num_groups attribute is missing');
      const groups = v.int('num_groups', 1);
      const c = x.shape[1]!;
      v.check(groups >= 1 && c % groups === 0, () => `num_groups ${groups} does not divide C = ${c}`);
      const perGroup = sinceVersion === 18;
      for (const i of [1, 2]) {
        const want = perGroup ? groups : c;
        v.check(
          v.in(i).dtype === dtype && sameShape(v.in(i).shape, [want]),
          () => `${v.inLabel(i)} is ${v.in(i).dtype}[${v.in(i).shape}], expected ${dtype}[${want}]`,
        );
      }
      return { groups, epsilon: v.float('epsilon', 1e-5), perGroup };
    },
    emit(e, p) {
      const x = e.input(0);
      const c = x.shape[1]!;
      const param = (i: number, name: string) => {
        if (!p.perGroup) return e.input(i);
        const column = e.reshape(e.input(i), [p.groups, 1], `${name}_column`);
        return e.reshape(e.broadcastTo(column, [p.groups, c / p.groups], `${name}_repeat`), [c], `${name}_channels`);
      };
      e.output(0, e.add('normalization', [x, param(1, 'scale'), param(2, 'bias')], { mode: 'group', axis: 1, epsilon: p.epsilon, groups: p.groups }));
    },
  });
}

export const normalizationConverters: Converter[] = [
  batchNorm(1),
  batchNorm(7),
  batchNorm(14),
  groupNorm(18),
  groupNorm(21),
  instanceNorm,
  layerNorm,
];
