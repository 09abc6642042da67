/**
 * A `.hybrid` file back to a runnable model, without lowering, partitioning or building: the
 * container and manifest are checked (container.ts, manifest.ts), the engines come from their
 * plans (the plan reader checks each one), the fallback sessions from their sub-models with
 * their weights put back, and the segments must connect before anything runs. Nothing in the
 * file is executed or trusted: a malformed file is a PLAN error, never a crash.
 *
 * load() (load.ts) and compile()'s engine cache both open files here; this module imports
 * nothing of compile(), so that the two do not import each other.
 */
import { resolveRegistry } from '../compiler/options.js';
import { decodeTensor } from '../compiler/input-values.js';
import { openFallbackSegment } from '../compiler/build.js';
import { type OrtSessionOptions, checkOrtSessionOptions } from '../compiler/ort-session-options.js';
import { type ModelReport, engineSummary, makeReport } from '../compiler/report.js';
import { type Engine, deserializeEngine, deviceQuery } from '../engine/engine.js';
import { loadNative } from '../engine/native.js';
import { checkBackendDevice, checkDevice } from '../engine/device.js';
import { checkInlineRunUs } from '../engine/run-placement.js';
import { HybridError, isHybridError, messageLine } from '../errors.js';
import { type NumericDType, DTYPE_SIZE, numel, viewAs } from '../onnx/dtype.js';
import { readRegularFile } from '../onnx/files.js';
import { decodeModel, encodeModel } from '../onnx/model.js';
import { tensorProtoDType } from '../onnx/tensor.js';
import { toNumber } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import type { Segment } from '../partition/types.js';
import type { ReportData } from '../report/model.js';
import { ContextPool, DEFAULT_MAX_CONTEXTS } from '../runtime/context-pool.js';
import { HybridModel } from '../runtime/hybrid-model.js';
import { makeSchedule } from '../runtime/schedule.js';
import { EngineSegment, type SegmentRunner } from '../runtime/segments.js';
import { LIMITS } from '../limits.js';
import type { ConverterRegistry } from '../../converters/registry.js';
import type { Converter } from '../../converters/types.js';
import type { Provenance } from '../runtime/types.js';
import { type Section, readContainer } from './container.js';
import { type Manifest, type OnnxRef, parseManifest } from './manifest.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';

export interface LoadOptions {
  /** Threads of the cpu engines and of onnxruntime's sessions (default: every core). */
  threads?: number;
  /** The GPU (cuda device ordinal) the file's cuda engines run on, as compile() takes it (default 0). */
  device?: number;
  /** onnxruntime session options of every fallback segment, as compile() takes them (not kept in the file). */
  ortSessionOptions?: OrtSessionOptions;
  /** Execution contexts per engine (default 4). */
  maxContexts?: number;
  /** As compile()'s: runs of cpu engines faster than this (us) take the calling thread (default 10000). */
  inlineRunUs?: number;
  /**
   * 'never' (default): a file built for what this machine cannot run is an error saying what
   * differs. 'if-needed': compile again from the embedded source model instead (save with
   * `embedSource: true`), with a notice through `onLog`.
   */
  rebuild?: 'never' | 'if-needed';
  /** Notices (a rebuild) and warnings. */
  onLog?: (message: string, level: 'info' | 'warn') => void;
  /** Names the model in messages (default: the path, or '<bytes>'). */
  label?: string;
  /**
   * Where the custom converters the model was compiled with are registered, as compile() takes
   * it: a registry, or extra converters added to a copy of the process-wide one (default: the
   * process-wide registry, registerConverter()). A rebuild compiles with it.
   */
  registry?: ConverterRegistry | Converter[];
}

/** Every key of LoadOptions, once (an unknown key is an OPTION error naming the nearest). */
export const LOAD_OPTION_KEYS = optionKeys<LoadOptions>()([
  'threads',
  'device',
  'ortSessionOptions',
  'maxContexts',
  'inlineRunUs',
  'rebuild',
  'onLog',
  'label',
  'registry',
]);

/** What compile() knows of a model it found in the engine cache, which the file does not say. */
export interface CacheHitOrigin {
  /** The model compile() was given (for save({ embedSource })). */
  source: unknown;
  sourceStat?: Provenance['sourceStat'];
  /**
   * When the compile began (performance.now()): the model's compileMs are this compile's,
   * 'load' and 'total', not those of the compile that stored the entry.
   */
  compileStart: number;
}

