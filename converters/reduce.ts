/**
 * ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceLogSumExp,
 * ReduceSumSquare -> one `reduce` layer with sorted, non-negative axes. `axes` is an attribute
 * up to ReduceSum-11 / the others' 13 and an optional (constant) input from ReduceSum-13 / the
 * others' 18, which also brought noop_with_empty_axes (no axes: identity instead of reducing
 * everything). A reduction over an empty dim gives the op's identity, as onnxruntime does
 * (-inf for max, +inf for min, 0 for sums and mean, 1 for prod: native/layers/reduce.h).
 * ReduceMin and ReduceMax on bool (opset 20: all and any) reduce the values cast to int32 and
 * test the result > 0: over an empty dim, int32's max (min) and min (max) give true and false.
 */
import { reduceDTypes } from '../src/engine/layer-dtypes.js';
import type { ReduceOp } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

/** Resolved axes (and whether the input is bool: all/any), or null for the no-op form. */
type ReducePlan = { axes: number[]; keepDims: boolean; bool?: boolean } | null;

function reduce(opType: string, op: ReduceOp, sinceVersion: number, axesInput: boolean): Converter {
  return defineConverter<ReducePlan>({
    opType,
    sinceVersion,
    notes: `Dtypes ${reduceDTypes(op).join(', ')}${op === 'min' || op === 'max' ? ', bool (as int32)' : ''}${axesInput ? '; the axes input must be a constant' : ''}.`,
    plan(v) {
      const bool = (op === 'min' || op === 'max') && v.in(0).dtype === 'bool';
      if (!bool) v.dtype(0, reduceDTypes(op));
      const shape = v.in(0).shape;
      const keepDims = v.int('keepdims', 1) !== 0;
      let axes: number[] | undefined;
      if (axesInput) {
        if (v.has(1)) axes = v.constInts(1, 'axes', 'make the axes an initializer');
      } else {
        axes = v.ints('axes');
      }
      if (!axes || axes.length === 0) {
        if (axesInput && v.int('noop_with_empty_axes', 0) !== 0) return null;
        axes = shape.map((_, i) => i);
      }
      const resolved = v.axes(axes, shape.length);
      if (resolved.length === 0) return null; // a scalar input: nothing to reduce
      // An empty reduced dim gives the op's identity, as onnxruntime does (native/layers/reduce.h).
      return { axes: resolved, keepDims, ...(bool ? { bool } : {}) };
    },
    emit(e, p) {
      if (!p) return e.output(0, e.input(0));
      const x = p.bool ? e.cast(e.input(0), 'int32', 'as_int32') : e.input(0);
      const y = e.add('reduce', [x], { op, axes: p.axes, keepDims: p.keepDims }, p.bool ? 'reduce' : undefined);
      e.output(0, p.bool ? e.add('elementwise', [y, e.fill(0, 'int32', 'zero')], { op: 'greater' }) : y);
    },
  });
}

/** Op type and layer op; every one but ReduceSum took its axes as an input from opset 18. */
const REDUCES: Array<[string, ReduceOp, number]> = [
  ['ReduceL1', 'l1', 18],
  ['ReduceL2', 'l2', 18],
  ['ReduceLogSumExp', 'log_sum_exp', 18],
  ['ReduceMax', 'max', 18],
  ['ReduceMean', 'mean', 18],
  ['ReduceMin', 'min', 18],
  ['ReduceProd', 'prod', 18],
  ['ReduceSum', 'sum', 13],
  ['ReduceSumSquare', 'sum_square', 18],
];

export const reduceConverters: Converter[] = REDUCES.flatMap(([t, op, input]) => [reduce(t, op, 1, false), reduce(t, op, input, true)]);
