/**
 * Sink: moves a shape computation (Shape or Size of a tensor, and integer arithmetic on such
 * values and constants alone) from the engine group where grouping put it into the later engine
 * group that reads it, so that the engine reading the value computes it from the shape of the
 * tensor itself.
 *
 * Why: grouping pops a node as soon as it is ready, so the Shape -> Gather -> Unsqueeze -> Add
 * chain that gives a slice its `ends` lands in the first engine that can run it, and the value
 * reaches the slice's engine as an int64 engine input: data, from which no engine can take a
 * slice window, reshape target or k that must follow a size over a range (docs/engine.md,
 * "Shape ranges": only values computed from shapes and constants are derived on the host at each
 * run's shapes). Computed in the reading engine instead, the Shape is of one of its own inputs,
 * whose dims the engine knows at each run (a ranged dim: a symbolic one, or a count a
 * data-dependent node reported, such as torchvision's proposals after NMS), and the chain is a
 * shape computation there. Moving a node to a later group is safe when every node that reads
 * it is in that group or after it (its producers stay earlier), so the groups' order keeps
 * the property group.ts states.
 *
 * What it costs: the reading engine now takes the tensor whose shape is read instead of the
 * small value (and its engine keeps it as an output). A chain moves only where that tensor
 * comes from an engine or the reading engine reads it anyway, so that no tensor starts crossing
 * from onnxruntime. (Between engines it still costs a copy: on cuda one on the device, into the
 * reading engine's arena; on the cpu backend out of one arena into a host array and into the
 * other arena, each run.) A chain whose first reader runs on onnxruntime stays where it is. A
 * node whose Shape cannot move may still move after it (a small value crosses either way).
 */
import { type Graph, isDefaultDomain, type Node } from '../ir/graph.js';
import type { Dependencies, NodeGroup } from './group.js';
import { nodeReads } from './reads.js';

/** Ops that take the shape of a tensor: their output is known from shapes alone. */
const SHAPE_OF = new Set(['Shape', 'Size']);

/** Ops that compute on small integer values (the exporters' arithmetic on shapes). */
const SHAPE_ARITHMETIC = new Set([
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Concat',
  'Slice',
  'Cast',
  'Reshape',
  'Identity',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'Mod',
  'Neg',
  'Abs',
  'Min',
  'Max',
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Where',
  'ReduceProd',
  'ReduceSum',
  'ReduceMin',
  'ReduceMax',
]);

const holdsSubgraph = (node: Node) => node.attributes.some((a) => a.g || a.graphs?.length);

/**
 * Per node of `graph`, whether its outputs are computed from shapes and constants alone: a Shape
 * or Size node, or shape arithmetic whose every input is an initializer or such a value.
 */
export function shapeComputations(graph: Graph): boolean[] {
  const fromShapes = new Set<string>();
  return graph.nodes.map((node) => {
    if (!isDefaultDomain(node.domain) || holdsSubgraph(node)) return false;
    const ok =
      SHAPE_OF.has(node.opType) || (SHAPE_ARITHMETIC.has(node.opType) && node.inputs.every((i) => !i || graph.isInitializer(i) || fromShapes.has(i)));
    if (ok) for (const o of node.outputs) if (o) fromShapes.add(o);
    return ok;
  });
}

/**
 * The groups with shape computations moved into the first later engine group that reads them
 * (see the header). Groups left empty are dropped; the others keep their order and kinds.
 */
export function sinkShapeComputations(graph: Graph, groups: readonly NodeGroup[], deps: Dependencies): NodeGroup[] {
  const groupOf = new Array<number>(graph.nodes.length).fill(-1);
  groups.forEach((g, k) => g.nodes.forEach((i) => (groupOf[i] = k)));
  const shape = shapeComputations(graph);
  if (!shape.some((s) => s)) return [...groups];
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => o && producer.set(o, i)));
  // Values each group reads, kept up to date as nodes move in.
  const reads = groups.map((g) => new Set(g.nodes.flatMap((i) => nodeReads(graph.nodes[i]!))));
  let moved = false;
  // Last node first: a chain moves from its end, each node after the readers it goes to.
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const from = groupOf[i]!;
    if (!shape[i] || groups[from]!.kind !== 'engine' || !deps.users[i]!.length) continue;
    const to = Math.min(...deps.users[i]!.map((u) => groupOf[u]!));
    if (to <= from || groups[to]!.kind !== 'engine') continue;
    const node = graph.nodes[i]!;
    // The data it reads (a Shape's tensor) must come from an engine: only a small shape value may come from onnxruntime.
    const free = node.inputs.every((v) => {
      if (!v || graph.isInitializer(v) || reads[to]!.has(v)) return true;
      const p = producer.get(v);
      return p !== undefined && (shape[p] || groups[groupOf[p]!]!.kind === 'engine');
    });
    if (!free) continue;
    groupOf[i] = to;
    for (const v of nodeReads(node)) reads[to]!.add(v);
    moved = true;
  }
  if (!moved) return [...groups];
  const nodes: number[][] = groups.map(() => []);
  groupOf.forEach((k, i) => nodes[k]!.push(i));
  return groups.flatMap((g, k) => (nodes[k]!.length ? [{ ...g, nodes: nodes[k]! }] : []));
}
