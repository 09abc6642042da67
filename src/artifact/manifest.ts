/**
 * The manifest of a `.hybrid` file (its section 0, JSON): what the model is, what it was built
 * for and from, its segments in order with the sections holding their plans and sub-models,
 * and the report. `parseManifest` checks every field's type and range, every section and
 * weight reference, and that the segments connect (each reads only model inputs and values of
 * earlier segments), so that load() uses nothing it has not checked. docs/artifacts.md
 * describes the format for people.
 */
import { HybridError } from '../errors.js';
import { PRECISIONS, type Precision } from '../engine/precision.js';
import { type NumericDType, DTYPE_SIZE } from '../onnx/dtype.js';
import type { Dim } from '../ir/types.js';
import { unusableReport } from '../report/validate.js';
import type { Section } from './container.js';
import type { ShapeRange } from '../compiler/profiles.js';
import { type EncodedTensor, decodeTensor } from '../compiler/input-values.js';

export const MANIFEST_FORMAT = 'hybridrt-model';
export const MANIFEST_VERSION = 1;

/** Bytes of a weights section. */
export interface WeightRef {
  section: number;
  offset: number;
  length: number;
}

export interface ManifestTensor {
  name: string;
  dtype: NumericDType;
  shape: number[];
  declaredShape?: Dim[];
  /** Per optimization profile, where the model is dynamic (src/compiler/profiles.ts). */
  ranges?: ShapeRange[];
  /** The value it was fixed to at compile time (inputValues), of its dtype and shape. */
  value?: EncodedTensor;
}

export interface ManifestOutput {
  name: string;
  dtype?: NumericDType;
  shape?: Dim[];
}

/** A boundary value of a segment, as the partition report gives it. */
export interface ManifestBoundary {
  name: string;
  dtype?: string;
  shape?: Dim[];
}

export type ManifestSegment =
  | {
      kind: 'engine';
      id: number;
      inputs: ManifestBoundary[];
      outputs: ManifestBoundary[];
      /** The first profile's plan; `profilePlans` holds the others', in profile order. */
      plan: number;
      profilePlans?: number[];
      shapeFallback?: OnnxRef;
    }
  | { kind: 'fallback'; id: number; inputs: ManifestBoundary[]; outputs: ManifestBoundary[]; model: OnnxRef };

/** An ONNX sub-model section, with the initializers whose bytes live in weights sections. */
export interface OnnxRef {
  section: number;
  weights: Array<{ tensor: string; ref: WeightRef }>;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  /** hybridrt's version that wrote it, and the engine plan format of its plans. */
  hybridrt: string;
  planFormat: number;
  created: string;
  label: string;
  /** The ONNX model it was compiled from: its SHA-256 and size, and its section if embedded. */
  source: { sha256: string; bytes: number; embedded?: OnnxRef };
  backend: 'cpu' | 'cuda';
  /** The device the plans were built on (deviceQuery's description), for people. */
  device: string;
  /** The compile() options that decided the result. */
  options: Record<string, unknown>;
  /** What the engines compute in. */
  precisions: Precision[];
  /** Converters the model needed beyond hybridrt's own (custom ops): op type, domain, version. */
  converters: Array<{ opType: string; domain: string; sinceVersion: number }>;
  inputs: ManifestTensor[];
  outputs: ManifestOutput[];
  segments: ManifestSegment[];
  /** Model outputs that are constants of the model. */
  constants: Array<{ name: string; dtype: NumericDType; dims: number[]; ref: WeightRef }>;
  /** The partition report's data (docs/reports.md) and compile()'s phase times. */
  report: { data: unknown; compileMs: Record<string, number> };
}

