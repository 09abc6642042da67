/**
 * Rules for element-wise ops: unary maps (same type and shape as the input), broadcasting
 * binary and variadic ops, comparisons and logic (bool results), Where, Clip, PRelu, and the
 * known-value evaluation of those exporters use on shape vectors.
 */
import { type DType, isFloatDType } from '../../onnx/dtype.js';
import { attrInt } from '../attributes.js';
import type { Dim } from '../types.js';
import { BroadcastError, broadcastShapes, isNum } from './dims.js';
import { type InferCtx, type Rule, fail } from './context.js';
import { ARITH, type ElemFn, mapValues, numeric, roundHalfEven } from './propagate.js';
import type { KnownValue } from './values.js';

function copyShape(s: Dim[] | undefined): Dim[] | undefined {
  return s ? [...s] : undefined;
}

/**
 * Whether arithmetic in `dtype` is propagated. Not in float16/bfloat16: onnxruntime's CPU
 * kernels compute those in float32 and skip the rounding between consecutive ops, so a value
 * rounded per op as ONNX specifies would differ from what the model gives when run.
 */
function computable(dtype: DType | undefined): dtype is Exclude<DType, 'string' | 'float16' | 'bfloat16'> {
  return dtype !== undefined && dtype !== 'string' && dtype !== 'float16' && dtype !== 'bfloat16';
}

/** Same dtype and shape as input 0; `f` also evaluates known values. */
export function unary(f?: ElemFn): Rule {
  return (ctx) => {
    const dtype = ctx.dtype(0);
    const value = f && computable(dtype) ? mapValues(ctx.symbols, [ctx.value(0)], dtype, f) : undefined;
    return [{ dtype, shape: copyShape(ctx.shape(0)), value }];
  };
}

/** Same shape as input 0, with a fixed result dtype (IsNaN, Not...). */
export function unaryTo(dtype: DType, f?: ElemFn): Rule {
  return (ctx) => {
    const value = f && dtype !== 'string' ? mapValues(ctx.symbols, [ctx.value(0)], dtype, f) : undefined;
    return [{ dtype, shape: copyShape(ctx.shape(0)), value }];
  };
}

export const identity: Rule = (ctx) => [{ dtype: ctx.dtype(0), shape: copyShape(ctx.shape(0)), value: ctx.value(0) }];

/** The broadcast shape of the present inputs listed (undefined if any rank is unknown). */
export function broadcastOf(ctx: InferCtx, indexes: number[]): Dim[] | undefined {
  const shapes = indexes.filter((i) => ctx.has(i)).map((i) => ctx.shape(i));
  if (shapes.some((s) => !s)) return undefined;
  try {
    return broadcastShapes(ctx.symbols, shapes as Dim[][]);
  } catch (e) {
    if (e instanceof BroadcastError) fail(`inputs ${shapes.map((s) => `[${s!.join(',')}]`).join(' and ')} do not broadcast: ${e.message}`);
    throw e;
  }
}

function allInputs(ctx: InferCtx): number[] {
  return Array.from({ length: ctx.inputCount }, (_, i) => i).filter((i) => ctx.has(i));
}

/**
 * Broadcasting op over every input; result dtype `out` (default: input 0's). Before
 * `numpySince` (7 for the binary ops, 8 for the variadic ones) broadcasting was
 * unidirectional (B to A, with an optional `axis`), so the result has A's shape.
 */
export function broadcasting(f?: ElemFn, out?: DType, numpySince = 7): Rule {
  return (ctx) => {
    const idx = allInputs(ctx);
    const dtype = out ?? ctx.dtype(0);
    if (ctx.opset < numpySince) return [{ dtype, shape: ctx.shape(0) ? [...ctx.shape(0)!] : undefined }];
    const shape = broadcastOf(ctx, idx);
    // Comparisons and logic give exact bools whatever the input type.
    const inputsComputable = idx.every((i) => computable(ctx.dtype(i)));
    const value =
      f && dtype && dtype !== 'string' && (out === 'bool' || (computable(dtype) && inputsComputable))
        ? mapValues(
            ctx.symbols,
            idx.map((i) => ctx.value(i)),
            dtype,
            f,
          )
        : undefined;
    return [{ dtype, shape, value }];
  };
}

const cmp = (p: (a: number, b: number) => boolean): ElemFn =>
  numeric(
    (a, b) => (p(a, b) ? 1 : 0),
    ([a, b]) => (a === b ? (p(0, 0) ? 1 : 0) : undefined),
  );

const minmax = (pick: (...x: number[]) => number): ElemFn => numeric(pick, (xs) => (xs.every((x) => x === xs[0]) ? xs[0] : undefined));

