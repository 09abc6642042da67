/**
 * Loading and saving ModelProto files, external data included.
 *
 * Load: decodes the protobuf, checks that it is an ONNX model at all, and resolves every
 * tensor stored as external data (initializers, Constant attributes, subgraphs, functions)
 * into a view over the external file's bytes. External paths are confined to the model's
 * folder: absolute paths, `..` escapes and symbolic links that lead outside are refused.
 * Save: writes the model, inline by default, or with tensors above a size threshold moved
 * to one external data file beside it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { HybridError } from '../errors.js';
import { DTYPE_SIZE, bytesOf, numel } from './dtype.js';
import type { AttributeProto, GraphProto, ModelProto, SparseTensorProto, TensorProto } from './proto.js';
import { toNumber } from './proto.js';
import { readRegularFile } from './files.js';
import { ModelProtoType } from './schema.js';
import { tensorFromProto, tensorProtoDType } from './tensor.js';

export interface LoadModelOptions {
  /** Folder that external data paths are relative to (default: the model file's folder). */
  baseDir?: string;
  /** Resolve external data now (default true). */
  loadExternalData?: boolean;
  /** Name used in error messages when loading from bytes (default "<bytes>"). */
  label?: string;
}

/** Decodes ONNX model bytes; `label` names the source in errors. */
export function decodeModel(bytes: Uint8Array, label = '<bytes>'): ModelProto {
  if (bytes.length === 0) throw new HybridError('MODEL_LOAD', `${label}: empty file, not an ONNX model`);
  let model: ModelProto;
  try {
    model = ModelProtoType.decode(bytes) as unknown as ModelProto;
  } catch (e) {
    throw new HybridError('MODEL_LOAD', `${label}: not a valid ONNX model (truncated or corrupt protobuf: ${(e as Error).message})`, { cause: e });
  }
  if (!model.graph || toNumber(model.irVersion) <= 0) {
    throw new HybridError('MODEL_LOAD', `${label}: not an ONNX model (${model.graph ? 'no ir_version' : 'no graph'} in the protobuf)`);
  }
  return model;
}

/**
 * A ModelProto given as an object (compile(proto)) checked as a decoded file would be: a plain
 * object becomes a message with every field's default (so `{ graph: {} }` is a model of an
 * empty graph, not a TypeError later), and external data must already be resolved: onnxruntime
 * would read it relative to the working directory, which a path-based load never allows.
 */
export function checkModelObject(model: unknown, label: string): ModelProto {
  if (!model || typeof model !== 'object') throw new HybridError('OPTION', `${label}: not a ModelProto`);
  const why = ModelProtoType.verify(model as Record<string, unknown>);
  if (why) throw new HybridError('MODEL_INVALID', `${label}: not a valid ModelProto (${why})`);
  const proto = (model instanceof ModelProtoType.ctor ? model : ModelProtoType.fromObject(model as Record<string, unknown>)) as unknown as ModelProto;
  if (!proto.graph || toNumber(proto.irVersion) <= 0) {
    throw new HybridError('MODEL_INVALID', `${label}: not an ONNX model (${proto.graph ? 'no ir_version' : 'no graph'})`);
  }
  for (const t of allTensors(proto)) {
    if (t.dataLocation === 1) {
      throw new HybridError(
        'EXTERNAL_DATA',
        `${label}: tensor '${t.name || '<unnamed>'}' keeps its data in an external file that was not loaded; pass the model's path (external data is read from its folder), or load it with loadModelProto(path)`,
      );
    }
  }
  return proto;
}

/** Loads a model from a path or from bytes, resolving external data. */
export function loadModelProto(source: string | Uint8Array, options: LoadModelOptions = {}): ModelProto {
  let bytes: Uint8Array;
  let label = options.label ?? '<bytes>';
  let baseDir = options.baseDir;
  if (typeof source === 'string') {
    label = options.label ?? source;
    baseDir ??= path.dirname(path.resolve(source));
    bytes = readRegularFile(source, {
      code: 'MODEL_LOAD',
      what: 'model',
      maxBytes: PROTOBUF_LIMIT,
      limitWhy: 'protobuf holds at most 2 GiB; larger models keep their weights as external data',
    });
  } else {
    bytes = source;
  }
  const model = decodeModel(bytes, label);
  if (options.loadExternalData !== false) {
    resolveExternalData(model, baseDir, label);
  }
  return model;
}

/** Every TensorProto in a model: initializers, attributes, subgraphs, functions and training graphs. */
export function* allTensors(model: ModelProto): Generator<TensorProto> {
  if (model.graph) yield* graphTensors(model.graph);
  for (const f of model.functions ?? []) {
    for (const a of f.attributeProto ?? []) yield* attributeTensors(a);
    for (const n of f.node) for (const a of n.attribute) yield* attributeTensors(a);
  }
  for (const ti of (model.trainingInfo ?? []) as Array<{ initialization?: GraphProto | null; algorithm?: GraphProto | null }>) {
    if (ti.initialization) yield* graphTensors(ti.initialization);
    if (ti.algorithm) yield* graphTensors(ti.algorithm);
  }
}

