/**
 * Element-wise evaluation of known values (the data-propagation half of the elementwise ops).
 * Symbols are handled as integers where that is exact (a sum or product of shape symbols), and
 * become fresh symbols otherwise; a symbol in a float value that may not be an integer is
 * marked so that a later Cast to an integer type does not keep it.
 */
import type { NumericDType } from '../../onnx/dtype.js';
import { isFloatDType } from '../../onnx/dtype.js';
import type { Dim } from '../types.js';
import { type SymbolTable, addDim, broadcastShapes, exactDiv, isNum, mulDim, subDim } from './dims.js';
import { type KnownValue, broadcastIndex, makeValue, roundTo } from './values.js';

/**
 * What is known of the symbols value arithmetic creates: `fraction` ones may not be integers
 * (a Cast to an integer type must not keep them), `signed` ones may be negative (a Reshape
 * target element or a Range limit must not be taken for a size). Symbols from shapes are
 * neither.
 */
const flags = new WeakMap<SymbolTable, { fraction: Set<string>; signed: Set<string> }>();

function flagsOf(symbols: SymbolTable): { fraction: Set<string>; signed: Set<string> } {
  let f = flags.get(symbols);
  if (!f) flags.set(symbols, (f = { fraction: new Set(), signed: new Set() }));
  return f;
}

function hasFlag(set: Set<string>, d: string): boolean {
  return set.has(d) || d.split('*').some((f) => set.has(f));
}

export function markNonInteger(symbols: SymbolTable, s: string): string {
  flagsOf(symbols).fraction.add(s);
  return s;
}

export function markSigned(symbols: SymbolTable, s: string): string {
  flagsOf(symbols).signed.add(s);
  return s;
}

export function isIntegerValued(symbols: SymbolTable, d: Dim): boolean {
  return isNum(d) ? Number.isInteger(d) : !hasFlag(flagsOf(symbols).fraction, d);
}

export function isNonNegative(symbols: SymbolTable, d: Dim): boolean {
  return isNum(d) ? d >= 0 : !hasFlag(flagsOf(symbols).signed, d);
}

/** An element function: numbers in, number out (undefined: not computable exactly). */
export type ElemFn = (xs: Dim[], symbols: SymbolTable, dtype: NumericDType) => Dim | undefined;

/** Evaluates an elementwise op over broadcast known values. */
export function mapValues(symbols: SymbolTable, inputs: Array<KnownValue | undefined>, outDtype: NumericDType, f: ElemFn): KnownValue | undefined {
  if (inputs.some((v) => !v)) return undefined;
  const vs = inputs as KnownValue[];
  let outDims: number[];
  try {
    outDims = broadcastShapes(
      symbols,
      vs.map((v) => v.dims),
    ) as number[];
  } catch {
    return undefined;
  }
  const n = outDims.reduce((a, b) => a * b, 1);
  const elems: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const xs = vs.map((v) => v.elems[broadcastIndex(i, outDims, v.dims)]!);
    const r = f(xs, symbols, outDtype);
    if (r === undefined) return undefined;
    elems.push(typeof r === 'number' ? (roundTo(outDtype, r) ?? NaN) : r);
    if (Number.isNaN(elems[i]) && !isFloatDType(outDtype)) return undefined;
  }
  return makeValue(outDtype, outDims, elems);
}

/** Lifts a plain numeric function; any symbol gives undefined unless `onSymbol` handles it. */
export function numeric(f: (...x: number[]) => number, onSymbol?: ElemFn): ElemFn {
  return (xs, symbols, dtype) => {
    if (xs.every(isNum)) return f(...(xs as number[]));
    return onSymbol?.(xs, symbols, dtype);
  };
}

/** A fresh symbol for `key`, flagged by what the operands allow. */
function derived(symbols: SymbolTable, key: string, xs: Dim[], o: { fraction: boolean; signed: boolean }): string {
  const s = symbols.fresh(key);
  if (o.fraction || !xs.every((x) => isIntegerValued(symbols, x))) markNonInteger(symbols, s);
  if (o.signed || !xs.every((x) => isNonNegative(symbols, x))) markSigned(symbols, s);
  return s;
}

/** A result that is one of the operands or an exact monomial keeps their flags; a new symbol gets derived flags. */
function settle(symbols: SymbolTable, r: Dim, xs: Dim[], signed: boolean): Dim {
  if (isNum(r) || xs.includes(r) || r.includes('*')) return r;
  if (signed || !xs.every((x) => isNonNegative(symbols, x))) markSigned(symbols, r);
  return r;
}

const integral = (symbols: SymbolTable, xs: Dim[]) => xs.every((x) => isIntegerValued(symbols, x));

export const ARITH: Record<'Add' | 'Sub' | 'Mul' | 'Div', ElemFn> = {
  Add: numeric(
    (a, b) => a + b,
    ([a, b], symbols) =>
      integral(symbols, [a!, b!])
        ? settle(symbols, addDim(symbols, a!, b!), [a!, b!], false)
        : derived(symbols, `${a}+${b}`, [a!, b!], { fraction: true, signed: false }),
  ),
  Sub: numeric(
    (a, b) => a - b,
    ([a, b], symbols) =>
      integral(symbols, [a!, b!])
        ? settle(symbols, subDim(symbols, a!, b!), [a!, b!], true)
        : derived(symbols, `${a}-${b}`, [a!, b!], { fraction: true, signed: true }),
  ),
  Mul: numeric(
    (a, b) => a * b,
    ([a, b], symbols) => {
      // Products of non-negative integers stay monomials; anything else is a new symbol.
      const xs = [a!, b!];
      if (integral(symbols, xs) && xs.every((x) => isNonNegative(symbols, x))) return mulDim(a!, b!);
      return derived(symbols, `${a}*${b}`, xs, { fraction: false, signed: false });
    },
  ),
  Div: (xs, symbols, dtype) => {
    const [a, b] = xs as [Dim, Dim];
    const float = isFloatDType(dtype);
    if (isNum(a) && isNum(b)) {
      if (float) return a / b;
      if (b === 0) return undefined;
      return Math.trunc(a / b);
    }
    if (b === 1) return a;
    if (integral(symbols, xs) && xs.every((x) => isNonNegative(symbols, x))) {
      const q = exactDiv(a, b);
      if (q !== undefined) return q;
    }
    return derived(symbols, `${a}/${b}`, xs, { fraction: float, signed: false });
  },
};

/** IEEE round-half-to-even, as ONNX Round specifies. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
