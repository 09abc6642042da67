/**
 * Rules for ops that make tensors from attributes or shapes, and the type-changing ones:
 * Constant, Shape (start/end from opset 15), Size, ConstantOfShape, Range, Cast, CastLike,
 * EyeLike, OneHot, the Random* ops and Bernoulli. These are where known values start: a
 * Constant's tensor, a Shape's dims (symbols included), a Range's elements.
 */
import { type DType, type NumericDType, dtypeFromOnnx, isFloatDType, isIntegerDType } from '../../onnx/dtype.js';
import { toNumber } from '../../onnx/proto.js';
import type { TensorProto } from '../../onnx/proto.js';
import { tensorFromProto } from '../../onnx/tensor.js';
import { attrInt, attrInts, findAttr, shapeRange } from '../attributes.js';
import type { Dim } from '../types.js';
import { isNum, normAxis, productDims } from './dims.js';
import { type InferCtx, type OutputInfo, type Rule, fail, freshShape } from './context.js';
import { isIntegerValued, isNonNegative } from './propagate.js';
import { MAX_VALUE_ELEMENTS, makeValue, roundTo, valueFromTensor } from './values.js';

function tensorInfo(t: TensorProto): OutputInfo {
  const dims = t.dims.map(toNumber);
  const dtype = dtypeFromOnnx(t.dataType ?? 0);
  if (!dtype || dtype === 'string') return { dtype, shape: dims };
  return { dtype, shape: dims, value: valueFromTensor(tensorFromProto(t)) };
}

export const constant: Rule = (ctx) => {
  const node = ctx.node;
  const a = node.attributes[0];
  if (!a || node.attributes.length !== 1) fail('Constant: needs exactly one value attribute');
  switch (a.name) {
    case 'value':
      return [a.t ? tensorInfo(a.t) : undefined];
    case 'sparse_value': {
      const sp = a.sparseTensor;
      return [{ dtype: dtypeFromOnnx(sp?.values?.dataType ?? 0), shape: sp ? sp.dims.map(toNumber) : undefined }];
    }
    case 'value_float':
      return [{ dtype: 'float32', shape: [], value: makeValue('float32', [], [Math.fround(a.f ?? 0)]) }];
    case 'value_floats':
      return [{ dtype: 'float32', shape: [a.floats.length], value: makeValue('float32', [a.floats.length], a.floats.map(Math.fround)) }];
    case 'value_int':
      return [{ dtype: 'int64', shape: [], value: makeValue('int64', [], [toNumber(a.i)]) }];
    case 'value_ints':
      return [{ dtype: 'int64', shape: [a.ints.length], value: makeValue('int64', [a.ints.length], a.ints.map(toNumber)) }];
    case 'value_string':
      return [{ dtype: 'string', shape: [] }];
    case 'value_strings':
      return [{ dtype: 'string', shape: [a.strings.length] }];
    default:
      fail(`Constant: unknown attribute '${a.name}'`);
  }
};

export const shapeOf: Rule = (ctx) => {
  const x = ctx.shape(0);
  if (!x) return [{ dtype: 'int64', shape: [ctx.symbols.fresh()] }];
  const dims = x.slice(...shapeRange(ctx.node, x.length, ctx.opset));
  return [{ dtype: 'int64', shape: [dims.length], value: makeValue('int64', [dims.length], dims) }];
};

export const size: Rule = (ctx) => {
  const x = ctx.shape(0);
  return [{ dtype: 'int64', shape: [], value: x ? makeValue('int64', [], [productDims(x)]) : undefined }];
};

export const constantOfShape: Rule = (ctx) => {
  const a = findAttr(ctx.node, 'value');
  let dtype: NumericDType | undefined = 'float32';
  let fill: number | undefined = 0;
  if (a?.t) {
    const code = a.t.dataType ?? 0;
    const named = dtypeFromOnnx(code);
    // A fill of a type hybridrt cannot hold (float8...): the shape is still known.
    dtype = named && named !== 'string' ? named : undefined;
    fill = dtype ? (valueFromTensor(tensorFromProto(a.t))?.elems[0] as number) : undefined;
  }
  const dims = ctx.value(0)?.elems;
  if (!dims) {
    const s = ctx.shape(0);
    return [{ dtype, shape: s && s.length === 1 && isNum(s[0]) ? freshShape(ctx, s[0]) : undefined }];
  }
  if (dims.some((d) => isNum(d) && d < 0)) fail(`ConstantOfShape: negative dimension in [${dims.join(',')}]`);
  const shape = [...dims];
  const n = productDims(shape);
  const value =
    dtype && fill !== undefined && isNum(n) && n <= MAX_VALUE_ELEMENTS
      ? makeValue(dtype, shape as number[], new Array<Dim>(n).fill(fill))
      : undefined;
  return [{ dtype, shape, value }];
};

