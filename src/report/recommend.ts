/**
 * Recommendations: what would change the partition, found by re-running the grouping on
 * "what if" support verdicts and comparing segments. Three kinds:
 * - converter: the unsupported nodes of one op type made supported (a new converter, or an
 *   existing one accepting what it now rejects) would merge these segments;
 * - minBlockSize: a larger value would fold small engines into the fallback around them
 *   (fewer boundaries); a smaller one would keep demoted blocks on engines;
 * - forcedFallback: a fallbackOps/fallbackNodes entry whose nodes a converter accepts splits
 *   engines that would otherwise be one.
 * Each carries its effect (before -> after) so that a reader can weigh it, and each is the
 * outcome of replaying it through the grouping: a merge is claimed only where every segment
 * named moves whole into the new one (no segment named in two merges), and a recommendation
 * is given only where it improves what it claims without undoing the point of engines (a
 * minBlockSize that moves more than two thirds of the engine nodes to onnxruntime is not advice).
 */
import type { Graph } from '../ir/graph.js';
import { cut } from '../partition/cut.js';
import { dependencies, type Dependencies } from '../partition/group.js';
import { blockSizeLimit, groupWithMinBlockSize, isComputeNode } from '../partition/partition.js';
import type { ForcedBy, PartitionResult, Segment } from '../partition/types.js';
import { formatBytes } from './format.js';
import { transfersOf } from './transfers.js';

type Pair = [before: number, after: number];

export interface Recommendation {
  /** inputShapes: added by analyze() when inputs have symbolic dimensions (no effect computed). */
  kind: 'converter' | 'minBlockSize' | 'forcedFallback' | 'inputShapes';
  /** One sentence for people. */
  message: string;
  opType?: string;
  domain?: string;
  /** The nodes the recommendation is about. */
  nodes?: string[];
  /** The minBlockSize it proposes. */
  minBlockSize?: number;
  /** For forcedFallback: which option, and the entry in it. */
  option?: ForcedBy;
  entry?: string;
  /**
   * Groups of current segment ids that would become one segment each: engine segments for the
   * converter and forcedFallback kinds, all segments folded into one fallback for minBlockSize.
   */
  merges: number[][];
  effect?: { segments: Pair; engineNodes: Pair; boundaryTransfers: Pair; boundaryBytes: Pair };
}

interface Outcome {
  segments: Segment[];
  engineNodes: number;
  transfers: number;
  bytes: number;
}

function outcome(segments: Segment[]): Outcome {
  const all = transfersOf(segments);
  const transfers = all.length;
  const bytes = all.reduce((a, t) => a + (t.bytes ?? 0), 0);
  const engineNodes = segments.filter((s) => s.kind === 'engine').reduce((a, s) => a + s.nodes.length, 0);
  return { segments, engineNodes, transfers, bytes };
}

