/**
 * DynamicQuantizeLinear (opset 11) -> reduce, elementwise, select and two `quantize` layers,
 * the scale and zero point computed in the engine from the tensor itself, as onnxruntime's cpu
 * kernel computes them (core/util/qmath.h GetQuantizationParameter; uint8 only, as the op):
 *   lo = min(0, min x), hi = max(0, max x)
 *   scale = hi == lo ? 1 : (hi - lo) / 255
 *   zero_point = saturate(round_half_even(-lo / scale)) into [0, 255]
 *   y = saturate(round_half_even(x / scale) + zero_point)
 * Both roundings are the quantize layer's (QuantizeRounded, native/layers/quant_form.h: the one
 * authority; -lo / scale is never negative, so saturating after rounding is onnxruntime's
 * clamping before it). Where x is all zeros onnxruntime's scale is 1; the ONNX reference
 * implementation's is 1/255 (its code puts the guard in the numerator), and the y and zero
 * point, all zero, agree either way.
 */
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

/** How many partial results the first reduction aims at (see emit). */
const ROWS = 64;

const dynamicQuantizeLinear = defineConverter<{ rank: number }>({
  opType: 'DynamicQuantizeLinear',
  sinceVersion: 11,
  notes: 'x: float32; y and the zero point uint8 (the op has no other form).',
  plan(v) {
    v.dtype(0, ['float32']);
    v.check(v.out(0).dtype === 'uint8', () => `${v.outLabel(0)} has dtype ${v.out(0).dtype}; expected uint8`);
    return { rank: v.in(0).shape.length };
  },
  emit(e, p) {
    const x = e.input(0);
    const zero = e.fill(0, 'float32', 'zero');
    // Over the dims after the shortest prefix of at least ROWS elements first (one result per
    // row, which the kernel computes in parallel), then over those: min and max are exact in
    // any order, and one reduction of a whole tensor to one value runs on one thread.
    const dims = x.shape;
    let outer = 0;
    for (let rows = 1; outer < dims.length && rows < ROWS;) rows *= dims[outer++]!;
    if (outer === dims.length) outer = 0;
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
    const reduce = (op: 'min' | 'max') => {
      if (!p.rank) return e.reshape(x, [], op);
      const rows = outer ? e.add('reduce', [x], { op, axes: range(outer, dims.length), keepDims: false }, `${op}_rows`) : x;
      return e.add('reduce', [rows], { op, axes: range(0, rows.shape.length), keepDims: false }, op);
    };
    const lo = e.add('elementwise', [reduce('min'), zero], { op: 'min' }, 'lo');
    const hi = e.add('elementwise', [reduce('max'), zero], { op: 'max' }, 'hi');
    const span = e.add('elementwise', [hi, lo], { op: 'sub' }, 'span');
    const ratio = e.add('elementwise', [span, e.fill(255, 'float32', 'qmax')], { op: 'div' }, 'ratio');
    const flat = e.add('elementwise', [hi, lo], { op: 'equal' }, 'flat');
    const scale = e.add('select', [flat, e.fill(1, 'float32', 'one'), ratio], {}, 'scale');
    const negLo = e.add('unary', [lo], { op: 'neg' }, 'neg_lo');
    const zp = e.add('quantize', [negLo, scale], { axis: 0 }, 'zero_point', [{ dtype: 'uint8' }]);
    e.output(0, e.add('quantize', [x, scale, zp], { axis: 0 }, undefined, [{ dtype: 'uint8' }]));
    e.output(1, scale);
    e.output(2, zp);
  },
});

export const dynamicQuantizeConverters: Converter[] = [dynamicQuantizeLinear];
