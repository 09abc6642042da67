/**
 * Rules for convolutions and pooling: Conv, ConvTranspose, ConvInteger, QLinearConv,
 * DeformConv, Max/Average/LpPool, the global pools, MaxUnpool, RoiAlign, GridSample and
 * AffineGrid.
 * Spatial sizes follow the ONNX formulas (explicit pads or auto_pad, dilations, ceil_mode with
 * the "last window must start inside the input" correction that onnxruntime applies); a
 * symbolic input size gives a symbol memoised by the formula's arguments.
 */
import type { DType } from '../../onnx/dtype.js';
import { attrInt, attrInts, attrString } from '../attributes.js';
import type { Dim } from '../types.js';
import { isNum, mulDim, symbolic } from './dims.js';
import { type InferCtx, type Rule, fail } from './context.js';

interface Window {
  kernel: Array<Dim | undefined>;
  strides: number[];
  dilations: number[];
  pads: number[];
  autoPad: string;
}

function windowOf(ctx: InferCtx, n: number, kernel: Array<Dim | undefined>, dilationsSupported = true): Window {
  const node = ctx.node;
  const strides = attrInts(node, 'strides') ?? new Array<number>(n).fill(1);
  const dilations = (dilationsSupported ? attrInts(node, 'dilations') : undefined) ?? new Array<number>(n).fill(1);
  const pads = attrInts(node, 'pads') ?? new Array<number>(2 * n).fill(0);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET') || 'NOTSET';
  if (strides.length !== n || dilations.length !== n || pads.length !== 2 * n || kernel.length !== n) {
    fail(`strides/dilations/pads/kernel_shape do not match ${n} spatial dimensions`);
  }
  return { kernel, strides, dilations, pads, autoPad };
}

/** Output size of a sliding window over `size` (conv and pooling share it). */
function slidingSize(ctx: InferCtx, size: Dim | undefined, i: number, w: Window, ceilMode: boolean): Dim {
  const k = w.kernel[i];
  if (size === undefined || k === undefined) return ctx.symbols.fresh();
  const s = w.strides[i]!;
  const d = w.dilations[i]!;
  const pb = w.pads[i]!;
  const pe = w.pads[i + w.kernel.length]!;
  const mode = w.autoPad;
  return symbolic(ctx.symbols, `win:${mode}:${ceilMode}`, [size, k, s, d, pb, pe], (x, kk) => {
    const span = (kk! - 1) * d + 1;
    if (mode === 'SAME_UPPER' || mode === 'SAME_LOWER') return Math.ceil(x! / s);
    if (mode === 'VALID') return Math.floor((x! - span) / s) + 1;
    const total = x! + pb + pe - span;
    if (!ceilMode) return Math.floor(total / s) + 1;
    let out = Math.ceil(total / s) + 1;
    if ((out - 1) * s >= x! + pb) out--;
    return out;
  });
}

function spatialRank(ctx: InferCtx, x: Dim[] | undefined, fallback?: number): number | undefined {
  if (x) return x.length - 2;
  return fallback;
}

function convLike(outDtype: (ctx: InferCtx) => DType | undefined, wIndex: number): Rule {
  return (ctx) => {
    const x = ctx.shape(0);
    const w = ctx.shape(wIndex);
    const n = spatialRank(ctx, x, w ? w.length - 2 : undefined);
    const dtype = outDtype(ctx);
    if (n === undefined) return [{ dtype }];
    const kAttr = attrInts(ctx.node, 'kernel_shape');
    const kernel: Array<Dim | undefined> = kAttr ?? (w ? w.slice(2) : new Array(n).fill(undefined));
    const win = windowOf(ctx, n, kernel);
    const shape: Dim[] = [x?.[0] ?? ctx.symbols.fresh(), w?.[0] ?? ctx.symbols.fresh()];
    for (let i = 0; i < n; i++) shape.push(slidingSize(ctx, x?.[i + 2], i, win, false));
    return [{ dtype, shape }];
  };
}

export const conv = convLike((ctx) => ctx.dtype(0), 1);
export const convInteger = convLike(() => 'int32', 1);
/** QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?): y has y_zero_point's type. */
export const qlinearConv = convLike((ctx) => ctx.dtype(7), 3);

export const deformConv: Rule = (ctx) => {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const off = ctx.shape(2);
  if (!x && !off) return [{ dtype: ctx.dtype(0) }];
  const rank = (x ?? off)!.length;
  const spatial = off ? off.slice(2) : Array.from({ length: rank - 2 }, () => ctx.symbols.fresh());
  return [{ dtype: ctx.dtype(0), shape: [x?.[0] ?? off![0]!, w?.[0] ?? ctx.symbols.fresh(), ...spatial] }];
};

