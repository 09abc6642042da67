/**
 * compile(model, options): the whole pipeline, from an ONNX model to a HybridModel.
 *
 *   load -> static input shapes -> choose backend
 *        -> analyze(): lower, infer shapes, probe the shapes inference cannot give (onnxruntime
 *           on sample inputs), infer again, partition, report data
 *        -> build one engine per engine segment, open one onnxruntime session per fallback
 *           segment -> schedule (last use of every value) -> HybridModel
 *
 * The model is compiled for one static shape per input (`inputs`, or the declared shapes); a
 * run with another shape is refused with a SHAPE error. Inputs and outputs must be of types
 * onnxruntime Tensors carry (no bfloat16: UNSUPPORTED_DTYPE at compile, not at every run). The backend is chosen before any work,
 * so that a missing cuda fails fast. Phases are reported through onProgress and onLog.
 */
import fs from 'node:fs';
import { cacheEntry, cacheKey, evict, modelDigest, touchEntry } from '../artifact/cache.js';
import { allTensors } from '../onnx/model.js';
import { openArtifact } from '../artifact/open.js';
import { writeAtomically } from '../artifact/save.js';
import { HybridError, messageLine } from '../errors.js';
import type { ModelProto } from '../onnx/proto.js';
import type { Precision } from '../engine/precision.js';
import type { Graph } from '../ir/graph.js';
import { isNumericDType, type TensorData } from '../onnx/tensor.js';
import { normalizeFeeds } from '../runtime/feeds.js';
import { HybridModel } from '../runtime/hybrid-model.js';
import { makeSchedule } from '../runtime/schedule.js';
import { EngineSegment } from '../runtime/segments.js';
import type { OutputInfo, Provenance, TensorInfo } from '../runtime/types.js';
import { analyzeGraph } from './analyze.js';
import { ALL_CONVERTERS } from '../../converters/all.js';
import type { ConverterRegistry } from '../../converters/registry.js';
import type { Converter } from '../../converters/types.js';
import { nativeAvailable } from '../engine/native.js';
import { effectivePrecisions, floatPrecisions, precisionNotice } from '../engine/precision.js';
import { int8Model, int8Note, policyNote } from './int8.js';
import type { PolicyFindings } from '../quantize/policy.js';
import type { RunnerCompileOptions } from '../quantize/runner.js';
import { int8Section } from './int8-report.js';
import type { Segment } from '../partition/types.js';
import { chooseBackend, deviceDescription } from './backend.js';
import { buildRunners, demotedWarning } from './build.js';
import { type Backend, type CompileOptions, type CompilePhase, type ResolvedOptions, resolveOptions } from './options.js';
import { type ProfilePlan, type ShapeRange, planProfiles, profilesOption } from './profiles.js';
import { type EngineSummary, type ModelReport, engineSummary, makeReport } from './report.js';
import { type InputPlan, type ModelSource, checkInterfaceDTypes, loadSource, planInputs } from './source.js';
import { checkInputValues, encodeInputValues, fixedShapes } from './input-values.js';

/** A compiled model whose `report` is the partition report with compile's additions. */
export type CompiledModel = HybridModel<ModelReport>;

function toTensorInfo(i: InputPlan, fixed: ReadonlyMap<string, TensorData>): TensorInfo {
  const value = fixed.get(i.name);
  return {
    name: i.name,
    dtype: i.dtype,
    shape: i.shape,
    ...(i.declaredShape ? { declaredShape: i.declaredShape } : {}),
    ...(i.ranges ? { ranges: i.ranges } : {}),
    ...(value ? { value } : {}),
  };
}

/** The fixed inputs as the recorded options give them (cache key, saved models, load()'s rebuild). */
function recordedValues(fixed: ReadonlyMap<string, TensorData>): Record<string, unknown> {
  return fixed.size ? { inputValues: encodeInputValues(fixed) } : {};
}

function outputInfo(graph: Graph, name: string): OutputInfo {
  const t = graph.types.get(name);
  const info: OutputInfo = { name };
  if (t?.dtype && isNumericDType(t.dtype)) info.dtype = t.dtype;
  if (t?.shape) info.shape = [...t.shape];
  return info;
}

/**
 * The shapes compiled for, as the options compile() takes (what the cache key and saved models
 * record, and what load() compiles again with): `inputs` (a shape or a range each), or
 * `profiles` where there are several.
 */
