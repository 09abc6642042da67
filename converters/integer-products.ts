/**
 * ConvInteger and MatMulInteger (opset 10) -> float `convolution` / `matmul` layers over the
 * integer values, cast to int32: y = sum (x - x_zero_point) * (w - w_zero_point), exactly.
 *
 * Exactness: x - zx and w - zw are integers in [-255, 255], held exactly in float32; so is each
 * product (< 2^16), and every partial sum a float32 layer forms, in whatever order its kernel
 * adds, is exact while its magnitude stays at most 2^24. The sums are bounded by
 * 255 * sum_k |w_k - zw| per output channel (or column): with constant weights that bound is
 * computed from them (`exactChunks`); else it is 255 * 255 per product. Where the whole sum's
 * bound passes 2^24 the reduction is cut into chunks (input channels of a convolution of one
 * group, k of a matmul) that each stay within it: one float layer per chunk, each cast to int32,
 * the chunks added in int32, so the int32 result is onnxruntime's (which sums in int32, wrapping
 * on overflow; 255 * 255 * k stays below 2^31 for k up to 33025). A
 * convolution of several groups whose bound passes 2^24, a weight tensor of one input channel
 * (or row) whose bound alone passes it, or more than MAX_CHUNKS chunks are refused.
 *
 * The float layers must compute in float32 (TF32 on cuda holds these integers too: 11 bits of
 * mantissa, sums in fp32): the builder's precision policy keeps a convolution or matmul read
 * only by casts to int32 in fp32 when fp16 or bf16 is allowed (native/src/builder/precision.cc).
 */
import type { TensorRef } from '../src/engine/builder.js';
import type { ParamsOf } from '../src/engine/builder.js';
import type { EngineDType } from '../src/engine/network.js';
import type { TensorData } from '../src/onnx/tensor.js';
import { type Emitter, defineConverter } from './define.js';
import { tensorNumbers, type NodeView } from './node-view.js';
import type { Converter } from './types.js';
import { forwardWindow } from './window.js';

/** The largest magnitude every integer below which float32 holds exactly. */
export const EXACT_FLOAT32_INT = 2 ** 24;
/** The largest |x - x_zero_point| of 8-bit integers. */
const SPAN = 255;
const MAX_CHUNKS = 64;
const INT8_TYPES: readonly EngineDType[] = ['int8', 'uint8'];

/**
 * Cuts `units` (input channels of a convolution, k of a matmul) into consecutive chunks whose
 * sums stay exact: `weight(o, u)` is sum |w - zw| of output o over unit u (null: the weights
 * are not known, so each unit weighs `unitProducts` * 255). Returns the chunk sizes, or a
 * reason why no cut keeps them exact.
 */
export function exactChunks(
  outputs: number,
  units: number,
  unitProducts: number,
  weight: ((o: number, u: number) => number) | null,
): number[] | string {
  const limit = EXACT_FLOAT32_INT / SPAN;
  const sizes: number[] = [];
  const run = new Float64Array(outputs);
  let start = 0;
  for (let u = 0; u < units; u++) {
    let over = false;
    for (let o = 0; o < outputs && !over; o++) over = run[o]! + (weight ? weight(o, u) : unitProducts * SPAN) > limit;
    if (over) {
      if (u === start)
        return `the products of one ${unitProducts > 1 ? 'input channel' : 'row'} alone may pass 2^24, which float32 sums cannot hold exactly`;
      sizes.push(u - start);
      start = u;
      run.fill(0);
    }
    for (let o = 0; o < outputs; o++) run[o] = run[o]! + (weight ? weight(o, u) : unitProducts * SPAN);
  }
  sizes.push(units - start);
  if (sizes.length > MAX_CHUNKS) return `exact float32 sums need ${sizes.length} chunks of the reduction (more than ${MAX_CHUNKS})`;
  return sizes;
}

/** The zero point of input i as a scalar or per-`channels` list of numbers (absent: 0). */
function zeroPoints(v: NodeView, i: number, dtype: EngineDType, channels: number | null, what: string): number[] | null {
  if (!v.has(i)) return [0];
  const zp = v.in(i);
  v.check(zp.dtype === dtype, () => `${v.inLabel(i)} has dtype ${zp.dtype}; expected ${what}'s ${dtype}`);
  const n = zp.shape.reduce((a, b) => a * b, 1);
  const perTensor = n === 1 && zp.shape.length <= 1;
  v.check(
    perTensor || (channels !== null && zp.shape.length === 1 && n === channels),
    () => `${v.inLabel(i)} has shape [${zp.shape}]; expected a scalar${channels !== null ? ` or ${channels} values` : ''}`,
  );
  const c = v.constant(i);
  return c ? tensorNumbers(c) : null;
}

