/**
 * The ValidateContext a converter's `validate` sees for one node: the converters' own view of
 * the graph (converters/context.ts: opset of the node's domain, types from `graph.types`,
 * constants from initializers and Constant nodes), plus the values shape inference computed
 * from static shapes (shape arithmetic that is constant once the input shapes are fixed).
 */
import { validateContext } from '../../converters/context.js';
import type { ValidateContext } from '../../converters/types.js';
import type { Graph, Node } from '../ir/graph.js';
import type { TensorData } from '../onnx/tensor.js';

export function makeValidateContext(graph: Graph, node: Node, known?: ReadonlyMap<string, TensorData>): ValidateContext {
  const base = validateContext(graph, node.domain);
  if (!known?.size) return base;
  return { ...base, constant: (value) => base.constant(value) ?? known.get(value) };
}
