/**
 * Pass `remove-noops`: takes out nodes that do not change their input, and merges transposes.
 *
 * - Transpose with the identity permutation; Cast to the type its input already has; Concat of
 *   a single input: taken out (graph output names kept, see graph-utils `bypass`).
 * - Transpose of a Transpose (the inner one read by nothing else) becomes one Transpose with
 *   the composed permutation, or nothing when that is the identity.
 * Exact: these ops move or keep values, they never compute new ones.
 */
import { attrInt } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { dtypeToOnnx } from '../onnx/dtype.js';
import { bypass, isOp, mergeTransposes, onlyReadBy, outerReads, permutation } from './graph-utils.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

const isIdentityPerm = (p: number[]) => p.every((v, i) => v === i);

export function removeNoops(graph: Graph, ctx: LoweringContext): PassResult {
  const changes = new Changes();
  ctx.infer();
  const pinned = outerReads(graph);
  const takeOut = (node: Node, what: string) => {
    if (bypass(graph, node, node.inputs[0]!, node.outputs[0]!, pinned)) changes.add(`removed ${what}`, `removed '${node.name}' (${what})`);
  };
  for (const node of [...graph.nodes]) {
    if (!graph.contains(node) || !node.inputs[0] || !node.outputs[0]) continue;
    if (isOp(node, 'Transpose')) {
      const perm = permutation(graph, node);
      if (!perm) continue;
      const inner = graph.producer(node.inputs[0]);
      const innerPerm = inner && isOp(inner, 'Transpose') ? permutation(graph, inner) : undefined;
      if (inner && innerPerm && innerPerm.length === perm.length && onlyReadBy(graph, node.inputs[0], node, pinned)) {
        const composed = mergeTransposes(graph, inner, innerPerm, node, perm);
        changes.add('Transpose pairs merged', `'${inner.name}' merged into '${node.name}'`);
        if (isIdentityPerm(composed)) takeOut(node, 'identity Transpose');
      } else if (isIdentityPerm(perm)) {
        takeOut(node, 'identity Transpose');
      }
    } else if (isOp(node, 'Cast')) {
      const from = graph.types.get(node.inputs[0])?.dtype;
      if (from && attrInt(node, 'to', -1) === dtypeToOnnx(from)) takeOut(node, 'Cast to the same type');
    } else if (isOp(node, 'Concat') && node.inputs.length === 1) {
      takeOut(node, 'Concat of one input');
    }
  }
  return changes.result();
}
