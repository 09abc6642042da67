/**
 * Arithmetic on dimensions that may be symbolic.
 *
 * A symbolic dimension is a monomial: an integer coefficient times a product of symbols, written
 * "3*N" or "N*S" (factors sorted, so one product has one spelling). Products and exact
 * quotients stay exact (what Reshape(-1) and Flatten need: [N,3,4] -> [N,-1] gives 12); sums,
 * inexact quotients and the like give a fresh symbol, memoised by the expression so that the same
 * expression computed twice gives the same symbol. Nothing here ever invents a number.
 */
import type { Dim } from '../types.js';

export interface Monomial {
  coef: number;
  /** Sorted symbol names (repeated for powers). */
  syms: string[];
}

/** Makes fresh symbols: `unk__K`, never one already used in the graph. */
export class SymbolTable {
  private counter = 0;
  private readonly memo = new Map<string, string>();

  constructor(private readonly taken: Set<string> = new Set()) {}

  /** A new symbol; with `key`, the same symbol for the same key. */
  fresh(key?: string): string {
    if (key !== undefined) {
      const hit = this.memo.get(key);
      if (hit) return hit;
    }
    let s: string;
    do s = `unk__${this.counter++}`;
    while (this.taken.has(s));
    this.taken.add(s);
    if (key !== undefined) this.memo.set(key, s);
    return s;
  }
}

const SYMBOL_FACTOR = /^[A-Za-z_][\w.:/-]*$/;

/** The monomial of a dimension; a symbol that does not read as a product is one opaque factor. */
export function monomial(d: Dim): Monomial {
  if (typeof d === 'number') return { coef: d, syms: [] };
  const parts = d.split('*');
  if (parts.length === 1 || parts.some((p) => !(SYMBOL_FACTOR.test(p) || /^\d+$/.test(p)))) return { coef: 1, syms: [d] };
  let coef = 1;
  const syms: string[] = [];
  for (const p of parts) {
    if (/^\d+$/.test(p)) coef *= Number(p);
    else syms.push(p);
  }
  syms.sort();
  return { coef, syms };
}

export function fromMonomial(m: Monomial): Dim {
  if (m.syms.length === 0 || m.coef === 0) return m.coef;
  const syms = [...m.syms].sort().join('*');
  return m.coef === 1 ? syms : `${m.coef}*${syms}`;
}

export function isNum(d: Dim | undefined): d is number {
  return typeof d === 'number';
}

export function mulDim(a: Dim, b: Dim): Dim {
  if (isNum(a) && isNum(b)) return a * b;
  if (a === 0 || b === 0) return 0;
  const ma = monomial(a);
  const mb = monomial(b);
  return fromMonomial({ coef: ma.coef * mb.coef, syms: [...ma.syms, ...mb.syms] });
}

export function productDims(dims: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of dims) p = mulDim(p, d);
  return p;
}

/** a / b when it is exact (b divides a as monomials), else undefined. */
export function exactDiv(a: Dim, b: Dim): Dim | undefined {
  if (isNum(a) && isNum(b)) return b !== 0 && a % b === 0 ? a / b : undefined;
  const ma = monomial(a);
  const mb = monomial(b);
  if (mb.coef === 0 || ma.coef % mb.coef !== 0) return undefined;
  const rest = [...ma.syms];
  for (const s of mb.syms) {
    const i = rest.indexOf(s);
    if (i < 0) return undefined;
    rest.splice(i, 1);
  }
  return fromMonomial({ coef: ma.coef / mb.coef, syms: rest });
}

/**
 * An integer function of dims: computed when every argument is a number, else a symbol
 * memoised by `op` and the arguments.
 */
export function symbolic(symbols: SymbolTable, op: string, args: readonly Dim[], f: (...n: number[]) => number): Dim {
  if (args.every(isNum)) return f(...(args as number[]));
  return symbols.fresh(`${op}(${args.join(',')})`);
}

export function addDim(symbols: SymbolTable, a: Dim, b: Dim): Dim {
  if (a === 0) return b;
  if (b === 0) return a;
  return symbolic(symbols, '+', [a, b].sort(cmpDim), (x, y) => x! + y!);
}

export function subDim(symbols: SymbolTable, a: Dim, b: Dim): Dim {
  if (b === 0) return a;
  if (a === b) return 0;
  return symbolic(symbols, '-', [a, b], (x, y) => x! - y!);
}

function cmpDim(a: Dim, b: Dim): number {
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** The dimension two tensors agree on where both describe the same axis (numbers win over symbols). */
export function mergeDim(a: Dim | undefined, b: Dim | undefined): Dim | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (isNum(a)) return a;
  if (isNum(b)) return b;
  return a;
}

export class BroadcastError extends Error {}

/**
 * Multidirectional (numpy) broadcast of shapes. A symbol against 1 gives the symbol; a symbol
 * against a number n != 1 gives n (the symbol must be n or 1); two different symbols give a
 * symbol for "one of them".
 */
export function broadcastShapes(symbols: SymbolTable, shapes: ReadonlyArray<readonly Dim[]>): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let acc: Dim = 1;
    for (const s of shapes) {
      const d = s[i - rank + s.length];
      if (d === undefined) continue;
      acc = broadcastDim(symbols, acc, d);
    }
    out.push(acc);
  }
  return out;
}

export function broadcastDim(symbols: SymbolTable, a: Dim, b: Dim): Dim {
  if (a === b) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (isNum(a) && isNum(b)) throw new BroadcastError(`cannot broadcast ${a} with ${b}`);
  if (isNum(a)) return a;
  if (isNum(b)) return b;
  return symbols.fresh(`bcast(${[a, b].sort().join(',')})`);
}

/** Normalises a possibly negative axis against a rank; undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return a >= 0 && a < rank ? a : undefined;
}
