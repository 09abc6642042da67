/**
 * The partition report's data: one plain, JSON-serialisable object that every renderer (text,
 * JSON, DOT, HTML) draws from, so that the four forms never disagree. docs/reports.md
 * documents it field by field (it is the JSON report); bump REPORT_SCHEMA_VERSION on any
 * incompatible change.
 *
 * Boundary accounting is in transfers.ts.
 */
import type { Graph } from '../ir/graph.js';
import { toNumber } from '../onnx/proto.js';
import { boundaryTensor } from '../partition/cut.js';
import { nodeReads } from '../partition/reads.js';
import type { BoundaryTensor, ForcedBy, PartitionResult, ResolvedPartitionOptions, SegmentKind } from '../partition/types.js';
import { recommend, type Recommendation } from './recommend.js';
import { type ReportTransfer, transfersOf } from './transfers.js';
import type { ReportInt8 } from './int8.js';

export type { CopyDirection, ReportTransfer } from './transfers.js';

export const REPORT_SCHEMA_VERSION = 1;

export type TensorInfo = BoundaryTensor;

/**
 * A dynamic compile's ranges in one line per profile, as every report form shows them:
 * `input [1..32,3,224,224] (opt [8,3,224,224])`, inputs joined by '; '.
 */
export function profileLines(profiles: NonNullable<ReportModelInfo['profiles']>): string[] {
  return profiles.map((p, i) => {
    const ranges = Object.entries(p).map(
      ([name, r]) => `${name} [${r.min.map((lo, d) => (lo === r.max[d] ? `${lo}` : `${lo}..${r.max[d]}`)).join(',')}] (opt [${r.opt.join(',')}])`,
    );
    return `${profiles.length > 1 ? `profile ${i}: ` : ''}${ranges.join('; ')}`;
  });
}

export interface ReportModelInfo {
  /** The file the model came from, or '<bytes>'. */
  file: string;
  graphName: string;
  producer?: string;
  irVersion?: number;
  /** Domain ('' = ai.onnx) -> opset version. */
  opsets: Record<string, number>;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /**
   * A dynamic compile's optimization profiles: per profile, each input that takes more than one
   * shape, its range (src/compiler/profiles.ts). Absent: every input static.
   */
  profiles?: Array<Record<string, { min: number[]; opt: number[]; max: number[] }>>;
  /**
   * Inputs fixed at compile time (compile's inputValues): constants of the compiled model, no
   * longer among `inputs`; `value` as text (`16000`, `[1,2,3]`, long ones cut). Absent: none.
   */
  fixedInputs?: FixedInput[];
}

export interface FixedInput {
  name: string;
  dtype: string;
  shape: number[];
  value: string;
}

/** The fixed inputs in one line, as every report form shows them: `sr = 16000 (int64[])`. */
export function fixedInputsLine(fixed: readonly FixedInput[]): string {
  return fixed.map((f) => `${f.name} = ${f.value} (${f.dtype}[${f.shape.join(',')}])`).join('; ');
}

export interface ReportSummary {
  nodes: number;
  /** Nodes a converter accepts and that were not forced to the fallback. */
  supportedNodes: number;
  /** Nodes placed in engine segments (supported minus those demoted by minBlockSize). */
  engineNodes: number;
  /** engineNodes / nodes (1 for a graph without nodes). */
  coverage: number;
  engineSegments: number;
  fallbackSegments: number;
  boundaryTransfers: number;
  /** Sum of the transfers' bytes where known (see unknownBytesTransfers). */
  boundaryBytes: number;
  /** Transfers whose size is not static. */
  unknownBytesTransfers: number;
  /** Transfers that cross between an engine and a fallback segment. */
  hostDeviceCopies: number;
  hostDeviceBytes: number;
}

export interface ReportNode {
  name: string;
  opType: string;
  domain: string;
  segment: number;
  supported: boolean;
  /** Why the node is not on an engine (absent for nodes on engines). */
  reason?: string;
  forced?: ForcedBy;
  demoted?: boolean;
  /** Values read (subgraph outer-scope reads included) and produced. */
  inputs: string[];
  outputs: string[];
}

