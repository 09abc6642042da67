/**
 * Pass `normalize-shapes`: one form for the ops that only relabel a tensor's dimensions.
 *
 * - Squeeze, Unsqueeze, Flatten and Reshape whose input shape is static become Reshape with a
 *   constant, fully explicit shape (no 0, no -1): converters see one shuffle form.
 * - Reshape of a Reshape (the inner one read by nothing else) reads the inner one's input
 *   directly when the outer shape is constant without 0 (or allowzero=1): a reshape depends on
 *   its input's element count only.
 * - A Reshape to its input's own static shape is taken out.
 * Exact: no data changes, only shapes. Needs opset >= 5 (Reshape with a shape input).
 */
import { attrInt } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { type Dim, isStaticShape } from '../ir/types.js';
import { numel } from '../onnx/dtype.js';
import { bypass, isOp, onlyReadBy, outerReads, shapeConstant } from './graph-utils.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

const RELABEL = ['Squeeze', 'Unsqueeze', 'Flatten', 'Reshape'];

export function normalizeShapes(graph: Graph, ctx: LoweringContext): PassResult {
  const changes = new Changes();
  const opset = graph.opset('') ?? 1;
  if (opset < 5) return changes.result();
  ctx.infer();
  const pinned = outerReads(graph);

  for (const node of graph.nodes) {
    if (!RELABEL.some((op) => isOp(node, op))) continue;
    const input = graph.types.get(node.inputs[0] ?? '');
    if (input?.shape && !isStaticShape(input.shape)) {
      relativeReshape(graph, node, input.shape, changes);
      continue;
    }
    if (!isStaticShape(input?.shape)) continue;
    const out = staticOutput(graph, node);
    if (!out || out.some((d) => d === 0) || numel(out) !== numel(input.shape)) continue;
    if (isOp(node, 'Reshape') && sameDims(graph.constant(node.inputs[1] ?? '')?.data, out)) continue;
    const was = asReshape(graph, node, out);
    graph.types.set(node.outputs[0]!, { dtype: input.dtype, shape: out });
    changes.add(`${was} as explicit Reshape`, `'${node.name}' (${was}) -> Reshape to [${out.join(',')}]`);
  }
  graph.invalidate();

  for (const outer of [...graph.nodes]) {
    if (!isOp(outer, 'Reshape')) continue;
    const inner = graph.producer(outer.inputs[0] ?? '');
    const shape = graph.constant(outer.inputs[1] ?? '');
    if (!inner || !isOp(inner, 'Reshape') || !shape || !onlyReadBy(graph, inner.outputs[0]!, outer, pinned)) continue;
    if (attrInt(outer, 'allowzero', 0) === 0 && [...shape.data].some((d) => Number(d) === 0)) continue;
    graph.removeNodes([inner]);
    graph.setInput(outer, 0, inner.inputs[0]!);
    changes.add('Reshape chains collapsed', `'${inner.name}' merged into '${outer.name}'`);
  }

  for (const node of [...graph.nodes]) {
    if (!isOp(node, 'Reshape')) continue;
    const from = graph.types.get(node.inputs[0] ?? '')?.shape;
    const shape = graph.constant(node.inputs[1] ?? '');
    if (!isStaticShape(from) || !shape || !sameDims(shape.data, from)) continue;
    if (bypass(graph, node, node.inputs[0]!, node.outputs[0]!, pinned)) {
      changes.add('removed Reshape to the same shape', `removed '${node.name}' (Reshape to its own shape)`);
    }
  }

  return changes.result();
}

/**
 * A relabelling node whose input has symbolic dims (a dynamic compile) as a Reshape to a
 * constant target where the output's dims can be written as numbers, 0 (the input's dim at the
 * same index: the same symbol) and at most one -1: exact for every value of the symbols, and the
 * computed shape (Shape -> Gather -> Concat, the exporters' form) then reads nothing and goes.
 */
function relativeReshape(graph: Graph, node: Node, from: readonly Dim[], changes: Changes): void {
  const out = graph.types.get(node.outputs[0] ?? '')?.shape;
  if (!out) return;
  let infer = false;
  const target: number[] = [];
  for (const [i, d] of out.entries()) {
    if (typeof d === 'number' && d > 0) target.push(d);
    else if (typeof d === 'string' && i < from.length && from[i] === d) target.push(0);
    else if (typeof d === 'string' && !infer) {
      infer = true;
      target.push(-1);
    } else return;
  }
  if (isOp(node, 'Reshape') && sameDims(graph.constant(node.inputs[1] ?? '')?.data, target) && attrInt(node, 'allowzero', 0) === 0) return;
  const was = asReshape(graph, node, target);
  changes.add(`${was} as relative Reshape`, `'${node.name}' (${was}) -> Reshape to [${target.join(',')}] (symbolic dims)`);
}

/** Makes `node` a Reshape of its first input to a new constant `target` (allowzero 0); returns its old op type. */
function asReshape(graph: Graph, node: Node, target: number[]): string {
  const name = shapeConstant(graph, `${node.name}_shape_`, target);
  const was = node.opType;
  node.opType = 'Reshape';
  node.inputs = [node.inputs[0]!, name];
  node.attributes = [];
  return was;
}

function sameDims(data: ArrayLike<unknown> | undefined, dims: number[]): boolean {
  return !!data && data.length === dims.length && dims.every((d, i) => Number(data[i]) === d);
}

/** The static output shape of a relabelling node, or undefined when it cannot be told. */
/**
 * The node's output shape where inference found it static: shape inference (src/ir/infer) is
 * the one authority for ONNX output shapes, here as everywhere.
 */
function staticOutput(graph: Graph, node: Node): number[] | undefined {
  const shape = graph.types.get(node.outputs[0] ?? '')?.shape;
  return isStaticShape(shape) ? [...shape] : undefined;
}
