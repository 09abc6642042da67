/**
 * Clip -> a `unary` clip layer with both bounds resolved. Opset 1/6 take min/max attributes;
 * opset 11+ take them as optional scalar inputs: constants become the layer's params, bounds
 * computed at run time become elementwise max/min layers instead.
 *
 * NOTE: a missing bound is the type's lowest/highest value, not an infinity (ONNX and
 * onnxruntime clamp an infinite float input to it); integer types use ±Infinity, which no
 * integer can exceed, so the backends never convert an out-of-range double to an integer.
 */
import { unaryDTypes } from '../src/engine/layer-dtypes.js';
import type { EngineDType } from '../src/engine/network.js';
import type { TensorRef } from '../src/engine/builder.js';
import { defineConverter } from './define.js';
import { tensorNumbers } from './node-view.js';
import type { Converter } from './types.js';

const FLOAT_MAX: Partial<Record<EngineDType, number>> = {
  float32: 3.4028234663852886e38,
  float16: 65504,
  bfloat16: 3.3895313892515355e38,
};

export function lowest(dtype: EngineDType): number {
  return -(FLOAT_MAX[dtype] ?? Infinity);
}

export function highest(dtype: EngineDType): number {
  return FLOAT_MAX[dtype] ?? Infinity;
}

/** A bound: a number (constant or default) or the index of a run-time input. */
type Bound = { value: number } | { input: number };

const clipV1 = defineConverter<{ min: number; max: number }>({
  opType: 'Clip',
  sinceVersion: 1,
  notes: `Dtypes: ${unaryDTypes('clip').join(', ')}.`,
  plan(v) {
    const dtype = v.dtype(0, unaryDTypes('clip'));
    return { min: v.float('min', lowest(dtype)), max: v.float('max', highest(dtype)) };
  },
  emit(e, p) {
    e.output(0, e.add('unary', [e.input(0)], { op: 'clip', min: p.min, max: p.max }));
  },
});

const clipV11 = defineConverter<{ min: Bound; max: Bound }>({
  opType: 'Clip',
  sinceVersion: 11,
  notes: `Dtypes: ${unaryDTypes('clip').join(', ')}; min and max must be scalars (run-time bounds become max/min layers).`,
  plan(v) {
    const dtype = v.dtype(0, unaryDTypes('clip'));
    const bound = (i: number, dflt: number): Bound => {
      if (!v.has(i)) return { value: dflt };
      const t = v.in(i);
      v.check(t.dtype === dtype, () => `${v.inLabel(i)} has dtype ${t.dtype}, the input ${dtype}`);
      v.check(t.shape.reduce((a, b) => a * b, 1) === 1 && t.shape.length <= 1, () => `${v.inLabel(i)} must be a scalar, has shape [${t.shape}]`);
      const c = v.constant(i);
      return c ? { value: tensorNumbers(c)[0]! } : { input: i };
    };
    return { min: bound(1, lowest(dtype)), max: bound(2, highest(dtype)) };
  },
  emit(e, p) {
    if ('value' in p.min && 'value' in p.max) {
      e.output(0, e.add('unary', [e.input(0)], { op: 'clip', min: p.min.value, max: p.max.value }));
      return;
    }
    // max first, then min: when min > max every element becomes max, as ONNX specifies.
    let x: TensorRef = e.input(0);
    const scalar = (b: { input: number }, suffix: string) => e.reshape(e.input(b.input), [], suffix);
    if ('input' in p.min) x = e.add('elementwise', [x, scalar(p.min, 'min_scalar')], { op: 'max' }, 'max');
    else x = e.add('unary', [x], { op: 'clip', min: p.min.value, max: highest(x.dtype) }, 'lower');
    if ('input' in p.max) x = e.add('elementwise', [x, scalar(p.max, 'max_scalar')], { op: 'min' });
    else x = e.add('unary', [x], { op: 'clip', min: lowest(x.dtype), max: p.max.value });
    e.output(0, x);
  },
});

export const clipConverters: Converter[] = [clipV1, clipV11];
