/**
 * Pass `merge-score-adds`: between attention's scores and their softmax, the tensors added to
 * the scores become one tensor added once, right after the product.
 *
 * Swin's shifted windows add a relative position bias, then view the scores per window
 * (`[B*nW, H, S, S] -> [B, nW, H, S, S]`), add the window mask there and view them back:
 * `MatMul -> Add(bias) -> Reshape -> Add(mask) -> Reshape -> Softmax -> MatMul(v)`. The
 * builder's attention fusion takes one mask added right after the product
 * (attention_fusion.h), so these blocks ran unfused. Here, for a Softmax over the last axis
 * whose input comes from MatMul(q, k) through Adds and Reshapes only (each value read by the
 * next node alone), the product is computed in the finest of those views, F (one whose leading
 * dims split the product's, its last two the same): q and k (and v, where the softmax's one
 * reader is MatMul(p, v)) are viewed with F's leading dims (before a scalar Mul or Div on them,
 * so that their transposes stay next to the product for sink-transposes and the fusion), every
 * added tensor is expressed on F (a Reshape: each of its dims was 1 or whole over what F splits
 * it into), the added tensors are summed first, and the scores get one Add of that sum; the
 * attention's result is viewed back. The mask then broadcasts along F's own dims (a window mask
 * is [1, nW, 1, S, S], not B copies).
 *
 * Float rounding: (s + a) + b becomes s + (a + b), one rounding of difference per element (none
 * where all added values but one are 0, as a window mask's are).
 */
import { attrInt, makeAttr, setAttr } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { isStaticShape } from '../ir/types.js';
import { isOp, onlyReadBy, outerReads, shapeConstant } from './graph-utils.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

export function mergeScoreAdds(graph: Graph, ctx: LoweringContext): PassResult {
  const changes = new Changes();
  ctx.infer();
  const pinned = outerReads(graph);
  for (const sm of [...graph.nodes]) {
    if (!isOp(sm, 'Softmax') || !graph.contains(sm)) continue;
    const chain = scoreChain(graph, sm, pinned);
    if (chain && rewrite(graph, sm, chain, pinned)) {
      changes.add('score adds merged', `'${sm.name}': ${chain.adds.length} add(s) and ${chain.nodes.length - chain.adds.length} view(s) as one add`);
    }
  }
  return changes.result();
}

interface ScoreChain {
  mm: Node;
  /** The tensors added, each with the shape of the value it was added to. */
  adds: Array<{ other: string; at: number[] }>;
  /** The chain's nodes (Adds and Reshapes) and the shapes of the values they make. */
  nodes: Node[];
  shapes: number[][];
}

/** The Adds and Reshapes from MatMul(q, k) to the softmax, where a view is among them. */
function scoreChain(graph: Graph, sm: Node, pinned: Set<string>): ScoreChain | undefined {
  const rank = graph.types.get(sm.inputs[0] ?? '')?.shape?.length ?? 0;
  // Over the last axis: -1 or rank - 1 (before opset 13 the default is 1, over the flattened
  // rest, which is the last axis only where given so).
  const axis = attrInt(sm, 'axis', (graph.opset('') ?? 1) >= 13 ? -1 : 1);
  if (rank < 2 || (axis !== -1 && axis !== rank - 1)) return undefined;
  const chain: ScoreChain = { mm: sm, adds: [], nodes: [], shapes: [] };
  let value = sm.inputs[0]!;
  let reader = sm;
  for (;;) {
    const p = graph.producer(value);
    const shape = graph.types.get(value)?.shape;
    if (!p || !onlyReadBy(graph, value, reader, pinned) || !isStaticShape(shape)) return undefined;
    if (isOp(p, 'MatMul')) {
      chain.mm = p;
      chain.adds.reverse();
      // Something added, a view in the way, and the softmax over the product's own shape.
      const same = shape.join() === graph.types.get(sm.inputs[0]!)?.shape?.join();
      return chain.adds.length && same && chain.nodes.some((n) => isOp(n, 'Reshape')) ? chain : undefined;
    }
    if (isOp(p, 'Reshape')) {
      value = p.inputs[0]!;
    } else if (isOp(p, 'Add') && p.inputs.length === 2 && p.inputs[0] !== p.inputs[1]) {
      // The chain goes on through the operand of the value's own shape that a MatMul, Add or
      // Reshape made; the other one is added.
      const k = [0, 1].find((i) => {
        const q = graph.producer(p.inputs[i]!);
        return q && ['MatMul', 'Add', 'Reshape'].some((op) => isOp(q, op)) && graph.types.get(p.inputs[i]!)?.shape?.join() === shape.join();
      });
      if (k === undefined) return undefined;
      chain.adds.push({ other: p.inputs[1 - k]!, at: [...shape] });
      value = p.inputs[k]!;
    } else {
      return undefined;
    }
    chain.nodes.push(p);
    chain.shapes.push([...shape]);
    reader = p;
  }
}