/** `#0, #1 and #2`; long lists as `#0, #2, #4, #6, #8, #10, ... and #116 (59 segments)`. */
export function segmentList(ids: readonly number[]): string {
  const labels = ids.map((i) => `#${i}`);
  if (labels.length <= 1) return labels.join('');
  if (labels.length > 8) return `${labels.slice(0, 6).join(', ')}, ... and ${labels[labels.length - 1]} (${labels.length} segments)`;
  return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/**
 * Groups of old segment ids that share one new segment of `kind`, counting only old segments
 * of that kind when `sameKind` (a fallback split by a new engine is not "merged" into it).
 */
export function mergesBetween(before: Segment[], after: Segment[], kind: Segment['kind'], sameKind: boolean): number[][] {
  const oldOf = new Map<string, Segment>();
  for (const s of before) for (const n of s.nodes) oldOf.set(n, s);
  // Where each old segment's nodes went: a segment split between new ones was not merged.
  const landed = new Map<number, Set<number>>();
  after.forEach((s, i) => {
    for (const n of s.nodes) {
      const id = oldOf.get(n)!.id;
      if (!landed.has(id)) landed.set(id, new Set());
      landed.get(id)!.add(i);
    }
  });
  const merges: number[][] = [];
  for (const s of after) {
    if (s.kind !== kind) continue;
    const olds = new Set<number>();
    for (const n of s.nodes) {
      const old = oldOf.get(n)!;
      if (!sameKind || old.kind === kind) olds.add(old.id);
    }
    if (olds.size > 1 && [...olds].every((id) => landed.get(id)!.size === 1)) merges.push([...olds].sort((a, b) => a - b));
  }
  return merges;
}

function effectText(b: Outcome, a: Outcome): string {
  const parts = [`segments ${b.segments.length} -> ${a.segments.length}`];
  if (a.engineNodes !== b.engineNodes) parts.push(`nodes on engines ${b.engineNodes} -> ${a.engineNodes}`);
  if (a.transfers !== b.transfers || a.bytes !== b.bytes) {
    parts.push(`boundary transfers ${b.transfers} -> ${a.transfers} (${formatBytes(b.bytes)} -> ${formatBytes(a.bytes)})`);
  }
  return parts.join(', ');
}

function mergeText(merges: number[][], kind: string): string {
  return merges.map((m, i) => `${segmentList(m)} into ${i === 0 ? `one ${kind}` : 'another'}`).join(', and ');
}

class WhatIf {
  readonly deps: Dependencies;
  readonly base: Outcome;
  readonly supported: boolean[];
  readonly index: Map<string, number>;

  constructor(
    readonly graph: Graph,
    readonly result: PartitionResult,
    readonly minBlockSize: number,
  ) {
    this.deps = dependencies(graph);
    this.base = outcome(result.segments);
    this.supported = result.nodes.map((n) => n.supported);
    this.index = new Map(graph.nodes.map((n, i) => [n.name, i]));
  }

  run(overrides: Iterable<string>, minBlockSize = this.minBlockSize): Outcome {
    const sup = [...this.supported];
    for (const n of overrides) sup[this.index.get(n)!] = true;
    const ends = this.result.nodes.map((n) => n.endsEngine === true);
    const { groups } = groupWithMinBlockSize(this.graph, sup, minBlockSize, this.deps, ends);
    return outcome(cut(this.graph, groups));
  }

  effect(a: Outcome): NonNullable<Recommendation['effect']> {
    const b = this.base;
    return {
      segments: [b.segments.length, a.segments.length],
      engineNodes: [b.engineNodes, a.engineNodes],
      boundaryTransfers: [b.transfers, a.transfers],
      boundaryBytes: [b.bytes, a.bytes],
    };
  }
}

function converterRecommendations(w: WhatIf): Recommendation[] {
  const byOp = new Map<string, { opType: string; domain: string; nodes: string[]; missing: boolean }>();
  for (const n of w.result.nodes) {
    if (n.supported || n.forced) continue;
    const key = `${n.domain}::${n.opType}`;
    let e = byOp.get(key);
    if (!e) byOp.set(key, (e = { opType: n.opType, domain: n.domain, nodes: [], missing: (n.reason ?? '').startsWith('no converter') }));
    e.nodes.push(n.name);
  }
  const recs: Array<Recommendation & { gain: number[] }> = [];
  for (const e of byOp.values()) {
    const a = w.run(e.nodes);
    const merges = mergesBetween(w.base.segments, a.segments, 'engine', true);
    if (a.engineNodes <= w.base.engineNodes && (!merges.length || a.segments.length >= w.base.segments.length)) continue;
    const op = e.domain ? `${e.domain}::${e.opType}` : e.opType;
    const count = `${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'}`;
    const subject = e.missing ? `a converter for '${op}' (${count})` : `supporting '${op}' as used here (${count}; see the reasons above)`;
    const what = merges.length
      ? `would merge engine segments ${mergeText(merges, 'engine')}`
      : `would put ${a.engineNodes - w.base.engineNodes} more nodes on engines`;
    recs.push({
      kind: 'converter',
      message: `${subject} ${what}: ${effectText(w.base, a)}`,
      opType: e.opType,
      domain: e.domain,
      nodes: e.nodes,
      merges,
      effect: w.effect(a),
      gain: [w.base.segments.length - a.segments.length, a.engineNodes - w.base.engineNodes],
    });
  }
  recs.sort((x, y) => y.gain[0]! - x.gain[0]! || y.gain[1]! - x.gain[1]!);
  return recs.slice(0, 8).map(({ gain: _gain, ...r }) => r);
}

function minBlockSizeRecommendations(w: WhatIf): Recommendation[] {
  if (w.result.options.requireFullCompilation) return [];
  const recs: Recommendation[] = [];
  const m = w.minBlockSize;
  const computeSize = (s: Segment) => s.nodes.filter((n) => isComputeNode(w.graph.nodes[w.index.get(n)!]!)).length;
  const sizes = [...new Set(w.base.segments.filter((s) => s.kind === 'engine').map(computeSize))].sort((a, b) => a - b);
  for (const size of sizes.slice(0, 2)) {
    const larger = size + 1;
    const a = w.run([], larger);
    const merges = mergesBetween(w.base.segments, a.segments, 'fallback', false);
    // Fewer boundaries at the price of some small engines, never of most engine work.
    const keeps = a.engineNodes > 0 && 3 * a.engineNodes >= w.base.engineNodes;
    if (!merges.length || !keeps || a.transfers >= w.base.transfers || a.segments.length >= w.base.segments.length) continue;
    const afterEngine = new Set(a.segments.filter((s) => s.kind === 'engine').flatMap((s) => s.nodes));
    const moved = w.base.segments.filter((s) => s.kind === 'engine' && s.nodes.every((n) => !afterEngine.has(n)));
    const movedText =
      moved
        .slice(0, 6)
        .map((s) => `#${s.id} (${computeSize(s)} compute node${computeSize(s) === 1 ? '' : 's'})`)
        .join(', ') + (moved.length > 6 ? `, ... ${moved.length - 6} more` : '');
    recs.push({
      kind: 'minBlockSize',
      message: `minBlockSize ${larger} would move engine segment${moved.length === 1 ? '' : 's'} ${movedText} to the fallback, merging segments ${mergeText(merges, 'fallback segment')}: ${effectText(w.base, a)}`,
      minBlockSize: larger,
      nodes: moved.flatMap((s) => s.nodes),
      merges,
      effect: w.effect(a),
    });
  }
  const demoted = w.result.nodes.filter((n) => n.demoted).map((n) => n.name);
  for (let smaller = m - 1; demoted.length && smaller >= 0; smaller--) {
    const a = w.run([], smaller);
    if (a.engineNodes <= w.base.engineNodes) continue;
    const gained = a.engineNodes - w.base.engineNodes;
    recs.push({
      kind: 'minBlockSize',
      message: `minBlockSize ${smaller} would keep ${gained} more node${gained === 1 ? '' : 's'} on engines, at a cost: ${effectText(w.base, a)}`,
      minBlockSize: smaller,
      nodes: demoted,
      merges: [],
      effect: w.effect(a),
    });
    break;
  }
  return recs;
}

function forcedRecommendations(w: WhatIf): Recommendation[] {
  const byEntry = new Map<string, { option: ForcedBy; entry: string; nodes: string[] }>();
  for (const n of w.result.nodes) {
    if (!n.forced || !n.convertible) continue;
    const entry = n.forcedEntry ?? n.name;
    const key = `${n.forced}:${entry}`;
    let e = byEntry.get(key);
    if (!e) byEntry.set(key, (e = { option: n.forced, entry, nodes: [] }));
    e.nodes.push(n.name);
  }
  const recs: Array<Recommendation & { saved: number }> = [];
  // Each entry costs one regrouping: look at the first 40, keep the 6 that save most segments.
  for (const e of [...byEntry.values()].slice(0, 40)) {
    const a = w.run(e.nodes);
    const merges = mergesBetween(w.base.segments, a.segments, 'engine', true);
    if (!merges.length || a.segments.length >= w.base.segments.length) continue;
    const count = `${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'}`;
    recs.push({
      kind: 'forcedFallback',
      message: `the forced fallback ${e.option} '${e.entry}' (${count}, convertible) splits engines: dropping it would merge engine segments ${mergeText(merges, 'engine')}: ${effectText(w.base, a)}`,
      option: e.option,
      entry: e.entry,
      nodes: e.nodes,
      merges,
      effect: w.effect(a),
      saved: w.base.segments.length - a.segments.length,
    });
  }
  recs.sort((x, y) => y.saved - x.saved);
  return recs.slice(0, 6).map(({ saved: _saved, ...r }) => r);
}

/** Every recommendation for a partition, most useful kinds first. */
export function recommend(graph: Graph, result: PartitionResult): Recommendation[] {
  if (!result.segments.length) return [];
  const w = new WhatIf(graph, result, blockSizeLimit(result.options));
  return [...converterRecommendations(w), ...forcedRecommendations(w), ...minBlockSizeRecommendations(w)];
}