interface Products {
  /** w - zw as float32, where w and zw are constants. */
  weights: Float32Array | null;
  /** Chunk sizes of the reduction axis (one chunk: no cut). */
  chunks: number[];
  /** A per-channel zero point's shape for broadcasting onto w (a run-time w only). */
  zpShape: number[];
}

/** w - zw for constant w and zw: `channelOf(i)` is the output channel of flat index i. */
function shiftedWeights(w: TensorData | undefined, zw: number[] | null, channelOf: (i: number) => number): Float32Array | null {
  if (!w || !zw) return null;
  const values = tensorNumbers(w);
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i]! - zw[zw.length === 1 ? 0 : channelOf(i)]!;
  return out;
}

/** (x - zx) as float32: x cast, minus the scalar zero point where there is one. */
function shiftedFloat(e: Emitter, i: number, zp: number, suffix: string): TensorRef {
  const x = e.cast(e.input(i), 'float32', `${suffix}_float`);
  if (!e.node.inputs[zp]) return x;
  const z = e.cast(e.reshape(e.input(zp), [], `${suffix}_zp`), 'float32', `${suffix}_zp_float`);
  return e.add('elementwise', [x, z], { op: 'sub' }, `${suffix}_shifted`);
}

/** w - zw: the constant, or computed at run time with the zero point broadcast as `zpShape`. */
function shiftedWeightTensor(e: Emitter, p: Products, dims: number[]): TensorRef {
  if (p.weights) return e.constant({ dtype: 'float32', dims, data: p.weights }, 'w_shifted');
  const w = e.cast(e.input(1), 'float32', 'w_float');
  if (!e.node.inputs[3]) return w;
  const z = e.cast(e.reshape(e.input(3), p.zpShape, 'w_zp'), 'float32', 'w_zp_float');
  return e.add('elementwise', [w, z], { op: 'sub' }, 'w_shifted');
}

/** Splits `t` along `axis` into `sizes` (one size: t itself). */
function splitInto(e: Emitter, t: TensorRef, axis: number, sizes: number[], suffix: string): TensorRef[] {
  if (sizes.length === 1) return [t];
  return e.addMany(
    'split',
    [t],
    { axis, sizes },
    suffix,
    sizes.map(() => ({})),
  );
}

/** The chunks' float results, each cast to int32, summed in int32: the node's output. */
function sumChunks(e: Emitter, parts: TensorRef[]): void {
  let y = e.cast(parts[0]!, 'int32', parts.length > 1 ? 'int_0' : 'int');
  for (let c = 1; c < parts.length; c++) y = e.add('elementwise', [y, e.cast(parts[c]!, 'int32', `int_${c}`)], { op: 'add' }, `sum_${c}`);
  e.output(0, y);
}

type ConvPlan = Products & { window: ParamsOf<'convolution'>; wDims: number[] };

