/**
 * Transpose -> a `shuffle` layer with firstPerm (the identity permutation emits nothing).
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const transpose = defineConverter<number[]>({
  opType: 'Transpose',
  sinceVersion: 1,
  notes: 'Any engine dtype.',
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    const shape = v.in(0).shape;
    const perm = v.ints('perm') ?? shape.map((_, i) => shape.length - 1 - i);
    v.check(
      perm.length === shape.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i),
      () => `perm [${perm}] is not a permutation of ${shape.length} dims`,
    );
    return perm;
  },
  emit(e, perm) {
    e.output(0, e.transpose(e.input(0), perm));
  },
});

export const transposeConverters: Converter[] = [transpose];
