/**
 * Compile-time input values (compile's `inputValues`, the CLI's --input-value): an input fixed
 * to one value becomes a constant of the model before lowering, so that what is computed from
 * it folds (Silero VAD's `sr`: the If on `sr == 16000` takes its branch, and the body goes to
 * engines). This module is the one authority on such values:
 * - checkInputValues: the option against the model (a graph input, of its dtype and shape);
 * - fixInputs: the inputs made initializers of the graph (analyze.ts, before lowering);
 * - fixedShapes: the shapes compiled for, with each fixed input at its value's shape;
 * - checkFixedFeed: a run's feed of a fixed input must equal the value (feeds.ts); a run may
 *   leave the input out;
 * - encodeTensor / decodeTensor: the value in cache keys, saved models and their options;
 * - jsonInputValues: values as JSON gives them (the server's config.json) as option values.
 */
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { Dim } from '../ir/types.js';
import { DTYPE_SIZE, type NumericDType, TYPED_ARRAY, type TypedArray, bytesOf, isFloatDType, numel, viewAs } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import { nearestKey } from '../util/option-keys.js';
import { sameElements } from '../util/same-elements.js';
import type { ShapeRange } from './profiles.js';

/** A value for `inputValues`: a scalar, a typed array of the input's storage, or a TensorData. */
export type InputValue = number | bigint | boolean | TypedArray | TensorData;

/** A fixed value as JSON keeps it: dtype, dims, and the little-endian bytes in base64. */
export interface EncodedTensor {
  dtype: NumericDType;
  dims: number[];
  data: string;
}

const bad = (message: string) => new HybridError('OPTION', message);
const showDims = (dims: readonly Dim[] | undefined) => (dims ? `[${dims.join(',')}]` : '[?]');

/** Integer ranges of the integer dtypes (bool: 0 or 1). */
export const INT_RANGE: Partial<Record<NumericDType, [bigint, bigint]>> = {
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  bool: [0n, 1n],
};

/** One scalar as an element of `dtype`, or an error saying why it does not fit. */
function element(what: string, dtype: NumericDType, v: number | bigint | boolean): number | bigint {
  if (dtype === 'float16' || dtype === 'bfloat16') {
    throw bad(`${what}: ${dtype} values must be given as a TensorData of raw bits (Uint16Array)`);
  }
  if (typeof v === 'boolean') {
    if (dtype !== 'bool') throw bad(`${what}: a boolean for an input of dtype ${dtype}`);
    return v ? 1 : 0;
  }
  if (isFloatDType(dtype)) {
    if (typeof v === 'bigint') throw bad(`${what}: a bigint for an input of dtype ${dtype}; give a number`);
    return v;
  }
  const range = INT_RANGE[dtype]!;
  if (typeof v === 'number' && !Number.isSafeInteger(v)) {
    throw bad(`${what}: ${v} is not an integer of ${dtype}${Number.isInteger(v) ? ' (beyond 2^53: give a bigint)' : ''}`);
  }
  const b = BigInt(v);
  if (b < range[0] || b > range[1]) throw bad(`${what}: ${v} is out of the range of ${dtype} (${range[0]}..${range[1]})`);
  return dtype === 'int64' || dtype === 'uint64' ? b : Number(b);
}

/** The dims a value of `count` elements takes for an input declared `declared`. */
function dimsFor(what: string, declared: readonly Dim[] | undefined, count: number, scalar: boolean): number[] {
  if (!declared) return scalar ? [] : [count];
  if (declared.every((d) => typeof d === 'number')) {
    const dims = declared as number[];
    if (numel(dims) !== count) throw bad(`${what}: ${count} element(s), the input is ${showDims(declared)} (${numel(dims)} elements)`);
    return [...dims];
  }
  if (declared.length === 1) return [count];
  throw bad(`${what}: the input's shape ${showDims(declared)} has symbolic dims: give a TensorData { dtype, dims, data }`);
}

