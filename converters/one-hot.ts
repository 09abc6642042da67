/**
 * OneHot -> indices compared with the constant positions 0..depth-1 along the new axis (and
 * with -depth..-1, as ONNX counts negative indices from the end), then a `select` between the
 * on and off values:
 *
 *   [..., 1, ...] == [depth] positions  -> bool [..., depth, ...] -> select(on, off)
 *
 * An index outside [-depth, depth - 1] matches no position, so its row is all off, as
 * onnxruntime gives it; onnxruntime counts negative indices from the end at opset 9 too
 * (one kernel for 9 and 11), and so do these. Float indices are compared as floats: a
 * non-integral index matches no position (all off), as onnxruntime has it. depth and values
 * must be constants.
 */
import { ENGINE_DTYPES, type EngineDType } from '../src/engine/network.js';
import { defineConverter, tensorOf } from './define.js';
import type { Converter } from './types.js';

interface Plan {
  dtype: EngineDType;
  axis: number;
  depth: number;
  off: number;
  on: number;
}

function oneHot(sinceVersion: number): Converter {
  return defineConverter<Plan>({
    opType: 'OneHot',
    sinceVersion,
    notes: 'int32, int64 or float indices (a non-integral one is all off); depth and values must be constants; values of any engine dtype.',
    plan(v) {
      v.dtype(0, ['int32', 'int64', 'float32', 'float16', 'bfloat16']);
      const dtype = v.dtype(2, ENGINE_DTYPES);
      const rank = v.in(0).shape.length + 1;
      const axis = v.axis(v.int('axis', -1), rank);
      const [depth] = v.constNumbers(1, 'depth', 'make it an initializer');
      v.check(depth !== undefined && Number.isInteger(depth) && depth >= 1, () => `depth ${depth} must be a positive integer`);
      const values = v.constNumbers(2, 'values', 'make it an initializer');
      v.check(values.length === 2, () => `values has ${values.length} elements; expected [off, on]`);
      return { dtype, axis, depth: depth!, off: values[0]!, on: values[1]! };
    },
    emit(e, p) {
      const indices = e.input(0);
      const dtype = indices.dtype;
      const at = [...indices.shape.slice(0, p.axis), 1, ...indices.shape.slice(p.axis)];
      const positions = at.map((_, i) => (i === p.axis ? p.depth : 1));
      const column = e.reshape(indices, at, 'column');
      const count = (from: number) => Array.from({ length: p.depth }, (_, j) => from + j);
      const ahead = e.constant(tensorOf(dtype, positions, count(0)), 'positions');
      const behind = e.constant(tensorOf(dtype, positions, count(-p.depth)), 'negative_positions');
      const hit = e.add(
        'elementwise',
        [e.add('elementwise', [column, ahead], { op: 'equal' }, 'hit'), e.add('elementwise', [column, behind], { op: 'equal' }, 'hit_from_end')],
        { op: 'or' },
        'either',
      );
      e.output(0, e.add('select', [hit, e.fill(p.on, p.dtype, 'on'), e.fill(p.off, p.dtype, 'off')], {}));
    },
  });
}

export const oneHotConverters: Converter[] = [oneHot(9), oneHot(11)];