/**
 * `shape` (of `other`, which broadcasts onto `at`) on `fine`, which splits `at`'s dims (and may
 * add or drop 1s): each dim of `other` over the dims it splits into, whole or 1; else undefined.
 */
function onFiner(shape: readonly (number | string)[] | undefined, at: readonly number[], fine: readonly number[]): number[] | undefined {
  if (!isStaticShape(shape) || shape.length > at.length) return undefined;
  const full = [...new Array<number>(at.length - shape.length).fill(1), ...shape];
  if (full.some((d, i) => d !== 1 && d !== at[i])) return undefined;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < at.length; i++) {
    if (at[i] === 1) continue;
    let p = 1;
    const from = j;
    while (j < fine.length && p < at[i]!) p *= fine[j++]!;
    if (p !== at[i]) return undefined;
    while (out.length < from) out.push(1); // dims of 1 of `fine` between groups
    for (let k = from; k < j; k++) out.push(full[i] === 1 ? 1 : fine[k]!);
  }
  while (out.length < fine.length) out.push(1);
  return out;
}

function rewrite(graph: Graph, sm: Node, chain: ScoreChain, pinned: Set<string>): boolean {
  const { mm } = chain;
  const [q, k] = mm.inputs as [string, string];
  if (q === k) return false;
  const y = graph.types.get(mm.outputs[0]!)?.shape;
  const qs = graph.types.get(q)?.shape;
  const ks = graph.types.get(k)?.shape;
  if (!isStaticShape(y) || !isStaticShape(qs) || !isStaticShape(ks) || qs.length !== y.length || ks.length !== y.length) return false;
  const lead = y.slice(0, -2);
  if (qs.slice(0, -2).join() !== lead.join() || ks.slice(0, -2).join() !== lead.join()) return false;
  // F: the finest view whose leading dims split the product's and whose last two are its own.
  const candidates = [y, ...chain.shapes].filter((s) => s.slice(-2).join() === y.slice(-2).join() && onFiner(lead, lead, s.slice(0, -2)));
  const f = candidates.reduce((a, b) => (b.length > a.length ? b : a), y);
  const fLead = f.slice(0, -2);
  const terms = chain.adds.map((a) => onFiner(graph.types.get(a.other)?.shape, a.at, f));
  if (terms.some((t) => !t)) return false;
  const sameShape = f.join() === y.join();
  const made: Node[] = [];
  const view = (value: string, shape: number[]): string => {
    if (graph.types.get(value)?.shape?.join() === shape.join()) return value;
    const out = graph.freshName(`${value}_view_`);
    const shapeName = shapeConstant(graph, `${value}_view_shape_`, shape);
    made.push(node(graph, 'Reshape', [value, shapeName], out));
    graph.types.set(out, { dtype: graph.types.get(value)?.dtype, shape });
    return out;
  };
  // q and k with F's leading dims, viewed before a scalar Mul/Div on them (read by nothing else).
  const operand = (value: string, shape: number[]): void => {
    if (sameShape) return;
    const p = graph.producer(value);
    const scalar =
      p && (isOp(p, 'Mul') || isOp(p, 'Div')) && onlyReadBy(graph, value, mm, pinned) && graph.constant(p.inputs[1] ?? '')?.data.length === 1;
    const at = scalar ? p : mm;
    const slot = scalar ? 0 : mm.inputs.indexOf(value);
    const viewed = view(at.inputs[slot]!, [...fLead, ...shape.slice(-2)]);
    graph.setInput(at, slot, viewed);
    if (scalar) graph.types.set(p.outputs[0]!, { dtype: graph.types.get(value)?.dtype, shape: [...fLead, ...shape.slice(-2)] });
  };
  operand(q, qs);
  operand(k, ks);
  const scores = sameShape ? mm.outputs[0]! : graph.freshName(`${mm.outputs[0]}_view_`);
  if (!sameShape) {
    graph.setOutput(mm, 0, scores);
    graph.types.set(scores, { dtype: graph.types.get(q)?.dtype, shape: f });
  }
  let sum = '';
  for (const [i, a] of chain.adds.entries()) {
    const t = view(a.other, terms[i]!);
    if (!sum) {
      sum = t;
      continue;
    }
    const out = graph.freshName('score_terms_');
    made.push(node(graph, 'Add', [sum, t], out));
    const prev = graph.types.get(sum)!.shape as number[];
    graph.types.set(out, { dtype: graph.types.get(t)?.dtype, shape: prev.map((d, j) => Math.max(d, terms[i]![j]!)) });
    sum = out;
  }
  const masked = graph.freshName(`${scores}_masked_`);
  made.push(node(graph, 'Add', [scores, sum], masked));
  graph.types.set(masked, { dtype: graph.types.get(q)?.dtype, shape: f });
  if (!sameShape) backToProductShape(graph, sm, f, made, view, pinned);
  // The softmax's axis is now the last of F's: said so explicitly (any opset).
  setAttr(sm, makeAttr.int('axis', -1));
  // The new nodes anywhere, then the graph in order again (stable where it already was).
  graph.nodes = [...graph.nodes.filter((n) => !chain.nodes.includes(n)), ...made];
  graph.setInput(sm, 0, masked);
  graph.topoSort();
  return true;
}

