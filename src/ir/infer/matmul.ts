/**
 * Rules for matrix products: MatMul (numpy semantics: 1-D operands promoted and the added axis
 * removed, batch axes broadcast), MatMulInteger, QLinearMatMul, Gemm, Einsum, and Det.
 */
import type { DType } from '../../onnx/dtype.js';
import { attrInt, attrString } from '../attributes.js';
import type { Dim } from '../types.js';
import { BroadcastError, broadcastDim, broadcastShapes, isNum, mergeDim } from './dims.js';
import { type InferCtx, type Rule, fail } from './context.js';

export function matmulShape(ctx: InferCtx, a: Dim[] | undefined, b: Dim[] | undefined): Dim[] | undefined {
  if (!a || !b) return undefined;
  if (a.length === 0 || b.length === 0) fail('MatMul operands must not be scalars');
  const a2 = a.length === 1 ? [1, a[0]!] : a;
  const b2 = b.length === 1 ? [b[0]!, 1] : b;
  const ka = a2[a2.length - 1]!;
  const kb = b2[b2.length - 2]!;
  if (isNum(ka) && isNum(kb) && ka !== kb) fail(`inner dimensions differ: ${ka} and ${kb}`);
  let batch: Dim[];
  try {
    batch = broadcastShapes(ctx.symbols, [a2.slice(0, -2), b2.slice(0, -2)]);
  } catch (e) {
    if (e instanceof BroadcastError) fail(`batch dimensions do not broadcast: ${e.message}`);
    throw e;
  }
  const out = [...batch];
  if (a.length !== 1) out.push(a2[a2.length - 2]!);
  if (b.length !== 1) out.push(b2[b2.length - 1]!);
  return out;
}

function matmulLike(dtype: (ctx: InferCtx) => DType | undefined, ia: number, ib: number): Rule {
  return (ctx) => [{ dtype: dtype(ctx), shape: matmulShape(ctx, ctx.shape(ia), ctx.shape(ib)) }];
}

export const matmul = matmulLike((ctx) => ctx.dtype(0), 0, 1);
export const matmulInteger = matmulLike(() => 'int32', 0, 1);
/** QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp). */
export const qlinearMatmul = matmulLike((ctx) => ctx.dtype(7), 0, 3);

export const gemm: Rule = (ctx) => {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  const transA = attrInt(ctx.node, 'transA', 0) !== 0;
  const transB = attrInt(ctx.node, 'transB', 0) !== 0;
  const m = a ? (transA ? a[1] : a[0]) : undefined;
  const n = b ? (transB ? b[0] : b[1]) : undefined;
  if ((a && a.length !== 2) || (b && b.length !== 2)) fail('Gemm operands must be 2-D');
  return [{ dtype: ctx.dtype(0) ?? ctx.dtype(1), shape: [m ?? ctx.symbols.fresh(), n ?? ctx.symbols.fresh()] }];
};

/**
 * Einsum: letters name axes, "..." the broadcast batch axes; without "->", the output is the
 * ellipsis axes followed by the letters used once, in alphabetical order.
 */
export const einsum: Rule = (ctx) => {
  const eq = attrString(ctx.node, 'equation', '').replace(/\s+/g, '');
  const dtype = ctx.dtype(0);
  const [lhs, rhs] = eq.split('->') as [string, string | undefined];
  const terms = lhs.split(',');
  const letters = new Map<string, Dim>();
  const counts = new Map<string, number>();
  const ellipses: Dim[][] = [];
  let ellipsisRank = 0;
  for (let t = 0; t < terms.length; t++) {
    const shape = ctx.shape(t);
    const term = terms[t]!;
    const parts = term.split('...');
    const named = parts.join('');
    for (const c of named) counts.set(c, (counts.get(c) ?? 0) + 1);
    if (!shape) {
      if (parts.length > 1) return [{ dtype }];
      continue;
    }
    const eRank = shape.length - named.length;
    if (eRank < 0 || (parts.length === 1 && eRank !== 0)) fail(`term '${term}' does not match rank ${shape.length}`);
    const before = parts[0]!;
    for (let i = 0; i < before.length; i++) bindLetter(ctx, letters, before[i]!, shape[i]!);
    if (parts.length > 1) {
      ellipses.push(shape.slice(before.length, before.length + eRank));
      ellipsisRank = Math.max(ellipsisRank, eRank);
      const after = parts[1]!;
      for (let i = 0; i < after.length; i++) bindLetter(ctx, letters, after[i]!, shape[before.length + eRank + i]!);
    }
  }
  let ell: Dim[];
  try {
    ell = broadcastShapes(ctx.symbols, ellipses);
  } catch (e) {
    if (e instanceof BroadcastError) fail(`ellipsis dimensions do not broadcast: ${e.message}`);
    throw e;
  }
  const out =
    rhs ??
    `${ellipses.length || lhs.includes('...') ? '...' : ''}${[...counts]
      .filter(([, n]) => n === 1)
      .map(([c]) => c)
      .sort()
      .join('')}`;
  const shape: Dim[] = [];
  const oparts = out.split('...');
  const pushLetters = (s: string) => {
    for (const c of s) shape.push(letters.get(c) ?? ctx.symbols.fresh());
  };
  pushLetters(oparts[0]!);
  if (oparts.length > 1) {
    shape.push(...ell);
    pushLetters(oparts[1]!);
  }
  return [{ dtype, shape }];
};

function bindLetter(ctx: InferCtx, letters: Map<string, Dim>, c: string, d: Dim): void {
  const prev = letters.get(c);
  if (prev === undefined) letters.set(c, d);
  else if (isNum(prev) && isNum(d)) letters.set(c, broadcastDim(ctx.symbols, prev, d));
  else letters.set(c, mergeDim(prev, d)!);
}

/** Det: the determinant of each trailing square matrix. */
export const det: Rule = (ctx) => {
  const x = ctx.shape(0);
  if (x && x.length < 2) fail(`Det: input of rank ${x.length} has no matrices`);
  return [{ dtype: ctx.dtype(0), shape: x ? x.slice(0, -2) : undefined }];
};
