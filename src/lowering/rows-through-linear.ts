/**
 * Two rewrites of sink-transposes around a linear layer whose rows are a view of other dims
 * (PyTorch's multi-head attention output: `[S, B, H, D] -> Reshape [S*B, E] -> Gemm -> Reshape
 * [S, B, E] -> Transpose(1, 0, 2) -> + residual [B, S, E]`):
 *
 * - `foldRowsPermutation`: a Transpose Q after `Reshape R1 (rows merged) -> row-wise layers ->
 *   Reshape R2 (the same rows split again)` that only permutes those row dims goes into the
 *   Transpose P before R1, whose output rows the linear layers then take in Q's order; Q goes.
 *   Row-wise: Gemm (transA 0, constant B, C of at most one row), MatMul (constant 2-D B), Add of
 *   a constant of at most one row; each value read by the next alone.
 * - `addBeforeReshape`: `Add(Reshape(L), z)` with z of the reshape's output shape, L made by a
 *   Gemm or MatMul, becomes `Reshape(Add(L, Reshape(z)))`, so that the builder takes the add in
 *   as the matmul's residual.
 * Exact: data movement only.
 */
import { attrInt, makeAttr, setAttr } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { isStaticShape } from '../ir/types.js';
import { isOp, onlyReadBy, permutation, shapeConstant } from './graph-utils.js';

const prod = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Whether `n` computes each row of its first input's [M, N] alone (see the header). */
function rowWise(graph: Graph, n: Node): boolean {
  if (isOp(n, 'Gemm')) {
    // C, where given, the same for every row: at most one row.
    const c = n.inputs[2] ? graph.types.get(n.inputs[2])?.shape : [];
    const oneRow = !!c && (c.length <= 1 || (c.length === 2 && c[0] === 1));
    return attrInt(n, 'transA', 0) === 0 && graph.isInitializer(n.inputs[1] ?? '') && oneRow;
  }
  if (isOp(n, 'MatMul')) return graph.isInitializer(n.inputs[1] ?? '') && graph.types.get(n.inputs[1]!)?.shape?.length === 2;
  if (isOp(n, 'Add')) {
    const c = graph.types.get(n.inputs[1] ?? '')?.shape;
    return graph.isInitializer(n.inputs[1] ?? '') && !!c && (c.length <= 1 || (c.length === 2 && c[0] === 1));
  }
  return false;
}

/** Q (a Transpose) into the Transpose before the linear block it ends; false where it does not fit. */
export function foldRowsPermutation(graph: Graph, q: Node, pinned: Set<string>): boolean {
  const qp = permutation(graph, q);
  const r2 = graph.producer(q.inputs[0] ?? '');
  if (!qp || !r2 || !isOp(r2, 'Reshape') || !onlyReadBy(graph, q.inputs[0]!, q, pinned)) return false;
  // Back through the row-wise layers to R1 and P.
  let value = r2.inputs[0]!;
  let reader: Node = r2;
  for (;;) {
    const p = graph.producer(value);
    if (!p || !onlyReadBy(graph, value, reader, pinned)) return false;
    if (isOp(p, 'Reshape')) break;
    if (!rowWise(graph, p)) return false;
    reader = p;
    value = p.inputs[0]!;
  }
  const r1 = graph.producer(value)!;
  const pt = graph.producer(r1.inputs[0] ?? '');
  const pp = pt && isOp(pt, 'Transpose') ? permutation(graph, pt) : undefined;
  if (!pt || !pp || !onlyReadBy(graph, r1.inputs[0]!, r1, pinned)) return false;
  const z = graph.types.get(r1.inputs[0]!)?.shape;
  const rows = graph.types.get(r1.outputs[0]!)?.shape;
  const w = graph.types.get(r2.outputs[0]!)?.shape;
  if (!isStaticShape(z) || !isStaticShape(rows) || !isStaticShape(w) || rows.length !== 2 || qp.length !== w.length) return false;
  // R2 splits the rows into Z's leading k dims; Q permutes only those.
  // (the most leading dims whose product is the rows: dims of 1 count with them)
  let k = 0;
  for (let i = 0; i < w.length - 1; i++) if (prod(w.slice(0, i + 1)) === rows[0]) k = i + 1;
  if (k < 2 || w.slice(0, k).join() !== z.slice(0, k).join() || prod(z.slice(k)) !== rows[1]) return false;
  if (qp.some((d, i) => (i < k ? d >= k : d !== i))) return false;
  setAttr(pt, makeAttr.ints('perm', [...qp.slice(0, k).map((d) => pp[d]!), ...pp.slice(k)]));
  // R1's target written out (a 0 in it would copy another dim of the reordered input).
  graph.setInput(r1, 1, shapeConstant(graph, `${r1.name}_shape_`, rows));
  graph.types.set(pt.outputs[0]!, { dtype: graph.types.get(pt.outputs[0]!)?.dtype, shape: [...qp.slice(0, k).map((d) => z[d]!), ...z.slice(k)] });
  const shape = qp.map((d) => w[d]!);
  graph.setInput(r2, 1, shapeConstant(graph, `${r2.name}_shape_`, shape));
  graph.removeNodes([q]);
  graph.setOutput(r2, 0, q.outputs[0]!);
  return true;
}

/** Add(Reshape(L), z) -> Reshape(Add(L, Reshape(z))) where L is a product (see the header). */
export function addBeforeReshape(graph: Graph, add: Node, pinned: Set<string>): boolean {
  if (!isOp(add, 'Add') || add.inputs.length !== 2) return false;
  for (const side of [0, 1]) {
    const v = add.inputs[side]!;
    const zName = add.inputs[1 - side]!;
    const r = graph.producer(v);
    const l = r && isOp(r, 'Reshape') ? graph.producer(r.inputs[0]!) : undefined;
    if (!r || !l || !(isOp(l, 'Gemm') || isOp(l, 'MatMul')) || !onlyReadBy(graph, v, add, pinned)) continue;
    const ls = graph.types.get(r.inputs[0]!)?.shape;
    const vs = graph.types.get(v)?.shape;
    const zs = graph.types.get(zName)?.shape;
    if (!isStaticShape(ls) || !isStaticShape(vs) || !isStaticShape(zs) || vs.join() !== zs.join() || zName === v) continue;
    // z viewed as L; the add on L; the sum viewed as the add's output was.
    const zl = graph.freshName(`${zName}_rows_`);
    const shapeName = shapeConstant(graph, `${zName}_rows_shape_`, ls);
    const dtype = graph.types.get(zName)?.dtype;
    const view: Node = {
      name: graph.freshName(`${add.name}_rows_`),
      opType: 'Reshape',
      domain: '',
      inputs: [zName, shapeName],
      outputs: [zl],
      attributes: [],
    };
    graph.types.set(zl, { dtype, shape: [...ls] });
    const sum = graph.freshName(`${add.outputs[0]}_rows_`);
    graph.types.set(sum, { dtype, shape: [...ls] });
    const out = add.outputs[0]!;
    graph.setInputs(add, side === 0 ? [r.inputs[0]!, zl] : [zl, r.inputs[0]!]);
    graph.setOutput(add, 0, sum);
    // R now views the sum: it reads `sum` and writes the add's old output.
    graph.removeNodes([r]);
    const back: Node = { ...r, inputs: [sum, r.inputs[1]!], outputs: [out] };
    graph.nodes = [...graph.nodes, view, back];
    graph.topoSort();
    return true;
  }
  return false;
}
