/**
 * Rules for ops that select or join parts of tensors: Concat, Split, Slice, Gather,
 * GatherElements, GatherND, Compress, TopK, NonZero, Unique, NonMaxSuppression. Known values are concatenated, split,
 * sliced and gathered too (the Shape -> Gather/Slice -> Concat chains of exported models).
 */
import { attrInt, attrInts } from '../attributes.js';
import type { Dim } from '../types.js';
import { addDim, exactDiv, isNum, mergeDim, mulDim, normAxis } from './dims.js';
import { type OutputInfo, type Rule, fail, freshShape } from './context.js';
import { type KnownValue, makeValue, strides } from './values.js';

function numel(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export const concat: Rule = (ctx) => {
  const idx = Array.from({ length: ctx.inputCount }, (_, i) => i).filter((i) => ctx.has(i));
  const dtype = idx.map((i) => ctx.dtype(i)).find((d) => d);
  const shapes = idx.map((i) => ctx.shape(i));
  const known = shapes.filter((s): s is Dim[] => !!s);
  if (known.length === 0) return [{ dtype }];
  const rank = known[0]!.length;
  if (known.some((s) => s.length !== rank)) fail(`Concat: inputs have different ranks (${known.map((s) => s.length).join(', ')})`);
  const axisAttr = attrInt(ctx.node, 'axis', ctx.opset < 4 ? 1 : 0);
  const axis = normAxis(axisAttr, rank);
  if (axis === undefined) fail(`Concat: axis ${axisAttr} is out of range for rank ${rank}`);
  const shape: Dim[] = [];
  for (let d = 0; d < rank; d++) {
    if (d === axis) {
      if (shapes.some((s) => !s)) shape.push(ctx.symbols.fresh());
      else shape.push(known.reduce<Dim>((acc, s) => addDim(ctx.symbols, acc, s[d]!), 0));
    } else {
      let m: Dim | undefined;
      for (const s of known) {
        if (isNum(m) && isNum(s[d]) && m !== s[d]) fail(`Concat: inputs differ in dimension ${d} (${m} vs ${s[d]})`);
        m = mergeDim(m, s[d]);
      }
      shape.push(m!);
    }
  }
  let value: KnownValue | undefined;
  const values = idx.map((i) => ctx.value(i));
  if (dtype && dtype !== 'string' && values.every((v) => v) && shape.every(isNum)) {
    const vs = values as KnownValue[];
    const outer = numel((shape as number[]).slice(0, axis));
    const elems: Dim[] = [];
    for (let o = 0; o < outer; o++) {
      for (const v of vs) {
        const block = numel(v.dims.slice(axis));
        elems.push(...v.elems.slice(o * block, (o + 1) * block));
      }
    }
    value = makeValue(dtype, shape as number[], elems);
  }
  return [{ dtype, shape, value }];
};

/** Elements of `v` in the box given per axis by start, step and length. */
function sliceValue(v: KnownValue | undefined, starts: number[], steps: number[], lens: number[]): KnownValue | undefined {
  if (!v || numel(lens) > 4096) return undefined;
  const st = strides(v.dims);
  const ost = strides(lens);
  const n = numel(lens);
  const elems: Dim[] = [];
  for (let i = 0; i < n; i++) {
    let rem = i;
    let src = 0;
    for (let a = 0; a < lens.length; a++) {
      const c = Math.floor(rem / ost[a]!);
      rem -= c * ost[a]!;
      src += (starts[a]! + c * steps[a]!) * st[a]!;
    }
    elems.push(v.elems[src]!);
  }
  return makeValue(v.dtype, lens, elems);
}

export const split: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const n = ctx.node.outputs.length;
  const none = (): OutputInfo[] => ctx.node.outputs.map(() => ({ dtype, shape: x ? freshShape(ctx, x.length) : undefined }));
  if (!x) return none();
  const axisAttr = attrInt(ctx.node, 'axis', 0);
  const axis = normAxis(axisAttr, x.length);
  if (axis === undefined) fail(`Split: axis ${axisAttr} is out of range for rank ${x.length}`);
  let sizes: Dim[] | undefined;
  if (ctx.opset < 13) sizes = attrInts(ctx.node, 'split');
  else if (ctx.has(1)) {
    sizes = ctx.numbers(1);
    if (!sizes) {
      return ctx.node.outputs.map(() => ({ dtype, shape: x.map((d, i) => (i === axis ? ctx.symbols.fresh() : d)) }));
    }
  }
  const d = x[axis]!;
  if (!sizes || sizes.length === 0) {
    const exact = exactDiv(d, n);
    if (exact !== undefined) sizes = new Array<Dim>(n).fill(exact);
    else if (isNum(d) && ctx.opset >= 18) {
      // ONNX: parts of ceil(d / n), the last one what is left, which must not be empty
      // (onnxruntime refuses 5 into 4: parts of 2 leave -1).
      const chunk = Math.ceil(d / n);
      const last = d - chunk * (n - 1);
      if (last < 1) fail(`Split: num_outputs ${n} cuts dimension ${d} into parts of ${chunk}, which leaves ${last} for the last output`);
      sizes = Array.from({ length: n }, (_, i) => (i < n - 1 ? chunk : last));
    } else if (isNum(d)) fail(`Split: dimension ${d} does not split evenly into ${n} outputs`);
    else sizes = Array.from({ length: n }, (_, i) => ctx.symbols.fresh(`split(${d},${n},${i})`));
  }
  if (sizes.length !== n) fail(`Split: ${sizes.length} sizes for ${n} outputs`);
  if (isNum(d) && sizes.every(isNum) && (sizes as number[]).reduce((a, b) => a + b, 0) !== d) {
    fail(`Split: sizes [${sizes.join(',')}] do not add up to dimension ${d}`);
  }
  const v = ctx.value(0);
  let offset = 0;
  return sizes.map((s) => {
    const shape = x.map((dd, i) => (i === axis ? s : dd));
    let value: KnownValue | undefined;
    if (v && isNum(s) && !Number.isNaN(offset) && shape.every(isNum)) {
      const starts = x.map((_, i) => (i === axis ? offset : 0));
      value = sliceValue(
        v,
        starts,
        x.map(() => 1),
        shape as number[],
      );
      offset += s;
    } else offset = NaN;
    return { dtype, shape, value };
  });
};

