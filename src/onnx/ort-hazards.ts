/**
 * Inputs that crash onnxruntime-node's process rather than failing a run (found by the
 * fuzzer; onnxruntime 1.30). hybridrt hands onnxruntime a sub-model (fallback segments, shape
 * probes) only after asking here, and refuses with a HybridError where a node would crash it:
 * nothing a model or an input does may take the process down.
 *
 * - InstanceNormalization of a tensor with an empty spatial or channel dimension: SIGSEGV in
 *   the cpu kernel (an engine computes it: an empty output).
 */
import type { Graph, Node } from '../ir/graph.js';
import { isDefaultDomain } from '../ir/graph.js';

function empty(shape: ReadonlyArray<number | string> | undefined, from: number): boolean {
  return !!shape && shape.slice(from).some((d) => d === 0);
}

/** Why running `node` on onnxruntime would crash the process, or undefined. */
export function ortHazard(graph: Graph, node: Node): string | undefined {
  if (!isDefaultDomain(node.domain)) return undefined;
  if (node.opType === 'InstanceNormalization' && empty(graph.types.get(node.inputs[0] ?? '')?.shape, 1)) {
    return `node '${node.name}' (InstanceNormalization) reads an empty tensor, which crashes onnxruntime's kernel`;
  }
  return undefined;
}

/** The first hazard among `nodes` (names), or undefined. */
export function firstOrtHazard(graph: Graph, nodes: Iterable<string>): string | undefined {
  for (const name of nodes) {
    const node = graph.node(name);
    const why = node && ortHazard(graph, node);
    if (why) return why;
  }
  return undefined;
}