/**
 * The softmax now computes in F: where its one reader is MatMul(p, v), v is viewed with F's
 * leading dims and the product viewed back to its shape; else the probabilities are. The new
 * nodes go into `made`.
 */
function backToProductShape(
  graph: Graph,
  sm: Node,
  f: number[],
  made: Node[],
  view: (value: string, shape: number[]) => string,
  pinned: Set<string>,
): void {
  const p = sm.outputs[0]!;
  const dtype = graph.types.get(p)?.dtype;
  const readers = graph.consumers(p);
  const mv = readers.length === 1 && isOp(readers[0]!, 'MatMul') && readers[0]!.inputs[0] === p ? readers[0]! : undefined;
  const vs = mv ? graph.types.get(mv.inputs[1]!)?.shape : undefined;
  const out = mv ? graph.types.get(mv.outputs[0]!)?.shape : undefined;
  const fLead = f.slice(0, -2);
  const lead = (graph.types.get(p)?.shape as number[]).slice(0, -2);
  if (mv && isStaticShape(vs) && isStaticShape(out) && onlyReadBy(graph, p, mv, pinned) && vs.slice(0, -2).join() === lead.join()) {
    graph.setInput(mv, 1, view(mv.inputs[1]!, [...fLead, ...vs.slice(-2)]));
    const y = mv.outputs[0]!;
    const yf = graph.freshName(`${y}_view_`);
    graph.setOutput(mv, 0, yf);
    graph.types.set(yf, { dtype, shape: [...fLead, ...out.slice(-2)] });
    graph.types.set(p, { dtype, shape: f });
    const shapeName = shapeConstant(graph, `${y}_shape_`, out);
    made.push(node(graph, 'Reshape', [yf, shapeName], y));
    return;
  }
  const pf = graph.freshName(`${p}_view_`);
  const shape = graph.types.get(p)!.shape as number[];
  graph.setOutput(sm, 0, pf);
  graph.types.set(pf, { dtype, shape: f });
  const shapeName = shapeConstant(graph, `${p}_shape_`, shape);
  made.push(node(graph, 'Reshape', [pf, shapeName], p));
}

function node(graph: Graph, opType: string, inputs: string[], output: string): Node {
  return { name: graph.freshName(`${output}_node_`), opType, domain: '', inputs, outputs: [output], attributes: [] };
}