function compiledShapes(
  inputs: readonly InputPlan[],
): { inputs: Record<string, number[] | ShapeRange> } | { profiles: Array<Record<string, ShapeRange>> } {
  const profiles = inputs[0]?.ranges?.length ?? 1;
  if (profiles > 1) return { profiles: Array.from({ length: profiles }, (_, p) => Object.fromEntries(inputs.map((i) => [i.name, i.ranges![p]!]))) };
  return { inputs: Object.fromEntries(inputs.map((i) => [i.name, i.ranges ? i.ranges[0]! : i.shape])) };
}

/** The options that decide what compile() builds (recorded in saved models and cache keys). */
export function decidingOptions(opts: ResolvedOptions): Record<string, unknown> {
  return {
    precisions: [...opts.precisions].sort(),
    minBlockSize: opts.minBlockSize ?? null,
    fallbackOps: [...opts.fallbackOps].sort(),
    fallbackNodes: [...opts.fallbackNodes].sort(),
    requireFullCompilation: opts.requireFullCompilation,
    backend: opts.backend,
  };
}

/**
 * What implicit int8's calibration compiles the fp32 model with (src/quantize/runner.ts): this
 * compile's backend (as chosen; 'auto' without the addon, on onnxruntime as this compile) and
 * the options that decide its engines and fallbacks.
 */
function calibrationCompile(o: CompileOptions, backend: Backend): RunnerCompileOptions {
  const keys = [
    'device',
    'registry',
    'threads',
    'ortSessionOptions',
    'minBlockSize',
    'fallbackOps',
    'fallbackNodes',
    'cacheDir',
    'cacheMaxBytes',
    'timingCachePath',
    'maxContexts',
  ] as const;
  return {
    // Without the addon chooseBackend names 'cpu' for a compile that builds no engines; asked
    // for again by name, 'cpu' is a NATIVE error, so the calibration's compile asks for 'auto'.
    backend: nativeAvailable() ? backend : 'auto',
    compile,
    ...Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])),
  };
}

/** The converters beyond hybridrt's own that engine segments needed (custom ops). */
function customConverters(graph: Graph, segments: readonly Segment[], registry: ConverterRegistry): Provenance['converters'] {
  const builtin = new Set<Converter>(ALL_CONVERTERS);
  const out = new Map<Converter, Provenance['converters'][number]>();
  for (const seg of segments) {
    if (seg.kind !== 'engine') continue;
    for (const name of seg.nodes) {
      const node = graph.node(name);
      const c = node && registry.lookup(node.opType, node.domain, graph.opset(node.domain) ?? 1);
      if (c && !builtin.has(c)) out.set(c, { opType: c.opType, domain: c.domain, sinceVersion: c.sinceVersion });
    }
  }
  return [...out.values()];
}

/**
 * Compiles an ONNX model (a file path, the bytes of an .onnx file, or a decoded ModelProto)
 * into a HybridModel: engine segments on the chosen backend, the rest on onnxruntime-node.
 * See CompileOptions for every option and docs/api.md for an example.
 */
