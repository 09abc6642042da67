/**
 * Pass `remove-identity`: takes out Identity nodes and Dropout nodes that are the identity,
 * which forward their input unchanged. Exact.
 *
 * Dropout is the identity in inference mode: opset < 7 and is_test=1; opset 7-11 always (the
 * runtime decides, and onnxruntime runs inference); opset >= 12 when training_mode is absent
 * or a constant false. In training mode (opset >= 12) it is the identity too when its ratio is
 * a constant 0 (exporters write `Dropout(ratio=0, training_mode=true)`: nothing is dropped and
 * the scale 1/(1-0) is 1). Its mask output, where something reads it, becomes an all-true bool constant
 * when the data's shape is static (opset >= 10); otherwise the Dropout stays. Before opset 10
 * the mask has the data's type and onnxruntime fills it with zeros where the spec's reference
 * gives ones: such a Dropout with a read mask stays too. Graph output names are kept: an Identity that renames a graph input, an
 * initializer or another graph output into a graph output stays (see graph-utils `bypass`).
 */
import { attrInt } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { isStaticShape } from '../ir/types.js';
import { numel } from '../onnx/dtype.js';
import type { TensorData } from '../onnx/tensor.js';
import { bypass, isOp, outerReads } from './graph-utils.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

/**
 * A constant scalar's value (an initializer, or what inference knows: a Constant node, which
 * is how torch exports Dropout's ratio), or undefined where it is not a constant of one element.
 */
function constantScalar(graph: Graph, value: string | undefined, known: () => ReadonlyMap<string, TensorData>): number | undefined {
  if (!value) return undefined;
  const t = graph.constant(value) ?? (graph.producer(value) ? known().get(value) : undefined);
  return t && t.data.length === 1 ? Number(t.data[0]) : undefined;
}

function dropoutIsIdentity(graph: Graph, node: Node, known: () => ReadonlyMap<string, TensorData>): boolean {
  const opset = graph.opset('') ?? 1;
  if (opset < 7) return attrInt(node, 'is_test', 0) === 1;
  if (opset < 12) return true;
  const mode = node.inputs[2];
  if (!mode || constantScalar(graph, mode, known) === 0) return true;
  // Training mode: nothing is dropped where the ratio is 0 (its default is 0.5).
  return constantScalar(graph, node.inputs[1], known) === 0;
}

function isUsed(graph: Graph, value: string | undefined, pinned: Set<string>): value is string {
  return !!value && (graph.consumers(value).length > 0 || graph.outputs.includes(value) || pinned.has(value));
}

export function removeIdentity(graph: Graph, ctx: LoweringContext): PassResult {
  const changes = new Changes();
  const pinned = outerReads(graph);
  let typesKnown = false;
  // Constant nodes' values, inferred once: removing Dropouts changes none of them.
  let values: ReadonlyMap<string, TensorData> | undefined;
  const known = () => (values ??= ctx.infer().values);
  for (const node of [...graph.nodes]) {
    const identity = isOp(node, 'Identity');
    const dropout = isOp(node, 'Dropout');
    if (!identity && !dropout) continue;
    const src = node.inputs[0];
    const dst = node.outputs[0];
    if (!src || !dst) continue;
    if (dropout && !dropoutIsIdentity(graph, node, known)) {
      changes.note(`kept '${node.name}' (Dropout): it is in training mode with a ratio that is not a constant 0`);
      continue;
    }
    const mask = node.outputs[1];
    const maskUsed = dropout && isUsed(graph, mask, pinned);
    if (maskUsed && !typesKnown) {
      ctx.infer();
      typesKnown = true;
    }
    const srcType = graph.types.get(src);
    if (maskUsed && (graph.opset('') ?? 1) < 10) {
      changes.note(`kept '${node.name}' (Dropout): its mask is read, and before opset 10 runtimes disagree on its value`);
      continue;
    }
    if (maskUsed && !isStaticShape(srcType?.shape)) {
      changes.note(`kept '${node.name}' (Dropout): its mask is read and the shape of '${src}' is not static`);
      continue;
    }
    if (!bypass(graph, node, src, dst, pinned)) {
      changes.note(`kept '${node.name}' (${node.opType}): it renames '${src}' into graph output '${dst}'`);
      continue;
    }
    if (maskUsed) {
      const shape = srcType!.shape as number[];
      graph.setInitializer(mask, { dtype: 'bool', dims: [...shape], data: new Uint8Array(numel(shape)).fill(1) });
      changes.add('masks made constant', `'${node.name}': mask '${mask}' is all true`);
    }
    changes.add(`removed ${node.opType}`);
  }
  return changes.result();
}
