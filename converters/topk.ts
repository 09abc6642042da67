/**
 * TopK -> a `topk` layer: the k largest (smallest) elements along the axis and their int64
 * indices, sorted, equal values by lower index first (as onnxruntime). Forms: 1 (k an
 * attribute), 10 (k an input), 11 (largest, sorted; negative axes). k must be known when the
 * engine is built: a constant, or at static shapes a value computed from shapes (lowering and
 * inference fold those); the output shape, k included, is inference's. sorted=0 leaves the order
 * to the implementation: the layer sorts anyway. NaN ranks above every number (torch.topk's
 * order); onnxruntime's comparisons leave NaN unordered, so where it lands there depends on its
 * algorithm and the row (seen: first for largest and for smallest alike, or after a 2).
 */
import { NUMERIC_DTYPES } from '../src/engine/layer-dtypes.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const HINT = 'export with static shapes or pass --shape, so that k is known when the engine is built';

function topK(sinceVersion: number): Converter {
  return defineConverter<{ axis: number; k: number; largest: boolean }>({
    opType: 'TopK',
    sinceVersion,
    notes: `Dtypes ${NUMERIC_DTYPES.join(', ')}; ${
      sinceVersion >= 10 ? 'k a constant (or computed from shapes at static shapes; not over a shape range)' : 'k an attribute'
    }${sinceVersion >= 11 ? '; sorted=0 gives sorted output' : ''}; NaN ranks above every number (onnxruntime leaves it unordered).`,
    plan(v) {
      v.dtype(0, NUMERIC_DTYPES);
      const shape = v.in(0).shape;
      v.check(shape.length >= 1, () => 'the input is a scalar');
      const axis = v.axis(v.int('axis', -1), shape.length);
      if (sinceVersion >= 10) {
        // A k that varies over the engine's shape range would make the output's size a run-time value.
        v.check(!v.computed(1, 'k', HINT), () => `k (${v.inLabel(1)}) is computed from shapes over a shape range; ${HINT}`);
        v.check(v.in(1).shape.length <= 1, () => `${v.inLabel(1)} has rank ${v.in(1).shape.length}; k is one value`);
      }
      const k = v.out(0).shape[axis]!;
      v.check(k <= shape[axis]!, () => `k ${k} is larger than axis ${axis}'s length ${shape[axis]}`);
      return { axis, k, largest: sinceVersion < 11 || v.int('largest', 1) !== 0 };
    },
    emit(e, p) {
      const [values, indices] = e.addMany('topk', [e.input(0)], p);
      e.output(0, values!);
      e.output(1, indices!);
    },
  });
}

export const topKConverters: Converter[] = [topK(1), topK(10), topK(11)];