export async function compile(source: ModelSource, options: CompileOptions = {}): Promise<CompiledModel> {
  const t0 = performance.now();
  let opts = resolveOptions(options);
  const asked = profilesOption(options.inputs, options.profiles);
  // Decoded once; the inputs are checked (static shapes, dtypes) and the backend chosen before
  // any lowering, so that those errors come fast.
  const loaded = loadSource(source, options.label);
  let { graph: declared, proto, stat } = loaded;
  let model = source;
  const { label } = loaded;
  checkInterfaceDTypes(declared, label);
  // Inputs fixed at compile time: checked against the model, and planned at their values' shapes.
  const fixed = checkInputValues(declared, options.inputValues, label);
  const plan = planProfiles(declared, fixedShapes(asked, fixed), label, opts.log);
  const inputs = planInputs(declared, plan, label);
  const backend = chooseBackend(opts.backend, opts.log, opts.device);
  const precisions = effectivePrecisions(backend, opts.precisions);
  const notice = precisionNotice(backend, opts.precisions);
  if (notice && nativeAvailable()) opts.log(notice, 'info');
  // Implicit int8 (int8.ts): the model calibrated and laid out as a Q/DQ model, which is then
  // what is compiled, cached and saved (its inputs are the fp32 model's); both backends have
  // int8 kernels (for which layers: Int8KernelsOf, qdq_fusion.h). The options recorded drop int8: compiling
  // the Q/DQ model without it builds the same engines, and load() can rebuild it so.
  // What was asked, int8 included: the cache keys on it too, since the report says what was
  // asked (a Q/DQ model compiled as is, or for int8, share the rest).
  // The precision policy (int8Sensitivity, accuracyTarget) measures and keeps layers here,
  // before the cache: the layers it keeps are in the Q/DQ model the key digests, and what it
  // was asked is keyed too, since the report carries what it measured.
  const requested = [...opts.precisions].sort();
  let findings: PolicyFindings | undefined;
  if (opts.calibration) {
    if (precisions.includes('int8')) {
      const q = await int8Model(proto, label, opts.calibration, opts.int8Policy, fixed, calibrationCompile(options, backend));
      opts.log(int8Note(q, opts.calibration), 'info');
      findings = q.findings;
      if (findings) opts.log(policyNote(findings), 'info');
      ({ graph: declared, proto } = loadSource(q.proto, label));
      model = proto;
      stat = undefined;
    }
    opts = { ...opts, precisions: floatPrecisions(opts.precisions) };
  }
  const sourceStat = stat ? { sourceStat: stat } : {};
  const probeFeeds = options.probeFeeds
    ? normalizeFeeds(
        options.probeFeeds,
        inputs.map((i) => toTensorInfo(i, fixed)),
      )
    : undefined;

  // The engine cache: the same model, options, converters, device and versions load the
  // entry a previous compile saved (src/artifact/cache.ts). Without the addon there is nothing
  // to cache (no engines), and no addon to fingerprint.
  if (opts.cache && nativeAvailable()) {
    const shapes = compiledShapes(inputs);
    const digest = modelDigest(proto);
    const key = cacheKey({
      source: digest,
      options: {
        ...shapes,
        ...decidingOptions(opts),
        requested,
        ...recordedValues(fixed),
        ...(opts.int8Policy ? { int8Policy: opts.int8Policy } : {}),
      },
      ...(probeFeeds ? { probeFeeds } : {}),
      registry: opts.registry,
      backend,
      device: deviceDescription(backend, opts.device),
    });
    const file = cacheEntry(opts.cache, key);
    if (fs.existsSync(file)) {
      try {
        const hit = await openArtifact(
          file,
          {
            label,
            ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
            ...(opts.device !== 0 ? { device: opts.device } : {}),
            ...(opts.ortSessionOptions ? { ortSessionOptions: opts.ortSessionOptions } : {}),
            maxContexts: opts.maxContexts,
            ...(opts.inlineRunUs !== undefined ? { inlineRunUs: opts.inlineRunUs } : {}),
            onLog: opts.log,
            registry: opts.registry,
          },
          { origin: { source: model, ...sourceStat, compileStart: t0 } },
        );
        touchEntry(file);
        opts.log(`engine cache hit: ${file}`, 'info');
        // What a cold compile would have warned about (fallback ops no node matched, engines
        // that could not be built) the entry's report keeps.
        for (const w of hit.report.data.warnings) opts.log(w, 'warn');
        return hit;
      } catch (e) {
        opts.log(`engine cache entry ${file} is unusable (${messageLine(e)}); compiling again`, 'warn');
        fs.rmSync(file, { force: true });
      }
    }
    const compiled = await compileFrom(
      model,
      proto,
      declared,
      plan,
      label,
      inputs,
      backend,
      precisions,
      probeFeeds,
      opts,
      t0,
      Buffer.from(digest).toString('hex'),
      stat,
      fixed,
      findings,
    );
    try {
      writeAtomically(file, await compiled.toBytes(), label);
      evict(opts.cache, file);
    } catch (e) {
      opts.log(`could not store ${label} in the engine cache ${opts.cache.dir} (${messageLine(e)})`, 'warn');
    }
    return compiled;
  }
  return compileFrom(model, proto, declared, plan, label, inputs, backend, precisions, probeFeeds, opts, t0, undefined, stat, fixed, findings);
}