/** An ONNX sub-model section with its weights put back, ready for onnxruntime. */
export function assembleOnnx(sections: readonly Section[], ref: OnnxRef, label: string, what: string): Uint8Array {
  const proto = decodeModel(sections[ref.section]!.bytes, `${label} (${what})`);
  const byName = new Map((proto.graph?.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const w of ref.weights) {
    const t = byName.get(w.tensor);
    if (!t) throw new HybridError('PLAN', `${label}: ${what}: weights for '${w.tensor}', which the sub-model does not have`);
    let need: number;
    try {
      need = numel(t.dims.map(toNumber)) * DTYPE_SIZE[tensorProtoDType(t) as NumericDType];
    } catch {
      throw new HybridError('PLAN', `${label}: ${what}: initializer '${w.tensor}' has no numeric type`);
    }
    if (need !== w.ref.length)
      throw new HybridError('PLAN', `${label}: ${what}: initializer '${w.tensor}' needs ${need} bytes, its weights hold ${w.ref.length}`);
    t.rawData = sections[w.ref.section]!.bytes.subarray(w.ref.offset, w.ref.offset + w.ref.length);
  }
  return encodeModel(proto, label);
}

/** Why this machine cannot run the file's plans as they are, or undefined. */
function mismatch(m: Manifest, device: number): string | undefined {
  const native = loadNative();
  if (m.planFormat !== native.planFormatVersion) {
    return `its plans are of format ${m.planFormat}; this hybridrt reads format ${native.planFormatVersion}`;
  }
  const here = deviceQuery(m.backend, device);
  if (!here.available) {
    const cpu = m.backend === 'cpu' ? '' : `, this machine has ${deviceQuery('cpu').available ? 'cpu only' : 'no backend'}`;
    return `built for ${m.backend} (${m.device})${cpu}: ${here.reason ?? `${m.backend} is not available`}`;
  }
  return undefined;
}

function planError(e: unknown, label: string): HybridError {
  if (isHybridError(e) && e.code === 'PLAN') return e;
  return new HybridError('PLAN', `${label}: ${messageLine(e)}`, { cause: e });
}

export function checkLoadOptions(options: LoadOptions): void {
  if (options === null || typeof options !== 'object') throw new HybridError('OPTION', 'load options must be an object');
  checkKnownKeys(options, LOAD_OPTION_KEYS, 'load options');
  const { threads, maxContexts, rebuild } = options;
  if (threads !== undefined && (!Number.isSafeInteger(threads) || threads < 1 || threads > LIMITS.threads)) {
    throw new HybridError('OPTION', `threads must be an integer from 1 to ${LIMITS.threads}, got ${String(threads)}`);
  }
  if (maxContexts !== undefined && (!Number.isSafeInteger(maxContexts) || maxContexts < 1 || maxContexts > LIMITS.maxContexts)) {
    throw new HybridError('OPTION', `maxContexts must be an integer from 1 to ${LIMITS.maxContexts}, got ${String(maxContexts)}`);
  }
  checkInlineRunUs(options.inlineRunUs);
  if (rebuild !== undefined && rebuild !== 'never' && rebuild !== 'if-needed')
    throw new HybridError('OPTION', `rebuild must be 'never' or 'if-needed', got '${String(rebuild)}'`);
  checkDevice(options.device);
}

/** Reads and checks a .hybrid file's container and manifest (what --info shows). */
export function readArtifact(file: string | Uint8Array, label?: string): { manifest: Manifest; sections: Section[]; label: string } {
  const name = label ?? (typeof file === 'string' ? file : '<bytes>');
  const bytes =
    typeof file === 'string'
      ? readRegularFile(file, {
          code: 'PLAN',
          what: '.hybrid file',
          maxBytes: LIMITS.artifactBytes,
          limitWhy: 'Node.js reads at most 2 GiB into one buffer',
        })
      : file;
  const sections = readContainer(bytes, name);
  return { manifest: parseManifest(sections, name), sections, label: name };
}

/** What the caller adds to a file: compile()'s knowledge of a cache hit, load()'s rebuild. */
export interface OpenHooks {
  origin?: CacheHitOrigin;
  /** Called where this machine cannot run the plans (`why` says so) instead of failing. */
  rebuild?: (why: string, sections: readonly Section[], m: Manifest, label: string) => Promise<HybridModel<ModelReport>>;
}

/**
 * Copies of just the sections the embedded source is made of, for save() to assemble when
 * asked: the file's sections are views of its whole buffer, plans included, which a model
 * holding them would keep alive.
 */
function keepEmbedded(sections: readonly Section[], ref: OnnxRef): { sections: Section[]; ref: OnnxRef } {
  const needed = new Set([ref.section, ...ref.weights.map((w) => w.ref.section)]);
  return { sections: sections.map((s, i) => ({ kind: s.kind, bytes: needed.has(i) ? s.bytes.slice() : new Uint8Array(0) })), ref };
}

/** Opens a .hybrid file (a path or its bytes) as a runnable model. */
export async function openArtifact(file: string | Uint8Array, options: LoadOptions, hooks: OpenHooks = {}): Promise<HybridModel<ModelReport>> {
  const { origin } = hooks;
  const opened = performance.now();
  checkLoadOptions(options);
  const ortOptions = checkOrtSessionOptions(options.ortSessionOptions);
  const { manifest: m, sections, label } = readArtifact(file, options.label);
  // A file read here is held by nothing else, so the addon may read its plans in place; a
  // caller's bytes are copied (the caller could change or transfer them meanwhile).
  const lend = typeof file === 'string';
  const registry = resolveRegistry(options.registry);
  const missing = m.converters.filter((c) => !registry.lookup(c.opType, c.domain, c.sinceVersion));
  if (missing.length) {
    throw new HybridError(
      'CONVERTER',
      `${label}: the model was compiled with converters not registered here: ${missing.map((c) => `${c.domain ? `${c.domain}::` : ''}${c.opType} (since ${c.sinceVersion})`).join(', ')}; registerConverter() them before load(), or pass their registry`,
    );
  }
  const device = checkDevice(options.device);
  checkBackendDevice(m.backend, device);
  const why = mismatch(m, device);
  if (why) {
    if (hooks.rebuild) return hooks.rebuild(why, sections, m, label);
    throw new HybridError(
      'PLAN',
      `${label}: ${why}; compile the ONNX model on this machine, or load with rebuild: 'if-needed' from a file saved with embedSource: true`,
    );
  }

  // The segments must connect before anything is built.
  const segments: Segment[] = m.segments.map((s) => ({ id: s.id, kind: s.kind, nodes: [], inputs: s.inputs, outputs: s.outputs }) as Segment);
  let schedule;
  try {
    schedule = makeSchedule(
      segments,
      // An input fixed at compile time (inputValues) is a constant of the segments, read by none.
      m.inputs.filter((i) => !i.value).map((i) => i.name),
      m.outputs.map((o) => o.name),
    );
  } catch (e) {
    throw planError(e, label);
  }
  const produced = new Set([
    ...m.inputs.map((i) => i.name),
    ...m.segments.flatMap((s) => s.outputs.map((o) => o.name)),
    ...m.constants.map((c) => c.name),
  ]);
  const orphan = m.outputs.find((o) => !produced.has(o.name));
  if (orphan) throw new HybridError('PLAN', `${label}: output '${orphan.name}' is produced by no segment, input or constant`);

  const runners: SegmentRunner[] = [];
  const engines: Engine[] = [];
  const threads = options.threads;
  const planOptions = { ...(threads !== undefined ? { threads } : {}), ...(device !== 0 ? { device } : {}) };
  const sessionOptions = { label, ...(threads !== undefined ? { threads } : {}), ...(ortOptions ? { ortSessionOptions: ortOptions } : {}) };
  try {
    for (const s of m.segments) {
      if (s.kind === 'engine') {
        let engine: Engine;
        const profileEngines: Engine[] = [];
        try {
          engine = await deserializeEngine(sections[s.plan]!.bytes, planOptions, lend);
          engines.push(engine);
          for (const at of s.profilePlans ?? []) {
            const more = await deserializeEngine(sections[at]!.bytes, planOptions, lend);
            engines.push(more);
            profileEngines.push(more);
          }
        } catch (e) {
          // The addon's plan errors name no file: say which file and segment.
          const why = `engine segment ${s.id}: ${messageLine(e)}`;
          const err = new HybridError('PLAN', `${label}: ${why}`, { cause: e });
          if (hooks.rebuild && /architecture|backend/.test(why)) {
            for (const r of runners) await r.dispose();
            for (const en of engines) en.dispose();
            return hooks.rebuild(why, sections, m, label);
          }
          throw err;
        }
        const info = engine.info();
        const names = (list: Array<{ name: string }>) => list.map((t) => t.name).join(',');
        if (names(info.inputs) !== s.inputs.map((t) => t.name).join(',') || names(info.outputs) !== s.outputs.map((t) => t.name).join(',')) {
          throw new HybridError('PLAN', `${label}: engine segment ${s.id}: its plan's inputs and outputs are not the segment's`);
        }
        const fb = s.shapeFallback && assembleOnnx(sections, s.shapeFallback, label, `engine segment ${s.id}'s sub-model`);
        const shapeFallback = fb && {
          model: fb,
          open: () =>
            openFallbackSegment(
              s.id,
              `engine segment ${s.id}'s sub-model`,
              s.outputs.map((o) => o.name),
              fb,
              sessionOptions,
            ),
          warn: (msg: string) => options.onLog?.(msg, 'warn'),
        };
        const profiles = [engine, ...profileEngines].map((en, p) => ({
          engine: en,
          pool: new ContextPool(
            en,
            options.maxContexts ?? DEFAULT_MAX_CONTEXTS,
            `${label}: engine segment ${s.id}${p ? ` (profile ${p})` : ''}`,
            options.inlineRunUs,
          ),
        }));
        runners.push(new EngineSegment(s.id, profiles, m.backend, shapeFallback));
      } else {
        const model = assembleOnnx(sections, s.model, label, `fallback segment ${s.id}`);
        const runner = await openFallbackSegment(
          s.id,
          `fallback segment ${s.id}`,
          s.outputs.map((o) => o.name),
          model,
          sessionOptions,
        );
        runners.push(runner);
        // The schedule hands a segment its listed inputs and keeps its listed outputs: the
        // sub-model must read no more and give no less.
        const reads = new Set(s.inputs.map((t) => t.name));
        const gives = new Set(runner.io.outputs);
        const extra = runner.io.inputs.find((n) => !reads.has(n));
        const lacking = s.outputs.find((t) => !gives.has(t.name));
        if (extra !== undefined || lacking !== undefined) {
          throw new HybridError(
            'PLAN',
            `${label}: fallback segment ${s.id}: its sub-model ${extra !== undefined ? `reads '${extra}', which the segment does not list` : `does not give '${lacking!.name}'`}`,
          );
        }
      }
    }
  } catch (e) {
    for (const r of runners) await r.dispose();
    for (const en of engines) if (!runners.some((r) => r instanceof EngineSegment && r.profiles.some((p) => p.engine === en))) en.dispose();
    throw e;
  }

  const constants = new Map<string, TensorData>(
    m.constants.map((c) => [
      c.name,
      {
        dtype: c.dtype,
        dims: c.dims,
        data: viewAs(c.dtype, sections[c.ref.section]!.bytes.subarray(c.ref.offset, c.ref.offset + c.ref.length).slice()),
      },
    ]),
  );
  const engineSummaries = runners.filter((r): r is EngineSegment => r instanceof EngineSegment).map((r) => engineSummary(r.id, r.engine.info()));
  const report = makeReport({
    data: m.report.data as ReportData,
    backend: m.backend,
    precisions: m.precisions,
    engines: engineSummaries,
    compileMs: origin ? { load: performance.now() - opened, total: performance.now() - origin.compileStart } : m.report.compileMs,
  });
  const embedded = m.source.embedded && !origin ? keepEmbedded(sections, m.source.embedded) : undefined;
  return new HybridModel({
    label,
    backend: m.backend,
    inputs: m.inputs.map(({ value, ...i }) => (value ? { ...i, value: decodeTensor(value)! } : i)),
    outputs: m.outputs,
    schedule,
    runners,
    constants,
    report,
    provenance: {
      // Assembled only when save() needs it: most loads never save.
      source: origin ? origin.source : embedded ? () => assembleOnnx(embedded.sections, embedded.ref, label, 'the embedded source') : undefined,
      ...(origin?.sourceStat ? { sourceStat: origin.sourceStat } : {}),
      sourceSha256: m.source.sha256,
      sourceBytes: m.source.bytes,
      options: m.options,
      converters: m.converters,
      device: m.device,
    },
  });
}
