/**
 * Trilu -> a `select` between the input and zero under a mask of its last two dims: with
 * `upper` (default 1) element [i, j] is kept where j - i >= k, else where j - i <= k; k is the
 * optional second input, a constant (default 0). The mask is [rows, cols] and broadcasts over
 * the leading dims. Static: a constant. In a ranged engine (rows and cols may vary, as a
 * dynamic causal mask's do), computed at each run's shapes: `range` layers over the input's
 * last two dims (read from its `shape`), their difference j - i, and one comparison (j - i >
 * k - 1, or j - i < k + 1: integers).
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { type Emitter, defineConverter, tensorOf } from './define.js';
import type { TensorRef } from '../src/engine/builder.js';
import type { Converter } from './types.js';

interface Plan {
  rows: number;
  cols: number;
  k: number;
  upper: boolean;
  ranged: boolean;
}

const trilu = defineConverter<Plan>({
  opType: 'Trilu',
  sinceVersion: 14,
  notes: 'Rank >= 2; k must be a constant; any engine dtype.',
  plan(v) {
    v.dtype(0, ENGINE_DTYPES);
    const shape = v.in(0).shape;
    v.check(shape.length >= 2, () => `input [${shape}] must have rank 2 or more`);
    const k = v.has(1) ? (v.constInts(1, 'k', 'make it an initializer')[0] ?? 0) : 0;
    return { rows: shape[shape.length - 2]!, cols: shape[shape.length - 1]!, k, upper: v.int('upper', 1) !== 0, ranged: v.ranged };
  },
  emit(e, p) {
    const x = e.input(0);
    const mask = p.ranged ? computedMask(e, x, p) : constantMask(e, p);
    const zero = e.fill(0, x.dtype, 'zero');
    e.output(0, e.add('select', [mask, x, zero], {}));
  },
});

function constantMask(e: Emitter, p: Plan): TensorRef {
  const keep = Array.from({ length: p.rows * p.cols }, (_, n) => {
    const d = (n % p.cols) - Math.floor(n / p.cols);
    return (p.upper ? d >= p.k : d <= p.k) ? 1 : 0;
  });
  return e.constant(tensorOf('bool', [p.rows, p.cols], keep), 'mask');
}

function computedMask(e: Emitter, x: TensorRef, p: Plan): TensorRef {
  const rank = x.shape.length;
  const dims = e.add('shape', [x], {}, 'dims');
  const zero = e.fill(0, 'int64', 'index_zero');
  const one = e.fill(1, 'int64', 'index_one');
  const indices = (axis: number, length: number, name: string) => {
    const n = e.add('gather', [dims, e.fill(axis, 'int64', `${name}_axis`)], { axis: 0, mode: 'default' }, `${name}_count`);
    return e.add('range', [zero, n, one], {}, name, [{ dtype: 'int64', shape: [length] }]);
  };
  const rows = e.reshapeRelative(indices(rank - 2, p.rows, 'rows'), [-1, 1], 'rows_column');
  const offset = e.add('elementwise', [indices(rank - 1, p.cols, 'cols'), rows], { op: 'sub' }, 'offset');
  const bound = e.fill(p.upper ? p.k - 1 : p.k + 1, 'int64', 'bound');
  return e.add('elementwise', [offset, bound], { op: p.upper ? 'greater' : 'less' }, 'mask');
}

export const triluConverters: Converter[] = [trilu];
