/**
 * A compiled model's report: the partition report data (src/report: what runs where and why,
 * boundary tensors, recommendations; the JSON report of `hybrid-run --report json`), what
 * compile() added (backend, engines with their layers and memory, phase times), and the
 * renderers. Built once at compile time, so the model does not keep its graph alive for it.
 */
import type { LoweringReport } from '../lowering/index.js';
import type { Graph } from '../ir/graph.js';
import type { PartitionResult } from '../partition/types.js';
import { type ReportData, buildReport } from '../report/model.js';
import { type TextOptions, renderText } from '../report/text.js';
import type { Precision } from '../engine/network.js';
import type { EngineInfo } from '../engine/engine.js';
import type { Backend, CompilePhase } from './options.js';

/** One engine segment's engine. */
export interface EngineSummary {
  segment: number;
  layers: number;
  /** Layer count per kind, e.g. { convolution: 12, elementwise: 4 }. */
  layerKinds: Record<string, number>;
  /** Bytes of one execution context's activation arena (after reuse) and workspace. */
  arenaBytes: number;
  workspaceBytes: number;
  /** What the activations would take without reuse. */
  activationBytes: number;
  weightBytes: number;
}

export interface ModelReport {
  /** The partition report (schema in docs/reports.md). */
  readonly data: ReportData;
  readonly backend: Backend;
  readonly precisions: readonly Precision[];
  readonly engines: readonly EngineSummary[];
  /** Milliseconds per compile phase, and in total. */
  readonly compileMs: Readonly<Partial<Record<CompilePhase | 'total', number>>>;
  /** The text report (as `hybrid-run --dry-run` prints it). */
  text(options?: TextOptions): string;
  /** The JSON report (`data`, indented). */
  json(): string;
}

export function engineSummary(segment: number, info: EngineInfo): EngineSummary {
  const layerKinds: Record<string, number> = {};
  for (const l of info.layers) layerKinds[l.kind] = (layerKinds[l.kind] ?? 0) + 1;
  return {
    segment,
    layers: info.layers.length,
    layerKinds,
    arenaBytes: info.memory.arenaBytes,
    workspaceBytes: info.memory.workspaceBytes,
    activationBytes: info.memory.activationBytes,
    weightBytes: info.memory.weightBytes,
  };
}

export interface ReportInput {
  graph: Graph;
  partition: PartitionResult;
  lowering: LoweringReport;
  label: string;
  backend: Backend;
  precisions: Precision[];
  engines: EngineSummary[];
  compileMs: Partial<Record<CompilePhase | 'total', number>>;
  warnings: string[];
}

export function makeReport(r: ReportInput): ModelReport {
  const data = buildReport(r.graph, r.partition, {
    file: r.label,
    lowering: {
      nodesBefore: r.lowering.nodesBefore,
      nodesAfter: r.lowering.nodesAfter,
      passes: r.lowering.passes
        .filter((p) => !p.skipped)
        .map((p) => ({ name: p.name, changed: p.changed, counts: p.counts, notes: p.notes })),
    },
    warnings: r.warnings,
  });
  return Object.freeze({
    data,
    backend: r.backend,
    precisions: Object.freeze([...r.precisions]),
    engines: Object.freeze(r.engines),
    compileMs: Object.freeze({ ...r.compileMs }),
    text: (options?: TextOptions) => renderText(data, options),
    json: () => JSON.stringify(data, null, 2),
  });
}
