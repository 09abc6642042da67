/**
 * NonZero -> a `nonzero` layer: the int64 indices of the input's nonzero elements, [rank,
 * count], the first output whose size depends on the data (Converter.dataDependent). Inference
 * leaves the count symbolic (src/ir/infer/slicing.ts); the layer declares it at its bound and
 * the engine reports each run's count (the layer's rule: native/layers/nonzero.cc).
 * The partitioner ends the engine at this node; what reads its output runs in a later segment.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

function nonZero(sinceVersion: number): Converter {
  return defineConverter<Record<string, never>>({
    opType: 'NonZero',
    sinceVersion,
    dataDependent: true,
    notes: `Dtypes ${ENGINE_DTYPES.join(', ')}, rank 1 or more; ends its engine (the count is known after the run), so its readers run in a later segment.`,
    plan(v) {
      v.dtype(0, ENGINE_DTYPES);
      v.check(v.in(0).shape.length >= 1, () => 'the input is a scalar');
      return {};
    },
    emit(e, p) {
      e.output(0, e.add('nonzero', [e.input(0)], p));
    },
  });
}

export const nonZeroConverters: Converter[] = [nonZero(9), nonZero(13)];
