/**
 * Pass `normalize-sum`: variadic Sum becomes what converters already handle: Sum of one input
 * is taken out like an Identity, Sum of two is an Add, Sum of n is a chain of Adds in input
 * order ((a + b) + c) + ..., the order in which onnxruntime accumulates it, so the result is
 * exact. Before opset 7 Add does not broadcast by itself, so those models are left alone.
 */
import type { Graph, Node } from '../ir/graph.js';
import { bypass, isOp, outerReads } from './graph-utils.js';
import { Changes, type PassResult } from './types.js';

const isSum = (n: Node) => isOp(n, 'Sum') && n.inputs.length > 0 && n.inputs.every((i) => i);

export function normalizeSum(graph: Graph): PassResult {
  const changes = new Changes();
  if ((graph.opset('') ?? 1) < 7) return changes.result();
  const pinned = outerReads(graph);
  for (const node of graph.nodes.filter((n) => isSum(n) && n.inputs.length === 1)) {
    if (bypass(graph, node, node.inputs[0]!, node.outputs[0]!, pinned)) {
      changes.add('removed Sum of one input', `removed '${node.name}' (Sum of one input)`);
    }
  }
  if (!graph.nodes.some((n) => isSum(n) && n.inputs.length > 1)) return changes.result();
  const newNames = new Set<string>();
  const fresh = (prefix: string) => {
    const s = graph.freshName(prefix, newNames);
    newNames.add(s);
    return s;
  };
  graph.nodes = graph.nodes.flatMap((node) => {
    if (!isSum(node) || node.inputs.length < 2) return [node];
    const adds: Node[] = [];
    let acc = node.inputs[0]!;
    for (let k = 1; k < node.inputs.length; k++) {
      const last = k === node.inputs.length - 1;
      const output = last ? node.outputs[0]! : fresh(`${node.name}_partial_`);
      adds.push({
        name: last ? node.name : fresh(`${node.name}_add_`),
        opType: 'Add',
        domain: '',
        inputs: [acc, node.inputs[k]!],
        outputs: [output],
        attributes: [],
        extra: last ? node.extra : undefined,
      });
      acc = output;
    }
    changes.add('Sum to Add', `'${node.name}': Sum of ${node.inputs.length} as ${adds.length} Add`);
    return adds;
  });
  graph.invalidate();
  return changes.result();
}
