/**
 * From segments to runners: one native engine per engine segment (built concurrently, a few
 * at a time: each build runs off the JavaScript thread in the addon), one onnxruntime session
 * per fallback segment (over the sub-model extracted from the lowered graph).
 *
 * An engine segment whose conversion or build fails is a converter or builder bug, not the
 * user's: under requireFullCompilation it is an error; otherwise the segment runs on
 * onnxruntime instead, and a warning names the segment and the failure. On any error, what
 * was already built is freed before the error is thrown.
 */
import os from 'node:os';
import ort from 'onnxruntime-node';
import type { ConverterRegistry } from '../../converters/registry.js';
import { type Engine, buildEngine } from '../engine/engine.js';
import type { Precision } from '../engine/network.js';
import { HybridError, isHybridError, messageLine } from '../errors.js';
import { extractSubModel } from '../ir/extract.js';
import type { Graph } from '../ir/graph.js';
import type { ValueType } from '../ir/types.js';
import { encodeModel } from '../onnx/model.js';
import { firstOrtHazard } from '../onnx/ort-hazards.js';
import type { Segment } from '../partition/types.js';
import { ContextPool } from '../runtime/context-pool.js';
import { EngineSegment, FallbackSegment, type SegmentRunner } from '../runtime/segments.js';
import { buildSegmentNetwork } from '../../converters/segment-network.js';
import { type ShapeView, fixedAtEveryView } from './shape-views.js';
import type { NetworkDefinition } from '../engine/network.js';
import type { Backend, CompilePhase, LogLevel } from './options.js';
import { type OrtSessionOptions, fallbackSessionOptions } from './ort-session-options.js';

export interface BuildOptions {
  backend: Backend;
  /** The cuda device ordinal every engine is built on (compile()'s `device`). */
  device: number;
  precisions: Precision[];
  registry: ConverterRegistry;
  threads?: number;
  /** onnxruntime session options of every fallback segment (compile()'s, checked). */
  ortSessionOptions?: OrtSessionOptions;
  maxContexts: number;
  /** compile()'s `inlineRunUs`, where given (the engines' run placement: ContextPool). */
  inlineRunUs?: number;
  /** The engine builder's timing cache file (BuildConfig.timingCachePath). */
  timingCachePath?: string;
  requireFullCompilation: boolean;
  label: string;
  /**
   * Values whose shapes were probed rather than inferred. Where there are any, an engine
   * segment reading a value computed by another segment (whose shape may follow a probed one)
   * keeps its sub-model, to run on onnxruntime where a run brings another shape (segments.ts).
   */
  probed?: ReadonlySet<string>;
  /** The model's declared value types (analyze's): fallback sub-models declare these, not the fixed shapes. */
  declaredTypes?: ReadonlyMap<string, ValueType>;
  /**
   * A dynamic compile's views (analyze's, shape-views.ts: min, opt, max per profile): each
   * engine segment gets one engine per profile, built at its opt view with every input's range
   * from the min and max views.
   */
  views?: readonly ShapeView[];
  progress: (phase: CompilePhase, done: number, total: number) => void;
  log: (message: string, level: LogLevel) => void;
}

/** The warning of an engine segment that could not be built (logged, and kept in the report). */
export function demotedWarning(d: { segment: number; reason: string }): string {
  return `engine segment ${d.segment} runs on onnxruntime instead: its engine could not be built: ${d.reason}`;
}

export interface BuiltRunners {
  runners: SegmentRunner[];
  /** Engine segments that run on onnxruntime because their engine could not be built. */
  demoted: Array<{ segment: number; reason: string }>;
  /** Milliseconds spent building engines, and opening sessions. */
  ms: { build: number; sessions: number };
}

/** Runs `tasks` with at most `limit` in flight; resolves in task order. */
async function limited<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await tasks[i]!() };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** A segment's nodes as an encoded sub-model for onnxruntime (refused where it would crash onnxruntime). */
function segmentModel(graph: Graph, seg: Segment, options: BuildOptions): Uint8Array {
  const hazard = firstOrtHazard(graph, seg.nodes);
  if (hazard) throw new HybridError('SHAPE', `${options.label}: segment ${seg.id} cannot run on onnxruntime: ${hazard}`);
  const outputs = seg.outputs.map((o) => o.name);
  const sub = extractSubModel(typedAtViews(graph, seg, options.views), seg.nodes, {
    outputs,
    name: `${graph.name}_segment${seg.id}`,
    ...(options.declaredTypes ? { declaredTypes: options.declaredTypes } : {}),
  });
  return encodeModel(sub, options.label);
}

