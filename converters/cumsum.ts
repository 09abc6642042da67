/**
 * CumSum -> a `cumsum` layer along the axis (input 1, which must be a constant), with ONNX's
 * exclusive and reverse attributes. Floats sum in fp32, int32 and int64 wrap (network.ts).
 */
import { NUMERIC_DTYPES } from '../src/engine/layer-dtypes.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

function cumsum(sinceVersion: number): Converter {
  return defineConverter<{ axis: number; exclusive: boolean; reverse: boolean }>({
    opType: 'CumSum',
    sinceVersion,
    notes: `Dtypes ${NUMERIC_DTYPES.join(', ')}; the axis must be a constant.`,
    plan(v) {
      v.dtype(0, NUMERIC_DTYPES);
      const rank = v.in(0).shape.length;
      v.check(rank >= 1, () => 'the input is a scalar');
      const given = v.constInts(1, 'the axis', 'export with a constant axis');
      v.check(given.length === 1, () => `the axis holds ${given.length} values; ONNX asks for one`);
      return { axis: v.axis(given[0]!, rank), exclusive: v.int('exclusive', 0) !== 0, reverse: v.int('reverse', 0) !== 0 };
    },
    emit(e, p) {
      e.output(0, e.add('cumsum', [e.input(0)], p));
    },
  });
}

export const cumsumConverters: Converter[] = [cumsum(11), cumsum(14)];
