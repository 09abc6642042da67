/**
 * Shape and Size -> a `shape` layer (the input's dims as int64, written at run time), then for
 * Shape's start/end (opset 15) a slice of that vector, for Size a product of it. With static
 * shapes lowering folds both to constants; these convert what varies over a shape range, so
 * that an exporter's Shape -> Gather -> Concat arithmetic stays inside the engine (TensorRT's
 * shape tensors) instead of cutting it at every Shape.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { shapeRange } from '../src/ir/attributes.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

function shape(sinceVersion: number): Converter {
  return defineConverter<{ start: number; end: number }>({
    opType: 'Shape',
    sinceVersion,
    notes: sinceVersion >= 15 ? 'Any engine dtype; start and end.' : 'Any engine dtype.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      const [start, end] = shapeRange(v.node, v.in(0).shape.length, sinceVersion);
      return { start, end };
    },
    emit(e, { start, end }) {
      const dims = e.add('shape', [e.input(0)], {});
      const rank = dims.shape[0]!;
      e.output(0, start === 0 && end === rank ? dims : e.add('slice', [dims], { starts: [start], steps: [1] }, 'part', [{ shape: [end - start] }]));
    },
  });
}

function size(sinceVersion: number): Converter {
  return defineConverter<null>({
    opType: 'Size',
    sinceVersion,
    notes: 'Any engine dtype.',
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      return null;
    },
    emit(e) {
      const x = e.input(0);
      if (x.shape.length === 0) return e.output(0, e.fill(1, 'int64', 'one'));
      const dims = e.add('shape', [x], {}, 'dims');
      e.output(0, e.add('reduce', [dims], { op: 'prod', axes: [0], keepDims: false }));
    },
  });
}

export const shapeOfConverters: Converter[] = [shape(1), shape(15), size(1), size(13)];