/**
 * A dynamic compile's graph may know no element type for a value that only its views probed
 * (an If's outputs: inference has no rule for If; Silero VAD's decoder), where a sub-model
 * needs one at its boundary. The views, at fixed shapes, do: where they all give the value one
 * element type, a copy of the graph takes it (not a shape: that varies over the range).
 */
function typedAtViews(graph: Graph, seg: Segment, views: readonly ShapeView[] | undefined): Graph {
  if (!views?.length) return graph;
  const missing = [...seg.inputs, ...seg.outputs].map((v) => v.name).filter((n) => !graph.types.get(n)?.dtype);
  let copy: Graph | undefined;
  for (const name of missing) {
    const dtypes = new Set(views.map((v) => v.graph.types.get(name)?.dtype));
    const [dtype] = dtypes;
    if (dtypes.size !== 1 || !dtype) continue;
    copy ??= graph.clone();
    copy.types.set(name, { ...copy.types.get(name), dtype });
  }
  return copy ?? graph;
}

async function openSession(seg: Segment, model: Uint8Array, options: BuildOptions): Promise<FallbackSegment> {
  const first = seg.nodes.length > 3 ? `${seg.nodes.slice(0, 3).join(', ')}, ...` : seg.nodes.join(', ');
  return openFallbackSegment(
    seg.id,
    `fallback segment ${seg.id} (${first})`,
    seg.outputs.map((o) => o.name),
    model,
    options,
  );
}

/**
 * An onnxruntime session over a segment's sub-model (compile() and load() both open them
 * so); `what` names the segment in the error where onnxruntime refuses the model.
 */
export async function openFallbackSegment(
  id: number,
  what: string,
  outputs: string[],
  model: Uint8Array,
  options: { threads?: number; ortSessionOptions?: OrtSessionOptions; label: string },
): Promise<FallbackSegment> {
  // Fatal only unless ortSessionOptions says otherwise: onnxruntime's errors become
  // HybridErrors here; its own log would repeat them on stderr.
  const sessionOptions = fallbackSessionOptions(options);
  try {
    const session = await ort.InferenceSession.create(model, sessionOptions);
    return new FallbackSegment(id, session, outputs, model);
  } catch (e) {
    throw new HybridError('NATIVE', `${options.label}: onnxruntime cannot load ${what}: ${messageLine(e)}`, { cause: e });
  }
}

/**
 * Opens and releases an onnxruntime session per fallback segment, as compile() would open
 * them: a dry run then fails where compile() would, with the same error.
 */
export async function checkFallbackSessions(
  graph: Graph,
  segments: readonly Segment[],
  options: Pick<BuildOptions, 'label' | 'threads' | 'ortSessionOptions' | 'declaredTypes' | 'views'>,
): Promise<void> {
  const opts = options as BuildOptions;
  for (const seg of segments) {
    if (seg.kind !== 'fallback') continue;
    await (await openSession(seg, segmentModel(graph, seg, opts), opts)).dispose();
  }
}

/**
 * The networks of an engine segment: one at the compiled shapes, or, for a dynamic compile, one
 * per profile at its opt view, every input given its range from the min and max views (dim by
 * dim the smaller and the larger: a value computed inside the model need not grow with the
 * inputs).
 */
function segmentNetworks(graph: Graph, seg: Segment, options: BuildOptions): NetworkDefinition[] {
  // The converters see the values inference fixed in `g` (g.inferredValues), as the
  // partitioner's verdicts did: nodes accepted on the strength of them are built alike. A
  // segment whose inputs are fixed at every view converts as at fixed shapes, as its nodes were
  // judged (shape-views.ts rangeVerdict).
  const ranged =
    !!options.views &&
    !fixedAtEveryView(
      options.views,
      seg.inputs.map((i) => i.name),
    );
  const make = (g: Graph, name: string) =>
    buildSegmentNetwork(g, seg.nodes, {
      inputs: seg.inputs.map((i) => i.name),
      outputs: seg.outputs.map((o) => o.name),
      registry: options.registry,
      name,
      ranged,
    });
  const name = `${graph.name}_segment${seg.id}`;
  if (!options.views) return [make(graph, name)];
  const profiles = Math.max(...options.views.map((v) => v.profile)) + 1;
  return Array.from({ length: profiles }, (_, p) => {
    const at = (end: 'min' | 'opt' | 'max') => options.views!.find((v) => v.profile === p && v.end === end)!;
    const net = make(at('opt').graph, profiles > 1 ? `${name}_profile${p}` : name);
    const shapeAt = (end: 'min' | 'max', input: string) => at(end).graph.types.get(input)!.shape as number[];
    const ranges = net.inputs.map((id, k) => {
      const input = seg.inputs[k]!.name;
      const opt = net.tensors[id]!.shape;
      const [lo, hi] = [shapeAt('min', input), shapeAt('max', input)];
      return { min: opt.map((d, i) => Math.min(d, lo[i]!, hi[i]!)), max: opt.map((d, i) => Math.max(d, lo[i]!, hi[i]!)) };
    });
    return { ...net, ranges };
  });
}

