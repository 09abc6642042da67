/**
 * Feeds in, outputs out. A feed is an onnxruntime `Tensor` (on the cpu), a TensorData, or a
 * plain typed array whose shape is the compiled input's. Every problem is an error naming the
 * input and what was expected:
 * - INPUT: an unknown name, a missing input, the wrong dtype or element count, a shape that
 *   contradicts the model (another rank, or a dimension the model itself fixes);
 * - an input fixed at compile time (TensorInfo.value) may be left out; fed, it must be that
 *   value (INPUT otherwise: the model computes for it only), and it is not passed on;
 * - SHAPE: a shape the model allows but that is not the one compiled (a symbolic dimension
 *   given another value): the engines were built for one shape, so it needs another compile.
 *   A model compiled with shape ranges takes any shape one of its profiles holds (the profile
 *   is chosen with every feed's shape: src/compiler/profiles.ts chooseProfile).
 */
import ort from 'onnxruntime-node';
import { DeviceTensor } from '../engine/device-tensor.js';
import { HybridError } from '../errors.js';
import { TYPED_ARRAY, type TypedArray, numel } from '../onnx/dtype.js';
import { toOrtTensor } from '../onnx/ort.js';
import type { TensorData } from '../onnx/tensor.js';
import type { TensorInfo } from './types.js';
import { checkFixedFeed } from '../compiler/input-values.js';

/**
 * A feed: an onnxruntime Tensor, a plain typed array (shape from the compiled input),
 * TensorData, or a DeviceTensor (cuda models: already in GPU memory, e.g. another model's
 * output from run(feeds, { outputLocation: 'gpu' })).
 */
export type FeedValue = ort.Tensor | TypedArray | TensorData | DeviceTensor;

/** Feeds by input name. */
export type Feeds = Readonly<Record<string, FeedValue>>;

const show = (dims: readonly (number | string)[]) => `[${dims.join(',')}]`;
const typeText = (i: TensorInfo) => `${i.dtype}${show(i.shape)}`;

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/**
 * An onnxruntime Tensor. Checked by shape rather than instanceof, so that a Tensor of another
 * copy of onnxruntime-common (the user's own) is accepted too.
 */
function isOrtTensor(v: unknown): v is ort.Tensor {
  if (v instanceof ort.Tensor) return true;
  const t = v as Partial<ort.Tensor> | null;
  return !!t && typeof t === 'object' && typeof t.type === 'string' && Array.isArray(t.dims) && 'data' in t && !('dtype' in t);
}

function storageName(a: TypedArray): string {
  return a.constructor.name;
}

function checkShape(info: TensorInfo, dims: readonly number[]): void {
  const declared = info.declaredShape;
  if (info.ranges) {
    // Which profile holds it is decided with the other feeds (profiles.ts chooseProfile); here
    // only what no profile can take: another rank, or a dim the model itself fixes.
    if (dims.length !== info.shape.length) {
      throw new HybridError('INPUT', `input '${info.name}': shape ${show(dims)} has rank ${dims.length}, expected ${typeText(info)}`);
    }
    dims.forEach((d, i) => {
      const want = declared?.[i];
      if (typeof want === 'number' && d !== want) {
        throw new HybridError(
          'INPUT',
          `input '${info.name}': shape ${show(dims)}, expected ${typeText(info)} (dimension ${i} is ${want} in the model)`,
        );
      }
    });
    return;
  }
  if (dims.length !== info.shape.length) {
    throw new HybridError('INPUT', `input '${info.name}': shape ${show(dims)} has rank ${dims.length}, expected ${typeText(info)}`);
  }
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] === info.shape[i]) continue;
    const want = declared?.[i];
    if (typeof want === 'number' || want === undefined) {
      throw new HybridError('INPUT', `input '${info.name}': shape ${show(dims)}, expected ${typeText(info)} (dimension ${i} is ${info.shape[i]})`);
    }
    throw new HybridError(
      'SHAPE',
      `input '${info.name}': shape ${show(dims)} is not the compiled shape ${show(info.shape)} (dimension ${i}, ` +
        `'${want}' in the model, was built as ${info.shape[i]}); compile again with inputs: { '${info.name}': ${show(dims)} }`,
    );
  }
}

/**
 * The data itself, or a copy of it where it lives in a SharedArrayBuffer: another thread may
 * change those bytes while a run reads them, and Node-API cannot hand them to the addon.
 */
function ownBytes<T extends TypedArray>(data: T): T {
  if (typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer) return data.slice() as T;
  return data;
}

function fromFeed(info: TensorInfo, value: FeedValue): TensorData | DeviceTensor {
  const t = fromFeedValue(info, value);
  return t instanceof DeviceTensor ? t : { ...t, data: ownBytes(t.data) };
}