export interface ReportSegment {
  id: number;
  kind: SegmentKind;
  nodes: string[];
  /** Op type -> node count, most frequent first. */
  ops: Record<string, number>;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export interface UnsupportedOp {
  opType: string;
  domain: string;
  count: number;
  reasons: Array<{ reason: string; nodes: string[] }>;
}

export interface ReportLowering {
  nodesBefore: number;
  nodesAfter: number;
  passes: Array<{ name: string; changed: number; counts: Record<string, number>; notes: string[] }>;
}

export interface ReportData {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  model: ReportModelInfo;
  options: ResolvedPartitionOptions;
  summary: ReportSummary;
  unsupported: UnsupportedOp[];
  nodes: ReportNode[];
  segments: ReportSegment[];
  transfers: ReportTransfer[];
  /** dtype/shape of every value a node reads or produces (initializers flagged). */
  values: Record<string, { dtype?: string; shape?: Array<number | string>; initializer?: boolean }>;
  recommendations: Recommendation[];
  lowering?: ReportLowering;
  warnings: string[];
  /** compile()'s: the quantizable nodes and which run int8, where int8 was asked for or the model has Q/DQ nodes (int8.ts). */
  int8?: ReportInt8;
}

export interface BuildReportOptions {
  file?: string;
  lowering?: ReportLowering;
  /** Extra warnings (e.g. from analyze) shown with the partition's own. */
  warnings?: string[];
  /** Compute recommendations (default true; they re-run grouping a few times). */
  recommendations?: boolean;
  /** The optimization profiles of a dynamic compile (ReportModelInfo.profiles). */
  profiles?: ReportModelInfo['profiles'];
  /** The inputs fixed at compile time (ReportModelInfo.fixedInputs). */
  fixedInputs?: FixedInput[];
}

function countOps(names: string[], byName: Map<string, { opType: string; domain: string }>): Record<string, number> {
  const counts = new Map<string, number>();
  for (const n of names) {
    const node = byName.get(n)!;
    const op = node.domain ? `${node.domain}::${node.opType}` : node.opType;
    counts.set(op, (counts.get(op) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** Summary counts for a partition (also used to describe what-if partitions). */
export function summarize(nodes: number, result: Pick<PartitionResult, 'segments' | 'nodes'>): ReportSummary {
  const transfers = transfersOf(result.segments);
  const engineNodes = result.segments.filter((s) => s.kind === 'engine').reduce((a, s) => a + s.nodes.length, 0);
  const copies = transfers.filter((t) => t.copy !== 'none');
  return {
    nodes,
    supportedNodes: result.nodes.filter((n) => n.supported).length,
    engineNodes,
    coverage: nodes ? engineNodes / nodes : 1,
    engineSegments: result.segments.filter((s) => s.kind === 'engine').length,
    fallbackSegments: result.segments.filter((s) => s.kind === 'fallback').length,
    boundaryTransfers: transfers.length,
    boundaryBytes: transfers.reduce((a, t) => a + (t.bytes ?? 0), 0),
    unknownBytesTransfers: transfers.filter((t) => t.bytes === undefined).length,
    hostDeviceCopies: copies.length,
    hostDeviceBytes: copies.reduce((a, t) => a + (t.bytes ?? 0), 0),
  };
}

function unsupportedOps(result: PartitionResult): UnsupportedOp[] {
  const byOp = new Map<string, UnsupportedOp>();
  for (const n of result.nodes) {
    if (n.supported) continue;
    const key = `${n.domain}::${n.opType}`;
    let entry = byOp.get(key);
    if (!entry) byOp.set(key, (entry = { opType: n.opType, domain: n.domain, count: 0, reasons: [] }));
    entry.count++;
    const reason = n.reason ?? 'unsupported';
    const r = entry.reasons.find((x) => x.reason === reason);
    if (r) r.nodes.push(n.name);
    else entry.reasons.push({ reason, nodes: [n.name] });
  }
  return [...byOp.values()].sort((a, b) => b.count - a.count || a.opType.localeCompare(b.opType));
}

/** Builds the report data for a partitioned graph. */
export function buildReport(graph: Graph, result: PartitionResult, options: BuildReportOptions = {}): ReportData {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const values: ReportData['values'] = {};
  const addValue = (v: string) => {
    if (!v || values[v]) return;
    const t = graph.types.get(v);
    const entry: ReportData['values'][string] = {};
    if (t?.dtype) entry.dtype = t.dtype;
    if (t?.shape) entry.shape = [...t.shape];
    if (graph.isInitializer(v)) entry.initializer = true;
    values[v] = entry;
  };
  const nodes = result.nodes.map((p): ReportNode => {
    const node = byName.get(p.name)!;
    const inputs = nodeReads(node);
    const outputs = node.outputs.filter((o) => o);
    inputs.forEach(addValue);
    outputs.forEach(addValue);
    const out: ReportNode = { name: p.name, opType: p.opType, domain: p.domain, segment: p.segment, supported: p.supported, inputs, outputs };
    if (p.reason !== undefined) out.reason = p.reason;
    if (p.forced) out.forced = p.forced;
    if (p.demoted) out.demoted = true;
    return out;
  });
  const extra = graph.modelExtra;
  const model: ReportModelInfo = {
    file: options.file ?? '<bytes>',
    graphName: graph.name,
    opsets: Object.fromEntries(graph.opsets),
    inputs: graph.inputs.map((i) => boundaryTensor(graph, i)),
    outputs: graph.outputs.map((o) => boundaryTensor(graph, o)),
    ...(options.profiles ? { profiles: options.profiles } : {}),
    ...(options.fixedInputs?.length ? { fixedInputs: options.fixedInputs } : {}),
  };
  if (extra.producerName) model.producer = extra.producerVersion ? `${extra.producerName} ${extra.producerVersion}` : extra.producerName;
  if (extra.irVersion !== undefined && extra.irVersion !== null) model.irVersion = toNumber(extra.irVersion);
  const data: ReportData = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    model,
    options: result.options,
    summary: summarize(graph.nodes.length, result),
    unsupported: unsupportedOps(result),
    nodes,
    segments: result.segments.map((s) => ({
      id: s.id,
      kind: s.kind,
      nodes: s.nodes,
      ops: countOps(s.nodes, byName),
      inputs: s.inputs,
      outputs: s.outputs,
    })),
    transfers: transfersOf(result.segments),
    values,
    recommendations: options.recommendations === false ? [] : recommend(graph, result),
    warnings: [...result.warnings, ...(options.warnings ?? [])],
  };
  if (options.lowering) data.lowering = options.lowering;
  return data;
}
