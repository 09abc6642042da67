/**
 * A compiled model's report: the partition report data (src/report: what runs where and why,
 * boundary tensors, recommendations; the JSON report of `hybrid-run --report json`), what
 * compile() added (backend, engines with their layers and memory, phase times), and the
 * renderers. Built once at compile time, so the model does not keep its graph alive for it.
 */
import { type RenderOptions, type ReportData, type ReportFormat, renderReport } from '../report/index.js';
import type { Precision } from '../engine/network.js';
import { floatPrecisions, isPrecision, isReduced } from '../engine/precision.js';
import type { EngineInfo } from '../engine/engine.js';
import type { NativeBuildInfo } from '../engine/native.js';
import type { Backend, CompilePhase } from './options.js';

/** One engine segment's engine. */
export interface EngineSummary {
  /** The engine segment's id (as in `data.segments`). */
  segment: number;
  /** Layers after the builder's fusions. */
  layers: number;
  /** Layer count per kind, e.g. { convolution: 12, elementwise: 4 }. */
  layerKinds: Record<string, number>;
  /** Layers that run as aliases (tactic 'alias': reshapes sharing their input's bytes, concats whose inputs were written into their output; no copy, no launch). */
  aliases: number;
  /** Bytes of one execution context's activation arena (after reuse) and workspace. */
  arenaBytes: number;
  workspaceBytes: number;
  /** What the activations would take without reuse (aliases take no bytes of their own). */
  activationBytes: number;
  /** Bytes of weights the engine holds (once, whatever the number of contexts). */
  weightBytes: number;
  /**
   * The arena one execution context allocates: arena and workspace at the largest shapes of
   * the engine's ranges (a static engine: arenaBytes + workspaceBytes).
   */
  maxArenaBytes: number;
  /** Each input's range (a dynamic engine, its first profile's). */
  ranges?: Array<{ min: number[]; max: number[] }>;
  /** Layer count per precision the layers compute in, e.g. { fp16: 40, fp32: 2, int64: 1 }. */
  layerPrecisions: Record<string, number>;
  /** Layers of a reduced-precision engine kept in fp32, with the builder's reason. */
  keptFp32: Array<{ layer: string; reason: string }>;
  /** The build: its time, the fusions and layout changes made, the timing cache used. */
  build: NativeBuildInfo;
}

export interface ModelReport {
  /** The partition report (schema in docs/reports.md). */
  readonly data: ReportData;
  /** The backend the engines were built for. */
  readonly backend: Backend;
  /** The precisions the engines compute in: those allowed that the backend has (fp32 always among them). */
  readonly precisions: readonly Precision[];
  /** One entry per engine segment that was built, in segment order. */
  readonly engines: readonly EngineSummary[];
  /**
   * Milliseconds per compile phase ('lower' is part of 'analyze'), and in total; a compile that
   * hit the engine cache has only 'load' (reading the entry) and 'total'. A loaded model keeps
   * the phases of the compile that saved it.
   */
  readonly compileMs: Readonly<Partial<Record<CompilePhase | 'lower' | 'load' | 'total', number>>>;
  /**
   * The report as text (a terminal, as `hybrid-run --dry-run` prints it), json (docs/reports.md),
   * html (a self-contained page with the graph drawn) or dot (Graphviz).
   */
  render(format: ReportFormat, options?: RenderOptions): string;
  /** render('text', options). */
  text(options?: RenderOptions): string;
}

/**
 * The precisions the engines compute in: those compile() was given, and the reduced ones a
 * model's own float16/bfloat16 layers bring (a model exported in fp16 builds fp16 layers at
 * `precisions: ['fp32']`). `hybrid-run --compare` chooses its default tolerance by them.
 */
export function computedPrecisions(requested: readonly Precision[], engines: readonly EngineSummary[]): Precision[] {
  const out = new Set<Precision>(requested);
  for (const e of engines) {
    for (const [p, n] of Object.entries(e.layerPrecisions)) {
      if (n > 0 && isPrecision(p) && isReduced(floatPrecisions([p]))) out.add(p);
    }
  }
  return [...out];
}

export function engineSummary(segment: number, info: EngineInfo): EngineSummary {
  const layerKinds: Record<string, number> = {};
  const layerPrecisions: Record<string, number> = {};
  const keptFp32: EngineSummary['keptFp32'] = [];
  for (const l of info.layers) {
    layerKinds[l.kind] = (layerKinds[l.kind] ?? 0) + 1;
    if (l.kind === 'constant') continue;
    layerPrecisions[l.precision] = (layerPrecisions[l.precision] ?? 0) + 1;
    if (l.precisionNote?.startsWith('kept fp32: ')) keptFp32.push({ layer: l.name, reason: l.precisionNote.slice('kept fp32: '.length) });
  }
  return {
    segment,
    layers: info.layers.length,
    layerKinds,
    aliases: info.layers.filter((l) => l.tactic === 'alias').length,
    arenaBytes: info.memory.arenaBytes,
    workspaceBytes: info.memory.workspaceBytes,
    activationBytes: info.memory.activationBytes,
    weightBytes: info.memory.weightBytes,
    maxArenaBytes: info.memory.maxArenaBytes,
    ...(info.ranges ? { ranges: info.ranges } : {}),
    layerPrecisions,
    keptFp32,
    build: info.build,
  };
}

export interface ReportInput {
  data: ReportData;
  backend: Backend;
  precisions: Precision[];
  engines: EngineSummary[];
  compileMs: Partial<Record<CompilePhase | 'lower' | 'load' | 'total', number>>;
}

export function makeReport(r: ReportInput): ModelReport {
  const { data } = r;
  return Object.freeze({
    data,
    backend: r.backend,
    precisions: Object.freeze([...r.precisions]),
    engines: Object.freeze(r.engines),
    compileMs: Object.freeze({ ...r.compileMs }),
    render: (format: ReportFormat, options?: RenderOptions) => renderReport(data, format, options),
    text: (options?: RenderOptions) => renderReport(data, 'text', options),
  });
}
