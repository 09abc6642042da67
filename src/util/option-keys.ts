/**
 * Unknown option keys are errors: `compile(m, { precision: ['fp16'] })` (for `precisions`) or
 * `{ minBlocksize: 3 }` would otherwise be ignored and the model compiled as if they were not
 * given. Each options type lists its keys once, beside its interface (optionKeys() ties the list
 * to the type, so a key added to one and not the other fails to compile), and asks here.
 */
import { HybridError } from '../errors.js';

/** `keys` when it lists every key of T, else a type naming the missing ones. */
type Exhaustive<T, K extends readonly (keyof T)[]> = Exclude<keyof T, K[number]> extends never ? K : { missingKeys: Exclude<keyof T, K[number]> };

/**
 * The keys of an options type, listed once beside it: `optionKeys<Opts>()(['a', 'b'])` fails
 * to compile where the list lacks a key of Opts (or names one it does not have).
 */
export function optionKeys<T>() {
  return <const K extends readonly (keyof T)[]>(keys: K & Exhaustive<T, K>): K => keys;
}

/** Options of other tools that users carry over, with what hybridrt does instead. */
const FOREIGN: Readonly<Record<string, string>> = {
  executionProviders:
    "onnxruntime's session options go in ortSessionOptions (e.g. { ortSessionOptions: { executionProviders: ['cuda'] } }), applied to every fallback segment; engines' device is backend ('auto', 'cpu', 'cuda')",
  graphOptimizationLevel:
    "onnxruntime's session options go in ortSessionOptions (e.g. { ortSessionOptions: { graphOptimizationLevel: 'all' } }), applied to every fallback segment",
  intraOpNumThreads: 'use threads (engines and fallback segments), or ortSessionOptions.intraOpNumThreads (fallback segments only)',
};

/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive
 * (option names differ from a typo by case too; `rs` is one edit from `sr`).
 */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let before: number[] = [];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    [before, prev] = [prev, row];
  }
  return prev[y.length]!;
}

/** The known key closest to `key`, where one is close enough to be what was meant. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = distance(key, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Throws OPTION for the first key of `options` not in `known`, naming the nearest known key. */
export function checkKnownKeys(options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearestKey(key, known);
    const hint = FOREIGN[key] ?? (near ? `did you mean '${near}'?` : `the ${what} are: ${known.join(', ')}`);
    throw new HybridError('OPTION', `${what}: unknown option '${key}'; ${hint}`);
  }
}

// Compile-time checks of optionKeys itself (tsc fails if a line below stops being an error).
// @ts-expect-error a key of the type is missing from the list
void (() => optionKeys<{ a?: 1; b?: 2 }>()(['a']));
// @ts-expect-error the list names a key the type does not have
void (() => optionKeys<{ a?: 1 }>()(['a', 'c']));