/** compile() once the options, inputs and backend are settled (the cache missed or is off). */
async function compileFrom(
  model: ModelSource,
  proto: ModelProto,
  /** The model as loaded: analysis lowers it in place. */
  declared: Graph,
  plan: ProfilePlan,
  label: string,
  inputs: InputPlan[],
  backend: Backend,
  precisions: Precision[],
  probeFeeds: Map<string, TensorData> | undefined,
  opts: ResolvedOptions,
  t0: number,
  /** The source's digest where the cache already made it (save() records it). */
  sourceSha256?: string,
  /** A path source's size and time when read (save() refuses it changed). */
  sourceStat?: Provenance['sourceStat'],
  /** Inputs fixed at compile time (checkInputValues). */
  fixed: ReadonlyMap<string, TensorData> = new Map(),
  /** What the int8 precision policy measured and kept (the report's int8 section lists it). */
  findings?: PolicyFindings,
): Promise<CompiledModel> {
  const ms: Partial<Record<CompilePhase | 'total', number>> = {};

  // lower -> infer -> probe -> partition is analyze()'s own analyzeGraph, so that compile()
  // builds exactly the segments a dry run shows (options, model and profiles settled once, here).
  opts.progress('analyze', 0, 1);
  const tAnalyze = performance.now();
  const analysis = await analyzeGraph(declared, label, plan, opts, {
    ...(probeFeeds ? { probeFeeds } : {}),
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    fixed,
    onStep: (step) => opts.progress('analyze', 0, 1, step),
  });
  ms.analyze = performance.now() - tAnalyze;
  const { graph, partition: result } = analysis;
  // Outputs whose type only inference knows.
  checkInterfaceDTypes(graph, label);
  for (const w of analysis.warnings) opts.log(w, 'warn');
  opts.progress('analyze', 1, 1);
  opts.rethrowCallbackError();

  const built = await buildRunners(graph, result.segments, {
    backend,
    device: opts.device,
    precisions,
    registry: opts.registry,
    threads: opts.threads,
    ...(opts.ortSessionOptions ? { ortSessionOptions: opts.ortSessionOptions } : {}),
    maxContexts: opts.maxContexts,
    ...(opts.inlineRunUs !== undefined ? { inlineRunUs: opts.inlineRunUs } : {}),
    ...(opts.timingCachePath !== undefined ? { timingCachePath: opts.timingCachePath } : {}),
    requireFullCompilation: opts.requireFullCompilation,
    label,
    ...(analysis.views ? { views: analysis.views } : {}),
    probed: new Set(analysis.probed),
    declaredTypes: analysis.declaredTypes,
    progress: opts.progress,
    log: opts.log,
  });
  ms.build = built.ms.build;
  ms.sessions = built.ms.sessions;
  try {
    opts.rethrowCallbackError();
    const ran = new Map(built.runners.map((r) => [r.id, r.kind]));
    const schedule = makeSchedule(
      result.segments.map((s) => ({ ...s, kind: ran.get(s.id)! })),
      graph.inputs,
      graph.outputs,
    );
    const constants = new Map<string, TensorData>();
    const produced = new Set([...graph.inputs, ...result.segments.flatMap((s) => s.outputs.map((o) => o.name))]);
    for (const o of graph.outputs) {
      if (produced.has(o)) continue;
      const c = graph.constant(o);
      if (!c) throw new HybridError('MODEL_INVALID', `${label}: output '${o}' is produced by no node, input or initializer`);
      constants.set(o, c);
    }
    const engineRunners = built.runners.filter((r): r is EngineSegment => r instanceof EngineSegment);
    const engines: EngineSummary[] = engineRunners.map((r) => engineSummary(r.id, r.engine.info()));
    ms.total = performance.now() - t0;
    const data = analysis.report;
    data.warnings.push(...built.demoted.map(demotedWarning));
    // Every Conv/MatMul/Gemm kept above int8, and why (int8-report.ts); `calibration` is set
    // exactly where int8 was asked for.
    const int8 = int8Section(
      graph,
      data,
      new Map(engineRunners.map((r) => [r.id, r.engine.info().layers])),
      opts.calibration !== undefined,
      findings,
    );
    if (int8) data.int8 = int8;
    const report = makeReport({ data, backend, precisions, engines, compileMs: { ...ms, lower: analysis.lowering.ms } });
    const provenance: Provenance = {
      source: model,
      ...(sourceStat ? { sourceStat } : {}),
      ...(sourceSha256 ? { sourceSha256, sourceBytes: [...allTensors(proto)].reduce((a, t) => a + (t.rawData?.length ?? 0), 0) } : {}),
      options: { ...compiledShapes(inputs), ...decidingOptions(opts), ...recordedValues(fixed) },
      converters: customConverters(graph, result.segments, opts.registry),
      device: deviceDescription(backend, opts.device),
    };
    return new HybridModel<ModelReport>({
      label,
      backend,
      inputs: inputs.map((i) => toTensorInfo(i, fixed)),
      outputs: graph.outputs.map((o) => outputInfo(graph, o)),
      schedule,
      runners: built.runners,
      constants,
      report,
      provenance,
    });
  } catch (e) {
    for (const r of built.runners) await r.dispose();
    throw e;
  }
}