export async function buildRunners(graph: Graph, segments: readonly Segment[], options: BuildOptions): Promise<BuiltRunners> {
  const engineSegs = segments.filter((s) => s.kind === 'engine');
  const engines = new Map<number, Engine[]>(); // per profile
  const demoted: BuiltRunners['demoted'] = [];
  const runners: SegmentRunner[] = [];
  const t0 = performance.now();
  try {
    let built = 0;
    options.progress('build', 0, engineSegs.length);
    const tasks = engineSegs.map((seg) => async () => {
      try {
        const made: Engine[] = [];
        try {
          for (const network of segmentNetworks(graph, seg, options)) {
            made.push(
              await buildEngine(network, {
                backend: options.backend,
                precisions: options.precisions,
                threads: options.threads,
                device: options.device,
                ...(options.timingCachePath !== undefined ? { timingCachePath: options.timingCachePath } : {}),
              }),
            );
          }
        } catch (e) {
          for (const en of made) en.dispose();
          throw e;
        }
        engines.set(seg.id, made);
      } finally {
        options.progress('build', ++built, engineSegs.length);
      }
    });
    // Builds overlap (the addon builds off the JavaScript thread); a few at a time bounds the
    // memory of networks and engines under construction. cuda builds go one at a time: each
    // times its tactics on the GPU, and timings taken while another build runs would be off.
    const parallel = options.backend === 'cuda' ? 1 : Math.max(1, Math.min(4, os.availableParallelism()));
    const results = await limited(tasks, parallel);
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      const seg = engineSegs[i]!;
      const why = messageLine(r.reason);
      if (options.requireFullCompilation) {
        throw isHybridError(r.reason)
          ? r.reason
          : new HybridError('NATIVE', `${options.label}: engine segment ${seg.id}: ${why}`, { cause: r.reason });
      }
      demoted.push({ segment: seg.id, reason: why });
      options.log(demotedWarning({ segment: seg.id, reason: why }), 'warn');
    });

    const t1 = performance.now();
    const fallbacks = segments.filter((s) => !engines.has(s.id));
    let opened = 0;
    options.progress('sessions', 0, fallbacks.length);
    for (const seg of segments) {
      const engine = engines.get(seg.id);
      if (engine) {
        // Kept only where a probed shape can reach the segment: the sub-model holds its weights.
        const reachable = (options.probed?.size ?? 0) > 0 && seg.inputs.some((i) => !graph.inputs.includes(i.name));
        const model = reachable ? segmentModel(graph, seg, options) : undefined;
        const shapeFallback = model && { model, open: () => openSession(seg, model, options), warn: (m: string) => options.log(m, 'warn') };
        const profiles = engine.map((en, p) => ({
          engine: en,
          pool: new ContextPool(
            en,
            options.maxContexts,
            `${options.label}: engine segment ${seg.id}${engine.length > 1 ? ` (profile ${p})` : ''}`,
            options.inlineRunUs,
          ),
        }));
        runners.push(new EngineSegment(seg.id, profiles, options.backend, shapeFallback));
      } else {
        runners.push(await openSession(seg, segmentModel(graph, seg, options), options));
        options.progress('sessions', ++opened, fallbacks.length);
      }
    }
    return { runners, demoted, ms: { build: t1 - t0, sessions: performance.now() - t1 } };
  } catch (e) {
    const owned = new Set(runners.filter((r) => r.kind === 'engine').map((r) => r.id));
    for (const r of runners) await r.dispose();
    for (const [id, made] of engines) if (!owned.has(id)) for (const en of made) en.dispose();
    throw e;
  }
}
