/**
 * Where -> a `select` layer: condition ? X : Y with three-way numpy broadcasting.
 */
import { broadcastShapes } from '../src/engine/shape-math.js';
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const where = defineConverter<null>({
  opType: 'Where',
  sinceVersion: 9,
  notes: 'Bool condition; X and Y of one engine dtype.',
  plan(v) {
    v.dtype(0, ['bool']);
    const x = v.dtype(1, ENGINE_DTYPES);
    v.check(v.in(2).dtype === x, () => `X is ${x}, Y ${v.in(2).dtype}`);
    v.check(
      broadcastShapes(v.in(0).shape, v.in(1).shape, v.in(2).shape) !== undefined,
      () => `condition [${v.in(0).shape}], X [${v.in(1).shape}] and Y [${v.in(2).shape}] do not broadcast`,
    );
    return null;
  },
  emit(e) {
    e.output(0, e.add('select', [e.input(0), e.input(1), e.input(2)], {}));
  },
});

export const whereConverters: Converter[] = [where];
