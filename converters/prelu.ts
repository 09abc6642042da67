/**
 * PRelu -> an `elementwise` prelu layer (x < 0 ? x * slope : x). From opset 7 the slope
 * broadcasts to X numpy-style (unidirectionally). Before that a one-dim slope of size C is
 * per channel (axis 1, Caffe's meaning) and a one-element slope is shared: the converter
 * reshapes it to [C, 1, ...] or a scalar so that the layer's numpy rule means the same.
 */
import { binaryDTypes } from '../src/engine/layer-dtypes.js';
import { broadcastShapes, numel, sameShape } from '../src/engine/shape-math.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

function prelu(sinceVersion: number, legacy: boolean): Converter {
  return defineConverter<number[] | undefined>({
    opType: 'PRelu',
    sinceVersion,
    notes: `${legacy ? 'Slope: one value, one per channel (C), or broadcastable to X. ' : 'Slope broadcastable to X. '}Dtypes: ${binaryDTypes('prelu').join(', ')}.`,
    plan(v) {
      const x = v.in(0);
      const s = v.in(1);
      v.dtype(0, binaryDTypes('prelu'));
      v.check(s.dtype === x.dtype, () => `slope has dtype ${s.dtype}, X ${x.dtype}`);
      let shape: number[] | undefined;
      if (legacy && numel(s.shape) === 1) shape = [];
      else if (legacy && s.shape.length === 1 && x.shape.length >= 2 && s.shape[0] === x.shape[1]) {
        shape = [s.shape[0]!, ...new Array<number>(x.shape.length - 2).fill(1)];
      }
      const b = broadcastShapes(x.shape, shape ?? s.shape);
      v.check(b !== undefined && sameShape(b, x.shape), () => `slope [${s.shape}] does not broadcast to X [${x.shape}]`);
      return shape;
    },
    emit(e, shape) {
      let slope = e.input(1);
      if (shape) slope = e.reshape(slope, shape, 'slope');
      e.output(0, e.add('elementwise', [e.input(0), slope], { op: 'prelu' }));
    },
  });
}

export const preluConverters: Converter[] = [prelu(1, true), prelu(7, false)];