export const arithmetic = {
  Add: broadcasting(ARITH.Add),
  Sub: broadcasting(ARITH.Sub),
  Mul: broadcasting(ARITH.Mul),
  Div: broadcasting(ARITH.Div),
  Max: broadcasting(minmax(Math.max), undefined, 8),
  Min: broadcasting(minmax(Math.min), undefined, 8),
  Sum: broadcasting(
    (xs, s, d) => xs.slice(1).reduce<Dim | undefined>((acc, x) => (acc === undefined ? undefined : ARITH.Add([acc, x], s, d)), xs[0]),
    undefined,
    8,
  ),
  Mean: broadcasting(undefined, undefined, 8),
  Pow: broadcasting(),
  Mod: ((ctx) => {
    const fmod = attrInt(ctx.node, 'fmod', 0);
    const dtype = ctx.dtype(0);
    const f = numeric((a, b) => {
      if (b === 0) return NaN;
      if (fmod || (dtype && isFloatDType(dtype))) return a % b;
      const r = a % b;
      return r !== 0 && r < 0 !== b < 0 ? r + b : r;
    });
    return broadcasting(f)(ctx);
  }) as Rule,
  BitShift: broadcasting(),
  BitwiseAnd: broadcasting(),
  BitwiseOr: broadcasting(),
  BitwiseXor: broadcasting(),
};

export const comparison = {
  Equal: broadcasting(
    cmp((a, b) => a === b),
    'bool',
  ),
  Less: broadcasting(
    cmp((a, b) => a < b),
    'bool',
  ),
  LessOrEqual: broadcasting(
    cmp((a, b) => a <= b),
    'bool',
  ),
  Greater: broadcasting(
    cmp((a, b) => a > b),
    'bool',
  ),
  GreaterOrEqual: broadcasting(
    cmp((a, b) => a >= b),
    'bool',
  ),
  And: broadcasting(
    numeric((a, b) => (a && b ? 1 : 0)),
    'bool',
  ),
  Or: broadcasting(
    numeric((a, b) => (a || b ? 1 : 0)),
    'bool',
  ),
  Xor: broadcasting(
    numeric((a, b) => (a ? 1 : 0) ^ (b ? 1 : 0)),
    'bool',
  ),
  Not: unaryTo(
    'bool',
    numeric((a) => (a ? 0 : 1)),
  ),
  IsNaN: unaryTo('bool'),
  IsInf: unaryTo('bool'),
};

export const where: Rule = (ctx) => {
  const dtype = ctx.dtype(1) ?? ctx.dtype(2);
  const shape = broadcastOf(ctx, [0, 1, 2]);
  const value =
    dtype && dtype !== 'string'
      ? mapValues(ctx.symbols, [ctx.value(0), ctx.value(1), ctx.value(2)], dtype, (xs) => (xs[0] === 0 ? xs[2] : isNum(xs[0]) ? xs[1] : undefined))
      : undefined;
  return [{ dtype, shape, value }];
};

/** Clip: inputs min/max (opset 11+) are scalars; the result has X's type and shape. */
export const clip: Rule = (ctx) => {
  const dtype = ctx.dtype(0);
  let value: KnownValue | undefined;
  if (dtype && dtype !== 'string' && ctx.opset >= 11) {
    const lo = ctx.has(1) ? ctx.numbers(1)?.[0] : -Infinity;
    const hi = ctx.has(2) ? ctx.numbers(2)?.[0] : Infinity;
    if (lo !== undefined && hi !== undefined) {
      value = mapValues(
        ctx.symbols,
        [ctx.value(0)],
        dtype,
        numeric((x) => Math.min(Math.max(x, lo), hi)),
      );
    }
  }
  return [{ dtype, shape: ctx.shape(0) ? [...ctx.shape(0)!] : undefined, value }];
};

/** PRelu: slope broadcasts to X (unidirectionally since opset 7). */
export const prelu: Rule = (ctx) => [{ dtype: ctx.dtype(0), shape: ctx.opset >= 7 ? broadcastOf(ctx, [0, 1]) : copyShape(ctx.shape(0)) }];

export const unaryValueFns: Record<string, ElemFn> = {
  Neg: numeric((x) => -x),
  Abs: numeric((x) => Math.abs(x)),
  Floor: numeric(Math.floor),
  Ceil: numeric(Math.ceil),
  Round: numeric(roundHalfEven),
  Sqrt: numeric(Math.sqrt),
  Sign: numeric((x) => Math.sign(x)),
  Reciprocal: numeric((x) => 1 / x),
  Relu: numeric((x) => Math.max(x, 0)),
};
