/**
 * Rules for ops that rearrange a tensor without computing: Reshape (0 copies, -1 is solved
 * exactly even with symbolic dims when the quotient is a monomial), Flatten, Transpose,
 * Squeeze/Unsqueeze (axes attribute before opset 13, input from 13), Expand, Tile,
 * DepthToSpace, SpaceToDepth. Known values are carried through all of them.
 */
import { attrInt, attrInts } from '../attributes.js';
import type { Dim } from '../types.js';
import { BroadcastError, broadcastShapes, exactDiv, isNum, mulDim, normAxis, productDims } from './dims.js';
import { type InferCtx, type Rule, fail, freshShape } from './context.js';
import { isNonNegative } from './propagate.js';
import { type KnownValue, broadcastIndex, makeValue, strides } from './values.js';

/** The same elements under new static dims. */
function reshapeValue(v: KnownValue | undefined, dims: Dim[] | undefined): KnownValue | undefined {
  if (!v || !dims || !dims.every(isNum)) return undefined;
  if (v.tensor) return { ...v, dims: dims as number[], tensor: { ...v.tensor, dims: dims as number[] } };
  return makeValue(v.dtype, dims as number[], v.elems);
}

/** The rank of a 1-D input's value, when its length is a known number. */
function lengthOf(ctx: InferCtx, i: number): number | undefined {
  const s = ctx.shape(i);
  return s && s.length === 1 && isNum(s[0]) ? s[0] : s && s.length === 0 ? 1 : undefined;
}

export const reshape: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const target: Dim[] | undefined = ctx.opset < 5 ? attrInts(ctx.node, 'shape') : ctx.value(1)?.elems;
  if (!target) {
    const k = lengthOf(ctx, 1);
    if (k === 1 && x) return [{ dtype, shape: [productDims(x)] }];
    return [{ dtype, shape: freshShape(ctx, k) }];
  }
  const allowZero = ctx.opset >= 14 && attrInt(ctx.node, 'allowzero', 0) !== 0;
  const out: Array<Dim | undefined> = [];
  let inferAt = -1;
  target.forEach((t, i) => {
    if (t === -1) {
      if (inferAt >= 0) fail('Reshape: more than one -1 in the target shape');
      inferAt = i;
      out.push(undefined);
    } else if (t === 0 && !allowZero) {
      if (x && i >= x.length) fail(`Reshape: 0 at position ${i} copies a dimension the input (rank ${x.length}) does not have`);
      out.push(x ? x[i]! : ctx.symbols.fresh());
    } else if (isNum(t) && t < 0) fail(`Reshape: invalid target dimension ${t}`);
    else if (!isNonNegative(ctx.symbols, t)) out.push(ctx.symbols.fresh());
    else out.push(t);
  });
  if (inferAt >= 0) {
    const known = out.filter((d): d is Dim => d !== undefined);
    let solved: Dim | undefined;
    if (x) {
      const total = productDims(x);
      const rest = productDims(known);
      solved = exactDiv(total, rest);
      if (solved === undefined && isNum(total) && isNum(rest)) fail(`Reshape: cannot reshape ${total} elements into [${target.join(',')}]`);
    }
    out[inferAt] = solved ?? ctx.symbols.fresh(`reshape(${x?.join(',')}|${target.join(',')})`);
  }
  const shape = out as Dim[];
  if (x && isNum(productDims(x)) && isNum(productDims(shape)) && productDims(x) !== productDims(shape)) {
    fail(`Reshape: input [${x.join(',')}] and target [${shape.join(',')}] hold different element counts`);
  }
  return [{ dtype, shape, value: reshapeValue(ctx.value(0), shape) }];
};

export const flatten: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x) return [{ dtype, shape: freshShape(ctx, 2) }];
  let axis = attrInt(ctx.node, 'axis', 1);
  if (axis < 0) axis += x.length;
  if (axis < 0 || axis > x.length) fail(`Flatten: axis ${attrInt(ctx.node, 'axis', 1)} is out of range for rank ${x.length}`);
  const shape = [productDims(x.slice(0, axis)), productDims(x.slice(axis))];
  return [{ dtype, shape, value: reshapeValue(ctx.value(0), shape) }];
};

export const transpose: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const permAttr = attrInts(ctx.node, 'perm');
  if (!x) return [{ dtype, shape: freshShape(ctx, permAttr?.length) }];
  const perm = permAttr && permAttr.length ? permAttr.map((p) => (p < 0 ? p + x.length : p)) : x.map((_, i) => x.length - 1 - i);
  if (perm.length !== x.length || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
    fail(`Transpose: perm [${permAttr?.join(',')}] is not a permutation of ${x.length} axes`);
  }
  const shape = perm.map((p) => x[p]!);
  let value: KnownValue | undefined;
  const v = ctx.value(0);
  if (v && shape.every(isNum)) {
    const st = strides(v.dims);
    const ost = strides(shape as number[]);
    const elems: Dim[] = [];
    for (let i = 0; i < v.elems.length; i++) {
      let rem = i;
      let src = 0;
      for (let a = 0; a < perm.length; a++) {
        const c = Math.floor(rem / ost[a]!);
        rem -= c * ost[a]!;
        src += c * st[perm[a]!]!;
      }
      elems.push(v.elems[src]!);
    }
    value = makeValue(v.dtype, shape as number[], elems);
  }
  return [{ dtype, shape, value }];
};