function fail(label: string, what: string): never {
  throw new HybridError('PLAN', `${label}: not a valid .hybrid manifest: ${what}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const NUMERIC: ReadonlySet<string> = new Set(Object.keys(DTYPE_SIZE));

class Checker {
  constructor(
    readonly label: string,
    readonly sections: readonly Section[],
  ) {}

  obj(v: unknown, where: string): Record<string, unknown> {
    if (!isObject(v)) fail(this.label, `${where} is not an object`);
    return v;
  }
  str(v: unknown, where: string, max = 4096): string {
    if (typeof v !== 'string' || v.length > max) fail(this.label, `${where} is not a string of at most ${max} characters`);
    return v;
  }
  int(v: unknown, where: string, lo: number, hi: number): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi) fail(this.label, `${where} is not an integer from ${lo} to ${hi}`);
    return v;
  }
  arr(v: unknown, where: string, max = 1_000_000): unknown[] {
    if (!Array.isArray(v) || v.length > max) fail(this.label, `${where} is not a list of at most ${max} entries`);
    return v;
  }
  dtype(v: unknown, where: string): NumericDType {
    if (typeof v !== 'string' || !NUMERIC.has(v)) fail(this.label, `${where} is not a numeric dtype`);
    return v as NumericDType;
  }
  dims(v: unknown, where: string, symbolic: boolean): Dim[] {
    return this.arr(v, where, 64).map((d, i) => {
      if (symbolic && typeof d === 'string' && d.length <= 256) return d;
      return this.int(d, `${where}[${i}]`, 0, 2 ** 40);
    });
  }
  section(v: unknown, where: string, kind: Section['kind']): number {
    const i = this.int(v, where, 1, this.sections.length - 1);
    if (this.sections[i]!.kind !== kind) fail(this.label, `${where} names section ${i}, a ${this.sections[i]!.kind} section, not ${kind}`);
    return i;
  }
  weightRef(v: unknown, where: string): WeightRef {
    const o = this.obj(v, where);
    const section = this.section(o.section, `${where}.section`, 'weights');
    const size = this.sections[section]!.bytes.length;
    const offset = this.int(o.offset, `${where}.offset`, 0, size);
    const length = this.int(o.length, `${where}.length`, 0, size - offset);
    return { section, offset, length };
  }
  onnx(v: unknown, where: string): OnnxRef {
    const o = this.obj(v, where);
    return {
      section: this.section(o.section, `${where}.section`, 'onnx'),
      weights: this.arr(o.weights, `${where}.weights`).map((w, i) => {
        const e = this.obj(w, `${where}.weights[${i}]`);
        return { tensor: this.str(e.tensor, `${where}.weights[${i}].tensor`), ref: this.weightRef(e.ref, `${where}.weights[${i}].ref`) };
      }),
    };
  }
  boundary(v: unknown, where: string): ManifestBoundary {
    const o = this.obj(v, where);
    return {
      name: this.str(o.name, `${where}.name`),
      ...(o.dtype !== undefined ? { dtype: this.str(o.dtype, `${where}.dtype`, 32) } : {}),
      ...(o.shape !== undefined ? { shape: this.dims(o.shape, `${where}.shape`, true) } : {}),
    };
  }
}

/** A fixed input's value (inputValues), checked: a tensor of the input's dtype and shape. */
function fixedValue(label: string, input: Record<string, unknown>, where: string): EncodedTensor {
  const t = decodeTensor(input.value);
  const shape = input.shape as number[];
  if (!t || t.dtype !== input.dtype || t.dims.length !== shape.length || t.dims.some((d, k) => d !== shape[k])) {
    fail(label, `${where}.value is not a tensor of the input's dtype and shape`);
  }
  return input.value as EncodedTensor;
}

