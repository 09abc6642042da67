/**
 * Rules for ops that change spatial extents by amounts given as data: Pad (attribute before
 * opset 11, inputs after, axes from 18), Resize (scales or sizes; axes and
 * keep_aspect_ratio_policy from 18), Upsample, CenterCropPad. Scaled sizes are computed the way
 * onnxruntime does, in float32 and truncated.
 */
import { attrFloats, attrInts, attrString } from '../attributes.js';
import type { Dim } from '../types.js';
import { addDim, isNum, mulDim, normAxis } from './dims.js';
import { type InferCtx, type Rule, fail, freshShape } from './context.js';

export const pad: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x) return [{ dtype }];
  const r = x.length;
  let pads: number[] | undefined;
  let axes: number[] | undefined = Array.from({ length: r }, (_, i) => i);
  if (ctx.opset < 11) pads = attrInts(ctx.node, ctx.opset < 2 ? 'paddings' : 'pads') ?? attrInts(ctx.node, 'pads');
  else {
    pads = ctx.numbers(1);
    if (ctx.has(3)) {
      const given = ctx.numbers(3);
      axes = given?.map((a) => {
        const n = normAxis(a, r);
        if (n === undefined) fail(`Pad: axis ${a} is out of range for rank ${r}`);
        return n;
      });
    }
  }
  if (!pads || !axes) return [{ dtype, shape: freshShape(ctx, r) }];
  const k = axes.length;
  if (pads.length !== 2 * k) fail(`Pad: ${pads.length} pads for ${k} axes`);
  const shape = [...x];
  axes.forEach((a, i) => {
    const grow = pads![i]! + pads![i + k]!;
    shape[a] = addDim(ctx.symbols, x[a]!, grow);
    if (isNum(shape[a]) && shape[a] < 0) fail(`Pad: pads [${pads!.join(',')}] make dimension ${a} negative`);
    // onnxruntime: "Cannot use 'reflect' mode to pad dimension with a value of 0" (edge too).
    const mode = attrString(ctx.node, 'mode') ?? 'constant';
    if (mode !== 'constant' && x[a] === 0 && (pads![i]! > 0 || pads![i + k]! > 0)) fail(`Pad: mode '${mode}' pads dimension ${a} of size 0`);
  });
  return [{ dtype, shape }];
};

/** floor(in * scale) computed as onnxruntime does (float32 product, truncated). */
function scaled(ctx: InferCtx, d: Dim, scale: number): Dim {
  if (isNum(d)) return Math.trunc(Math.fround(Math.fround(scale) * Math.fround(d)));
  if (Number.isInteger(scale) && scale > 0) return mulDim(d, scale);
  return ctx.symbols.fresh(`scale(${d},${scale})`);
}

/** A present, non-empty input's numbers; null when present but unknown. */
function optionalList(ctx: InferCtx, i: number): number[] | undefined | null {
  if (!ctx.has(i)) return undefined;
  const s = ctx.shape(i);
  if (s && s.length === 1 && s[0] === 0) return undefined;
  const v = ctx.numbers(i);
  if (!v) return null;
  return v.length ? v : undefined;
}

export const resize: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x) return [{ dtype }];
  const r = x.length;
  const scales = optionalList(ctx, ctx.opset < 11 ? 1 : 2);
  const sizes = ctx.opset < 11 ? undefined : optionalList(ctx, 3);
  if (scales === null || sizes === null) return [{ dtype, shape: freshShape(ctx, r) }];
  const axesAttr = ctx.opset >= 18 ? attrInts(ctx.node, 'axes') : undefined;
  const axes = (axesAttr ?? Array.from({ length: r }, (_, i) => i)).map((a) => {
    const n = normAxis(a, r);
    if (n === undefined) fail(`Resize: axis ${a} is out of range for rank ${r}`);
    return n;
  });
  const shape = [...x];
  if (sizes) {
    if (sizes.length !== axes.length) fail(`Resize: ${sizes.length} sizes for ${axes.length} axes`);
    const policy = ctx.opset >= 18 ? attrString(ctx.node, 'keep_aspect_ratio_policy', 'stretch') : 'stretch';
    if (policy === 'stretch') {
      axes.forEach((a, i) => (shape[a] = sizes[i]!));
      return [{ dtype, shape }];
    }
    const dims = axes.map((a) => x[a]!);
    if (!dims.every(isNum)) {
      axes.forEach((a) => (shape[a] = ctx.symbols.fresh()));
      return [{ dtype, shape }];
    }
    const ratios = axes.map((_, i) => Math.fround(Math.fround(sizes[i]!) / Math.fround(dims[i] as number)));
    const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((a, i) => (shape[a] = Math.round(Math.fround(s * (dims[i] as number)))));
    return [{ dtype, shape }];
  }
  if (scales) {
    if (scales.length !== axes.length) fail(`Resize: ${scales.length} scales for ${axes.length} axes`);
    axes.forEach((a, i) => (shape[a] = scaled(ctx, x[a]!, scales[i]!)));
    return [{ dtype, shape }];
  }
  fail('Resize: neither scales nor sizes is given');
};

export const upsample: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x) return [{ dtype }];
  const scales = ctx.opset < 9 ? attrFloats(ctx.node, 'scales') : ctx.numbers(1);
  if (!scales) return [{ dtype, shape: freshShape(ctx, x.length) }];
  if (scales.length !== x.length) fail(`Upsample: ${scales.length} scales for rank ${x.length}`);
  return [{ dtype, shape: x.map((d, i) => scaled(ctx, d, scales[i]!)) }];
};

export const centerCropPad: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x) return [{ dtype }];
  const r = x.length;
  const axes = (attrInts(ctx.node, 'axes') ?? Array.from({ length: r }, (_, i) => i)).map(
    (a) => normAxis(a, r) ?? fail(`CenterCropPad: axis ${a} is out of range`),
  );
  const target = ctx.value(1)?.elems;
  const shape = [...x];
  axes.forEach((a, i) => (shape[a] = target?.[i] ?? ctx.symbols.fresh()));
  return [{ dtype, shape }];
};
