/**
 * Softmax and LogSoftmax -> a `softmax` layer. From opset 13 it normalizes along one axis
 * (default -1). Before 13 the input is coerced to 2-D, [prod(dims < axis), prod(dims >= axis)],
 * and normalized along the second dim (default axis 1): lowered exactly as shuffle (to 2-D) +
 * softmax + shuffle (back), or a plain softmax where the dims after `axis` are all 1.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { numel } from '../src/engine/shape-math.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

interface SoftmaxPlan {
  axis: number;
  /** The 2-D shape to normalize in (coerced semantics), if a reshape is needed. */
  coerced?: [number, number];
  shape: number[];
}

function softmax(opType: string, log: boolean, sinceVersion: number): Converter {
  const coerce = sinceVersion < 13;
  return defineConverter<SoftmaxPlan>({
    opType,
    sinceVersion,
    notes: `Dtypes ${FLOAT_DTYPES.join(', ')}.${coerce ? ' The 2-D coercion is lowered to reshape + softmax + reshape.' : ''}`,
    plan(v) {
      v.dtype(0, FLOAT_DTYPES);
      const shape = v.in(0).shape;
      v.check(shape.length >= 1, () => 'the input is a scalar');
      const axis = v.axis(v.int('axis', coerce ? 1 : -1), shape.length);
      if (!coerce || numel(shape.slice(axis + 1)) === 1) return { axis, shape };
      return { axis: 1, coerced: [numel(shape.slice(0, axis)), numel(shape.slice(axis))], shape };
    },
    emit(e, p) {
      if (!p.coerced) {
        e.output(0, e.add('softmax', [e.input(0)], { axis: p.axis, log }));
        return;
      }
      // Relative targets (-1: the leading dims as they come) where there are elements, so
      // that a dynamic batch keeps one layer.
      const relative = numel(p.shape) > 0;
      const x = e.input(0);
      const flat = relative ? e.reshapeRelative(x, [-1, p.coerced[1]!], 'to2d') : e.reshape(x, p.coerced, 'to2d');
      const y = e.add('softmax', [flat], { axis: 1, log }, 'softmax');
      e.output(0, relative ? e.reshapeRelative(y, [-1, ...p.shape.slice(1)]) : e.reshape(y, p.shape));
    },
  });
}

export const softmaxConverters: Converter[] = [
  softmax('LogSoftmax', true, 1),
  softmax('LogSoftmax', true, 13),
  softmax('Softmax', false, 1),
  softmax('Softmax', false, 13),
];