/** One option value as a TensorData of the input's dtype and a shape its declared shape admits. */
function toTensor(name: string, dtype: NumericDType, declared: readonly Dim[] | undefined, v: unknown): TensorData {
  const what = `inputValues.${name}`;
  const type = `${dtype}${showDims(declared)}`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') {
    const data = new TYPED_ARRAY[dtype](1);
    (data as unknown as Array<number | bigint>)[0] = element(what, dtype, v);
    return { dtype, dims: dimsFor(what, declared, 1, true), data };
  }
  const storage = TYPED_ARRAY[dtype];
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    if (!(v instanceof storage)) throw bad(`${what}: a ${v.constructor.name}, the input is ${type} (give a ${storage.name})`);
    return { dtype, dims: dimsFor(what, declared, v.length, false), data: v.slice() };
  }
  const t = v as Partial<TensorData> | null;
  if (t && typeof t === 'object' && typeof t.dtype === 'string' && Array.isArray(t.dims)) {
    if (t.dtype !== dtype) throw bad(`${what}: dtype ${t.dtype}, the input is ${type}`);
    if (!t.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad(`${what}: dims ${showDims(t.dims)} are not non-negative integers`);
    if (!(t.data instanceof storage) || t.data.length !== numel(t.dims)) {
      throw bad(`${what}: its data is not ${numel(t.dims)} elements in a ${storage.name}`);
    }
    if (declared) {
      const wrong = declared.length !== t.dims.length || declared.some((d, i) => typeof d === 'number' && d !== t.dims![i]);
      if (wrong) throw bad(`${what}: shape ${showDims(t.dims)} does not fit the input's ${showDims(declared)}`);
    }
    return { dtype, dims: [...t.dims], data: t.data.slice() };
  }
  throw bad(`${what}: expected a number, bigint, boolean, typed array or TensorData { dtype, dims, data }, the input is ${type}`);
}

/**
 * Values as JSON gives them (numbers, booleans, integers as decimal strings, flat arrays of
 * these) as `inputValues` for `graph`: an integer string becomes a bigint, an array a typed array
 * of the input's dtype (its elements checked as scalars are). A name that is not an input is
 * passed on, for checkInputValues to name the nearest input.
 */
export function jsonInputValues(graph: Graph, json: Record<string, unknown>): Record<string, InputValue> {
  const scalar = (v: unknown): number | bigint | boolean => (typeof v === 'string' ? BigInt(v) : (v as number | boolean));
  const out: Record<string, InputValue> = {};
  for (const [name, v] of Object.entries(json)) {
    const dtype = graph.types.get(name)?.dtype;
    if (!Array.isArray(v) || !graph.inputs.includes(name) || !dtype || dtype === 'string') {
      out[name] = Array.isArray(v) ? (v as unknown as InputValue) : scalar(v);
      continue;
    }
    const data = new TYPED_ARRAY[dtype](v.length);
    v.forEach((x, i) => ((data as unknown as Array<number | bigint>)[i] = element(`inputValues.${name}[${i}]`, dtype, scalar(x))));
    out[name] = data;
  }
  return out;
}

/**
 * compile's `inputValues` checked against the graph's inputs: every name an input (else the
 * nearest one is named), every value of its dtype and of a shape its declared shape admits.
 * The values are copied (the caller may reuse its arrays).
 */
export function checkInputValues(graph: Graph, values: unknown, label: string): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  if (values === undefined) return out;
  if (values === null || typeof values !== 'object' || Array.isArray(values) || ArrayBuffer.isView(values)) {
    throw bad(`inputValues must be an object of input name -> value, e.g. { sr: 16000 }`);
  }
  for (const [name, v] of Object.entries(values)) {
    if (!graph.inputs.includes(name)) {
      const near = nearestKey(name, graph.inputs);
      const init = graph.isInitializer(name) ? ` ('${name}' is an initializer, a constant already)` : '';
      throw bad(
        `inputValues: ${label} has no input '${name}'${init}; ${near ? `did you mean '${near}'? ` : ''}its inputs: ${graph.inputs.join(', ') || 'none'}`,
      );
    }
    const t = graph.types.get(name);
    if (!t?.dtype || t.dtype === 'string') throw bad(`inputValues.${name}: the input's element type is ${t?.dtype ?? 'not declared'}`);
    out.set(name, toTensor(name, t.dtype, t.shape, v));
  }
  return out;
}

/**
 * The shapes asked for (profilesOption's form), with each fixed input at its value's shape: a
 * shape given for it too must be that one.
 */
