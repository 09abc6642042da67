/**
 * The graph-level view that `validate` gets: value types from `graph.types` and constant
 * values from initializers and from Constant nodes (every `value*` attribute form). The
 * partitioner builds one of these per node domain; the segment converter extends it.
 */
import type { Graph, Node } from '../src/ir/graph.js';
import { isDefaultDomain } from '../src/ir/graph.js';
import { attrFloat, attrFloats, attrInt, attrInts, attrTensor, findAttr } from '../src/ir/attributes.js';
import type { TensorData } from '../src/onnx/tensor.js';
import type { ValidateContext } from './types.js';

/**
 * The value a Constant node produces, or undefined where it is not a numeric tensor
 * (strings, sparse tensors) or the attribute is missing.
 */
export function constantNodeValue(node: Node): TensorData | undefined {
  if (node.opType !== 'Constant' || !isDefaultDomain(node.domain)) return undefined;
  try {
    if (findAttr(node, 'value')) return attrTensor(node, 'value');
    if (findAttr(node, 'value_float')) return { dtype: 'float32', dims: [], data: Float32Array.of(attrFloat(node, 'value_float')!) };
    if (findAttr(node, 'value_floats')) {
      const v = attrFloats(node, 'value_floats')!;
      return { dtype: 'float32', dims: [v.length], data: Float32Array.from(v) };
    }
    if (findAttr(node, 'value_int')) {
      const a = findAttr(node, 'value_int')!;
      return { dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(a.i?.toString() ?? attrInt(node, 'value_int')!)) };
    }
    if (findAttr(node, 'value_ints')) {
      const a = findAttr(node, 'value_ints')!;
      const v = a.ints.length ? a.ints.map((x) => BigInt(x.toString())) : attrInts(node, 'value_ints')!.map(BigInt);
      return { dtype: 'int64', dims: [v.length], data: BigInt64Array.from(v) };
    }
  } catch {
    return undefined; // a string or exotic-typed tensor: not a value engines can hold
  }
  return undefined;
}

/** The constant value of `value` in `graph`: an initializer or a Constant node's output. */
export function graphConstant(graph: Graph, value: string): TensorData | undefined {
  if (!value) return undefined;
  if (graph.isInitializer(value)) {
    try {
      return graph.constant(value);
    } catch {
      return undefined;
    }
  }
  const p = graph.producer(value);
  return p ? constantNodeValue(p) : undefined;
}

/**
 * A ValidateContext over `graph` for nodes of `domain`. Besides the graph's constants it offers
 * the values inference last fixed at the graph's shapes although no constant holds them
 * (graph.inferredValues: a Shape -> Gather -> Concat chain feeding a Reshape), so such nodes are
 * judged as they will be after constant folding. `ranged`: the engine serves a range of shapes
 * (one view of a dynamic compile), so only the graph's constants are fixed; else every value
 * known is.
 */
export function validateContext(graph: Graph, domain = '', ranged = false): ValidateContext {
  const constant = (value: string) => graphConstant(graph, value) ?? graph.inferredValues.get(value);
  return {
    opset: graph.opset(domain) ?? 1,
    type: (value) => graph.types.get(value),
    constant,
    fixed: (value) => (ranged ? graphConstant(graph, value) : constant(value)) !== undefined,
    ranged,
  };
}
