/**
 * Gather -> one `gather` layer (mode 'default') along the resolved axis; GatherElements the same
 * layer in mode 'elements'. Indices may be negative (opset 11 made that explicit; the layer
 * counts them from the end); constant indices are range-checked here, run-time ones by the layer.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { NodeView } from './node-view.js';
import type { Converter } from './types.js';

/** Gather and GatherElements: one `gather` layer in `mode`; `shapes` adds the op's own index-shape checks. */
function gatherOp(
  opType: string,
  sinceVersion: number,
  mode: 'default' | 'elements',
  notes: string,
  shapes: (v: NodeView, axis: number) => void,
): Converter {
  return defineConverter<number>({
    opType,
    sinceVersion,
    notes,
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      v.dtype(1, ['int32', 'int64']);
      const data = v.in(0).shape;
      v.check(data.length >= 1, () => 'data is a scalar');
      const axis = v.axis(v.int('axis', 0), data.length);
      shapes(v, axis);
      v.constIndices(1, () => [axis, data[axis]!]);
      return axis;
    },
    emit(e, axis) {
      e.output(0, e.add('gather', [e.input(0), e.input(1)], { axis, mode }));
    },
  });
}

const gather = gatherOp('Gather', 1, 'default', 'int32/int64 indices; constant indices are range-checked.', () => {});

/**
 * GatherElements -> mode 'elements': out[i] = data[i with i[axis] = indices[i]], indices of
 * data's rank (each dim at most data's, but along axis).
 */
const gatherElements = gatherOp(
  'GatherElements',
  11,
  'elements',
  "int32/int64 indices of the data's rank; constant indices are range-checked.",
  (v, axis) => {
    const data = v.in(0).shape;
    const indices = v.in(1).shape;
    v.check(indices.length === data.length, () => `indices [${indices}] must have the rank of data [${data}]`);
    v.check(
      indices.every((d, k) => k === axis || d <= data[k]!),
      () => `indices [${indices}] are larger than data [${data}] off axis ${axis}`,
    );
  },
);

export const gatherConverters: Converter[] = [gather, gatherElements];
