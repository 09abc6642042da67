/**
 * Range -> its values as a constant where the bounds are fixed (lowering folds most of these),
 * or a `range` layer that reads integer bounds the model computes from shapes (a dynamic
 * model's `arange(seq)`) as shape tensors at each run's shapes (native/src/ir/computed_layers.h).
 * A Range of floats with computed bounds falls back: shape tensors are integers.
 */
import { tensorOf, defineConverter } from './define.js';
import type { Converter } from './types.js';

const HINT = 'export with static shapes or pass --shape so that it folds to a constant';

type Plan = { dtype: 'float32' | 'int32' | 'int64' } & ({ computed: false; values: number[] } | { computed: true; length: number });

const range = defineConverter<Plan>({
  opType: 'Range',
  sinceVersion: 11,
  notes: 'Bounds that are constants (float32, int32, int64), or int32/int64 bounds computed from shapes (read at run time as shape tensors).',
  plan(v) {
    const dtype = v.dtype(0, ['float32', 'int32', 'int64']) as Plan['dtype'];
    for (const i of [0, 1, 2]) {
      v.check(v.in(i).dtype === dtype, () => `${v.inLabel(i)} is ${v.in(i).dtype}; Range takes one dtype`);
      v.check(v.in(i).shape.length === 0, () => `${v.inLabel(i)} has rank ${v.in(i).shape.length}; Range takes scalars`);
    }
    const length = v.out(0).shape[0]!;
    // `computed` rejects a bound from data (each checked, so that the reason names any).
    if ([v.computed(0, 'start', HINT), v.computed(1, 'limit', HINT), v.computed(2, 'delta', HINT)].some(Boolean)) {
      v.check(dtype !== 'float32', () => 'a float Range whose bounds are computed at run time (shape tensors are integers)');
      return { dtype, computed: true, length };
    }
    const [start, delta] = [v.constNumbers(0, 'start', HINT)[0]!, v.constNumbers(2, 'delta', HINT)[0]!];
    // As onnxruntime fills it: a running sum in the dtype (float32 rounds at every step).
    const values: number[] = [];
    for (let i = 0, x = start; i < length; i++, x = dtype === 'float32' ? Math.fround(x + delta) : x + delta) values.push(x);
    return { dtype, computed: false, values };
  },
  emit(e, p) {
    if (!p.computed) {
      e.output(0, e.constant(tensorOf(p.dtype, [p.values.length], p.values), 'values'));
      return;
    }
    e.output(0, e.add('range', [e.input(0), e.input(1), e.input(2)], {}, undefined, [{ dtype: p.dtype, shape: [p.length] }]));
  },
});

export const rangeConverters: Converter[] = [range];