function* sparseTensors(s: SparseTensorProto): Generator<TensorProto> {
  if (s.values) yield s.values;
  if (s.indices) yield s.indices;
}

function* graphTensors(g: GraphProto): Generator<TensorProto> {
  yield* g.initializer;
  for (const s of g.sparseInitializer ?? []) yield* sparseTensors(s);
  for (const n of g.node) for (const a of n.attribute) yield* attributeTensors(a);
}

function* attributeTensors(a: AttributeProto): Generator<TensorProto> {
  if (a.t) yield a.t;
  yield* a.tensors ?? [];
  if (a.sparseTensor) yield* sparseTensors(a.sparseTensor);
  for (const s of a.sparseTensors ?? []) yield* sparseTensors(s);
  if (a.g) yield* graphTensors(a.g);
  for (const g of a.graphs ?? []) yield* graphTensors(g);
}

function externalEntry(t: TensorProto, key: string): string | undefined {
  return t.externalData.find((e) => e.key === key)?.value;
}

/** `rel` (from path.relative) leads out of its base. */
function escapes(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/** Resolves a model-relative external data path, refusing anything outside baseDir. */
export function confineExternalPath(baseDir: string, location: string, tensor: string): string {
  if (!location || path.isAbsolute(location) || location.includes('\0')) {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': external data path '${location}' must be relative to the model's folder`);
  }
  const base = path.resolve(baseDir);
  const full = path.resolve(base, location);
  if (escapes(path.relative(base, full))) {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': external data path '${location}' leaves the model's folder`);
  }
  let real: string;
  let realBase: string;
  try {
    realBase = fs.realpathSync(base);
  } catch {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': the model's folder '${baseDir}' does not exist`);
  }
  try {
    real = fs.realpathSync(full);
  } catch {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': external data file '${location}' not found beside the model`);
  }
  if (escapes(path.relative(realBase, real))) {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': external data path '${location}' links outside the model's folder`);
  }
  return real;
}

/**
 * Reads one tensor's external data into `rawData` (a view over the file's bytes) and marks it
 * inline. `files` caches file contents across the tensors of one model.
 */
export function resolveTensorExternalData(t: TensorProto, baseDir: string, files = new Map<string, Uint8Array>()): void {
  const name = t.name || '<unnamed>';
  const location = externalEntry(t, 'location');
  if (location === undefined) {
    throw new HybridError('EXTERNAL_DATA', `tensor '${name}': external data has no location`);
  }
  const file = confineExternalPath(baseDir, location, name);
  let buf = files.get(file);
  if (!buf) {
    // A folder, FIFO or device would fail or block a read: only regular files hold tensors.
    if (!fs.statSync(file).isFile()) {
      throw new HybridError('EXTERNAL_DATA', `tensor '${name}': external data '${location}' is not a regular file`);
    }
    try {
      buf = fs.readFileSync(file);
    } catch (e) {
      throw new HybridError('EXTERNAL_DATA', `tensor '${name}': cannot read external data '${location}' (${(e as Error).message})`);
    }
    files.set(file, buf);
  }
  const dtype = tensorProtoDType(t);
  const dims = t.dims.map(toNumber);
  const needed = numel(dims) * DTYPE_SIZE[dtype];
  const offset = parseExternalInt(externalEntry(t, 'offset') ?? '0');
  const lengthText = externalEntry(t, 'length');
  const length = lengthText === undefined ? needed : parseExternalInt(lengthText);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0) || !Number.isSafeInteger(needed)) {
    throw new HybridError('EXTERNAL_DATA', `tensor '${name}': invalid shape [${dims.join(',')}]`);
  }
  if (offset === undefined || length === undefined || offset + length > buf.length) {
    throw new HybridError(
      'EXTERNAL_DATA',
      `tensor '${name}': external data range (offset ${externalEntry(t, 'offset') ?? 0}, length ${lengthText ?? needed}) lies outside '${location}' (${buf.length} bytes)`,
    );
  }
  if (length !== needed) {
    throw new HybridError(
      'EXTERNAL_DATA',
      `tensor '${name}': external data holds ${length} bytes, its shape [${dims.join(',')}] of ${dtype} needs ${needed}`,
    );
  }
  t.rawData = buf.subarray(offset, offset + length);
  t.dataLocation = 0;
  t.externalData = [];
}

/** A decimal offset/length of an external data entry, or undefined when it is not one. */
function parseExternalInt(text: string): number | undefined {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}

function resolveExternalData(model: ModelProto, baseDir: string | undefined, label: string): void {
  const files = new Map<string, Uint8Array>();
  for (const t of allTensors(model)) {
    if (t.dataLocation !== 1) continue;
    if (!baseDir) {
      throw new HybridError('EXTERNAL_DATA', `${label}: tensor '${t.name || '<unnamed>'}' uses external data; pass baseDir to load it from bytes`);
    }
    try {
      resolveTensorExternalData(t, baseDir, files);
    } catch (e) {
      if (!(e instanceof HybridError)) throw e;
      throw new HybridError(e.code, `${label}: ${e.message}`, { cause: e });
    }
  }
}

export interface SaveModelOptions {
  /**
   * Move tensors of at least `threshold` bytes (default 1024) to the file `location`, a path
   * relative to the model's folder and inside it. Models over 2 GiB must use this: protobuf
   * cannot hold them inline. Tensors still external (loaded with `loadExternalData: false`)
   * keep their references unchanged.
   */
  externalData?: { location: string; threshold?: number };
}

/** protobuf's hard limit on one message (2 GiB). */
const PROTOBUF_LIMIT = 2 ** 31 - 1;
/** As onnx's external-data writer: tensors of 1 MiB or more start on a 64 KiB boundary (mmap-able everywhere). */
const ALIGN_THRESHOLD = 1 << 20;
const ALIGNMENT = 1 << 16;

/** Encodes a model to bytes (inline data only). */
export function encodeModel(model: ModelProto, label = 'model'): Uint8Array {
  let inline = 0;
  for (const t of allTensors(model)) inline += t.rawData?.length ?? 0;
  if (inline > PROTOBUF_LIMIT) {
    throw new HybridError('MODEL_SAVE', `${label}: ${inline} bytes of tensors exceed protobuf's 2 GiB limit; save it with external data`);
  }
  return ModelProtoType.encode(model as never).finish();
}