function fromFeedValue(info: TensorInfo, value: FeedValue): TensorData | DeviceTensor {
  if (value instanceof DeviceTensor) {
    if (value.disposed) throw new HybridError('DISPOSED', `input '${info.name}': the device tensor was disposed`);
    if (value.dtype !== info.dtype) throw new HybridError('INPUT', `input '${info.name}': dtype ${value.dtype}, expected ${typeText(info)}`);
    checkShape(info, value.dims);
    return value;
  }
  if (isTypedArray(value)) {
    const storage = TYPED_ARRAY[info.dtype];
    if (!(value instanceof storage)) {
      throw new HybridError('INPUT', `input '${info.name}': got a ${storageName(value)}, expected a ${storage.name} (${typeText(info)})`);
    }
    const n = numel(info.shape);
    if (value.length !== n) {
      throw new HybridError('INPUT', `input '${info.name}': got ${value.length} elements, expected ${n} (${typeText(info)})`);
    }
    return { dtype: info.dtype, dims: [...info.shape], data: value };
  }
  if (isOrtTensor(value)) {
    if (value.location !== undefined && value.location !== 'cpu' && value.location !== 'cpu-pinned') {
      throw new HybridError('INPUT', `input '${info.name}': an onnxruntime tensor on '${value.location}'; give a cpu tensor`);
    }
    if (value.type !== info.dtype) {
      throw new HybridError('INPUT', `input '${info.name}': dtype ${value.type}, expected ${typeText(info)}`);
    }
    checkShape(info, value.dims);
    return { dtype: info.dtype, dims: [...value.dims], data: value.data as TypedArray };
  }
  const t = value as Partial<TensorData> | null;
  if (t && typeof t === 'object' && typeof t.dtype === 'string' && Array.isArray(t.dims) && isTypedArray(t.data)) {
    if (t.dtype !== info.dtype) throw new HybridError('INPUT', `input '${info.name}': dtype ${t.dtype}, expected ${typeText(info)}`);
    checkShape(info, t.dims);
    if (!(t.data instanceof TYPED_ARRAY[info.dtype]) || t.data.length !== numel(t.dims)) {
      throw new HybridError('INPUT', `input '${info.name}': its data is not ${numel(t.dims)} elements of ${info.dtype}`);
    }
    return { dtype: info.dtype, dims: [...t.dims], data: t.data };
  }
  throw new HybridError('INPUT', `input '${info.name}': expected an onnxruntime Tensor or a typed array (${typeText(info)})`);
}

/** Checks `feeds` against the compiled inputs and returns them as TensorData, by name (host feeds only). */
export function normalizeFeeds(feeds: Feeds, inputs: readonly TensorInfo[]): Map<string, TensorData> {
  const out = normalizeRunFeeds(feeds, inputs);
  for (const [name, v] of out) {
    if (v instanceof DeviceTensor) throw new HybridError('INPUT', `input '${name}': a device tensor where host data is needed`);
  }
  return out as Map<string, TensorData>;
}

/** Checks `feeds` against the compiled inputs and returns them as TensorData or DeviceTensors, by name. */
export function normalizeRunFeeds(feeds: Feeds, inputs: readonly TensorInfo[]): Map<string, TensorData | DeviceTensor> {
  if (feeds === null || typeof feeds !== 'object') {
    throw new HybridError('INPUT', `feeds must be an object of input name -> tensor (inputs: ${inputs.map((i) => i.name).join(', ')})`);
  }
  // A scan, not a Map built per run: models have a few inputs, and this runs on every run.
  for (const name of Object.keys(feeds)) {
    if (!inputs.some((i) => i.name === name)) {
      const list = inputs.map((i) => `${i.name} ${typeText(i)}`).join(', ') || 'none';
      throw new HybridError('INPUT', `unknown input '${name}' (the model's inputs: ${list})`);
    }
  }
  const out = new Map<string, TensorData | DeviceTensor>();
  for (const info of inputs) {
    const value = feeds[info.name];
    if (info.value) {
      if (value === undefined) continue;
      if (value instanceof DeviceTensor) {
        throw new HybridError('INPUT', `input '${info.name}' is fixed at compile time (inputValues): leave it out, or feed it as host data`);
      }
      checkFixedFeed(info.name, info.value, fromFeed(info, value) as TensorData);
      continue;
    }
    if (value === undefined) throw new HybridError('INPUT', `input '${info.name}' is missing (expected ${typeText(info)})`);
    out.set(info.name, fromFeed(info, value));
  }
  return out;
}

/** A host tensor as an onnxruntime Tensor (sharing its data). */
export function toOutput(name: string, t: TensorData): ort.Tensor {
  return toOrtTensor(t, `output '${name}'`);
}
