/**
 * A compiled model to a `.hybrid` file: the manifest (manifest.ts), one weights section, each
 * engine's plan, each fallback sub-model (and the source model, when embedded) as ONNX whose
 * larger initializers live in the weights section, each distinct tensor once (by content).
 * Sections: 0 manifest, 1 weights, then plans and sub-models in segment order.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ModelReport } from '../compiler/report.js';
import { loadNative } from '../engine/native.js';
import { HybridError } from '../errors.js';
import { bytesOf, type NumericDType } from '../onnx/dtype.js';
import { allTensors, decodeModel, encodeModel, loadModelProto } from '../onnx/model.js';
import { modelDigest } from './cache.js';
import type { ModelProto, TensorProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { EngineSegment, FallbackSegment, type SegmentRunner } from '../runtime/segments.js';
import type { OutputInfo, Provenance, TensorInfo } from '../runtime/types.js';
import { VERSION } from '../version.js';
import { encodeTensor } from '../compiler/input-values.js';
import { type Section, writeContainer } from './container.js';
import { MANIFEST_FORMAT, MANIFEST_VERSION, type Manifest, type ManifestSegment, type OnnxRef, type WeightRef } from './manifest.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';

export interface SaveOptions {
  /** Store the source ONNX model too, so that load() can rebuild where the device differs. */
  embedSource?: boolean;
}

/** Every key of SaveOptions, once (an unknown key is an OPTION error naming the nearest). */
export const SAVE_OPTION_KEYS = optionKeys<SaveOptions>()(['embedSource']);

/** What a HybridModel hands save(). */
export interface SavedParts {
  label: string;
  backend: 'cpu' | 'cuda';
  inputs: readonly TensorInfo[];
  outputs: readonly OutputInfo[];
  runners: readonly SegmentRunner[];
  constants: ReadonlyMap<string, TensorData>;
  report: unknown;
  provenance?: Provenance;
}

/** Initializers below this many bytes stay inside their sub-model. */
const INLINE_BYTES = 1024;

/** One weights section, every distinct tensor once. */
class WeightStore {
  private readonly chunks: Uint8Array[] = [];
  private readonly byHash = new Map<string, WeightRef>();
  private size = 0;