export const range: Rule = (ctx) => {
  const dtype = ctx.dtype(0) ?? ctx.dtype(1);
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.value(i)?.elems[0]);
  if (start === undefined || limit === undefined || delta === undefined || !dtype || dtype === 'string') {
    return [{ dtype, shape: [ctx.symbols.fresh()] }];
  }
  if (!isNum(start) || !isNum(limit) || !isNum(delta)) {
    // Range(0, S, 1) has S elements when S is a size; a symbol that may be negative gives 0 then.
    const exact = start === 0 && delta === 1 && isIntegerValued(ctx.symbols, limit) && isNonNegative(ctx.symbols, limit);
    const n = exact ? limit : ctx.symbols.fresh(`range(${start},${limit},${delta})`);
    return [{ dtype, shape: [n] }];
  }
  if (delta === 0) fail('Range: delta is 0');
  const diff = roundTo(dtype, limit - start) ?? limit - start;
  const n = Math.max(Math.ceil(diff / delta), 0);
  let value;
  // float16/bfloat16 accumulate differently in onnxruntime (see computable() in elementwise.ts).
  if (n <= MAX_VALUE_ELEMENTS && dtype !== 'float16' && dtype !== 'bfloat16') {
    const elems: number[] = [];
    let v = start;
    for (let i = 0; i < n; i++) {
      elems.push(v);
      v = roundTo(dtype, v + delta) ?? NaN;
    }
    if (!elems.some(Number.isNaN)) value = makeValue(dtype, [n], elems);
  }
  return [{ dtype, shape: [n], value }];
};

/** Converts known elements to `to`; undefined when some element cannot be converted exactly. */
function castElems(ctx: InferCtx, elems: Dim[], from: DType, to: NumericDType): Dim[] | undefined {
  const out: Dim[] = [];
  for (const e of elems) {
    if (!isNum(e)) {
      // A symbol stands for an integer unless marked otherwise; it survives integer casts.
      if (to === 'bool' || !isIntegerValued(ctx.symbols, e)) return undefined;
      out.push(e);
      continue;
    }
    let x = e;
    if (isFloatDType(from) && isIntegerDType(to)) {
      if (!Number.isFinite(x)) return undefined;
      x = Math.trunc(x);
    }
    const r = roundTo(to, x);
    if (r === undefined) return undefined;
    out.push(r);
  }
  return out;
}

function castTo(ctx: InferCtx, to: DType | undefined): OutputInfo[] {
  const shape = ctx.shape(0) ? [...ctx.shape(0)!] : undefined;
  const v = ctx.value(0);
  const from = ctx.dtype(0);
  let value;
  if (v && from && to && to !== 'string') {
    const elems = castElems(ctx, v.elems, from, to);
    if (elems) value = makeValue(to, [...v.dims], elems);
  }
  return [{ dtype: to, shape, value }];
}

export const cast: Rule = (ctx) => {
  const code = attrInt(ctx.node, 'to');
  if (code === undefined) fail("Cast: missing 'to' attribute");
  return castTo(ctx, dtypeFromOnnx(code));
};

export const castLike: Rule = (ctx) => castTo(ctx, ctx.dtype(1));

/** The dtype named by attribute `name` (an ONNX code), else `dflt`. */
function dtypeAttr(ctx: InferCtx, name: string, dflt: DType | undefined): DType | undefined {
  const code = attrInt(ctx.node, name);
  return code === undefined ? dflt : dtypeFromOnnx(code);
}

/** EyeLike, RandomUniformLike, RandomNormalLike, Bernoulli: input's shape, `dtype` attribute or input's type. */
export const likeInput: Rule = (ctx) => [{ dtype: dtypeAttr(ctx, 'dtype', ctx.dtype(0)), shape: ctx.shape(0) ? [...ctx.shape(0)!] : undefined }];

/** RandomUniform, RandomNormal: shape attribute, dtype attribute (default float32). */
export const randomFromAttrs: Rule = (ctx) => [{ dtype: dtypeAttr(ctx, 'dtype', 'float32'), shape: attrInts(ctx.node, 'shape') }];

export const oneHot: Rule = (ctx) => {
  const ind = ctx.shape(0);
  const dtype = ctx.dtype(2);
  if (!ind) return [{ dtype }];
  const axisAttr = attrInt(ctx.node, 'axis', -1);
  const axis = normAxis(axisAttr, ind.length + 1);
  if (axis === undefined) fail(`OneHot: axis ${axisAttr} is out of range for rank ${ind.length + 1}`);
  const depthV = ctx.numbers(1)?.[0];
  const depth = depthV === undefined ? ctx.symbols.fresh() : Math.trunc(depthV);
  const shape = [...ind.slice(0, axis), depth, ...ind.slice(axis)];
  return [{ dtype, shape }];
};

/** HannWindow / HammingWindow / BlackmanWindow: [size], output_datatype (default float32). */
export const windowFn: Rule = (ctx) => {
  const n = ctx.numbers(0)?.[0];
  return [{ dtype: dtypeAttr(ctx, 'output_datatype', 'float32'), shape: [n ?? ctx.symbols.fresh()] }];
};