/** Writes a model to `file`, optionally with external data beside it. The model is not changed. */
export function saveModelProto(model: ModelProto, file: string, options: SaveModelOptions = {}): void {
  const ext = options.externalData;
  if (!ext) {
    writeOrFail(file, encodeModel(model, file));
    return;
  }
  const dir = path.dirname(path.resolve(file));
  const dataPath = confineOutputPath(dir, ext.location, file);
  const threshold = ext.threshold ?? 1024;
  // Tensors are moved out only for the encode, then restored: the caller's model is unchanged.
  const moved: Array<{ t: TensorProto; saved: Partial<TensorProto> }> = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  try {
    for (const t of allTensors(model)) {
      if (t.dataLocation === 1) continue;
      const raw = rawBytesOf(t);
      if (!raw || raw.length < threshold) continue;
      if (raw.length >= ALIGN_THRESHOLD && offset % ALIGNMENT) {
        const pad = ALIGNMENT - (offset % ALIGNMENT);
        chunks.push(new Uint8Array(pad));
        offset += pad;
      }
      chunks.push(raw);
      moved.push({ t, saved: takeData(t) });
      t.dataLocation = 1;
      t.externalData = [
        { key: 'location', value: ext.location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.length) },
      ];
      offset += raw.length;
    }
    const bytes = encodeModel(model, file);
    writeOrFail(dataPath, chunks);
    writeOrFail(file, bytes);
  } finally {
    for (const { t, saved } of moved) Object.assign(t, saved);
  }
}

/** A tensor's data as little-endian bytes: its raw_data, or its typed fields converted; undefined for strings. */
function rawBytesOf(t: TensorProto): Uint8Array | undefined {
  if (t.rawData && t.rawData.length) return t.rawData;
  const typed = t.floatData.length + t.int32Data.length + t.int64Data.length + t.doubleData.length + t.uint64Data.length;
  if (!typed) return undefined;
  try {
    return bytesOf(tensorFromProto(t).data);
  } catch {
    return undefined; // strings and broken tensors stay inline, as they are
  }
}

/** Removes a tensor's data fields, returning them for restoring. */
function takeData(t: TensorProto): Partial<TensorProto> {
  const saved: Partial<TensorProto> = {
    rawData: t.rawData,
    dataLocation: t.dataLocation,
    externalData: t.externalData,
    floatData: t.floatData,
    int32Data: t.int32Data,
    int64Data: t.int64Data,
    doubleData: t.doubleData,
    uint64Data: t.uint64Data,
  };
  Object.assign(t, { rawData: new Uint8Array(0), floatData: [], int32Data: [], int64Data: [], doubleData: [], uint64Data: [] });
  return saved;
}

function writeOrFail(file: string, data: Uint8Array | Uint8Array[]): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'w');
    for (const chunk of Array.isArray(data) ? data : [data]) fs.writeSync(fd, chunk);
  } catch (e) {
    throw new HybridError('MODEL_SAVE', `${file}: cannot write (${(e as Error).message})`, { cause: e });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function confineOutputPath(dir: string, location: string, file: string): string {
  const full = path.resolve(dir, location);
  if (!location || path.isAbsolute(location) || location.includes('\0') || escapes(path.relative(dir, full))) {
    throw new HybridError('EXTERNAL_DATA', `${file}: external data location '${location}' must be a path inside the model's folder`);
  }
  if (full === path.resolve(file)) {
    throw new HybridError('EXTERNAL_DATA', `${file}: external data location '${location}' is the model file itself`);
  }
  return full;
}