  add(bytes: Uint8Array): WeightRef {
    const key = createHash('sha256').update(bytes).digest('hex');
    const have = this.byHash.get(key);
    if (have) return have;
    // 64-byte aligned, as the container aligns sections: views of any element type fit.
    const pad = (64 - (this.size % 64)) % 64;
    if (pad) this.chunks.push(new Uint8Array(pad));
    const ref = { section: 1, offset: this.size + pad, length: bytes.length };
    this.chunks.push(bytes);
    this.size += pad + bytes.length;
    this.byHash.set(key, ref);
    return ref;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** An ONNX model as a section whose larger initializers move to the weight store. */
function onnxSection(model: ModelProto | Uint8Array, weights: WeightStore, sections: Section[], label: string): OnnxRef {
  const proto = model instanceof Uint8Array ? decodeModel(model, label) : model;
  const moved: OnnxRef['weights'] = [];
  const restore: Array<[TensorProto, Uint8Array]> = [];
  for (const t of proto.graph?.initializer ?? []) {
    const raw = t.rawData;
    if (!t.name || !raw || raw.length < INLINE_BYTES) continue;
    moved.push({ tensor: t.name, ref: weights.add(raw) });
    restore.push([t, raw]);
    t.rawData = new Uint8Array(0);
  }
  try {
    sections.push({ kind: 'onnx', bytes: encodeModel(proto, label) });
  } finally {
    // A proto the caller owns (the embedded source) is left as it was.
    for (const [t, raw] of restore) t.rawData = raw;
  }
  return { section: sections.length - 1, weights: moved };
}

/** The source model decoded: a path is read (external data inline), bytes decoded, a proto as it is. */
function sourceProto(p: Provenance, label: string): ModelProto {
  const source = typeof p.source === 'function' ? (p.source as () => unknown)() : p.source;
  if (typeof source === 'string') {
    // The file is read again: it must still be the one the engines were built from.
    const st = fs.statSync(source, { throwIfNoEntry: false });
    if (p.sourceStat && (!st || st.size !== p.sourceStat.size || st.mtimeMs !== p.sourceStat.mtimeMs)) {
      throw new HybridError(
        'MODEL_SAVE',
        `${label}: ${source} ${st ? 'changed' : 'was removed'} since it was compiled; compile it again to save the model it now holds`,
      );
    }
    return loadModelProto(source, { label });
  }
  if (source instanceof Uint8Array) return decodeModel(source, label);
  return source as ModelProto;
}

/** The `.hybrid` bytes of a compiled model. */
export async function artifactBytes(parts: SavedParts, options: SaveOptions = {}): Promise<Uint8Array> {
  const label = parts.label;
  if (options === null || typeof options !== 'object') throw new HybridError('OPTION', 'save options must be an object');
  checkKnownKeys(options, SAVE_OPTION_KEYS, 'save options');
  const p = parts.provenance;
  if (!p) throw new HybridError('MODEL_SAVE', `${label}: this model has no record of how it was compiled; compile() it to save it`);
  const weights = new WeightStore();
  const sections: Section[] = [
    { kind: 'manifest', bytes: new Uint8Array(0) },
    { kind: 'weights', bytes: new Uint8Array(0) },
  ];
  const segments: ManifestSegment[] = [];
  const report = parts.report as ModelReport;
  const data = report.data;
  for (const runner of parts.runners) {
    const seg = data.segments.find((s) => s.id === runner.id);
    if (!seg) throw new Error(`internal: no report segment ${runner.id}`);
    const boundary = {
      inputs: seg.inputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
      outputs: seg.outputs.map(({ name, dtype, shape }) => ({ name, dtype, shape })),
    };
    if (runner instanceof EngineSegment) {
      const plans = runner.profiles.map((p) => {
        sections.push({ kind: 'plan', bytes: p.engine.serialize() });
        return sections.length - 1;
      });
      const [plan, ...profilePlans] = plans;
      const fb = runner.shapeFallbackModel;
      const shapeFallback = fb ? onnxSection(fb, weights, sections, label) : undefined;
      segments.push({
        kind: 'engine',
        id: runner.id,
        ...boundary,
        plan: plan!,
        ...(profilePlans.length ? { profilePlans } : {}),
        ...(shapeFallback ? { shapeFallback } : {}),
      });
    } else if (runner instanceof FallbackSegment) {
      segments.push({ kind: 'fallback', id: runner.id, ...boundary, model: onnxSection(runner.model, weights, sections, label) });
    } else {
      throw new Error('internal: a segment runner of unknown kind');
    }
  }
  const constants: Manifest['constants'] = [...parts.constants].map(([name, t]) => ({
    name,
    dtype: t.dtype as NumericDType,
    dims: [...t.dims],
    ref: weights.add(bytesOf(t.data as never)),
  }));
  // The source's digest (modelDigest: its content, hashed where it lies) and size; it is
  // read again only where compile() did not record them or it is embedded.
  const needSource = options.embedSource || p.sourceSha256 === undefined;
  const proto = needSource && p.source !== undefined ? sourceProto(p, label) : undefined;
  if (options.embedSource && !proto)
    throw new HybridError('MODEL_SAVE', `${label}: embedSource: this model was loaded from a file without its source model`);
  const digest = proto && Buffer.from(modelDigest(proto)).toString('hex');
  // Exact where compile() recorded the digest: the source read now must be the one compiled.
  if (digest && p.sourceSha256 !== undefined && digest !== p.sourceSha256) {
    throw new HybridError('MODEL_SAVE', `${label}: the source model is not the one compiled (its content changed); compile it again to save it`);
  }
  const embedded = options.embedSource && proto ? onnxSection(proto, weights, sections, label) : undefined;
  const source =
    proto && digest
      ? { sha256: digest, bytes: [...allTensors(proto)].reduce((a, t) => a + (t.rawData?.length ?? 0), 0) }
      : { sha256: p.sourceSha256 ?? '', bytes: p.sourceBytes ?? 0 };
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    hybridrt: VERSION,
    planFormat: loadNative().planFormatVersion,
    created: new Date().toISOString(),
    label,
    source: { ...source, ...(embedded ? { embedded } : {}) },
    backend: parts.backend,
    device: p.device,
    options: p.options,
    precisions: [...report.precisions],
    converters: p.converters,
    inputs: parts.inputs.map((i) => ({
      name: i.name,
      dtype: i.dtype,
      shape: [...i.shape],
      ...(i.declaredShape ? { declaredShape: [...i.declaredShape] } : {}),
      ...(i.ranges ? { ranges: i.ranges.map((r) => ({ min: [...r.min], opt: [...r.opt], max: [...r.max] })) } : {}),
      ...(i.value ? { value: encodeTensor(i.value) } : {}),
    })),
    outputs: parts.outputs.map((o) => ({ name: o.name, ...(o.dtype ? { dtype: o.dtype } : {}), ...(o.shape ? { shape: [...o.shape] } : {}) })),
    segments,
    constants,
    report: {
      data,
      compileMs: Object.fromEntries(Object.entries(report.compileMs).filter(([, v]) => typeof v === 'number')) as Record<string, number>,
    },
  };
  sections[0] = { kind: 'manifest', bytes: new TextEncoder().encode(JSON.stringify(manifest)) };
  sections[1] = { kind: 'weights', bytes: weights.bytes() };
  try {
    return writeContainer(sections);
  } catch (e) {
    if (e instanceof HybridError) throw new HybridError(e.code, `${label}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** Writes the model to `file` atomically: a temporary file beside it, renamed over it. */
export async function saveArtifact(parts: SavedParts, file: string, options: SaveOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') throw new HybridError('OPTION', 'save(path): path must be a file path');
  const bytes = await artifactBytes(parts, options);
  writeAtomically(file, bytes, parts.label);
}

/** `bytes` to `file` through a temporary file in the same folder and a rename: never half a file. */
export function writeAtomically(file: string, bytes: Uint8Array, label: string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new HybridError('MODEL_SAVE', `${label}: cannot write ${file} (${(e as Error).message})`, { cause: e });
  }
}
