/**
 * The values a node reads: its explicit inputs, plus the outer-scope values that its subgraph
 * attributes (If/Loop/Scan bodies) use without listing them as inputs. The partitioner must
 * see both, or a segment holding an If could run before the segment producing what its
 * branches read.
 */
import type { Node } from '../ir/graph.js';
import type { GraphProto } from '../onnx/proto.js';

/** Names a subgraph reads from its enclosing scopes (nested subgraphs included). */
function outerReads(g: GraphProto, out: Set<string>): void {
  const local = new Set<string>();
  for (const i of g.input) if (i.name) local.add(i.name);
  for (const t of g.initializer) if (t.name) local.add(t.name);
  for (const n of g.node) for (const o of n.output) if (o) local.add(o);
  const inner = new Set<string>();
  for (const n of g.node) {
    for (const i of n.input) if (i && !local.has(i)) out.add(i);
    for (const a of n.attribute) {
      if (a.g) outerReads(a.g, inner);
      for (const sg of a.graphs ?? []) outerReads(sg, inner);
    }
  }
  for (const i of inner) if (!local.has(i)) out.add(i);
}

/** Every value `node` reads, explicit inputs first, without '' (omitted optional inputs). */
export function nodeReads(node: Node): string[] {
  const reads = new Set<string>();
  for (const i of node.inputs) if (i) reads.add(i);
  for (const a of node.attributes) {
    if (!a.g && !a.graphs?.length) continue;
    const implicit = new Set<string>();
    if (a.g) outerReads(a.g, implicit);
    for (const sg of a.graphs ?? []) outerReads(sg, implicit);
    for (const i of implicit) reads.add(i);
  }
  return [...reads];
}
