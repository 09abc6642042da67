/**
 * partition(): annotate -> group -> sink -> minBlockSize -> cut, for a lowered graph whose types
 * are inferred. Deterministic: the same graph and options give the same segments. Sink
 * (sink.ts) moves shape computations into the later engine that reads them.
 *
 * minBlockSize counts compute nodes: nodes other than VIEW_OPS, which only relabel or pass
 * data along (Reshape, Squeeze, Identity...). An engine whose only work is one Relu between
 * two Reshapes costs two boundary copies and saves nothing, so it should not count as three.
 * A group below the limit is demoted: its nodes are treated as unsupported and the graph is
 * grouped again, until every engine group is large enough (each round demotes at least one
 * node, so this ends). Regrouping, rather than just relabelling the small group, lets the
 * surrounding fallback nodes merge into one segment. 0 keeps every engine group.
 * requireFullCompilation ignores minBlockSize: everything must go to engines.
 */
import { HybridError } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { annotate, type AnnotateOptions, matchesOp } from './annotate.js';
import { cut } from './cut.js';
import { dependencies, type Dependencies, groupNodes, type NodeGroup } from './group.js';
import { sinkShapeComputations } from './sink.js';
import type { NodeAnnotation, PartitionResult, PlacedNode, ResolvedPartitionOptions } from './types.js';

/** Ops that move no data or only relabel it; they do not count towards minBlockSize. */
export const VIEW_OPS: ReadonlySet<string> = new Set([
  'Constant',
  'Identity',
  'Dropout',
  'Reshape',
  'Flatten',
  'Squeeze',
  'Unsqueeze',
  'Shape',
  'Size',
]);

export const DEFAULT_MIN_BLOCK_SIZE = 3;

/**
 * The partitioner's options. compile() and analyze() check them once (resolveOptions in
 * src/compiler/options.ts: the one place a bad minBlockSize or list is an OPTION error) and pass
 * them on as they are; the partitioner checks nothing again, and gives a field left out its
 * default (minBlockSize DEFAULT_MIN_BLOCK_SIZE, nothing forced, falling back allowed).
 */
export interface PartitionOptions extends AnnotateOptions {
  /** Smallest number of compute nodes an engine may hold (default 3; 0 keeps every engine group). */
  minBlockSize?: number;
  /** Throw UNSUPPORTED_OP, listing every node that cannot go to an engine, instead of falling back. */
  requireFullCompilation?: boolean;
  /** Names the model in error messages. */
  label?: string;
  /** Whether a node's outputs' sizes depend on the data, so that its engine ends at it (group.ts); converters' dataDependent says. */
  endsEngine?: (graph: Graph, node: Node) => boolean;
}

export function isComputeNode(node: { opType: string; domain: string }): boolean {
  return !((node.domain === '' || node.domain === 'ai.onnx') && VIEW_OPS.has(node.opType));
}

/** The block size engine groups are held to: none under requireFullCompilation (everything must go to engines). */
export function blockSizeLimit(options: Pick<ResolvedPartitionOptions, 'minBlockSize' | 'requireFullCompilation'>): number {
  return options.requireFullCompilation ? 0 : options.minBlockSize;
}

/**
 * Groups with the given support verdicts (shape computations sunk into the engines reading
 * them, sink.ts), demoting engine groups below `minBlockSize` until
 * none is left. Returns the groups and which node indices were demoted.
 */
export function groupWithMinBlockSize(
  graph: Graph,
  supported: readonly boolean[],
  minBlockSize: number,
  deps: Dependencies = dependencies(graph),
  ends: readonly boolean[] = [],
): { groups: NodeGroup[]; demoted: Map<number, number> } {
  const ok = [...supported];
  // Demoted node index -> compute-node count of the group it was demoted with.
  const demoted = new Map<number, number>();
  for (;;) {
    const groups = sinkShapeComputations(
      graph,
      groupNodes(
        graph,
        (i) => ok[i]!,
        deps,
        (i) => ends[i] === true,
      ),
      deps,
    );
    if (minBlockSize <= 0) return { groups, demoted };
    let any = false;
    for (const g of groups) {
      if (g.kind !== 'engine') continue;
      const size = g.nodes.filter((i) => isComputeNode(graph.nodes[i]!)).length;
      if (size >= minBlockSize) continue;
      any = true;
      for (const i of g.nodes) {
        ok[i] = false;
        demoted.set(i, size);
      }
    }
    if (!any) return { groups, demoted };
  }
}

function assertTopological(graph: Graph): void {
  const seen = new Set<string>();
  const produced = new Set<string>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) produced.add(o);
  for (const n of graph.nodes) {
    for (const i of n.inputs) {
      if (i && produced.has(i) && !seen.has(i)) {
        throw new HybridError(
          'MODEL_INVALID',
          `node '${n.name}' (${n.opType}) reads '${i}' before it is produced: the nodes are not in topological order`,
        );
      }
    }
    for (const o of n.outputs) if (o) seen.add(o);
  }
}

function fullCompilationError(annotations: NodeAnnotation[], label?: string): HybridError {
  const bad = annotations.filter((a) => !a.supported);
  const list = bad.map((a) => `'${a.name}' (${a.domain ? `${a.domain}::` : ''}${a.opType}): ${a.reason}`).join('; ');
  const what = bad.length === 1 ? '1 node cannot' : `${bad.length} nodes cannot`;
  return new HybridError('UNSUPPORTED_OP', `${label ? `${label}: ` : ''}requireFullCompilation: ${what} run on an engine: ${list}`);
}

/** Partitions `graph` into engine and fallback segments. */
export function partition(graph: Graph, options: PartitionOptions): PartitionResult {
  const resolved: ResolvedPartitionOptions = {
    minBlockSize: options.minBlockSize ?? DEFAULT_MIN_BLOCK_SIZE,
    requireFullCompilation: options.requireFullCompilation === true,
    fallbackOps: [...(options.fallbackOps ?? [])],
    fallbackNodes: [...(options.fallbackNodes ?? [])],
  };
  assertTopological(graph);
  const annotations = annotate(graph, options);
  if (resolved.requireFullCompilation && annotations.some((a) => !a.supported)) {
    throw fullCompilationError(annotations, options.label);
  }
  const minBlockSize = blockSizeLimit(resolved);
  const ends = options.endsEngine ? graph.nodes.map((n) => options.endsEngine!(graph, n)) : [];
  const { groups, demoted } = groupWithMinBlockSize(
    graph,
    annotations.map((a) => a.supported),
    minBlockSize,
    undefined,
    ends,
  );
  const segments = cut(graph, groups);
  const segOf = new Map<string, number>();
  for (const s of segments) for (const n of s.nodes) segOf.set(n, s.id);
  const nodes = annotations.map((a, i): PlacedNode => {
    const placed: PlacedNode = { ...a, segment: segOf.get(a.name)!, ...(ends[i] ? { endsEngine: true } : {}) };
    const size = demoted.get(i);
    if (size !== undefined) {
      placed.demoted = true;
      placed.reason = `its engine block had ${size} compute node${size === 1 ? '' : 's'}, fewer than minBlockSize ${minBlockSize}`;
    }
    return placed;
  });
  const known = new Set(graph.nodes.map((n) => n.name));
  const warnings = [
    ...resolved.fallbackNodes.filter((n) => !known.has(n)).map((n) => `fallbackNodes: no node named '${n}' in the graph`),
    ...resolved.fallbackOps.filter((e) => !graph.nodes.some((n) => matchesOp(e, n))).map((e) => `fallbackOps: no '${e}' node in the graph`),
  ];
  return { segments, nodes, options: resolved, warnings };
}
