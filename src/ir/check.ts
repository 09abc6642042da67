/**
 * The model checker: the structural rules of onnx's checker that a model must keep before
 * anything else reads it, each broken rule a MODEL_INVALID error that names it and the value,
 * node or attribute involved.
 *
 * - Names: graph inputs, initializers and graph outputs are each listed once; every value has
 *   one producer (a node output, a graph input or an initializer, never two of these).
 * - References: every node input, and every graph output, is defined in the graph or (in a
 *   nested graph) in an enclosing scope.
 * - Nodes: an op type; no attribute given twice; as many inputs and outputs as the op's schema
 *   allows (src/ir/op-arity.ts, generated from onnx's schemas, for models of the opsets that
 *   table knows).
 * - Size: at most LIMITS.graphNodes nodes in the main graph (inlining is held to it too).
 * - Nested graphs (If/Loop/Scan bodies) follow the same rules with the enclosing names in
 *   scope, at most LIMITS.subgraphDepth deep.
 * The walk is iterative: a model controls the depth of nothing here but the nesting, which is
 * bounded.
 */
import { HybridError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { AttributeProto, GraphProto, SparseTensorProto } from '../onnx/proto.js';
import { isDefaultDomain, type Graph, type Node } from './graph.js';
import { ARITY_OPSET, OP_ARITY } from './op-arity.js';

function invalid(label: string, message: string): HybridError {
  return new HybridError('MODEL_INVALID', `${label}: ${message}`);
}

/** The [min inputs, max inputs, min outputs, max outputs] of an op at an opset, where known. */
export function opArity(opType: string, opset: number): readonly [number, number, number, number] | undefined {
  const versions = OP_ARITY[opType];
  if (!versions) return undefined;
  let row: (typeof versions)[number] | undefined;
  for (const v of versions) if (v[0] <= opset) row = v;
  if (!row) return undefined;
  // Beyond the opsets the table knows, an op may have gained or relaxed inputs and outputs.
  if (opset > ARITY_OPSET) return undefined;
  return [row[1], row[2], row[3], row[4]];
}

interface Scope {
  graph: GraphProto;
  /** Names defined in enclosing graphs. */
  outer: ReadonlySet<string>;
  depth: number;
  /** Where it is, for messages: "graph 'g'", "the then_branch of node 'n'". */
  where: string;
}

function subgraphs(attrs: readonly AttributeProto[]): Array<{ attr: string; graph: GraphProto }> {
  const out: Array<{ attr: string; graph: GraphProto }> = [];
  for (const a of attrs) {
    if (a.g) out.push({ attr: a.name ?? '?', graph: a.g });
    for (const g of a.graphs ?? []) out.push({ attr: a.name ?? '?', graph: g });
  }
  return out;
}

function checkNode(
  label: string,
  where: string,
  name: string,
  opType: string,
  domain: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: readonly AttributeProto[],
  opsets: ReadonlyMap<string, number>,
): void {
  const node = `${where}node '${name}' (${opType || '?'})`;
  if (!opType) throw invalid(label, `${node} has no op type`);
  const seen = new Set<string>();
  for (const a of attrs) {
    const n = a.name ?? '';
    if (seen.has(n)) throw invalid(label, `${node}: attribute '${n}' is given twice`);
    seen.add(n);
  }
  if (!isDefaultDomain(domain)) return;
  const arity = opArity(opType, opsets.get('') ?? 1);
  if (!arity) return;
  const [minIn, maxIn, minOut, maxOut] = arity;
  const range = (lo: number, hi: number) => (hi === Infinity ? `at least ${lo}` : lo === hi ? `${lo}` : `${lo} to ${hi}`);
  if (inputs.length < minIn || inputs.length > maxIn) {
    throw invalid(label, `${node} has ${inputs.length} input${inputs.length === 1 ? '' : 's'}; ${opType} takes ${range(minIn, maxIn)}`);
  }
  if (outputs.length < minOut || outputs.length > maxOut) {
    throw invalid(label, `${node} has ${outputs.length} output${outputs.length === 1 ? '' : 's'}; ${opType} gives ${range(minOut, maxOut)}`);
  }
}

/**
 * Checks one graph's names and references: `inputs`, `initializers`, `outputs` and the nodes
 * (name, op, domain, inputs, outputs, attributes) with `outer` names in scope.
 */
function checkScope(
  label: string,
  where: string,
  inputs: readonly string[],
  initializers: readonly string[],
  outputs: readonly string[],
  nodes: ReadonlyArray<{
    name: string;
    opType: string;
    domain: string;
    inputs: readonly string[];
    outputs: readonly string[];
    attributes: readonly AttributeProto[];
  }>,
  outer: ReadonlySet<string>,
  opsets: ReadonlyMap<string, number>,
): Set<string> {
  const defined = new Map<string, string>();
  const define = (value: string, by: string) => {
    const prev = defined.get(value);
    if (prev !== undefined) throw invalid(label, `${where}value '${value}' is defined twice: by ${prev} and by ${by}`);
    defined.set(value, by);
  };
  for (const i of inputs) {
    if (defined.has(i)) throw invalid(label, `${where}graph input '${i}' is declared twice`);
    define(i, `graph input '${i}'`);
  }
  const inits = new Set<string>();
  for (const t of initializers) {
    if (inits.has(t)) throw invalid(label, `${where}initializer '${t}' is given twice`);
    inits.add(t);
    // An initializer that is also a graph input gives the input its default: allowed.
    if (!defined.has(t)) define(t, `initializer '${t}'`);
  }
  for (const n of nodes) {
    for (const o of n.outputs) if (o) define(o, `node '${n.name}' (${n.opType})`);
  }
  for (const n of nodes) {
    checkNode(label, where, n.name, n.opType, n.domain, n.inputs, n.outputs, n.attributes, opsets);
    for (const i of n.inputs) {
      if (i && !defined.has(i) && !outer.has(i)) {
        throw invalid(label, `${where}node '${n.name}' (${n.opType}) reads '${i}', which no node, graph input or initializer defines`);
      }
    }
  }
  const outs = new Set<string>();
  for (const o of outputs) {
    if (outs.has(o)) throw invalid(label, `${where}graph output '${o}' is listed twice`);
    outs.add(o);
    if (!o) throw invalid(label, `${where}a graph output has no name`);
    if (!defined.has(o) && !outer.has(o)) throw invalid(label, `${where}graph output '${o}' is produced by no node, graph input or initializer`);
  }
  return new Set([...outer, ...defined.keys()]);
}

/** Checks a loaded graph and its nested graphs; throws MODEL_INVALID naming the first broken rule. */
export function checkGraph(graph: Graph, label: string): void {
  if (graph.nodes.length > LIMITS.graphNodes) {
    throw invalid(label, `the graph has ${graph.nodes.length} nodes, more than the ${LIMITS.graphNodes} a graph may have`);
  }
  const sparse = ((graph.graphExtra.sparseInitializer as SparseTensorProto[] | undefined) ?? []).map((s) => s.values?.name ?? '');
  const top = checkScope(label, '', graph.inputs, [...graph.initializers.keys(), ...sparse], graph.outputs, graph.nodes, new Set(), graph.opsets);
  const stack: Scope[] = [];
  const push = (nodes: ReadonlyArray<Pick<Node, 'name' | 'attributes'>>, outer: ReadonlySet<string>, depth: number) => {
    for (const n of nodes) {
      for (const { attr, graph: g } of subgraphs(n.attributes)) stack.push({ graph: g, outer, depth, where: `the ${attr} of node '${n.name}': ` });
    }
  };
  push(graph.nodes, top, 1);
  while (stack.length) {
    const s = stack.pop()!;
    if (s.depth > LIMITS.subgraphDepth) throw invalid(label, `${s.where}graphs are nested more than ${LIMITS.subgraphDepth} deep`);
    const g = s.graph;
    const nodes = (g.node ?? []).map((n, i) => ({
      name: n.name || `#${i}`,
      opType: n.opType ?? '',
      domain: n.domain === 'ai.onnx' ? '' : (n.domain ?? ''),
      inputs: n.input ?? [],
      outputs: n.output ?? [],
      attributes: n.attribute ?? [],
    }));
    const scope = checkScope(
      label,
      s.where,
      (g.input ?? []).map((v) => v.name ?? ''),
      [...(g.initializer ?? []).map((t) => t.name ?? ''), ...(g.sparseInitializer ?? []).map((t) => t.values?.name ?? '')],
      (g.output ?? []).map((v) => v.name ?? ''),
      nodes,
      s.outer,
      graph.opsets,
    );
    push(nodes, scope, s.depth + 1);
  }
}
