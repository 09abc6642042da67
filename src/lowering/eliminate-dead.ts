/**
 * Pass `eliminate-dead`: removes nodes none of whose outputs reaches a graph output, then
 * initializers nothing reads, and forgets the types of values that no longer exist. Values
 * that nested graphs read by name count as read. Graph inputs stay (they are the interface).
 * Exact: ONNX ops have no side effects.
 */
import type { Graph, Node } from '../ir/graph.js';
import { nodeOuterReads } from './graph-utils.js';
import { Changes, type PassResult } from './types.js';

export function eliminateDead(graph: Graph): PassResult {
  const changes = new Changes();
  const live = new Set<string>(graph.outputs);
  const liveNodes = new Set<Node>();
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i]!;
    if (!node.outputs.some((o) => o && live.has(o))) continue;
    liveNodes.add(node);
    for (const input of node.inputs) if (input) live.add(input);
    for (const r of nodeOuterReads(node)) live.add(r);
  }
  const dead = graph.nodes.filter((n) => !liveNodes.has(n));
  for (const n of dead) changes.add(`removed ${n.opType}`, `removed '${n.name}' (${n.opType}): its outputs are never used`);
  if (dead.length) graph.removeNodes(dead);
  for (const name of [...graph.initializers.keys()]) {
    if (live.has(name)) continue;
    graph.removeInitializer(name);
    changes.add('removed initializers');
  }
  const exists = new Set<string>([...graph.inputs, ...graph.outputs, ...graph.initializers.keys()]);
  for (const n of graph.nodes) for (const o of n.outputs) exists.add(o);
  for (const name of [...graph.types.keys()]) if (!exists.has(name)) graph.types.delete(name);
  return changes.result();
}
