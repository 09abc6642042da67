/**
 * An inference request as both transports hand it over, and its one check against the model:
 * every input named once and known, its datatype the model's, its shape one the model was
 * compiled for (through the profile rule run() itself uses), batch sizes within
 * max_batch_size and alike across inputs, its data the right size (datatypes.ts decodes), and
 * every requested output known. An input fixed at compile time (config.json's inputValues)
 * may be left out; given, it must be that value, and it is not fed (so never batched). What
 * passes is a set of feeds of this request's own arrays, with the batch size and the key that
 * tells which requests may share a batch.
 */
import { chooseProfile } from '../compiler/profiles.js';
import type { NumericDType } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import { messageLine } from '../errors.js';
import { checkFixedFeed, formatValue } from '../compiler/input-values.js';
import type { TensorInfo } from '../runtime/types.js';
import { datatypeOf, dtypeOf, fromOwnRaw, fromRaw, fromValues } from './datatypes.js';
import { ServeError, invalid, toServeError } from './errors.js';
import type { ServedVersion } from './repository.js';

/**
 * Where an input's data is: JSON values, raw bytes, or gRPC's typed contents (values). `own`:
 * the raw bytes belong to this request alone (a slice of its body or message, used for nothing
 * else), so that its array may be a view of them instead of a copy.
 */
export type TensorSource = { kind: 'values'; values: unknown } | { kind: 'raw'; bytes: Uint8Array; own?: boolean };

export interface RequestInput {
  name: unknown;
  datatype: unknown;
  shape: unknown;
  data: TensorSource;
}

export interface RequestOutput {
  name: string;
  /** REST: answer this output as binary data (the binary tensor data extension). */
  binary?: boolean;
}

export interface InferRequest {
  id?: string;
  inputs: RequestInput[];
  /** The outputs to answer; absent: all of them. */
  outputs?: RequestOutput[];
  /**
   * Called (at most once) when the scheduler no longer reads the request's input arrays: merged
   * into a batch, its run over, or dropped from the queue (not after a failed run). The transport
   * may then reuse the memory they view (rest.ts: the body, once the answer is written too).
   */
  releaseInputs?: () => void;
}

export interface CheckedRequest {
  feeds: Record<string, TensorData>;
  /** Items in the request: dim 0 of its inputs where the model is batched, else 1. */
  batch: number;
  /** Requests with the same key may run as one batch: same dims beyond the batch. */
  key: string;
  /** Output names to answer, in the model's order. */
  outputs: string[];
  /** InferRequest.releaseInputs. */
  releaseInputs?: () => void;
}

/** Server-wide limits a request is held to. */
export interface RequestLimits {
  /** Elements one input tensor may have. */
  maxTensorElements: number;
}

function shapeOf(v: unknown, what: string, limits: RequestLimits): number[] {
  if (!Array.isArray(v) || v.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw invalid(`${what}: shape must be an array of non-negative integers, got ${JSON.stringify(v) ?? String(v)}`);
  }
  let n = 1;
  for (const d of v as number[]) n *= d;
  if (n > limits.maxTensorElements)
    throw new ServeError(
      'TOO_LARGE',
      `${what}: shape [${v.join(',')}] has ${n} elements, more than the ${limits.maxTensorElements} this server allows`,
    );
  return v as number[];
}