const convInteger = defineConverter<ConvPlan>({
  opType: 'ConvInteger',
  sinceVersion: 10,
  notes:
    'x and w int8 or uint8, 1 to 3 spatial dims; x_zero_point a scalar, w_zero_point a scalar or one per output channel. ' +
    'Computed as a float32 convolution of the integer values, exact: cut into chunks of input channels where a sum could pass 2^24; refused where one group of several cannot be cut so, or more than 64 chunks would be needed.',
  plan(v) {
    const x = v.in(0);
    const w = v.in(1);
    const xt = v.dtype(0, INT8_TYPES);
    const wt = v.dtype(1, INT8_TYPES);
    const n = x.shape.length - 2;
    v.check(n >= 1 && n <= 3 && w.shape.length === n + 2, () => `x [${x.shape}] and w [${w.shape}]: engines convolve 1 to 3 spatial dims`);
    const groups = v.int('group', 1);
    const [m, cg] = [w.shape[0]!, w.shape[1]!];
    v.check(groups >= 1 && x.shape[1] === cg * groups && m % groups === 0, () => `group=${groups} does not fit x [${x.shape}] and w [${w.shape}]`);
    const kernel = w.shape.slice(2);
    const ks = v.ints('kernel_shape');
    v.check(!ks || ks.join() === kernel.join(), () => `kernel_shape [${ks}] differs from w's [${kernel}]`);
    zeroPoints(v, 2, xt, null, 'x');
    const zw = zeroPoints(v, 3, wt, m, 'w');
    const taps = kernel.reduce((a, b) => a * b, 1);
    const weights = shiftedWeights(v.constant(1), zw, (i) => Math.floor(i / (cg * taps)));
    const weight = weights
      ? (o: number, u: number) => {
          let s = 0;
          for (let t = (o * cg + u) * taps, end = t + taps; t < end; t++) s += Math.abs(weights[t]!);
          return s;
        }
      : null;
    const chunks = exactChunks(m, cg, taps, weight);
    v.check(typeof chunks !== 'string', () => chunks as string);
    const sizes = chunks as number[];
    v.check(
      groups === 1 || sizes.length === 1,
      () => `with group=${groups} the sums may pass 2^24, which float32 sums cannot hold exactly (chunks of input channels need one group)`,
    );
    const window = { ...forwardWindow(v, x.shape.slice(2), kernel), groups };
    return { weights, chunks: sizes, zpShape: [m, ...new Array<number>(n + 1).fill(1)], window, wDims: w.shape };
  },
  emit(e, p) {
    const xs = splitInto(e, shiftedFloat(e, 0, 2, 'x'), 1, p.chunks, 'x_chunks');
    const ws = splitInto(e, shiftedWeightTensor(e, p, p.wDims), 1, p.chunks, 'w_chunks');
    const parts = xs.map((x, c) => e.add('convolution', [x, ws[c]!], p.window, p.chunks.length > 1 ? `chunk_${c}` : 'float'));
    sumChunks(e, parts);
  },
});

type MatMulPlan = Products & { bDims: number[] };

const matMulInteger = defineConverter<MatMulPlan>({
  opType: 'MatMulInteger',
  sinceVersion: 10,
  notes:
    'A and B int8 or uint8 of rank >= 2; a_zero_point a scalar, b_zero_point a scalar or one per column. ' +
    'Computed as a float32 matrix product of the integer values, exact: cut into chunks of k where a sum could pass 2^24; refused where more than 64 chunks would be needed.',
  plan(v) {
    const a = v.in(0);
    const b = v.in(1);
    const at = v.dtype(0, INT8_TYPES);
    const bt = v.dtype(1, INT8_TYPES);
    v.check(a.shape.length >= 2 && b.shape.length >= 2, () => `A [${a.shape}] and B [${b.shape}]: engines take matrices (rank >= 2) here`);
    const k = a.shape[a.shape.length - 1]!;
    const cols = b.shape[b.shape.length - 1]!;
    v.check(b.shape[b.shape.length - 2] === k, () => `inner dimensions differ: A [${a.shape}], B [${b.shape}]`);
    zeroPoints(v, 2, at, null, 'A');
    const zb = zeroPoints(v, 3, bt, cols, 'B');
    const weights = shiftedWeights(v.constant(1), zb, (i) => i % cols);
    const batches = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    // Output o = (batch, column); unit u = k.
    const weight = weights ? (o: number, u: number) => Math.abs(weights[(Math.floor(o / cols) * k + u) * cols + (o % cols)]!) : null;
    const chunks = exactChunks(batches * cols, k, 1, weight);
    v.check(typeof chunks !== 'string', () => chunks as string);
    return { weights, chunks: chunks as number[], zpShape: [cols], bDims: b.shape };
  },
  emit(e, p) {
    const rank = (t: TensorRef) => t.shape.length;
    const a = shiftedFloat(e, 0, 2, 'a');
    const b = shiftedWeightTensor(e, p, p.bDims);
    const as = splitInto(e, a, rank(a) - 1, p.chunks, 'a_chunks');
    const bs = splitInto(e, b, rank(b) - 2, p.chunks, 'b_chunks');
    const params = { transA: false, transB: false, alpha: 1, beta: 0 };
    const parts = as.map((x, c) => e.add('matmul', [x, bs[c]!], params, p.chunks.length > 1 ? `chunk_${c}` : 'float'));
    sumChunks(e, parts);
  },
});

export const integerProductConverters: Converter[] = [convInteger, matMulInteger];
