/**
 * Rules for normalisation and regularisation ops whose extra outputs differ from the input:
 * BatchNormalization (training outputs), LayerNormalization (Mean, InvStdDev), Dropout (mask),
 * and the quantisation ops (QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear).
 * Normalisations with one output like their input are plain unary rules in the table.
 */
import { type DType, dtypeFromOnnx } from '../../onnx/dtype.js';
import { attrInt } from '../attributes.js';
import type { Dim } from '../types.js';
import { normAxis } from './dims.js';
import { type InferCtx, type OutputInfo, type Rule, fail } from './context.js';

function same(ctx: InferCtx): OutputInfo {
  return { dtype: ctx.dtype(0), shape: ctx.shape(0) ? [...ctx.shape(0)!] : undefined };
}

export const batchNormalization: Rule = (ctx) => {
  const x = ctx.shape(0);
  const c: Dim[] | undefined = x && x.length > 1 ? [x[1]!] : ctx.shape(1) ? [...ctx.shape(1)!] : undefined;
  // Opset 14 split the statistics' type (U) from X's type (T).
  const statType = ctx.opset >= 14 ? (ctx.dtype(3) ?? ctx.dtype(0)) : ctx.dtype(0);
  const stats = ctx.node.outputs.slice(1).map(() => ({ dtype: statType, shape: c ? [...c] : undefined }));
  return [same(ctx), ...stats];
};

export const layerNormalization: Rule = (ctx) => {
  const x = ctx.shape(0);
  const stash = dtypeFromOnnx(attrInt(ctx.node, 'stash_type', 1));
  let statShape: Dim[] | undefined;
  if (x) {
    const axisAttr = attrInt(ctx.node, 'axis', -1);
    const axis = normAxis(axisAttr, x.length);
    if (axis === undefined) fail(`LayerNormalization: axis ${axisAttr} is out of range for rank ${x.length}`);
    statShape = x.map((d, i) => (i < axis ? d : 1));
  }
  return [same(ctx), { dtype: stash, shape: statShape }, { dtype: stash, shape: statShape ? [...statShape] : undefined }];
};

export const dropout: Rule = (ctx) => {
  const mask: DType | undefined = ctx.opset >= 10 ? 'bool' : ctx.dtype(0);
  return [same(ctx), { ...same(ctx), dtype: mask }];
};

function outputDtypeAttr(ctx: InferCtx): DType | undefined | null {
  const code = attrInt(ctx.node, 'output_dtype', 0);
  return code ? (dtypeFromOnnx(code) ?? null) : undefined;
}

export const quantizeLinear: Rule = (ctx) => {
  const fromAttr = ctx.opset >= 21 ? outputDtypeAttr(ctx) : undefined;
  // null: a type hybridrt has no name for (float8, int4...): unknown rather than wrong.
  const dtype = fromAttr === null ? undefined : (fromAttr ?? (ctx.has(2) ? ctx.dtype(2) : 'uint8'));
  return [{ ...same(ctx), dtype }];
};

export const dequantizeLinear: Rule = (ctx) => {
  const fromAttr = outputDtypeAttr(ctx);
  const dtype = fromAttr === null ? undefined : (fromAttr ?? (ctx.opset >= 19 ? ctx.dtype(1) : 'float32'));
  return [{ ...same(ctx), dtype }];
};

export const dynamicQuantizeLinear: Rule = (ctx) => [
  { ...same(ctx), dtype: 'uint8' },
  { dtype: 'float32', shape: [] },
  { dtype: 'uint8', shape: [] },
];
