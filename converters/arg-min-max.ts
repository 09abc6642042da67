/**
 * ArgMax and ArgMin -> an `argminmax` layer: int64 indices of the first extreme element along
 * the axis (keepdims as ONNX says), or of the last with select_last_index (opset 12). Negative
 * axes count from the end (opset 11 on; onnxruntime takes them earlier too).
 */
import { NUMERIC_DTYPES } from '../src/engine/layer-dtypes.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

function arg(opType: 'ArgMax' | 'ArgMin', sinceVersion: number): Converter {
  return defineConverter<{ axis: number; keepDims: boolean; lastIndex: boolean }>({
    opType,
    sinceVersion,
    notes: `Dtypes ${NUMERIC_DTYPES.join(', ')}${sinceVersion >= 12 ? '; select_last_index supported' : ''}.`,
    plan(v) {
      v.dtype(0, NUMERIC_DTYPES);
      const shape = v.in(0).shape;
      v.check(shape.length >= 1, () => 'the input is a scalar');
      const axis = v.axis(v.int('axis', 0), shape.length);
      v.check(shape[axis]! > 0, () => `axis ${axis} is empty: there is no element to pick`);
      return { axis, keepDims: v.int('keepdims', 1) !== 0, lastIndex: sinceVersion >= 12 && v.int('select_last_index', 0) !== 0 };
    },
    emit(e, p) {
      e.output(0, e.add('argminmax', [e.input(0)], { op: opType === 'ArgMax' ? 'max' : 'min', ...p }));
    },
  });
}

export const argMinMaxConverters: Converter[] = [arg('ArgMax', 1), arg('ArgMax', 12), arg('ArgMin', 1), arg('ArgMin', 12)];
