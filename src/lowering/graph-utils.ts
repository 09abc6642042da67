/**
 * Graph edits shared by the passes: which values nested graphs (If/Loop/Scan bodies) read by
 * name, how to take a forwarding node out without renaming a graph output, and small queries.
 *
 * NOTE: a nested graph may read any outer value by name, so a value read there must keep its
 * name: passes treat the names `outerReads` returns as pinned.
 */
import type { Graph, Node } from '../ir/graph.js';
import { isDefaultDomain } from '../ir/graph.js';
import type { GraphProto } from '../onnx/proto.js';
import { attrInts, makeAttr, setAttr } from '../ir/attributes.js';

function collectGraphReads(g: GraphProto, out: Set<string>): void {
  const local = new Set<string>();
  for (const i of g.input ?? []) if (i.name) local.add(i.name);
  for (const t of g.initializer ?? []) if (t.name) local.add(t.name);
  for (const n of g.node ?? []) for (const o of n.output) local.add(o);
  const reads = new Set<string>();
  for (const n of g.node ?? []) {
    for (const i of n.input) if (i) reads.add(i);
    for (const a of n.attribute ?? []) {
      if (a.g) collectGraphReads(a.g, reads);
      for (const sg of a.graphs ?? []) collectGraphReads(sg, reads);
    }
  }
  for (const o of g.output ?? []) if (o.name) reads.add(o.name);
  for (const r of reads) if (!local.has(r)) out.add(r);
}

/** Outer values that a node's nested graphs read by name. */
export function nodeOuterReads(node: Node): Set<string> {
  const out = new Set<string>();
  for (const a of node.attributes) {
    if (a.g) collectGraphReads(a.g, out);
    for (const sg of a.graphs ?? []) collectGraphReads(sg, out);
  }
  return out;
}

export function hasSubgraphs(node: Node): boolean {
  return node.attributes.some((a) => a.g || (a.graphs?.length ?? 0) > 0);
}

/** Every value that some nested graph of the main graph reads by name. */
export function outerReads(graph: Graph): Set<string> {
  const out = new Set<string>();
  for (const n of graph.nodes) if (hasSubgraphs(n)) for (const r of nodeOuterReads(n)) out.add(r);
  return out;
}

export function isOp(node: Node, opType: string): boolean {
  return node.opType === opType && isDefaultDomain(node.domain);
}

/** True when `value` is read only by `reader` (once or more), and is no graph output. */
export function onlyReadBy(graph: Graph, value: string, reader: Node, pinned: Set<string>): boolean {
  if (graph.outputs.includes(value) || pinned.has(value)) return false;
  const users = graph.consumers(value);
  return users.length === 1 && users[0] === reader;
}

/**
 * Takes out a node whose output `dst` equals its input `src`. Readers of `dst` read `src`;
 * where `dst` is a graph output, `src`'s producer is renamed to produce `dst` instead, so the
 * model's interface keeps its names. Returns false (graph untouched) when neither is possible:
 * `src` is a graph input, an initializer or another graph output, or a name is pinned.
 */
export function bypass(graph: Graph, node: Node, src: string, dst: string, pinned: Set<string>): boolean {
  if (pinned.has(dst)) return false;
  if (!graph.outputs.includes(dst)) {
    graph.removeNodes([node]);
    graph.replaceAllUses(dst, src);
    return true;
  }
  const producer = graph.producer(src);
  if (!producer || producer === node || graph.outputs.includes(src) || pinned.has(src)) return false;
  if (graph.inputs.includes(src) || graph.isInitializer(src)) return false;
  graph.removeNodes([node]);
  graph.setOutput(producer, producer.outputs.indexOf(src), dst);
  graph.replaceAllUses(src, dst);
  const t = graph.types.get(src);
  if (t && !graph.types.get(dst)?.dtype) graph.types.set(dst, t);
  graph.types.delete(src);
  return true;
}

/** A Transpose's permutation: its `perm`, or the reversal it defaults to (rank from the input's type). */
export function permutation(graph: Graph, node: Node): number[] | undefined {
  const perm = attrInts(node, 'perm');
  if (perm) return perm;
  const rank = graph.types.get(node.inputs[0] ?? '')?.shape?.length;
  return rank === undefined ? undefined : Array.from({ length: rank }, (_, i) => rank - 1 - i);
}

/** A new int64 initializer holding `dims` (a Reshape's target), named from `prefix`; returns its name. */
export function shapeConstant(graph: Graph, prefix: string, dims: readonly number[]): string {
  const name = graph.freshName(prefix);
  graph.setInitializer(name, { dtype: 'int64', dims: [dims.length], data: BigInt64Array.from(dims, BigInt) });
  return name;
}

/**
 * Transpose `inner` (perm `innerPerm`) read only by Transpose `outer` (perm `outerPerm`): `outer`
 * becomes one Transpose of the composed permutation reading inner's input, and `inner` goes.
 * Returns the composed permutation.
 */
export function mergeTransposes(graph: Graph, inner: Node, innerPerm: readonly number[], outer: Node, outerPerm: readonly number[]): number[] {
  const composed = outerPerm.map((p) => innerPerm[p]!);
  setAttr(outer, makeAttr.ints('perm', composed));
  graph.removeNodes([inner]);
  graph.setInput(outer, 0, inner.inputs[0]!);
  return composed;
}
