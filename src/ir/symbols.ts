/**
 * Shared symbolic dimensions of a model's inputs: a name such as `batch` or `seq` denotes one
 * size wherever it appears (src/ir/types.ts), so a size given for one input fixes it for every
 * input that declares the same symbol. compile()'s `inputs` option and hybrid-run's --shape and
 * --input files bind through here, so the API and the CLI agree on what a shape given once
 * means and on what two disagreeing ones are.
 *
 * Anonymous dimensions (`unk__...`, what the loader names a dimension without a name) never
 * bind: two of them are not known to be equal.
 */
import { HybridError } from '../errors.js';
import type { Dim } from './types.js';

export function isSharedSymbol(d: Dim): d is string {
  return typeof d === 'string' && !d.startsWith('unk__');
}

/** A concrete shape given for an input, and how to name where it came from in a message. */
export interface GivenShape {
  input: string;
  /** The input's declared shape (undefined where the model declares none). */
  declared: readonly Dim[] | undefined;
  dims: readonly number[];
  /** e.g. "--shape x=2x3" or "inputs: 'x'". */
  what: string;
}

export interface Binding {
  size: number;
  /** The GivenShape.what that set it. */
  what: string;
}

/**
 * Each shared symbol bound to the size the given shapes give it, in order; a symbol given two
 * sizes is an OPTION error naming both sources. A given shape of another rank binds nothing
 * (its rank is its checker's business).
 */
export function bindSymbols(given: readonly GivenShape[]): Map<string, Binding> {
  const bindings = new Map<string, Binding>();
  for (const g of given) {
    if (!g.declared || g.declared.length !== g.dims.length) continue;
    g.declared.forEach((d, i) => {
      if (!isSharedSymbol(d)) return;
      const size = g.dims[i]!;
      const had = bindings.get(d);
      if (!had) bindings.set(d, { size, what: g.what });
      else if (had.size !== size) {
        throw new HybridError(
          'OPTION',
          `${g.what}: '${d}' is ${size} here but ${had.size} in ${had.what}; inputs that share the dimension '${d}' must agree on its size`,
        );
      }
    });
  }
  return bindings;
}

/** A declared shape with its bound symbols replaced by their sizes; unbound ones stay as they are. */
export function substitute(declared: readonly Dim[], bindings: ReadonlyMap<string, Binding>): Dim[] {
  return declared.map((d) => (isSharedSymbol(d) ? (bindings.get(d)?.size ?? d) : d));
}
