/**
 * Cut: turns ordered node groups into segments with boundary tensors.
 *
 * Adjacent groups of the same kind are merged first (grouping alternates kinds, but a caller
 * may hand in groups that do not), except after a group that ends at a data-dependent output
 * (`closed`: group.ts). Merging neighbours in the order is always safe: the
 * merged segment reads only what its parts read, all of it from earlier groups or itself.
 * A segment's inputs are the non-initializer values its nodes read and do not produce; its
 * outputs are the values it produces that a later segment reads or the graph returns.
 * A value read by a segment before the one producing it means the groups were not in a valid
 * order: that is a bug here, not a user error, and throws.
 */
import type { Graph } from '../ir/graph.js';
import { isStaticShape } from '../ir/types.js';
import { DTYPE_SIZE, type NumericDType, numel } from '../onnx/dtype.js';
import type { NodeGroup } from './group.js';
import { nodeReads } from './reads.js';
import type { BoundaryTensor, Segment } from './types.js';

/** The boundary description of a value: its type from `graph.types`, bytes when static. */
export function boundaryTensor(graph: Graph, name: string): BoundaryTensor {
  const t = graph.types.get(name);
  const out: BoundaryTensor = { name };
  if (t?.dtype) out.dtype = t.dtype;
  if (t?.shape) out.shape = [...t.shape];
  if (t?.dtype && t.dtype !== 'string' && isStaticShape(t.shape)) out.bytes = numel(t.shape) * DTYPE_SIZE[t.dtype as NumericDType];
  return out;
}

/** Merges neighbouring groups of the same kind. */
export function mergeAdjacent(groups: readonly NodeGroup[]): NodeGroup[] {
  const out: NodeGroup[] = [];
  for (const g of groups) {
    if (!g.nodes.length) continue;
    const last = out[out.length - 1];
    if (last && last.kind === g.kind && !last.closed) {
      last.nodes = [...last.nodes, ...g.nodes].sort((a, b) => a - b);
      if (g.closed) last.closed = true;
    } else out.push({ kind: g.kind, nodes: [...g.nodes], ...(g.closed ? { closed: true } : {}) });
  }
  return out;
}

/** Segments, in order, from groups of node indices of `graph`. */
export function cut(graph: Graph, groups: readonly NodeGroup[]): Segment[] {
  const merged = mergeAdjacent(groups);
  const segOfValue = new Map<string, number>();
  merged.forEach((g, s) => {
    for (const i of g.nodes) for (const o of graph.nodes[i]!.outputs) if (o) segOfValue.set(o, s);
  });
  // Which segments read each value produced by some segment.
  const readers = new Map<string, Set<number>>();
  const inputs: string[][] = merged.map(() => []);
  merged.forEach((g, s) => {
    const seen = new Set<string>();
    for (const i of g.nodes) {
      for (const v of nodeReads(graph.nodes[i]!)) {
        if (seen.has(v)) continue;
        seen.add(v);
        const from = segOfValue.get(v);
        if (from === s || (from === undefined && graph.isInitializer(v))) continue;
        if (from !== undefined && from > s) {
          throw new Error(`partition bug: segment ${s} reads '${v}', produced by the later segment ${from}`);
        }
        inputs[s]!.push(v);
        if (from !== undefined) {
          let r = readers.get(v);
          if (!r) readers.set(v, (r = new Set()));
          r.add(s);
        }
      }
    }
  });
  const graphOutputs = new Set(graph.outputs);
  return merged.map((g, s): Segment => {
    const outputs = new Set<string>();
    for (const i of g.nodes) {
      for (const o of graph.nodes[i]!.outputs) if (o && (graphOutputs.has(o) || readers.has(o))) outputs.add(o);
    }
    return {
      kind: g.kind,
      id: s,
      nodes: g.nodes.map((i) => graph.nodes[i]!.name),
      inputs: inputs[s]!.map((v) => boundaryTensor(graph, v)),
      outputs: [...outputs].map((v) => boundaryTensor(graph, v)),
    };
  });
}
