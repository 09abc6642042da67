/**
 * The ValidateContext a converter's `validate` sees for one node of a graph: the opset of the
 * node's domain, the types in `graph.types`, and constant values from initializers, Constant
 * nodes, and (optionally) values that shape inference computed from static shapes.
 */
import type { ValidateContext } from '../../converters/types.js';
import { attrFloat, attrFloats, attrInt, attrInts, attrTensor, findAttr } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { isDefaultDomain } from '../ir/graph.js';
import type { TensorData } from '../onnx/tensor.js';

/** The value of a Constant node's output, for the attribute forms that are numeric tensors. */
export function constantNodeValue(node: Node): TensorData | undefined {
  if (node.opType !== 'Constant' || !isDefaultDomain(node.domain)) return undefined;
  try {
    if (findAttr(node, 'value')) return attrTensor(node, 'value');
    if (findAttr(node, 'value_float')) return { dtype: 'float32', dims: [], data: new Float32Array([attrFloat(node, 'value_float')!]) };
    if (findAttr(node, 'value_floats')) {
      const v = attrFloats(node, 'value_floats')!;
      return { dtype: 'float32', dims: [v.length], data: new Float32Array(v) };
    }
    if (findAttr(node, 'value_int')) return { dtype: 'int64', dims: [], data: new BigInt64Array([BigInt(attrInt(node, 'value_int')!)]) };
    if (findAttr(node, 'value_ints')) {
      const v = attrInts(node, 'value_ints')!;
      return { dtype: 'int64', dims: [v.length], data: new BigInt64Array(v.map((x) => BigInt(x))) };
    }
  } catch {
    // A malformed Constant (e.g. a string tensor) simply is not a usable constant.
  }
  return undefined;
}

/**
 * Builds the context for `node`. `known` holds values inference computed (shape arithmetic
 * that is constant once input shapes are static).
 */
export function makeValidateContext(graph: Graph, node: Node, known?: ReadonlyMap<string, TensorData>): ValidateContext {
  const opset = graph.opset(node.domain) ?? 1;
  return {
    opset,
    type: (value) => graph.types.get(value),
    constant: (value) => {
      if (!value) return undefined;
      let init: TensorData | undefined;
      try {
        init = graph.constant(value);
      } catch {
        return undefined; // a string or exotic-typed initializer has no typed-array value
      }
      if (init) return init;
      const producer = graph.producer(value);
      if (producer) {
        const c = constantNodeValue(producer);
        if (c) return c;
      }
      return known?.get(value);
    },
  };
}
