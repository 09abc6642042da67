/**
 * Expand -> numpy (bidirectional) broadcast of the input with the constant target shape: a
 * reshape adding leading 1s, then a `slice` with step 0 on every stretched dim (network.ts).
 */
import { broadcastShapes } from '../src/engine/shape-math.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const expand = defineConverter<number[]>({
  opType: 'Expand',
  sinceVersion: 8,
  notes: 'The shape input must be a constant.',
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    const shape = v.in(0).shape;
    const target = v.constInts(1, 'the target shape', 'export with static shapes or pass --shape so that it folds to a constant');
    v.check(broadcastShapes(shape, target) !== undefined, () => `[${shape}] does not broadcast with [${target}]`);
    return v.out(0).shape;
  },
  emit(e, out) {
    e.output(0, e.broadcastTo(e.input(0), out));
  },
});

export const expandConverters: Converter[] = [expand];