export function checkRequest(v: ServedVersion, req: InferRequest, limits: RequestLimits): CheckedRequest {
  const model = v.model!;
  const where = `model '${v.name}' version ${v.version}`;
  if (!Array.isArray(req.inputs) || req.inputs.length === 0)
    throw invalid(`${where}: the request has no inputs (the model takes ${takes(model.inputs)})`);
  const feeds: Record<string, TensorData> = {};
  const dims = new Map<string, number[]>();
  const given = new Set<string>();
  /** Inputs fixed at compile time that the request gives anyway: checked against their values, not fed. */
  const fixed = new Map<string, TensorData>();
  const live = model.inputs.filter((i) => !i.value).map((i) => i.name);
  for (const input of req.inputs) {
    if (typeof input.name !== 'string') throw invalid(`${where}: an input has no name`);
    const what = `${where}: input '${input.name}'`;
    const info = model.inputs.find((i) => i.name === input.name);
    if (!info) throw invalid(`${where}: the model has no input '${input.name}' (its inputs: ${takes(model.inputs)})`);
    const dtype = dtypeOf(input.datatype, what);
    if (dtype !== info.dtype) throw invalid(`${what}: datatype ${datatypeOf(dtype)}, the model takes ${datatypeOf(info.dtype)}`);
    const shape = shapeOf(input.shape, what, limits);
    if (given.has(info.name)) throw invalid(`${what} is given twice`);
    given.add(info.name);
    const f = { dtype: dtype as NumericDType, dims: shape, data: new Float32Array(0) as TensorData['data'] }; // data decoded below, once shapes pass
    if (info.value) fixed.set(info.name, f);
    else {
      dims.set(info.name, shape);
      feeds[info.name] = f;
    }
  }
  const missing = live.filter((n) => !dims.has(n));
  if (missing.length) throw invalid(`${where}: input '${missing[0]}' is missing (the model takes ${takes(model.inputs)})`);
  const batch = checkShapes(v, dims, where);
  for (const input of req.inputs) {
    const name = input.name as string;
    const f = feeds[name] ?? fixed.get(name)!;
    const count = f.dims.reduce((a, b) => a * b, 1);
    const what = `${where}: input '${name}'`;
    const data = input.data;
    f.data =
      data.kind === 'values' ? fromValues(f.dtype, count, data.values, what) : (data.own ? fromOwnRaw : fromRaw)(f.dtype, count, data.bytes, what);
  }
  // A fixed input given must be its value (run()'s own check, as INVALID); it is not fed, so never batched.
  for (const [name, f] of fixed) {
    try {
      checkFixedFeed(name, model.inputs.find((i) => i.name === name)!.value!, f);
    } catch (e) {
      throw toServeError(e, where);
    }
  }
  const outputs = req.outputs === undefined ? model.outputNames : requestedOutputs(req.outputs, model.outputNames, where);
  const key = live
    .map((n) =>
      dims
        .get(n)!
        .slice(v.config!.maxBatchSize > 0 ? 1 : 0)
        .join('x'),
    )
    .join(';');
  return { feeds, batch, key, outputs, ...(req.releaseInputs ? { releaseInputs: req.releaseInputs } : {}) };
}

/** The model's inputs for messages, a fixed one marked optional: `x, sr (optional: fixed to 16000)`. */
function takes(inputs: readonly TensorInfo[]): string {
  return inputs.map((i) => (i.value ? `${i.name} (optional: fixed to ${formatValue(i.value)})` : i.name)).join(', ');
}

/** The shapes against the model: batch 1..max_batch_size alike across inputs, then a profile (or the static shapes) holding them. */
function checkShapes(v: ServedVersion, dims: Map<string, number[]>, where: string): number {
  const model = v.model!;
  const max = v.config!.maxBatchSize;
  let batch = 1;
  if (max > 0) {
    const first = [...dims.keys()][0];
    batch = first === undefined ? 1 : (dims.get(first)![0] ?? 0);
    for (const [name, s] of dims) {
      if (s.length === 0 || s[0]! < 1 || s[0]! > max)
        throw invalid(`${where}: input '${name}' has shape [${s.join(',')}]: dim 0 is the batch, from 1 to ${max} (max_batch_size)`);
      if (s[0] !== batch) throw invalid(`${where}: input '${name}' has batch ${s[0]}, input '${first}' has ${batch}; every input has one batch size`);
    }
  }
  if (v.profiles) {
    try {
      chooseProfile(v.profiles, dims);
    } catch (e) {
      throw invalid(`${where}: ${messageLine(e)}`);
    }
  }
  for (const info of model.inputs) {
    const s = dims.get(info.name);
    if (!s || info.ranges) continue; // a fixed input (checked against its value)
    if (s.length !== info.shape.length || s.some((d, i) => d !== info.shape[i])) {
      throw invalid(`${where}: input '${info.name}' has shape [${s.join(',')}]; the model was compiled for [${info.shape.join(',')}]`);
    }
  }
  return batch;
}

function requestedOutputs(asked: unknown, names: readonly string[], where: string): string[] {
  if (!Array.isArray(asked)) throw invalid(`${where}: outputs must be an array of { name }`);
  const want = new Set<string>();
  for (const o of asked as Array<{ name?: unknown }>) {
    if (!o || typeof o.name !== 'string') throw invalid(`${where}: a requested output has no name`);
    if (!names.includes(o.name)) throw invalid(`${where}: the model has no output '${o.name}' (its outputs: ${names.join(', ')})`);
    want.add(o.name);
  }
  return names.filter((n) => want.has(n));
}