export function fixedShapes(asked: Array<Record<string, ShapeRange>>, values: ReadonlyMap<string, TensorData>): Array<Record<string, ShapeRange>> {
  if (!values.size) return asked;
  return asked.map((profile) => {
    const out = { ...profile };
    for (const [name, t] of values) {
      const given = profile[name];
      if (given && ![given.min, given.opt, given.max].every((s) => s.length === t.dims.length && s.every((d, i) => d === t.dims[i]))) {
        throw bad(`inputs: '${name}' is given the shape ${showDims(given.opt)}, and inputValues a value of shape ${showDims(t.dims)}`);
      }
      out[name] = { min: [...t.dims], opt: [...t.dims], max: [...t.dims] };
    }
    return out;
  });
}

/** The fixed inputs made initializers of `graph`: they are no longer inputs, and fold. */
export function fixInputs(graph: Graph, values: ReadonlyMap<string, TensorData>): void {
  if (!values.size) return;
  graph.inputs = graph.inputs.filter((i) => !values.has(i));
  for (const [name, t] of values) graph.setInitializer(name, t);
  graph.invalidate();
}

/** A value for messages and reports: `16000`, `[1,2,3]`, or its first elements and the count. */
export function formatValue(t: TensorData, max = 8): string {
  const items = Array.from(t.data.subarray(0, max) as ArrayLike<number | bigint>, (x) => String(x));
  if (t.dims.length === 0) return items[0] ?? '';
  return `[${items.join(',')}${t.data.length > max ? `, ... ${t.data.length} elements` : ''}]`;
}

/** Element-wise equality (NaN equals NaN, 0 equals -0). */
export function sameValue(a: TensorData, b: TensorData): boolean {
  if (a.dtype !== b.dtype || a.dims.length !== b.dims.length || a.dims.some((d, i) => d !== b.dims[i])) return false;
  return sameElements(a.data as ArrayLike<unknown>, b.data as ArrayLike<unknown>);
}

/** A run fed a fixed input: the feed must equal the compiled value (else INPUT, naming both). */
export function checkFixedFeed(name: string, fixed: TensorData, fed: TensorData): void {
  if (sameValue(fixed, fed)) return;
  throw new HybridError(
    'INPUT',
    `input '${name}' was fixed at compile time to ${formatValue(fixed)} (inputValues), and this run fed ${formatValue(fed)}: ` +
      `the model computes for ${formatValue(fixed)} only; compile it again with inputValues: { ${name}: ... } for that value, or leave '${name}' out of the feeds`,
  );
}

export function encodeTensor(t: TensorData): EncodedTensor {
  return { dtype: t.dtype, dims: [...t.dims], data: Buffer.from(bytesOf(t.data)).toString('base64') };
}

/** An EncodedTensor back to TensorData; undefined where it is not a well-formed one. */
export function decodeTensor(v: unknown): TensorData | undefined {
  const o = v as Partial<EncodedTensor> | null;
  if (!o || typeof o !== 'object' || typeof o.dtype !== 'string' || !(o.dtype in DTYPE_SIZE) || typeof o.data !== 'string') return undefined;
  if (!Array.isArray(o.dims) || !o.dims.every((d) => Number.isSafeInteger(d) && d >= 0)) return undefined;
  const dtype = o.dtype as NumericDType;
  const bytes = Buffer.from(o.data, 'base64');
  if (bytes.length !== numel(o.dims) * DTYPE_SIZE[dtype] || bytes.toString('base64') !== o.data) return undefined;
  return { dtype, dims: [...o.dims], data: viewAs(dtype, new Uint8Array(bytes)).slice() };
}

/** Fixed values as options record them (cache keys, saved models): name -> EncodedTensor, sorted by name. */
export function encodeInputValues(values: ReadonlyMap<string, TensorData>): Record<string, EncodedTensor> {
  return Object.fromEntries([...values].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, t]) => [n, encodeTensor(t)]));
}

/** Feeds (probeFeeds) without the fixed inputs, each of which, where given, must be its value. */
export function withoutFixed(
  feeds: ReadonlyMap<string, TensorData> | Readonly<Record<string, TensorData>>,
  fixed: ReadonlyMap<string, TensorData>,
): ReadonlyMap<string, TensorData> {
  const all = feeds instanceof Map ? (feeds as ReadonlyMap<string, TensorData>) : new Map(Object.entries(feeds));
  if (!fixed.size) return all;
  const out = new Map<string, TensorData>();
  for (const [name, t] of all) {
    const value = fixed.get(name);
    if (value) checkFixedFeed(name, value, t);
    else out.set(name, t);
  }
  return out;
}
