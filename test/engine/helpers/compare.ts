/**
 * One-layer differential checks: the same computation as a one-node ONNX model on
 * onnxruntime-node (the reference) and as a hand-written one-layer network on the engine's
 * cpu backend, on the same seeded inputs.
 *
 * Tolerance: float outputs must satisfy |engine - ort| <= tol * max(1, |ort|) with tol =
 * 1e-5 for fp32 unless a case states otherwise (relative for values beyond 1, absolute
 * below); integer and bool outputs must be equal. For layers that sum many products
 * (convolution, deconvolution, matmul) the scale is the largest |ort| of the whole output
 * instead of the element's own: their rounding error grows with the size of the summed
 * terms, not of the result, and the two implementations sum in different orders. Half-precision cases run the engine on float16/bfloat16 tensors and onnxruntime
 * on float32 copies of the very same (rounded) values, then allow one rounding of the
 * output: 1e-3 (float16, 2^-11 ulp) and 8e-3 (bfloat16, 2^-8) relative, exact for layers
 * that only move data.
 */
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { buildEngine } from '../../../src/engine/engine.js';
import type { EngineDType, LayerKind } from '../../../src/engine/network.js';
import type { TypedArray } from '../../../src/onnx/dtype.js';
import { bfloat16BitsToFloat32, float16BitsToFloat32, float32ToBfloat16Bits, float32ToFloat16Bits } from '../../../src/onnx/half.js';
import { encodeModel } from '../../../src/onnx/model.js';
import { toOrtTensor } from '../../../src/onnx/ort.js';
import type { TensorData } from '../../../src/onnx/tensor.js';
import { type AttrValue, buildModel } from '../../../src/ir/model-builder.js';
import { NetDraft } from './net.js';

/**
 * The backend engines are built on: 'cpu', or 'cuda' where test/gpu/engine-layers.test.ts
 * runs these same cases on the GPU (there fp32 is held to 1e-4, the cuda backend's contract).
 */
export const BACKEND: 'cpu' | 'cuda' = process.env.HYBRIDRT_TEST_BACKEND === 'cuda' ? 'cuda' : 'cpu';

export const FP32_TOL = BACKEND === 'cuda' ? 1e-4 : 1e-5;

export interface LayerCase {
  /** ONNX side: the node. Its inputs are the case inputs x0.. (then `onnxExtra`), outputs y0... */
  op: string;
  attrs?: Record<string, AttrValue>;
  opset?: number;
  /** Nodes applied after the main one, in order (y0 -> ... -> y0): the reference of a fused activation. */
  then?: Array<{ op: string; attrs?: Record<string, AttrValue>; extraInputs?: string[] }>;
  /** Node inputs when they differ from x0..xn: names of inputs/extras, '' for an omitted one. */
  onnxInputs?: string[];
  /** Initializers only onnxruntime needs (e.g. Slice's starts), by name. */
  onnxExtra?: Record<string, TensorData>;
  /** Data of x0, x1, ...: fed to both. */
  inputs: TensorData[];
  /** Which of x0.. are constants (weights) on both sides, rather than fed inputs. */
  constants?: number[];
  /** Engine side: the layer. Its inputs are x0..xn in order unless `layerInputs` picks some. */
  kind: LayerKind;
  params: object;
  layerInputs?: number[];
  outputs?: number;
  /** Float tolerance (see the file comment); 0 = exact. */
  tol?: number;
  /** Run the engine on this half type (ORT on float32 copies of the rounded values). */
  half?: 'float16' | 'bfloat16';
  /** The engine's thread count (default: the builder's). */
  threads?: number;
}

function toHalf(t: TensorData, half: 'float16' | 'bfloat16'): { eng: TensorData; ref: TensorData } {
  if (t.dtype !== 'float32') return { eng: t, ref: t };
  const enc = half === 'float16' ? float32ToFloat16Bits : float32ToBfloat16Bits;
  const dec = half === 'float16' ? float16BitsToFloat32 : bfloat16BitsToFloat32;
  const bits = Uint16Array.from(t.data as Float32Array, (v) => enc(v));
  const back = Float32Array.from(bits, (b) => dec(b));
  return { eng: { dtype: half, dims: t.dims, data: bits }, ref: { dtype: 'float32', dims: t.dims, data: back } };
}

