/**
 * What the text report and the HTML segment panel say about each segment, made once so that
 * the two agree: its boundary tensors (type, bytes, where each comes from or goes to) and why
 * it is a segment of its own.
 *
 * Why a segment was cut: a fallback segment holds nodes that an engine may not run, each with
 * its reason (no converter, a converter's refusal, a forcing option, an engine block below
 * minBlockSize), grouped by op and reason. An engine segment is bounded by fallback segments:
 * grouping (src/partition/group.ts) closes an engine when no more supported node is ready, so
 * its edges are the fallback segments it reads from and those that read from it. Two engine
 * segments that exchange a tensor directly (no copy) are apart because fallback segments run
 * between them in the order; those are named too.
 */
import { formatBytes, formatTensorType, opLabel, plural } from './format.js';
import type { ReportData, ReportSegment, TensorInfo } from './model.js';

export interface BoundaryRow {
  name: string;
  /** 'float32[1,3,224,224]'. */
  type: string;
  /** '4.00 KiB', or '? B' where the shape is not static. */
  bytes: string;
  /** Inputs: '<- #3' or 'graph input'; outputs: '-> #4, #6', 'graph output', or both. */
  where: string;
}

export interface SegmentView {
  id: number;
  /** Why the segment is one of its own: one line per reason (see the file header). */
  cut: string[];
  inputs: BoundaryRow[];
  outputs: BoundaryRow[];
}

/** 'a, b and 3 more'. */
function names(list: readonly string[], max = 3): string {
  if (list.length <= max) return list.join(', ');
  return `${list.slice(0, max).join(', ')} and ${list.length - max} more`;
}

/** 'NonZero x2, Relu': a segment's commonest ops. */
function opsOf(s: ReportSegment, max = 2): string {
  const ops = Object.entries(s.ops);
  const shown = ops.slice(0, max).map(([op, n]) => (n > 1 ? `${op} x${n}` : op));
  return shown.join(', ') + (ops.length > max ? ', ...' : '');
}

/** '#1', '#1 and #3', '#1, #3, #5 and 2 more'. */
function ids(list: readonly number[]): string {
  const tags = list.map((i) => `#${i}`);
  if (tags.length <= 1) return tags.join('');
  if (tags.length <= 3) return `${tags.slice(0, -1).join(', ')} and ${tags[tags.length - 1]}`;
  return `${tags.slice(0, 3).join(', ')} and ${tags.length - 3} more`;
}

function fallbackCut(s: ReportSegment, byName: Map<string, ReportData['nodes'][number]>): string[] {
  const groups = new Map<string, { op: string; reason: string; count: number }>();
  for (const name of s.nodes) {
    const n = byName.get(name)!;
    const op = opLabel(n.opType, n.domain);
    const reason = n.reason ?? (n.supported ? 'supported, runs with its fallback neighbours' : 'unsupported');
    const key = `${op}\u0000${reason}`;
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { op, reason, count: 1 });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count).map((g) => `${g.op}${g.count > 1 ? ` x${g.count}` : ''}: ${g.reason}`);
}

function engineCut(d: ReportData, s: ReportSegment): string[] {
  const from = new Map<number, string[]>();
  const to = new Map<number, string[]>();
  for (const t of d.transfers) {
    if (t.to === s.id) from.set(t.from, [...(from.get(t.from) ?? []), t.name]);
    if (t.from === s.id) to.set(t.to, [...(to.get(t.to) ?? []), t.name]);
  }
  const kind = (id: number) => d.segments[id]!.kind;
  const between = (a: number, b: number) =>
    d.segments.filter((x) => x.kind === 'fallback' && x.id > Math.min(a, b) && x.id < Math.max(a, b)).map((x) => x.id);
  const apart = (fallbacks: number[]) =>
    fallbacks.length ? `; fallback ${ids(fallbacks)} ${fallbacks.length === 1 ? 'runs' : 'run'} between the two` : '';
  const out: string[] = [];
  // Fallback neighbours first (they are what cut the engine), then engines, each in order.
  const sorted = (m: Map<number, string[]>) =>
    [...m].sort((a, b) => Number(kind(a[0]) === 'engine') - Number(kind(b[0]) === 'engine') || a[0] - b[0]);
  for (const [id, vals] of sorted(from)) {
    if (kind(id) === 'fallback') out.push(`after fallback #${id} (${opsOf(d.segments[id]!)}), which feeds it ${names(vals)}`);
    else out.push(`engine #${id} feeds it ${names(vals)} without a copy${apart(between(id, s.id))}`);
  }
  for (const [id, vals] of sorted(to)) {
    if (kind(id) === 'fallback') out.push(`before fallback #${id} (${opsOf(d.segments[id]!)}), which reads ${names(vals)}`);
    else out.push(`feeds engine #${id} ${names(vals)} without a copy${apart(between(id, s.id))}`);
  }
  if (!out.length) {
    out.push(d.segments.length === 1 ? 'the whole graph runs on this engine' : 'it exchanges no tensor with another segment');
  }
  return out;
}

/** Every segment's view, by segment id. */
export function segmentViews(d: ReportData): SegmentView[] {
  const producer = new Map<string, number>();
  for (const seg of d.segments) for (const o of seg.outputs) producer.set(o.name, seg.id);
  const readers = new Map<string, number[]>();
  for (const t of d.transfers) readers.set(t.name, [...(readers.get(t.name) ?? []), t.to]);
  const graphOutputs = new Set(d.model.outputs.map((o) => o.name));
  const byName = new Map(d.nodes.map((n) => [n.name, n]));
  const row = (t: TensorInfo, where: string): BoundaryRow => ({ name: t.name, type: formatTensorType(t), bytes: formatBytes(t.bytes), where });
  return d.segments.map((s) => ({
    id: s.id,
    cut: s.kind === 'fallback' ? fallbackCut(s, byName) : engineCut(d, s),
    inputs: s.inputs.map((t) => row(t, producer.has(t.name) ? `<- #${producer.get(t.name)}` : 'graph input')),
    outputs: s.outputs.map((t) => {
      const to = readers.get(t.name) ?? [];
      const where = [to.length ? `-> ${to.map((x) => `#${x}`).join(', ')}` : '', graphOutputs.has(t.name) ? 'graph output' : ''];
      return row(t, where.filter(Boolean).join(', '));
    }),
  }));
}

/** 'engine segment #2, 5 ops' (what panels and legends title a segment with). */
export function segmentTitle(s: ReportSegment): string {
  return `${s.kind} segment #${s.id}, ${plural(s.nodes.length, 'op')}`;
}