/** Parses and checks the manifest section against the container's sections. */
export function parseManifest(sections: readonly Section[], label: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(sections[0]!.bytes));
  } catch (e) {
    fail(label, `it is not UTF-8 JSON (${(e as Error).message})`);
  }
  const c = new Checker(label, sections);
  const m = c.obj(json, 'the manifest');
  if (m.format !== MANIFEST_FORMAT) fail(label, `format is ${JSON.stringify(m.format)}, not "${MANIFEST_FORMAT}"`);
  const version = c.int(m.version, 'version', 1, 1_000_000);
  if (version !== MANIFEST_VERSION) {
    throw new HybridError(
      'PLAN',
      `${label}: manifest version ${version}; this hybridrt reads version ${MANIFEST_VERSION} (save it again with this version)`,
    );
  }
  const backend = m.backend;
  if (backend !== 'cpu' && backend !== 'cuda') fail(label, 'backend is not "cpu" or "cuda"');
  const source = c.obj(m.source, 'source');
  const inputs = c.arr(m.inputs, 'inputs', 4096).map((v, i) => {
    const o = c.obj(v, `inputs[${i}]`);
    return {
      name: c.str(o.name, `inputs[${i}].name`),
      dtype: c.dtype(o.dtype, `inputs[${i}].dtype`),
      shape: c.dims(o.shape, `inputs[${i}].shape`, false) as number[],
      ...(o.declaredShape !== undefined ? { declaredShape: c.dims(o.declaredShape, `inputs[${i}].declaredShape`, true) } : {}),
      ...(o.ranges !== undefined
        ? {
            ranges: c.arr(o.ranges, `inputs[${i}].ranges`, 64).map((r, p) => {
              const x = c.obj(r, `inputs[${i}].ranges[${p}]`);
              const dims = (end: string) => c.dims(x[end], `inputs[${i}].ranges[${p}].${end}`, false) as number[];
              return { min: dims('min'), opt: dims('opt'), max: dims('max') };
            }),
          }
        : {}),
      ...(o.value !== undefined ? { value: fixedValue(label, o, `inputs[${i}]`) } : {}),
    };
  });
  const outputs = c.arr(m.outputs, 'outputs', 4096).map((v, i) => {
    const o = c.obj(v, `outputs[${i}]`);
    return {
      name: c.str(o.name, `outputs[${i}].name`),
      ...(o.dtype !== undefined ? { dtype: c.dtype(o.dtype, `outputs[${i}].dtype`) } : {}),
      ...(o.shape !== undefined ? { shape: c.dims(o.shape, `outputs[${i}].shape`, true) } : {}),
    };
  });
  const usedSections = new Set<number>();
  const claim = (i: number, where: string) => {
    if (usedSections.has(i)) fail(label, `${where} names section ${i}, which another entry names too`);
    usedSections.add(i);
  };
  const segments = c.arr(m.segments, 'segments', 100_000).map((v, i): ManifestSegment => {
    const o = c.obj(v, `segments[${i}]`);
    const common = {
      id: c.int(o.id, `segments[${i}].id`, 0, 1_000_000),
      inputs: c.arr(o.inputs, `segments[${i}].inputs`).map((b, k) => c.boundary(b, `segments[${i}].inputs[${k}]`)),
      outputs: c.arr(o.outputs, `segments[${i}].outputs`).map((b, k) => c.boundary(b, `segments[${i}].outputs[${k}]`)),
    };
    if (o.kind === 'engine') {
      const plan = c.section(o.plan, `segments[${i}].plan`, 'plan');
      claim(plan, `segments[${i}].plan`);
      const profilePlans =
        o.profilePlans === undefined
          ? undefined
          : c.arr(o.profilePlans, `segments[${i}].profilePlans`, 63).map((x, k) => {
              const at = c.section(x, `segments[${i}].profilePlans[${k}]`, 'plan');
              claim(at, `segments[${i}].profilePlans[${k}]`);
              return at;
            });
      const shapeFallback = o.shapeFallback === undefined ? undefined : c.onnx(o.shapeFallback, `segments[${i}].shapeFallback`);
      if (shapeFallback) claim(shapeFallback.section, `segments[${i}].shapeFallback`);
      return { kind: 'engine', ...common, plan, ...(profilePlans ? { profilePlans } : {}), ...(shapeFallback ? { shapeFallback } : {}) };
    }
    if (o.kind === 'fallback') {
      const model = c.onnx(o.model, `segments[${i}].model`);
      claim(model.section, `segments[${i}].model`);
      return { kind: 'fallback', ...common, model };
    }
    fail(label, `segments[${i}].kind is not "engine" or "fallback"`);
  });
  // One plan per profile in every engine segment, as many as the inputs' ranges list.
  const profiles = Math.max(1, ...inputs.map((i) => i.ranges?.length ?? 1));
  if (inputs.some((i) => i.ranges && i.ranges.length !== profiles)) fail(label, 'inputs list different numbers of ranges');
  segments.forEach((sg, i) => {
    const plans = sg.kind === 'engine' ? 1 + (sg.profilePlans?.length ?? 0) : profiles;
    if (plans !== profiles) fail(label, `segments[${i}] has ${plans} plan(s) for ${profiles} profile(s)`);
  });
  const constants = c.arr(m.constants, 'constants').map((v, i) => {
    const o = c.obj(v, `constants[${i}]`);
    const dtype = c.dtype(o.dtype, `constants[${i}].dtype`);
    const dims = c.dims(o.dims, `constants[${i}].dims`, false) as number[];
    const ref = c.weightRef(o.ref, `constants[${i}].ref`);
    const need = dims.reduce((a, b) => a * b, 1) * DTYPE_SIZE[dtype];
    if (need !== ref.length) fail(label, `constants[${i}] needs ${need} bytes for [${dims}] of ${dtype}; its reference holds ${ref.length}`);
    return { name: c.str(o.name, `constants[${i}].name`), dtype, dims, ref };
  });
  const precisions = c.arr(m.precisions, 'precisions', 8).map((p, i) => {
    if (!(PRECISIONS as readonly unknown[]).includes(p)) fail(label, `precisions[${i}] is not a precision`);
    return p as Precision;
  });
  const report = c.obj(m.report, 'report');
  // Every reader of a model's report (report.text(), --info, --dry-run) relies on its schema.
  const reportIssues = unusableReport(report.data);
  if (reportIssues.length) fail(label, `report.data is not a partition report: ${reportIssues.slice(0, 3).join('; ')}`);
  const compileMs = c.obj(report.compileMs, 'report.compileMs');
  for (const [k, v] of Object.entries(compileMs))
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(label, `report.compileMs.${k} is not a number`);
  const embedded = source.embedded === undefined ? undefined : c.onnx(source.embedded, 'source.embedded');
  if (embedded) claim(embedded.section, 'source.embedded');
  return {
    format: MANIFEST_FORMAT,
    version,
    hybridrt: c.str(m.hybridrt, 'hybridrt', 64),
    planFormat: c.int(m.planFormat, 'planFormat', 0, 1_000_000),
    created: c.str(m.created, 'created', 64),
    label: c.str(m.label, 'label'),
    source: {
      sha256: c.str(source.sha256, 'source.sha256', 64),
      bytes: c.int(source.bytes, 'source.bytes', 0, Number.MAX_SAFE_INTEGER),
      ...(embedded ? { embedded } : {}),
    },
    backend,
    device: c.str(m.device, 'device'),
    options: c.obj(m.options, 'options'),
    precisions,
    converters: c.arr(m.converters, 'converters', 10_000).map((v, i) => {
      const o = c.obj(v, `converters[${i}]`);
      return {
        opType: c.str(o.opType, `converters[${i}].opType`, 256),
        domain: c.str(o.domain, `converters[${i}].domain`, 256),
        sinceVersion: c.int(o.sinceVersion, `converters[${i}].sinceVersion`, 1, 10_000),
      };
    }),
    inputs,
    outputs,
    segments,
    constants,
    report: { data: c.obj(report.data, 'report.data'), compileMs: compileMs as Record<string, number> },
  };
}