/** Axes of Squeeze/Unsqueeze: attribute before opset 13, input from 13. `null`: unknown. */
function axesOf(ctx: InferCtx): number[] | undefined | null {
  if (ctx.opset < 13) return attrInts(ctx.node, 'axes');
  if (!ctx.has(1)) return undefined;
  return ctx.numbers(1) ?? null;
}

export const squeeze: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const axes = axesOf(ctx);
  if (!x || axes === null) return [{ dtype }];
  let shape: Dim[];
  if (!axes || axes.length === 0) {
    // Without axes every 1 goes; a symbol might be 1, so the rank is unknown then.
    if (!x.every(isNum)) return [{ dtype }];
    shape = x.filter((d) => d !== 1);
  } else {
    const drop = new Set<number>();
    for (const a of axes) {
      const n = normAxis(a, x.length);
      if (n === undefined) fail(`Squeeze: axis ${a} is out of range for rank ${x.length}`);
      if (isNum(x[n]) && x[n] !== 1) fail(`Squeeze: axis ${a} has size ${x[n]}, not 1`);
      drop.add(n);
    }
    shape = x.filter((_, i) => !drop.has(i));
  }
  return [{ dtype, shape, value: reshapeValue(ctx.value(0), shape) }];
};

export const unsqueeze: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const axes = axesOf(ctx);
  if (axes === null) {
    const k = lengthOf(ctx, 1);
    return [{ dtype, shape: x && k !== undefined ? freshShape(ctx, x.length + k) : undefined }];
  }
  if (!x || !axes) return [{ dtype }];
  const rank = x.length + axes.length;
  const ins = new Set<number>();
  for (const a of axes) {
    const n = normAxis(a, rank);
    if (n === undefined || ins.has(n)) fail(`Unsqueeze: axes [${axes.join(',')}] are invalid for output rank ${rank}`);
    ins.add(n);
  }
  const shape: Dim[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(ins.has(i) ? 1 : x[j++]!);
  return [{ dtype, shape, value: reshapeValue(ctx.value(0), shape) }];
};

/** Elements of a broadcast of `v` to static `dims`. */
function broadcastValue(v: KnownValue | undefined, dims: Dim[]): KnownValue | undefined {
  if (!v || !dims.every(isNum)) return undefined;
  const n = (dims as number[]).reduce((a, b) => a * b, 1);
  if (n > 4096) return undefined;
  const elems: Dim[] = [];
  for (let i = 0; i < n; i++) elems.push(v.elems[broadcastIndex(i, dims as number[], v.dims)]!);
  return makeValue(v.dtype, dims as number[], elems);
}

export const expand: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const target = ctx.value(1)?.elems;
  if (!target) {
    const k = lengthOf(ctx, 1);
    if (!x || k === undefined) return [{ dtype }];
    const rank = Math.max(x.length, k);
    const shape = Array.from({ length: rank }, (_, i) => {
      const d = x[i - rank + x.length];
      return d !== undefined && isNum(d) && d !== 1 ? d : ctx.symbols.fresh();
    });
    return [{ dtype, shape }];
  }
  if (!x) return [{ dtype }];
  let shape: Dim[];
  try {
    shape = broadcastShapes(ctx.symbols, [x, target]);
  } catch (e) {
    if (e instanceof BroadcastError) fail(`Expand: [${x.join(',')}] does not broadcast to [${target.join(',')}]`);
    throw e;
  }
  return [{ dtype, shape, value: broadcastValue(ctx.value(0), shape) }];
};

export const tile: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const reps = ctx.value(1)?.elems;
  if (!x) return [{ dtype }];
  if (!reps) return [{ dtype, shape: freshShape(ctx, x.length) }];
  if (reps.length !== x.length) fail(`Tile: ${reps.length} repeats for rank ${x.length}`);
  const shape = x.map((d, i) => mulDim(d, reps[i]!));
  let value: KnownValue | undefined;
  const v = ctx.value(0);
  if (v && shape.every(isNum) && (shape as number[]).reduce((a, b) => a * b, 1) <= 4096) {
    const ost = strides(shape as number[]);
    const st = strides(v.dims);
    const elems: Dim[] = [];
    const n = (shape as number[]).reduce((a, b) => a * b, 1);
    for (let i = 0; i < n; i++) {
      let rem = i;
      let src = 0;
      for (let a = 0; a < shape.length; a++) {
        const c = Math.floor(rem / ost[a]!);
        rem -= c * ost[a]!;
        src += (c % v.dims[a]!) * st[a]!;
      }
      elems.push(v.elems[src]!);
    }
    value = makeValue(v.dtype, shape as number[], elems);
  }
  return [{ dtype, shape, value }];
};

function blockRule(toSpace: boolean): Rule {
  return (ctx) => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    if (!x) return [{ dtype }];
    if (x.length !== 4) fail(`${ctx.node.opType}: input must be 4-D, not rank ${x.length}`);
    const b = attrInt(ctx.node, 'blocksize');
    if (b === undefined || b <= 0) fail(`${ctx.node.opType}: missing or invalid blocksize`);
    const div = (d: Dim, k: number) =>
      exactDiv(d, k) ?? (isNum(d) ? fail(`${ctx.node.opType}: ${d} is not divisible by ${k}`) : ctx.symbols.fresh(`${d}/${k}`));
    const [n, c, h, w] = x as [Dim, Dim, Dim, Dim];
    const shape = toSpace ? [n, div(c, b * b), mulDim(h, b), mulDim(w, b)] : [n, mulDim(c, b * b), div(h, b), div(w, b)];
    return [{ dtype, shape }];
  };
}

export const depthToSpace = blockRule(true);
export const spaceToDepth = blockRule(false);
