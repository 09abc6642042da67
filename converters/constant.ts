/**
 * Constant -> a `constant` layer holding the node's value (a view of the attribute's data).
 * Opset 1 has `value` only; opset 12 adds value_float(s) and value_int(s). Strings, sparse
 * values and types engines do not hold (float64...) are rejected.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { constantNodeValue } from './context.js';
import { defineConverter } from './define.js';
import { isEngineDType } from './node-view.js';
import type { Converter } from './types.js';

function constant(sinceVersion: number): Converter {
  return defineConverter<TensorData>({
    opType: 'Constant',
    sinceVersion,
    notes: `Numeric values of ${ENGINE_DTYPES.join(', ')}; not sparse_value or strings.`,
    plan(v) {
      const forms = sinceVersion >= 12 ? ['value', 'value_float', 'value_floats', 'value_int', 'value_ints'] : ['value'];
      v.check(
        forms.some((f) => v.hasAttr(f)),
        () =>
          v.hasAttr('sparse_value')
            ? 'sparse_value is not supported; store the constant densely'
            : `no supported value attribute (${forms.join(', ')})`,
      );
      const t = constantNodeValue(v.node);
      v.check(t !== undefined, () => 'the value is not a numeric tensor');
      v.check(isEngineDType(t!.dtype), () => `the value has dtype ${t!.dtype}, which engines do not hold`);
      return t!;
    },
    emit(e, t) {
      e.output(0, e.constant(t, 'value'));
    },
  });
}

export const constantConverters: Converter[] = [constant(1), constant(12)];
