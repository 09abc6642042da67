/**
 * Trilu -> a `select` between the input and zero under a constant mask of its last two dims:
 * with `upper` (default 1) element [i, j] is kept where j - i >= k, else where j - i <= k; k
 * is the optional second input, a constant (default 0). The mask is [rows, cols] and
 * broadcasts over the leading dims, so those may vary in a shape range; rows and cols are
 * the mask's and are fixed.
 */
import { ENGINE_DTYPES } from '../src/engine/network.js';
import { defineConverter, tensorOf } from './define.js';
import type { Converter } from './types.js';

interface Plan {
  rows: number;
  cols: number;
  k: number;
  upper: boolean;
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
    return { rows: shape[shape.length - 2]!, cols: shape[shape.length - 1]!, k, upper: v.int('upper', 1) !== 0 };
  },
  emit(e, p) {
    const x = e.input(0);
    const keep = Array.from({ length: p.rows * p.cols }, (_, n) => {
      const d = (n % p.cols) - Math.floor(n / p.cols);
      return (p.upper ? d >= p.k : d <= p.k) ? 1 : 0;
    });
    const mask = e.constant(tensorOf('bool', [p.rows, p.cols], keep), 'mask');
    const zero = e.fill(0, x.dtype, 'zero');
    e.output(0, e.add('select', [mask, x, zero], {}));
  },
});

export const triluConverters: Converter[] = [trilu];
