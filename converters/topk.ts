/**
 * TopK -> a `topk` layer: the k largest (smallest) elements along the axis and their int64
 * indices, sorted, equal values by lower index first (as onnxruntime). Forms: 1 (k an
 * attribute), 10 (k an input), 11 (largest, sorted; negative axes). k is a constant, or at
 * static shapes a value computed from shapes (lowering and inference fold those), or over a shape
 * range one the model computes from shapes: then the layer reads it as a shape tensor at each
 * run's shapes (native/src/ir/computed_layers.h). A k from data falls back. The output shape, k
 * included, is inference's. sorted=0 leaves the order
 * to the implementation: the layer sorts anyway. NaN ranks above every number (torch.topk's
 * order); onnxruntime's comparisons leave NaN unordered, so where it lands there depends on its
 * algorithm and the row (seen: first for largest and for smallest alike, or after a 2).
 */
import { NUMERIC_DTYPES } from '../src/engine/layer-dtypes.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const HINT = 'export with static shapes or pass --shape, so that k is known when the engine is built';

interface Plan {
  params: { axis: number; k?: number; largest: boolean };
  /** k is read at run time (a shape tensor); `shape` is the outputs' at these shapes. */
  computed: boolean;
  shape: number[];
}

function topK(sinceVersion: number): Converter {
  return defineConverter<Plan>({
    opType: 'TopK',
    sinceVersion,
    notes: `Dtypes ${NUMERIC_DTYPES.join(', ')}; ${
      sinceVersion >= 10 ? 'k a constant or computed from shapes (a shape tensor over a shape range), not from data' : 'k an attribute'
    }${sinceVersion >= 11 ? '; sorted=0 gives sorted output' : ''}; NaN ranks above every number (onnxruntime leaves it unordered).`,
    plan(v) {
      v.dtype(0, NUMERIC_DTYPES);
      const shape = v.in(0).shape;
      v.check(shape.length >= 1, () => 'the input is a scalar');
      const axis = v.axis(v.int('axis', -1), shape.length);
      // A k from data has no value here: `computed` rejects it, saying so.
      const computed = sinceVersion >= 10 && v.computed(1, 'k', HINT);
      if (sinceVersion >= 10) v.check(v.in(1).shape.length <= 1, () => `${v.inLabel(1)} has rank ${v.in(1).shape.length}; k is one value`);
      const out = v.out(0).shape;
      // k is inference's output length; the layer's rule (native/layers/topk.cc) bounds it by the axis.
      const k = out[axis]!;
      const largest = sinceVersion < 11 || v.int('largest', 1) !== 0;
      return { params: computed ? { axis, largest } : { axis, k, largest }, computed, shape: out };
    },
    emit(e, p) {
      const [values, indices] = p.computed
        ? e.addMany('topk', [e.input(0), e.input(1)], p.params, undefined, [{ shape: p.shape }, { shape: p.shape }])
        : e.addMany('topk', [e.input(0)], p.params);
      e.output(0, values!);
      e.output(1, indices!);
    },
  });
}

export const topKConverters: Converter[] = [topK(1), topK(10), topK(11)];