/** An end at least this large means "to the end" (exporters write INT32_MAX or INT64_MAX). */
export const TO_THE_END = 2 ** 31 - 1;
const BIG = TO_THE_END;

/**
 * Where a slice of a dimension starts and how many elements it takes (ONNX Slice-10 semantics:
 * negative starts and ends count from the end, out-of-range values and INT64_MAX-style
 * sentinels are clamped, negative steps included). Shared with the Slice converter.
 */
export function sliceRange(dim: number, start: number, end: number, step: number): { start: number; len: number } {
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = Math.min(Math.max(start, 0), dim);
    end = Math.min(Math.max(end, 0), dim);
  } else {
    start = Math.min(Math.max(start, 0), dim - 1);
    end = Math.min(Math.max(end, -1), dim - 1);
  }
  return { start, len: Math.max(0, Math.ceil((end - start) / step)) };
}

export const slice: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x) return [{ dtype }];
  const r = x.length;
  let starts: number[] | undefined;
  let ends: number[] | undefined;
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  let axesUnknown = false;
  if (ctx.opset < 10) {
    starts = attrInts(ctx.node, 'starts');
    ends = attrInts(ctx.node, 'ends');
    axes = attrInts(ctx.node, 'axes');
  } else {
    starts = ctx.numbers(1);
    ends = ctx.numbers(2);
    if (ctx.has(3)) {
      axes = ctx.numbers(3);
      axesUnknown = !axes;
    }
    if (ctx.has(4)) steps = ctx.numbers(4);
    if (ctx.has(4) && !steps) starts = undefined;
  }
  if (axesUnknown) return [{ dtype, shape: freshShape(ctx, r) }];
  const axisList = (axes ?? Array.from({ length: starts?.length ?? ends?.length ?? 0 }, (_, i) => i)).map((a) => {
    const n = normAxis(a, r);
    if (n === undefined) fail(`Slice: axis ${a} is out of range for rank ${r}`);
    return n;
  });
  if (!starts || !ends) {
    if (!axes) return [{ dtype, shape: freshShape(ctx, r) }];
    return [{ dtype, shape: x.map((d, i) => (axisList.includes(i) ? ctx.symbols.fresh() : d)) }];
  }
  if (starts.length !== ends.length || starts.length !== axisList.length || (steps && steps.length !== starts.length)) {
    fail('Slice: starts, ends, axes and steps differ in length');
  }
  const shape: Dim[] = [...x];
  const boxStart = x.map(() => 0);
  const boxStep = x.map(() => 1);
  let exactBox = true;
  axisList.forEach((a, k) => {
    const step = steps?.[k] ?? 1;
    if (step === 0) fail('Slice: a step is 0');
    const d = x[a]!;
    if (isNum(d)) {
      const { start, len } = sliceRange(d, starts![k]!, ends![k]!, step);
      shape[a] = len;
      boxStart[a] = start;
      boxStep[a] = step;
    } else {
      exactBox = false;
      shape[a] = starts![k] === 0 && ends![k]! >= BIG && step === 1 ? d : ctx.symbols.fresh(`slice(${d},${starts![k]},${ends![k]},${step})`);
    }
  });
  const value = exactBox && shape.every(isNum) ? sliceValue(ctx.value(0), boxStart, boxStep, shape as number[]) : undefined;
  return [{ dtype, shape, value }];
};

