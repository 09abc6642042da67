/**
 * An independent checker of the segment contract (DESIGN.md "Segments"), written from the
 * contract rather than from the partitioner's code: it returns every violation it finds.
 */
import type { Graph } from '../../src/ir/graph.js';
import type { PartitionResult } from '../../src/partition/types.js';

const VIEW = new Set(['Constant', 'Identity', 'Dropout', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Shape', 'Size']);

/**
 * `endsEngine` names nodes whose outputs' sizes depend on the data: an engine segment holding one
 * whose output the next segment reads may be followed by another engine segment.
 */
export function partitionProblems(
  graph: Graph,
  result: PartitionResult,
  minBlockSize?: number,
  endsEngine: (node: string) => boolean = () => false,
): string[] {
  const problems: string[] = [];
  const order = new Map(graph.nodes.map((n, i) => [n.name, i]));
  const segOfNode = new Map<string, number>();
  result.segments.forEach((s, idx) => {
    if (s.id !== idx) problems.push(`segment at ${idx} has id ${s.id}`);
    let last = -1;
    for (const n of s.nodes) {
      if (segOfNode.has(n)) problems.push(`node ${n} is in segments ${segOfNode.get(n)} and ${idx}`);
      segOfNode.set(n, idx);
      const o = order.get(n);
      if (o === undefined) problems.push(`segment ${idx} names unknown node ${n}`);
      else if (o < last) problems.push(`segment ${idx}: node ${n} out of topological order`);
      else last = o;
    }
    const prev = result.segments[idx - 1];
    const cut =
      prev?.kind === 'engine' && prev.nodes.some((n) => endsEngine(n) && graph.node(n)!.outputs.some((o) => s.inputs.some((i) => i.name === o)));
    if (prev?.kind === s.kind && !cut) problems.push(`segments ${idx - 1} and ${idx} are both ${s.kind}`);
  });
  for (const n of graph.nodes) if (!segOfNode.has(n.name)) problems.push(`node ${n.name} is in no segment`);

  const producerSeg = new Map<string, number>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o && segOfNode.has(n.name)) producerSeg.set(o, segOfNode.get(n.name)!);
  const graphInputs = new Set(graph.inputs);
  const outputsOf = result.segments.map((s) => new Set(s.outputs.map((t) => t.name)));
  const inputsOf = result.segments.map((s) => new Set(s.inputs.map((t) => t.name)));

  result.segments.forEach((s, idx) => {
    for (const name of s.nodes) {
      const node = graph.nodes[order.get(name)!]!;
      for (const v of node.inputs) {
        if (!v || graph.initializers.has(v)) continue;
        const from = producerSeg.get(v);
        if (from === idx) continue;
        if (from === undefined) {
          if (!graphInputs.has(v)) problems.push(`segment ${idx}: '${v}' is dangling`);
          else if (!inputsOf[idx]!.has(v)) problems.push(`segment ${idx}: graph input '${v}' not listed as input`);
          continue;
        }
        if (from > idx) problems.push(`segment ${idx} reads '${v}' from later segment ${from}`);
        if (!outputsOf[from]!.has(v)) problems.push(`segment ${from} does not list '${v}' (read by ${idx}) as output`);
        if (!inputsOf[idx]!.has(v)) problems.push(`segment ${idx} does not list '${v}' as input`);
      }
    }
    for (const t of s.inputs) {
      const from = producerSeg.get(t.name);
      if (from === idx) problems.push(`segment ${idx} lists its own value '${t.name}' as input`);
      if (from === undefined && !graphInputs.has(t.name)) problems.push(`segment ${idx} input '${t.name}' has no producer`);
      if (from !== undefined && from > idx) problems.push(`segment ${idx} input '${t.name}' comes from later segment ${from}`);
    }
    for (const t of s.outputs)
      if (producerSeg.get(t.name) !== idx) problems.push(`segment ${idx} lists '${t.name}' as output but does not produce it`);
    if (s.kind === 'engine') {
      const placed = new Map(result.nodes.map((n) => [n.name, n]));
      for (const n of s.nodes) if (!placed.get(n)?.supported) problems.push(`engine segment ${idx} holds unsupported node ${n}`);
      if (minBlockSize !== undefined) {
        const compute = s.nodes.filter((n) => !VIEW.has(graph.nodes[order.get(n)!]!.opType)).length;
        if (compute < minBlockSize) problems.push(`engine segment ${idx} has ${compute} compute nodes < minBlockSize ${minBlockSize}`);
      }
    }
  });
  for (const o of graph.outputs) {
    const from = producerSeg.get(o);
    if (from === undefined) continue; // a graph input or initializer returned as is
    const listing = result.segments.filter((s) => s.outputs.some((t) => t.name === o)).map((s) => s.id);
    if (listing.length !== 1 || listing[0] !== from) problems.push(`graph output '${o}' is listed by segments [${listing}] (produced in ${from})`);
  }
  return problems;
}
