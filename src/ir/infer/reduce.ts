/**
 * Rules for reductions: Reduce* (axes as an attribute before opset `axesInputSince`, as an
 * optional input from it on, with keepdims and noop_with_empty_axes), ArgMax/ArgMin. Reducing
 * a known 1-D value (ReduceProd of a shape is the element count) is evaluated.
 */
import { type NumericDType, isIntegerDType } from '../../onnx/dtype.js';
import { attrInt, attrInts } from '../attributes.js';
import type { Dim } from '../types.js';
import { isNum, normAxis } from './dims.js';
import { type InferCtx, type Rule, fail, freshShape } from './context.js';
import { ARITH } from './propagate.js';
import { type KnownValue, makeValue } from './values.js';

type Fold = 'sum' | 'prod' | 'max' | 'min';

function axesOf(ctx: InferCtx, axesInputSince: number): { axes?: number[]; unknown?: boolean; count?: number } {
  if (ctx.opset < axesInputSince) return { axes: attrInts(ctx.node, 'axes') };
  if (!ctx.has(1)) return {};
  const axes = ctx.numbers(1);
  if (axes) return { axes };
  const s = ctx.shape(1);
  return { unknown: true, count: s && s.length === 1 && isNum(s[0]) ? s[0] : undefined };
}

export function reduce(axesInputSince: number, fold?: Fold): Rule {
  return (ctx) => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    const keep = attrInt(ctx.node, 'keepdims', 1) !== 0;
    const noop = attrInt(ctx.node, 'noop_with_empty_axes', 0) !== 0;
    const { axes, unknown, count } = axesOf(ctx, axesInputSince);
    if (!x) return [{ dtype }];
    const r = x.length;
    if (unknown) {
      // Which axes go is unknown: every dim may be kept or become 1.
      if (keep) return [{ dtype, shape: freshShape(ctx, r) }];
      return [{ dtype, shape: count !== undefined && count > 0 ? freshShape(ctx, r - count) : undefined }];
    }
    if (!axes || axes.length === 0) {
      if (noop && ctx.opset >= axesInputSince) return [{ dtype, shape: [...x], value: ctx.value(0) }];
    }
    const all = !axes || axes.length === 0;
    const set = new Set<number>();
    for (const a of axes ?? []) {
      const n = normAxis(a, r);
      if (n === undefined) fail(`axis ${a} is out of range for rank ${r}`);
      set.add(n);
    }
    const shape: Dim[] = [];
    for (let i = 0; i < r; i++) {
      if (all || set.has(i)) {
        if (keep) shape.push(1);
      } else shape.push(x[i]!);
    }
    const value = fold && dtype && dtype !== 'string' ? foldValue(ctx, ctx.value(0), dtype, fold, shape) : undefined;
    return [{ dtype, shape, value }];
  };
}

function foldValue(ctx: InferCtx, v: KnownValue | undefined, dtype: NumericDType, fold: Fold, shape: Dim[]): KnownValue | undefined {
  // Only whole reductions of a value: that is what shape arithmetic uses.
  if (!v || !isIntegerDType(dtype) || !shape.every((d) => d === 1)) return undefined;
  let acc: Dim | undefined = fold === 'sum' ? 0 : fold === 'prod' ? 1 : undefined;
  for (const e of v.elems) {
    if (acc === undefined) {
      acc = e;
      continue;
    }
    if (fold === 'prod') acc = ARITH.Mul([acc, e], ctx.symbols, dtype);
    else if (fold === 'sum') acc = ARITH.Add([acc, e], ctx.symbols, dtype);
    else if (isNum(acc) && isNum(e)) acc = fold === 'max' ? Math.max(acc, e) : Math.min(acc, e);
    else acc = acc === e ? acc : undefined;
    if (acc === undefined) return undefined;
  }
  if (acc === undefined) return undefined;
  return makeValue(dtype, shape as number[], [acc]);
}

export const argReduce: Rule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return [{ dtype: 'int64' }];
  const axis = normAxis(attrInt(ctx.node, 'axis', 0), x.length);
  if (axis === undefined) fail(`axis ${attrInt(ctx.node, 'axis', 0)} is out of range for rank ${x.length}`);
  const keep = attrInt(ctx.node, 'keepdims', 1) !== 0;
  const shape = x.flatMap((d, i) => (i === axis ? (keep ? [1] : []) : [d]));
  return [{ dtype: 'int64', shape }];
};