export const gather: Rule = (ctx) => {
  const x = ctx.shape(0);
  const ind = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (!x || !ind) return [{ dtype }];
  const axisAttr = attrInt(ctx.node, 'axis', 0);
  const axis = normAxis(axisAttr, x.length);
  if (axis === undefined) fail(`Gather: axis ${axisAttr} is out of range for rank ${x.length}`);
  const shape = [...x.slice(0, axis), ...ind, ...x.slice(axis + 1)];
  let value: KnownValue | undefined;
  const v = ctx.value(0);
  const iv = ctx.numbers(1);
  const dim = x[axis]!;
  // Indices must lie in [-dim, dim - 1] (onnxruntime fails otherwise): checked wherever both are known.
  const outside = iv && isNum(dim) ? iv.find((j) => j < -dim || j >= dim) : undefined;
  if (outside !== undefined) fail(`Gather: index ${outside} is out of range for dimension ${dim}`);
  if (v && iv && isNum(dim) && shape.every(isNum) && numel(shape as number[]) <= 4096) {
    const outer = numel(v.dims.slice(0, axis));
    const inner = numel(v.dims.slice(axis + 1));
    const elems: Dim[] = [];
    for (let o = 0; o < outer; o++) {
      for (const raw of iv) {
        const j = raw < 0 ? raw + dim : raw;
        elems.push(...v.elems.slice((o * dim + j) * inner, (o * dim + j + 1) * inner));
      }
    }
    value = makeValue(v.dtype, shape as number[], elems);
  }
  return [{ dtype, shape, value }];
};

export const gatherElements: Rule = (ctx) => {
  const x = ctx.shape(0);
  const iv = ctx.numbers(1);
  if (x && iv) {
    const axisAttr = attrInt(ctx.node, 'axis', 0);
    const axis = normAxis(axisAttr, x.length);
    if (axis === undefined) fail(`GatherElements: axis ${axisAttr} is out of range for rank ${x.length}`);
    // As Gather's: indices must lie in [-dim, dim - 1] (onnxruntime fails otherwise).
    const dim = x[axis]!;
    const outside = isNum(dim) ? iv.find((j) => j < -dim || j >= dim) : undefined;
    if (outside !== undefined) fail(`GatherElements: index ${outside} is out of range for dimension ${dim}`);
  }
  return [{ dtype: ctx.dtype(0), shape: ctx.shape(1) ? [...ctx.shape(1)!] : undefined }];
};

