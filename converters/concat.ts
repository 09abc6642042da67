/**
 * Concat -> one `concat` layer along the resolved axis (Concat-1 defaults the axis to 1; it is
 * required from opset 4; negative from 11).
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

function concat(sinceVersion: number): Converter {
  return defineConverter<number>({
    opType: 'Concat',
    sinceVersion,
    notes: `Inputs of one engine dtype${sinceVersion < 4 ? '; the axis defaults to 1' : ''}.`,
    plan(v) {
      const n = v.node.inputs.length;
      v.check(n >= 1 && v.node.inputs.every((i) => i), () => 'needs one or more inputs, none omitted');
      const dtype = v.dtype(0, ENGINE_DTYPES);
      const first = v.in(0).shape;
      v.check(sinceVersion < 4 || v.hasAttr('axis'), () => 'the axis attribute is missing');
      const axis = v.axis(v.int('axis', 1), first.length);
      for (let i = 1; i < n; i++) {
        const t = v.in(i);
        v.check(t.dtype === dtype, () => `${v.inLabel(i)} has dtype ${t.dtype}, input 0 ${dtype}`);
        v.check(
          t.shape.length === first.length && t.shape.every((d, j) => j === axis || d === first[j]),
          () => `${v.inLabel(i)} [${t.shape}] does not match [${first}] outside axis ${axis}`,
        );
      }
      return axis;
    },
    emit(e, axis) {
      const inputs = e.node.inputs.map((_, i) => e.input(i));
      e.output(0, e.add('concat', inputs, { axis }));
    },
  });
}

export const concatConverters: Converter[] = [concat(1), concat(4)];
