/**
 * The registry's verdict on a node, as the partitioner asks for it: undefined where a
 * converter takes the node, else the reason it does not (which the report shows verbatim).
 * The partitioner takes this as a function (src/partition/types.ts Verdict) and imports nothing
 * from converters/: it partitions by verdicts, whoever gives them.
 *
 * The ValidateContext a converter's `validate` sees is the converters' own view of the graph
 * (context.ts: opset of the node's domain, types from `graph.types`, constants from
 * initializers and Constant nodes, and the values shape inference computed from static
 * shapes, which the graph holds: Graph.inferredValues).
 */
import type { Graph, Node } from '../src/ir/graph.js';
import { isDefaultDomain } from '../src/ir/graph.js';
import type { Verdict } from '../src/partition/types.js';
import { validateContext } from './context.js';
import type { ConverterRegistry } from './registry.js';

function opLabel(node: Node): string {
  return isDefaultDomain(node.domain) ? node.opType : `${node.domain}::${node.opType}`;
}

/**
 * Why lowering left a node to onnxruntime, by node name (its passes' `left`: an If that
 * inline-if could not inline, a Loop or Scan that unroll-loops could not unroll).
 */
export type LeftByLowering = ReadonlyMap<string, string>;

/** The reason of an If, Loop or Scan that has no converter: what lowering does, and why it left this one. */
function controlFlowReason(node: Node, opset: number, left?: LeftByLowering): string {
  const [pass, does] =
    node.opType === 'If'
      ? ['inline-if', 'lowering inlines an If whose condition is constant, or both branches where running the untaken one cannot fail']
      : ['unroll-loops', 'lowering unrolls a Loop whose trip count is a constant and whose condition stays true, and a Scan over static lengths'];
  const why = left?.get(node.name);
  return `no converter for '${node.opType}' (opset ${opset}): ${does}; ${why ? `${pass} left it: ${why}` : `the lowering report's ${pass} notes say why this one was left`}`;
}

/** What the registry says of a node: undefined when supported, else the reason (`left`: why lowering left it, for control flow). */
export function converterVerdict(graph: Graph, node: Node, registry: ConverterRegistry, ranged = false, left?: LeftByLowering): string | undefined {
  const opset = graph.opset(node.domain) ?? 1;
  const converter = registry.lookup(node.opType, node.domain, opset);
  if (!converter) {
    if (!isDefaultDomain(node.domain)) {
      return (
        `no converter for custom op '${opLabel(node)}' (opset ${opset}); ` +
        `add one with registerConverter({ opType: '${node.opType}', domain: '${node.domain}', sinceVersion: 1, validate, convert })`
      );
    }
    if (registry.knows(node.opType, node.domain)) {
      const oldest = Math.min(
        ...registry
          .list()
          .filter((c) => c.opType === node.opType && isDefaultDomain(c.domain))
          .map((c) => c.sinceVersion),
      );
      return `no converter for '${node.opType}' at opset ${opset} (converters start at opset ${oldest})`;
    }
    // Lowering (src/lowering/inline-if.ts, unroll-loops.ts) turns the control flow it can into plain nodes.
    if (node.opType === 'If' || node.opType === 'Loop' || node.opType === 'Scan') return controlFlowReason(node, opset, left);
    return `no converter for '${node.opType}' (opset ${opset})`;
  }
  try {
    const v = converter.validate(node, validateContext(graph, node.domain, ranged));
    return v.ok ? undefined : v.reason || `${node.opType}: rejected by its converter (no reason given)`;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return `converter bug: ${opLabel(node)} validate threw: ${msg}`;
  }
}

/** The partitioner's Verdict from a registry, with the values inference knows (Graph.inferredValues) offered as constants. */
export function registryVerdict(registry: ConverterRegistry, left?: LeftByLowering): Verdict {
  return (graph, node) => converterVerdict(graph, node, registry, false, left);
}

/** Whether the registry's converter of a node makes outputs whose sizes depend on the data (Converter.dataDependent): the partitioner ends its engine there. */
export function registryEndsEngine(registry: ConverterRegistry): (graph: Graph, node: Node) => boolean {
  return (graph, node) => registry.lookup(node.opType, node.domain, graph.opset(node.domain) ?? 1)?.dataDependent === true;
}
