/**
 * Expand -> numpy (bidirectional) broadcast of the input with the target shape: a reshape
 * adding leading 1s, then a `slice` with step 0 on every stretched dim (network.ts). A target
 * the model computes (from Shape: a dynamic model's `expand(batch, seq)`) is read by the slice
 * as a shape tensor at each run's shapes (native/src/ir/computed_layers.h).
 */
import { broadcastShapes } from '../src/engine/shape-math.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const HINT = 'export with static shapes or pass --shape so that it folds to a constant';

const expand = defineConverter<{ out: number[]; computed: boolean; fixedInput: boolean }>({
  opType: 'Expand',
  sinceVersion: 8,
  notes: 'The shape input a constant, or computed from shapes (read at run time as a shape tensor).',
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    const shape = v.in(0).shape;
    if (v.computed(1, 'the target shape', HINT)) {
      v.dtype(1, ['int64']);
      v.check(v.in(1).shape.length === 1, () => `${v.inLabel(1)} has rank ${v.in(1).shape.length}; a shape is 1-D`);
      return { out: v.out(0).shape, computed: true, fixedInput: v.fixed(0) };
    }
    const target = v.constInts(1, 'the target shape', HINT);
    v.check(broadcastShapes(shape, target) !== undefined, () => `[${shape}] does not broadcast with [${target}]`);
    return { out: v.out(0).shape, computed: false, fixedInput: true };
  },
  emit(e, { out, computed, fixedInput }) {
    e.output(0, computed ? e.broadcastToComputed(e.input(0), fixedInput, e.input(1), out) : e.broadcastTo(e.input(0), out));
  },
});

export const expandConverters: Converter[] = [expand];