/** Runs onnxruntime on the case; returns its outputs as TensorData. */
export async function runOrt(c: LayerCase, inputs: TensorData[]): Promise<TensorData[]> {
  const nOut = c.outputs ?? 1;
  const consts = new Set(c.constants ?? []);
  const initializers: Record<string, TensorData> = { ...(c.onnxExtra ?? {}) };
  const graphInputs: Array<{ name: string; dtype: TensorData['dtype']; shape: number[] }> = [];
  inputs.forEach((t, i) => {
    if (consts.has(i)) initializers[`x${i}`] = t;
    else graphInputs.push({ name: `x${i}`, dtype: t.dtype, shape: t.dims });
  });
  const chain = c.then ?? [];
  const mainOut = Array.from({ length: nOut }, (_, i) => (i === 0 && chain.length ? 't0' : `y${i}`));
  const nodes = [{ op: c.op, inputs: c.onnxInputs ?? inputs.map((_, i) => `x${i}`), outputs: mainOut, attrs: c.attrs ?? {} }];
  chain.forEach((n, k) =>
    nodes.push({
      op: n.op,
      inputs: [`t${k}`, ...(n.extraInputs ?? [])],
      outputs: [k === chain.length - 1 ? 'y0' : `t${k + 1}`],
      attrs: n.attrs ?? {},
    }),
  );
  const model = buildModel({
    inputs: graphInputs,
    outputs: Array.from({ length: nOut }, (_, i) => ({ name: `y${i}` })),
    nodes,
    initializers,
    opset: c.opset ?? 18,
  });
  const session = await ort.InferenceSession.create(encodeModel(model));
  const feeds: Record<string, ort.Tensor> = {};
  inputs.forEach((t, i) => {
    if (!consts.has(i)) feeds[`x${i}`] = toOrtTensor(t);
  });
  const res = await session.run(feeds);
  await session.release();
  return Array.from({ length: nOut }, (_, i) => {
    const o = res[`y${i}`]!;
    return { dtype: o.type as TensorData['dtype'], dims: [...o.dims], data: o.data as TypedArray };
  });
}

/** Runs the engine on a one-layer network built from the case and the reference's output types. */
export async function runEngine(c: LayerCase, inputs: TensorData[], outTypes: Array<{ dtype: EngineDType; shape: number[] }>): Promise<TypedArray[]> {
  const d = new NetDraft(c.op);
  const consts = new Set(c.constants ?? []);
  const ids = inputs.map((t, i) =>
    consts.has(i) ? d.constant(`x${i}`, t.dtype as EngineDType, t.dims, t.data) : d.input(`x${i}`, t.dtype as EngineDType, t.dims),
  );
  const layerIn = (c.layerInputs ?? inputs.map((_, i) => i)).map((i) => ids[i]!);
  for (const id of d.layer(c.kind, c.op, layerIn, c.params, outTypes)) d.output(id);
  const engine = await buildEngine(d.finish(), { backend: BACKEND, ...(c.threads ? { threads: c.threads } : {}) });
  try {
    const ctx = engine.createContext();
    const feeds = inputs.filter((_, i) => !consts.has(i)).map((t) => t.data);
    return await ctx.run(feeds);
  } finally {
    engine.dispose();
  }
}

function asNumbers(a: TypedArray, dtype: string): number[] {
  if (dtype === 'float16') return Array.from(a as Uint16Array, float16BitsToFloat32);
  if (dtype === 'bfloat16') return Array.from(a as Uint16Array, bfloat16BitsToFloat32);
  return Array.from(a as ArrayLike<number | bigint>, Number);
}

/** Compares element by element; reports the worst element. */
export function expectClose(actual: number[], expected: number[], tol: number, label: string, tensorScale = false): void {
  expect(actual.length, `${label}: element count`).toBe(expected.length);
  let floor = 1;
  if (tensorScale) for (const e of expected) if (Number.isFinite(e)) floor = Math.max(floor, Math.abs(e));
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    const err = a === e ? 0 : Math.abs(a - e) / Math.max(floor, Math.abs(e));
    if (!(err <= tol) && (worst < 0 || !(err <= worstErr))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    expect.fail(`${label}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (error ${worstErr} > ${tol})`);
  }
}

/** Runs a case on both sides and compares every output. */
export async function checkLayer(c: LayerCase): Promise<void> {
  const pairs = c.inputs.map((t) => (c.half ? toHalf(t, c.half) : { eng: t, ref: t }));
  const ref = await runOrt(
    c,
    pairs.map((p) => p.ref),
  );
  const outTypes = ref.map((r) => ({
    dtype: (c.half && r.dtype === 'float32' ? c.half : r.dtype) as EngineDType,
    shape: r.dims,
  }));
  const got = await runEngine(
    c,
    pairs.map((p) => p.eng),
    outTypes,
  );
  ref.forEach((r, i) => {
    const label = `${c.op} output ${i}`;
    const isFloat = r.dtype === 'float32';
    const tol = c.tol ?? (c.half ? (c.half === 'float16' ? 1e-3 : 8e-3) : FP32_TOL);
    const actual = asNumbers(got[i]!, outTypes[i]!.dtype);
    const expected = asNumbers(r.data, r.dtype);
    expect(expected.some((v) => v !== 0) || expected.length === 0 || c.tol === 0, `${label}: the reference is all zeros; pick other data`).toBe(true);
    const sums = c.kind === 'convolution' || c.kind === 'deconvolution' || c.kind === 'matmul';
    expectClose(actual, expected, isFloat ? tol : 0, label, sums);
  });
}

/**
 * The largest absolute difference between a and b over b's largest magnitude: an error
 * relative to the output's scale, for outputs whose small elements carry no precision of their
 * own (fp16 against fp32, fused against unfused).
 */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / Math.max(scale, 1e-30);
}