export const gatherND: Rule = (ctx) => {
  const x = ctx.shape(0);
  const ind = ctx.shape(1);
  const dtype = ctx.dtype(0);
  if (!x || !ind || ind.length === 0) return [{ dtype }];
  const b = attrInt(ctx.node, 'batch_dims', 0);
  const last = ind[ind.length - 1]!;
  if (!isNum(last)) return [{ dtype }];
  if (b + last > x.length) fail(`GatherND: index depth ${last} with batch_dims ${b} exceeds rank ${x.length}`);
  return [{ dtype, shape: [...ind.slice(0, -1), ...x.slice(b + last)] }];
};

export const compress: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const axisAttr = attrInt(ctx.node, 'axis');
  if (axisAttr === undefined) return [{ dtype, shape: [ctx.symbols.fresh()] }];
  if (!x) return [{ dtype }];
  const axis = normAxis(axisAttr, x.length);
  if (axis === undefined) fail(`Compress: axis ${axisAttr} is out of range for rank ${x.length}`);
  return [{ dtype, shape: x.map((d, i) => (i === axis ? ctx.symbols.fresh() : d)) }];
};

export const topK: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!x) return [{ dtype }, { dtype: 'int64' }];
  const axisAttr = attrInt(ctx.node, 'axis', -1);
  const axis = normAxis(axisAttr, x.length);
  if (axis === undefined) fail(`TopK: axis ${axisAttr} is out of range for rank ${x.length}`);
  const k = ctx.opset < 10 ? attrInt(ctx.node, 'k') : ctx.value(1)?.elems[0];
  const shape = x.map((d, i) => (i === axis ? (k ?? ctx.symbols.fresh()) : d));
  return [
    { dtype, shape },
    { dtype: 'int64', shape: [...shape] },
  ];
};

/** NonZero: [rank, count], the count 0 where the input is empty. */
export const nonZero: Rule = (ctx) => {
  const x = ctx.shape(0);
  return [{ dtype: 'int64', shape: [x ? x.length : ctx.symbols.fresh(), x?.includes(0) ? 0 : ctx.symbols.fresh()] }];
};

/** Unique: Y, indices and counts share one unknown length; inverse_indices indexes the input. */
export const unique: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  const count = ctx.symbols.fresh();
  const axisAttr = attrInt(ctx.node, 'axis');
  let y: Dim[] | undefined = [count];
  let inverse: Dim[] | undefined = x ? [productDimsOf(x)] : undefined;
  if (axisAttr !== undefined) {
    if (!x) return [{ dtype }, { dtype: 'int64', shape: [count] }, { dtype: 'int64' }, { dtype: 'int64', shape: [count] }];
    const axis = normAxis(axisAttr, x.length);
    if (axis === undefined) fail(`Unique: axis ${axisAttr} is out of range for rank ${x.length}`);
    y = x.map((d, i) => (i === axis ? count : d));
    inverse = [x[axis]!];
  }
  return [
    { dtype, shape: y },
    { dtype: 'int64', shape: [count] },
    { dtype: 'int64', shape: inverse },
    { dtype: 'int64', shape: [count] },
  ];
};

function productDimsOf(x: Dim[]): Dim {
  return x.reduce<Dim>((a, b) => mulDim(a, b), 1);
}

/**
 * NonMaxSuppression: [count, 3], the count 0 where nothing can be selected: no batch, class or
 * box (boxes [batches, boxes, 4], scores [batches, classes, boxes]), or a limit per class of 0
 * (max_output_boxes_per_class, whose default is 0).
 */
export const nonMaxSuppression: Rule = (ctx) => {
  const [boxes, scores] = [ctx.shape(0), ctx.shape(1)];
  const limit = ctx.has(2) ? ctx.numbers(2) : [0];
  const none = [boxes?.[0], boxes?.[1], scores?.[0], scores?.[1], scores?.[2]].includes(0) || (limit?.length === 1 && limit[0] === 0);
  return [{ dtype: 'int64', shape: [none ? 0 : ctx.symbols.fresh(), 3] }];
};