export const convTranspose: Rule = (ctx) => {
  const x = ctx.shape(0);
  const w = ctx.shape(1);
  const dtype = ctx.dtype(0);
  const n = spatialRank(ctx, x, w ? w.length - 2 : undefined);
  if (n === undefined) return [{ dtype }];
  const node = ctx.node;
  const group = attrInt(node, 'group', 1);
  const kernel: Array<Dim | undefined> = attrInts(node, 'kernel_shape') ?? (w ? w.slice(2) : new Array(n).fill(undefined));
  const win = windowOf(ctx, n, kernel);
  const outPad = attrInts(node, 'output_padding') ?? new Array<number>(n).fill(0);
  const outShape = attrInts(node, 'output_shape');
  const shape: Dim[] = [x?.[0] ?? ctx.symbols.fresh(), w?.[1] !== undefined ? mulDim(w[1], group) : ctx.symbols.fresh()];
  for (let i = 0; i < n; i++) {
    if (outShape) {
      shape.push(outShape[outShape.length - n + i]!);
      continue;
    }
    const size = x?.[i + 2];
    const k = kernel[i];
    if (size === undefined || k === undefined) {
      shape.push(ctx.symbols.fresh());
      continue;
    }
    const s = win.strides[i]!;
    const d = win.dilations[i]!;
    const pads = win.autoPad === 'NOTSET' ? win.pads[i]! + win.pads[i + n]! : 0;
    const mode = win.autoPad;
    shape.push(
      symbolic(ctx.symbols, `convT:${mode}`, [size, k, s, d, pads, outPad[i]!], (xx, kk) =>
        mode === 'SAME_UPPER' || mode === 'SAME_LOWER' ? xx! * s : s * (xx! - 1) + outPad[i]! + (kk! - 1) * d + 1 - pads,
      ),
    );
  }
  return [{ dtype, shape }];
};

/** MaxPool / AveragePool / LpPool; `sinceCeil`/`sinceDilations` are the opsets that added them. */
export function pool(sinceCeil: number, sinceDilations: number, withIndices: boolean): Rule {
  return (ctx) => {
    const x = ctx.shape(0);
    const dtype = ctx.dtype(0);
    const kernel = attrInts(ctx.node, 'kernel_shape');
    if (!x || !kernel) return [{ dtype }, withIndices ? { dtype: 'int64' } : undefined];
    const n = x.length - 2;
    const win = windowOf(ctx, n, kernel, ctx.opset >= sinceDilations);
    const ceilMode = ctx.opset >= sinceCeil && attrInt(ctx.node, 'ceil_mode', 0) !== 0;
    const shape: Dim[] = [x[0]!, x[1]!];
    for (let i = 0; i < n; i++) shape.push(slidingSize(ctx, x[i + 2], i, win, ceilMode));
    return [{ dtype, shape }, withIndices ? { dtype: 'int64', shape: [...shape] } : undefined];
  };
}

export const globalPool: Rule = (ctx) => {
  const x = ctx.shape(0);
  return [{ dtype: ctx.dtype(0), shape: x ? [x[0]!, x[1]!, ...x.slice(2).map(() => 1)] : undefined }];
};

export const maxUnpool: Rule = (ctx) => {
  const x = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (ctx.has(2)) {
    const out = ctx.numbers(2);
    return [
      {
        dtype,
        shape:
          out ??
          (ctx.shape(2) && isNum(ctx.shape(2)![0]) ? Array.from({ length: ctx.shape(2)![0] as number }, () => ctx.symbols.fresh()) : undefined),
      },
    ];
  }
  const kernel = attrInts(ctx.node, 'kernel_shape');
  if (!x || !kernel) return [{ dtype }];
  const n = x.length - 2;
  const win = windowOf(ctx, n, kernel, false);
  const shape: Dim[] = [x[0]!, x[1]!];
  for (let i = 0; i < n; i++) {
    const s = win.strides[i]!;
    const p = win.pads[i]! + win.pads[i + n]!;
    shape.push(symbolic(ctx.symbols, 'unpool', [x[i + 2]!, kernel[i]!, s, p], (xx, k) => (xx! - 1) * s + k! - p));
  }
  return [{ dtype, shape }];
};

export const roiAlign: Rule = (ctx) => {
  const x = ctx.shape(0);
  const rois = ctx.shape(1);
  const h = attrInt(ctx.node, 'output_height', 1);
  const w = attrInt(ctx.node, 'output_width', 1);
  return [{ dtype: ctx.dtype(0), shape: [rois?.[0] ?? ctx.shape(2)?.[0] ?? ctx.symbols.fresh(), x?.[1] ?? ctx.symbols.fresh(), h, w] }];
};

export const gridSample: Rule = (ctx) => {
  const x = ctx.shape(0);
  const grid = ctx.shape(1);
  if (!grid) return [{ dtype: ctx.dtype(0) }];
  return [{ dtype: ctx.dtype(0), shape: [x?.[0] ?? grid[0]!, x?.[1] ?? ctx.symbols.fresh(), ...grid.slice(1, -1)] }];
};

/** AffineGrid(theta, size=[N,C,(D,)H,W]): the sampling grid [N,(D,)H,W,2|3]. */
export const affineGrid: Rule = (ctx) => {
  const size = ctx.value(1)?.elems;
  const theta = ctx.shape(0);
  const dtype = ctx.dtype(0);
  if (!size) {
    const n = ctx.shape(1)?.[0];
    if (n === 4 || n === 5) {
      const spatial = Array.from({ length: n - 2 }, () => ctx.symbols.fresh());
      return [{ dtype, shape: [theta?.[0] ?? ctx.symbols.fresh(), ...spatial, n - 2] }];
    }
    return [{ dtype }];
  }
  if (size.length !== 4 && size.length !== 5) fail(`AffineGrid: size has ${size.length} entries, not 4 or 5`);
  return [{ dtype, shape: [size[0]!, ...size.slice(2), size.length - 2] }];
};
