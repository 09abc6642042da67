/**
 * Celu -> alpha * elu(x / alpha) (Elu's alpha 1): a `div`, a `unary` elu and a `mul`, since
 * Celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) (PyTorch's F.celu exports it).
 * That identity holds for alpha > 0 only (alpha < 0 flips x / alpha's sign: Celu(x) is x for
 * x > 0, where alpha * elu(x / alpha) is not), so another alpha stays on onnxruntime.
 */
import { unaryDTypes } from '../src/engine/layer-dtypes.js';
import { defineConverter } from './define.js';
import type { Converter } from './types.js';

const celu = defineConverter<{ alpha: number }>({
  opType: 'Celu',
  sinceVersion: 12,
  notes: `As alpha * Elu(x / alpha); alpha > 0. Dtypes: ${unaryDTypes('elu').join(', ')}.`,
  plan(v) {
    const alpha = v.float('alpha', 1.0);
    v.check(alpha > 0, () => `alpha ${alpha}: alpha * elu(x / alpha) is Celu for a positive alpha only`);
    v.dtype(0, unaryDTypes('elu'));
    return { alpha };
  },
  emit(e, p) {
    const x = e.input(0);
    const alpha = e.fill(p.alpha, x.dtype, 'alpha');
    const elu = e.add('unary', [e.add('elementwise', [x, alpha], { op: 'div' }, 'scaled')], { op: 'elu', alpha: 1 }, 'elu');
    e.output(0, e.add('elementwise', [elu, alpha], { op: 'mul' }));
  },
});

export const celuConverters: Converter[] = [celu];
