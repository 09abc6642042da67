/**
 * Gather -> one `gather` layer (mode 'default') along the resolved axis. Indices may be
 * negative (opset 11 made that explicit; the layer counts them from the end); constant
 * indices are range-checked here, run-time ones by the layer.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import { tensorNumbers } from './node-view.js';
import type { Converter } from './types.js';

const gather = defineConverter<number>({
  opType: 'Gather',
  sinceVersion: 1,
  notes: 'int32/int64 indices; constant indices are range-checked.',
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    v.dtype(1, ['int32', 'int64']);
    const data = v.in(0).shape;
    const indices = v.in(1).shape;
    v.check(data.length >= 1, () => 'data is a scalar');
    const axis = v.axis(v.int('axis', 0), data.length);
    const c = v.constant(1);
    if (c) {
      const dim = data[axis]!;
      const bad = tensorNumbers(c).find((i) => i < -dim || i >= dim);
      v.check(bad === undefined, () => `index ${bad} is out of range for dim ${axis} of size ${dim}`);
    }
    return axis;
  },
  emit(e, axis) {
    e.output(0, e.add('gather', [e.input(0), e.input(1)], { axis, mode: 'default' }));
  },
});

/**
 * GatherElements -> one `gather` layer (mode 'elements'): out[i] = data[i with i[axis] =
 * indices[i]], indices of data's rank (each dim at most data's, but along axis), negative ones
 * counted from the end; constant indices are range-checked here, run-time ones by the layer.
 */
const gatherElements = defineConverter<number>({
  opType: 'GatherElements',
  sinceVersion: 11,
  notes: "int32/int64 indices of the data's rank; constant indices are range-checked.",
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    v.dtype(1, ['int32', 'int64']);
    const data = v.in(0).shape;
    const indices = v.in(1).shape;
    v.check(data.length >= 1 && indices.length === data.length, () => `indices [${indices}] must have the rank of data [${data}]`);
    const axis = v.axis(v.int('axis', 0), data.length);
    v.check(
      indices.every((d, k) => k === axis || d <= data[k]!),
      () => `indices [${indices}] are larger than data [${data}] off axis ${axis}`,
    );
    const c = v.constant(1);
    if (c) {
      const dim = data[axis]!;
      const bad = tensorNumbers(c).find((i) => i < -dim || i >= dim);
      v.check(bad === undefined, () => `index ${bad} is out of range for dim ${axis} of size ${dim}`);
    }
    return axis;
  },
  emit(e, axis) {
    e.output(0, e.add('gather', [e.input(0), e.input(1)], { axis, mode: 'elements' }));
  },
});

export const gatherConverters: Converter[] = [gather, gatherElements];
