/**
 * IsNaN and IsInf -> comparisons on layers the engine has, with IEEE semantics:
 *   IsNaN(x) = not (x == x)           (NaN is the one value not equal to itself)
 *   IsInf(x) = (x == +inf) or (x == -inf), each side as detect_positive/detect_negative ask
 * Float inputs (fp32, fp16, bf16); the output is bool.
 */
import { FLOAT_DTYPES } from '../src/engine/layer-dtypes.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

function isNaN(sinceVersion: number): Converter {
  return defineConverter<null>({
    opType: 'IsNaN',
    sinceVersion,
    notes: 'Float inputs: not (x == x).',
    plan(v) {
      v.dtype(0, FLOAT_DTYPES);
      return null;
    },
    emit(e) {
      const x = e.input(0);
      const same = e.add('elementwise', [x, x], { op: 'equal' }, 'self_equal');
      e.output(0, e.add('unary', [same], { op: 'not' }));
    },
  });
}

interface InfPlan {
  positive: boolean;
  negative: boolean;
}

function isInf(sinceVersion: number): Converter {
  return defineConverter<InfPlan>({
    opType: 'IsInf',
    sinceVersion,
    notes: 'Float inputs: x == +inf, x == -inf, or either (detect_positive, detect_negative).',
    plan(v) {
      v.dtype(0, FLOAT_DTYPES);
      return { positive: v.int('detect_positive', 1) !== 0, negative: v.int('detect_negative', 1) !== 0 };
    },
    emit(e, p) {
      const x = e.input(0);
      const is = (value: number, suffix: string) => e.add('elementwise', [x, e.fill(value, x.dtype, suffix)], { op: 'equal' }, `is_${suffix}`);
      if (p.positive && p.negative) {
        e.output(0, e.add('elementwise', [is(Infinity, 'pos_inf'), is(-Infinity, 'neg_inf')], { op: 'or' }));
      } else if (p.positive || p.negative) {
        e.output(0, p.positive ? is(Infinity, 'pos_inf') : is(-Infinity, 'neg_inf'));
      } else {
        // Neither side asked: false everywhere (x == NaN is false for every x).
        e.output(0, is(NaN, 'nothing'));
      }
    },
  });
}

export const floatClassConverters: Converter[] = [isInf(10), isNaN(9), isNaN(13)];
