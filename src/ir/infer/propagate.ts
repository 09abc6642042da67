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

/** Symbols standing for numbers that may have a fractional part. */
const nonInteger = new WeakMap<SymbolTable, Set<string>>();

export function markNonInteger(symbols: SymbolTable, s: string): string {
  let set = nonInteger.get(symbols);
  if (!set) nonInteger.set(symbols, (set = new Set()));
  set.add(s);
  return s;
}

export function isIntegerValued(symbols: SymbolTable, d: Dim): boolean {
  if (isNum(d)) return Number.isInteger(d);
  const set = nonInteger.get(symbols);
  return !set || ![...set].some((s) => d === s || d.split('*').includes(s));
}

/** An element function: numbers in, number out (undefined: not computable exactly). */
export type ElemFn = (xs: Dim[], symbols: SymbolTable, dtype: NumericDType) => Dim | undefined;

/** Evaluates an elementwise op over broadcast known values. */
export function mapValues(
  symbols: SymbolTable,
  inputs: Array<KnownValue | undefined>,
  outDtype: NumericDType,
  f: ElemFn,
): KnownValue | undefined {
  if (inputs.some((v) => !v)) return undefined;
  const vs = inputs as KnownValue[];
  let outDims: number[];
  try {
    outDims = broadcastShapes(symbols, vs.map((v) => v.dims)) as number[];
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

function fractional(symbols: SymbolTable, key: string): string {
  return markNonInteger(symbols, symbols.fresh(key));
}

export const ARITH: Record<'Add' | 'Sub' | 'Mul' | 'Div', ElemFn> = {
  Add: numeric(
    (a, b) => a + b,
    ([a, b], symbols) =>
      isIntegerValued(symbols, a!) && isIntegerValued(symbols, b!) ? addDim(symbols, a!, b!) : fractional(symbols, `${a}+${b}`),
  ),
  Sub: numeric(
    (a, b) => a - b,
    ([a, b], symbols) =>
      isIntegerValued(symbols, a!) && isIntegerValued(symbols, b!) ? subDim(symbols, a!, b!) : fractional(symbols, `${a}-${b}`),
  ),
  Mul: numeric(
    (a, b) => a * b,
    ([a, b], symbols) =>
      isIntegerValued(symbols, a!) && isIntegerValued(symbols, b!) ? mulDim(a!, b!) : fractional(symbols, `${a}*${b}`),
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
    if (isIntegerValued(symbols, a) && isIntegerValued(symbols, b)) {
      const q = exactDiv(a, b);
      if (q !== undefined) return q;
    }
    return float ? fractional(symbols, `${a}/${b}`) : symbols.fresh(`${a}/${b}`);
  },
};

/** IEEE round-half-to-even, as ONNX Round specifies. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
