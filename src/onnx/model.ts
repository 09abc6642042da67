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
import { DTYPE_SIZE, numel } from './dtype.js';
import type { AttributeProto, GraphProto, ModelProto, TensorProto } from './proto.js';
import { toNumber } from './proto.js';
import { ModelProtoType } from './schema.js';
import { tensorProtoDType } from './tensor.js';

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
  let model: ModelProto;
  try {
    model = ModelProtoType.decode(bytes) as unknown as ModelProto;
  } catch (e) {
    throw new HybridError(
      'MODEL_LOAD',
      `${label}: not a valid ONNX model (truncated or corrupt protobuf: ${(e as Error).message})`,
      { cause: e },
    );
  }
  if (!model.graph || toNumber(model.irVersion) <= 0) {
    throw new HybridError(
      'MODEL_LOAD',
      `${label}: not an ONNX model (${model.graph ? 'no ir_version' : 'no graph'} in the protobuf)`,
    );
  }
  return model;
}

/** Loads a model from a path or from bytes, resolving external data. */
export function loadModelProto(source: string | Uint8Array, options: LoadModelOptions = {}): ModelProto {
  let bytes: Uint8Array;
  let label = options.label ?? '<bytes>';
  let baseDir = options.baseDir;
  if (typeof source === 'string') {
    label = options.label ?? source;
    baseDir ??= path.dirname(path.resolve(source));
    try {
      bytes = fs.readFileSync(source);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message;
      throw new HybridError('MODEL_LOAD', `${source}: cannot read model (${why})`, { cause: e });
    }
  } else {
    bytes = source;
  }
  const model = decodeModel(bytes, label);
  if (options.loadExternalData !== false) {
    resolveExternalData(model, baseDir, label);
  }
  return model;
}

/** Every TensorProto in a model: initializers, attributes, subgraphs and functions. */
export function* allTensors(model: ModelProto): Generator<TensorProto> {
  if (model.graph) yield* graphTensors(model.graph);
  for (const f of model.functions ?? []) {
    for (const n of f.node) for (const a of n.attribute) yield* attributeTensors(a);
  }
}

function* graphTensors(g: GraphProto): Generator<TensorProto> {
  yield* g.initializer;
  for (const s of g.sparseInitializer ?? []) {
    if (s.values) yield s.values;
    if (s.indices) yield s.indices;
  }
  for (const n of g.node) for (const a of n.attribute) yield* attributeTensors(a);
}

function* attributeTensors(a: AttributeProto): Generator<TensorProto> {
  if (a.t) yield a.t;
  yield* a.tensors ?? [];
  if (a.g) yield* graphTensors(a.g);
  for (const g of a.graphs ?? []) yield* graphTensors(g);
}

function externalEntry(t: TensorProto, key: string): string | undefined {
  return t.externalData.find((e) => e.key === key)?.value;
}

/** Resolves a model-relative external data path, refusing anything outside baseDir. */
export function confineExternalPath(baseDir: string, location: string, tensor: string): string {
  if (!location || path.isAbsolute(location) || location.includes('\0')) {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': external data path '${location}' must be relative to the model's folder`);
  }
  const base = path.resolve(baseDir);
  const full = path.resolve(base, location);
  const rel = path.relative(base, full);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': external data path '${location}' leaves the model's folder`);
  }
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': external data file '${location}' not found beside the model`);
  }
  const realBase = fs.realpathSync(base);
  const realRel = path.relative(realBase, real);
  if (realRel.startsWith('..') || path.isAbsolute(realRel)) {
    throw new HybridError('EXTERNAL_DATA', `tensor '${tensor}': external data path '${location}' links outside the model's folder`);
  }
  return real;
}

function resolveExternalData(model: ModelProto, baseDir: string | undefined, label: string): void {
  const files = new Map<string, Buffer>();
  for (const t of allTensors(model)) {
    if (t.dataLocation !== 1) continue;
    const name = t.name ?? '<unnamed>';
    const location = externalEntry(t, 'location');
    if (!baseDir) {
      throw new HybridError('EXTERNAL_DATA', `${label}: tensor '${name}' uses external data; pass baseDir to load it from bytes`);
    }
    if (location === undefined) {
      throw new HybridError('EXTERNAL_DATA', `tensor '${name}': external data has no location`);
    }
    const file = confineExternalPath(baseDir, location, name);
    let buf = files.get(file);
    if (!buf) {
      try {
        buf = fs.readFileSync(file);
      } catch (e) {
        throw new HybridError('EXTERNAL_DATA', `tensor '${name}': cannot read external data '${location}' (${(e as Error).message})`);
      }
      files.set(file, buf);
    }
    const offset = Number(externalEntry(t, 'offset') ?? '0');
    const dtype = tensorProtoDType(t);
    const needed = numel(t.dims.map(toNumber)) * DTYPE_SIZE[dtype];
    const lengthText = externalEntry(t, 'length');
    const length = lengthText === undefined ? needed : Number(lengthText);
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0 || offset + length > buf.length) {
      throw new HybridError(
        'EXTERNAL_DATA',
        `tensor '${name}': external data range offset ${offset}, length ${length} lies outside '${location}' (${buf.length} bytes)`,
      );
    }
    if (length !== needed) {
      throw new HybridError('EXTERNAL_DATA', `tensor '${name}': external data holds ${length} bytes, its shape needs ${needed}`);
    }
    t.rawData = buf.subarray(offset, offset + length);
    t.dataLocation = 0;
    t.externalData = [];
  }
}

export interface SaveModelOptions {
  /**
   * Move tensors of at least `threshold` bytes (default 1024) to the file `location`, beside
   * the model. Models over 2 GiB must use this: protobuf cannot hold them inline.
   */
  externalData?: { location: string; threshold?: number };
}

/** Encodes a model to bytes (inline data only). */
export function encodeModel(model: ModelProto): Uint8Array {
  return ModelProtoType.encode(model as never).finish();
}

/** Writes a model to `file`, optionally with external data beside it. */
export function saveModelProto(model: ModelProto, file: string, options: SaveModelOptions = {}): void {
  const ext = options.externalData;
  if (!ext) {
    fs.writeFileSync(file, encodeModel(model));
    return;
  }
  const dir = path.dirname(path.resolve(file));
  const dataPath = confineOutputPath(dir, ext.location);
  const threshold = ext.threshold ?? 1024;
  const fd = fs.openSync(dataPath, 'w');
  // Tensors are moved out only for the encode, then restored: the caller's model is unchanged.
  const moved: Array<{ t: TensorProto; raw: Uint8Array }> = [];
  try {
    let offset = 0;
    for (const t of allTensors(model)) {
      const raw = t.rawData;
      if (!raw || raw.length < threshold) continue;
      const pad = (4096 - (offset % 4096)) % 4096; // page-aligned, as onnx's writer does
      if (pad) fs.writeSync(fd, new Uint8Array(pad));
      offset += pad;
      fs.writeSync(fd, raw);
      moved.push({ t, raw });
      t.rawData = new Uint8Array(0);
      t.dataLocation = 1;
      t.externalData = [
        { key: 'location', value: ext.location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.length) },
      ];
      offset += raw.length;
    }
    fs.writeFileSync(file, encodeModel(model));
  } finally {
    fs.closeSync(fd);
    for (const { t, raw } of moved) {
      t.rawData = raw;
      t.dataLocation = 0;
      t.externalData = [];
    }
  }
}

function confineOutputPath(dir: string, location: string): string {
  const full = path.resolve(dir, location);
  const rel = path.relative(dir, full);
  if (!location || path.isAbsolute(location) || rel.startsWith('..')) {
    throw new HybridError('EXTERNAL_DATA', `external data location '${location}' must be a path inside the model's folder`);
  }
  return full;
}
