/**
 * Pass `sink-transposes`: moves Transposes past the Reshapes and index Gathers that follow them,
 * so that the reshapes become free relabellings of contiguous data and the transposes meet (and
 * merge with) the next transpose or the layer that can read through them.
 *
 * PyTorch's multi-head attention splits heads through views that merge and split batch x heads
 * around its transposes (ViT-B/16: `[S, B*H, D] -> Transpose -> [B*H, S, D] -> Reshape ->
 * [B, H, S, D]`), and selects q, k and v from the packed projection through
 * `Unsqueeze -> Transpose -> Squeeze -> Gather`. Every one of those transposes is a copy; moved
 * down they merge and end next to the attention chain, which the builder's attention fusion
 * reads through strides (native/src/builder/attention_fusion.h), and the packed-projection
 * transpose disappears into the Gathers' axis.
 *
 * Rules, for a Transpose T (perm p, input X, output Y) read by nothing else (no graph output,
 * nothing a nested graph reads):
 * - T -> Transpose U: one Transpose of the composed permutation (remove-noops's rule, applied
 *   here so that chains keep moving).
 * - T -> Reshape R (Y -> Z, static shapes): where R only splits dims of Y, merges dims of Y that
 *   are adjacent and in order in X too, and adds or drops dims of size 1, it equals
 *   `Reshape(X, Z's dims in X's order) -> Transpose(q)`: T becomes that Reshape and R that
 *   Transpose (each keeping its name for what it now does), identity transposes go, and a Reshape
 *   of a Reshape collapses.
 * - T -> Gathers with a constant index (a scalar, or one element) along axis a, every reader of
 *   Y being one: each Gather reads X along axis p[a] instead, followed by a Transpose of the
 *   remaining dims where that is not the identity (only where that leaves one transpose at
 *   most: one Gather, or identities).
 * - Then a Reshape R after a Gather G of one entry (a constant scalar index) along axis a, R being
 *   G's only reader, moves before it where R regroups G's dims without merging the two around
 *   the gathered axis: `Reshape(X, Z's dims with X's axis a put back) -> Gather`, so that the
 *   gather feeds the transpose (and the attention chain) directly and the builder's attention
 *   fusion can read q, k and v in place from the packed projection.
 * - Last, around a linear layer whose rows are a view (rows-through-linear.ts): a Transpose that
 *   only permutes those rows goes into the Transpose before the layer, and a residual Add after
 *   the view of a product moves before it (the builder then takes it into the matmul).
 * Exact: only data movement is reordered. The rules that compare shapes need them static (no
 * symbolic dims); the Gather rule does not read shapes.
 */
import { attrInt, makeAttr, setAttr } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { isStaticShape } from '../ir/types.js';
import { isOp, mergeTransposes, onlyReadBy, outerReads, permutation, shapeConstant } from './graph-utils.js';
import { addBeforeReshape, foldRowsPermutation } from './rows-through-linear.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

const isIdentity = (p: readonly number[]) => p.every((v, i) => v === i);

export function sinkTransposes(graph: Graph, ctx: LoweringContext): PassResult {
  const changes = new Changes();
  ctx.infer();
  const pinned = outerReads(graph);
  const work = graph.nodes.filter((n) => isOp(n, 'Transpose'));
  while (work.length) {
    const t = work.shift()!;
    if (!graph.contains(t) || !isOp(t, 'Transpose') || !t.inputs[0] || !t.outputs[0]) continue;
    const perm = permutation(graph, t);
    const y = t.outputs[0];
    if (!perm || graph.outputs.includes(y) || pinned.has(y)) continue;
    const readers = graph.consumers(y);
    const next = readers.length === 1 ? readers[0]! : undefined;
    if (next && isOp(next, 'Transpose') && onlyReadBy(graph, y, next, pinned)) {
      const outer = permutation(graph, next);
      if (!outer || outer.length !== perm.length) continue;
      mergeTransposes(graph, t, perm, next, outer);
      changes.add('Transpose pairs merged', `'${t.name}' merged into '${next.name}'`);
      work.unshift(next);
    } else if (next && isOp(next, 'Reshape') && onlyReadBy(graph, y, next, pinned)) {
      const [tName, rName] = [t.name, next.name];
      const moved = pastReshape(graph, t, perm, next, pinned);
      if (moved !== undefined) {
        changes.add('Transpose moved past a Reshape', `'${tName}' moved past '${rName}'`);
        if (moved) work.unshift(moved);
      }
    } else if (readers.length && readers.every((r) => gatherIndex(graph, r, y) !== undefined) && fewerTransposes(graph, perm, readers)) {
      const made = pastGathers(graph, t, perm, [...readers]);
      changes.add('Transpose moved past Gathers', `'${t.name}' moved past ${readers.length} Gather(s)`);
      work.unshift(...made);
    }
  }
  for (const g of [...graph.nodes]) {
    const r = isOp(g, 'Gather') && g.outputs[0] ? graph.consumers(g.outputs[0])[0] : undefined;
    if (!r || !isOp(r, 'Reshape') || !onlyReadBy(graph, g.outputs[0]!, r, pinned)) continue;
    if (reshapeBeforeGather(graph, g, r)) changes.add('Reshape moved before a Gather', `'${r.name}' moved before '${g.name}'`);
  }
  for (const q of [...graph.nodes]) {
    if (!graph.contains(q) || !isOp(q, 'Transpose') || graph.outputs.includes(q.outputs[0]!) || pinned.has(q.outputs[0]!)) continue;
    if (foldRowsPermutation(graph, q, pinned))
      changes.add('Transpose folded through a linear layer', `'${q.name}' into the transpose before its linear layer`);
  }
  for (const a of [...graph.nodes]) {
    if (graph.contains(a) && addBeforeReshape(graph, a, pinned))
      changes.add('Add moved before a Reshape', `'${a.name}' before the view of its product`);
  }
  return changes.result();
}

/** G (Gather of one entry) followed by R (Reshape): rewrites them as Reshape -> Gather, or returns false (untouched). */
function reshapeBeforeGather(graph: Graph, g: Node, r: Node): boolean {
  const index = gatherIndex(graph, g, g.inputs[0]!);
  const xs = graph.types.get(g.inputs[0]!)?.shape;
  const ys = graph.types.get(g.outputs[0]!)?.shape;
  const zs = graph.types.get(r.outputs[0]!)?.shape;
  if (!index?.scalar || !isStaticShape(xs) || !isStaticShape(ys) || !isStaticShape(zs) || xs.length < 2) return false;
  if ([...ys, ...zs].some((d) => d === 0)) return false;
  const rank = xs.length;
  const axis = ((attrInt(g, 'axis', 0) % rank) + rank) % rank;
  const groups = regroup(ys, zs);
  if (!groups) return false;
  // Y's dims before the axis stay left of it, the rest right; a group may not hold both.
  if (groups.some((gr) => gr.ys.some((d) => d < axis) && gr.ys.some((d) => d >= axis))) return false;
  const right = groups.filter((gr) => gr.ys[0]! >= axis).flatMap((gr) => gr.zs);
  const at = right.length ? Math.min(...right) : zs.length;
  const shape = [...zs.slice(0, at), xs[axis]!, ...zs.slice(at)];
  const shapeName = shapeConstant(graph, `${r.name}_shape_`, shape);
  const mid = graph.freshName(`${g.inputs[0]}_reshaped_`);
  const [x, indices, z] = [g.inputs[0]!, g.inputs[1]!, r.outputs[0]!];
  const [gName, rName] = [g.name, r.name];
  // G becomes the Reshape (R's name), R the Gather (G's name).
  g.opType = 'Reshape';
  g.attributes = [];
  graph.setInputs(g, [x, shapeName]);
  graph.setOutput(g, 0, mid);
  graph.types.set(mid, { dtype: graph.types.get(x)?.dtype, shape });
  r.opType = 'Gather';
  r.attributes = [makeAttr.int('axis', at)];
  graph.setInputs(r, [mid, indices]);
  graph.setOutput(r, 0, z);
  g.name = rName;
  r.name = gName;
  graph.invalidate();
  return true;
}

/**
 * T (X -> Y, perm) followed by R (Y -> Z): rewrites them as Reshape(X) -> Transpose, or returns
 * undefined (graph untouched) where R does not regroup Y in a way that commutes. Returns the
 * Transpose node, or the Reshape where the new permutation is the identity (then gone).
 */
function pastReshape(graph: Graph, t: Node, perm: number[], r: Node, pinned: Set<string>): Node | null | undefined {
  const x = t.inputs[0]!;
  const xs = graph.types.get(x)?.shape;
  const ys = graph.types.get(t.outputs[0]!)?.shape;
  const zs = graph.types.get(r.outputs[0]!)?.shape;
  if (!isStaticShape(xs) || !isStaticShape(ys) || !isStaticShape(zs) || xs.length !== perm.length) return undefined;
  if ([...ys, ...zs].some((d) => d === 0)) return undefined;
  const groups = regroup(ys, zs);
  if (!groups) return undefined;
  // X's dims in order, each as the Y dim it became; dims of size 1 carry no data and are dropped.
  const yOfX = new Array<number>(perm.length);
  perm.forEach((xd, yd) => (yOfX[xd] = yd));
  const order: number[] = []; // Z's dims in X's order
  const placed = new Set<number>();
  let lastY = -1;
  for (const yd of yOfX) {
    if (ys[yd] === 1) continue;
    const g = groups.find((gr) => gr.ys.includes(yd))!;
    if (g.ys.length > 1) {
      // A merge: its Y dims must come one after another, in order, in X too.
      const at = g.ys.indexOf(yd);
      if (at > 0 && g.ys[at - 1] !== lastY) return undefined;
    }
    lastY = yd;
    if (placed.has(groups.indexOf(g))) continue;
    placed.add(groups.indexOf(g));
    order.push(...g.zs);
  }
  // Z's dims of size 1 carry no data: each goes just before the Z dim that follows it (last
  // where none does), so that the transpose moves them as little as possible and keeps the
  // last dim last where it can (what the attention fusion reads through).
  zs.forEach((d, zd) => {
    if (d !== 1) return;
    const after = zs.findIndex((e, k) => k > zd && e !== 1);
    const at = after < 0 ? -1 : order.indexOf(after);
    if (at < 0) order.push(zd);
    else order.splice(at, 0, zd);
  });
  const shape = order.map((zd) => zs[zd]!);
  const q = zs.map((_, zd) => order.indexOf(zd));

  // T becomes the Reshape (R's name), R the Transpose (T's name).
  const mid = graph.freshName(`${t.outputs[0]}_reshaped_`);
  const shapeName = shapeConstant(graph, `${r.name}_shape_`, shape);
  const [tName, rName] = [t.name, r.name];
  const dtype = graph.types.get(x)?.dtype;
  t.opType = 'Reshape';
  t.attributes = [];
  graph.setInputs(t, [x, shapeName]);
  graph.setOutput(t, 0, mid);
  graph.types.set(mid, { dtype, shape });
  r.opType = 'Transpose';
  r.attributes = [makeAttr.ints('perm', q)];
  graph.setInputs(r, [mid]);
  t.name = rName;
  r.name = tName;
  graph.invalidate();
  // A Reshape of a Reshape read by nothing else reads the first one's input.
  const inner = graph.producer(x);
  if (inner && isOp(inner, 'Reshape') && onlyReadBy(graph, x, t, pinned)) {
    graph.removeNodes([inner]);
    graph.setInput(t, 0, inner.inputs[0]!);
  }
  if (isIdentity(q)) {
    // The Reshape alone gives Z: it writes R's output (a graph output keeps its name).
    graph.removeNodes([r]);
    graph.setOutput(t, 0, r.outputs[0]!);
    graph.types.delete(mid);
    return null; // no transpose left to move
  }
  return r;
}

interface Group {
  ys: number[];
  zs: number[];
}

/**
 * Y's and Z's dims other than 1 as consecutive groups of equal products, each one Y dim split
 * into Z dims, or Y dims merged into one Z dim; undefined when R is no such regrouping.
 */
function regroup(ys: readonly number[], zs: readonly number[]): Group[] | undefined {
  const yi = ys.map((d, i) => [d, i] as const).filter(([d]) => d !== 1);
  const zi = zs.map((d, i) => [d, i] as const).filter(([d]) => d !== 1);
  const groups: Group[] = [];
  let a = 0;
  let b = 0;
  while (a < yi.length && b < zi.length) {
    const g: Group = { ys: [yi[a]![1]], zs: [zi[b]![1]] };
    let py = yi[a++]![0];
    let pz = zi[b++]![0];
    while (py !== pz) {
      if (py < pz) {
        if (a >= yi.length) return undefined;
        g.ys.push(yi[a]![1]);
        py *= yi[a++]![0];
      } else {
        if (b >= zi.length) return undefined;
        g.zs.push(zi[b]![1]);
        pz *= zi[b++]![0];
      }
    }
    if (g.ys.length > 1 && g.zs.length > 1) return undefined; // a mix, not a split or a merge
    groups.push(g);
  }
  return a === yi.length && b === zi.length ? groups : undefined;
}

/** The constant index of a Gather reading `value` as its data: its value and rank, else undefined. */
function gatherIndex(graph: Graph, node: Node, value: string): { index: number; scalar: boolean } | undefined {
  if (!isOp(node, 'Gather') || node.inputs[0] !== value || node.inputs[1] === value) return undefined;
  const c = graph.constant(node.inputs[1] ?? '');
  if (!c || c.data.length !== 1 || c.dims.length > 1) return undefined;
  return { index: Number(c.data[0]), scalar: c.dims.length === 0 };
}

/**
 * Whether moving T past these Gathers leaves at most one Transpose: one Gather, or every one's
 * remaining permutation the identity (else one transpose would become one per Gather).
 */
function fewerTransposes(graph: Graph, perm: number[], gathers: Node[]): boolean {
  if (gathers.length === 1) return true;
  const rank = perm.length;
  return gathers.every((g) => {
    const axis = ((attrInt(g, 'axis', 0) % rank) + rank) % rank;
    const scalar = gatherIndex(graph, g, g.inputs[0]!)!.scalar;
    const rest = scalar ? perm.filter((_, i) => i !== axis).map((d) => (d > perm[axis]! ? d - 1 : d)) : perm;
    return isIdentity(rest);
  });
}

/** Each Gather reads T's input along the axis it had there; returns the Transposes made. */
function pastGathers(graph: Graph, t: Node, perm: number[], gathers: Node[]): Node[] {
  const made: Node[] = [];
  const x = t.inputs[0]!;
  const xs = graph.types.get(x)?.shape;
  const dtype = graph.types.get(x)?.dtype;
  for (const g of gathers) {
    const { scalar } = gatherIndex(graph, g, t.outputs[0]!)!;
    const rank = perm.length;
    const axis = ((attrInt(g, 'axis', 0) % rank) + rank) % rank;
    const xAxis = perm[axis]!;
    // The gathered dims stay in X's order; without the axis (a scalar index), the others close up.
    const rest = scalar ? perm.filter((_, i) => i !== axis).map((d) => (d > xAxis ? d - 1 : d)) : perm;
    setAttr(g, makeAttr.int('axis', xAxis));
    graph.setInput(g, 0, x);
    if (isIdentity(rest)) continue;
    const out = g.outputs[0]!;
    const mid = graph.freshName(`${out}_gathered_`);
    graph.setOutput(g, 0, mid);
    if (xs) graph.types.set(mid, { dtype, shape: scalar ? xs.filter((_, i) => i !== xAxis) : xs.map((d, i) => (i === xAxis ? 1 : d)) });
    const tr: Node = {
      name: graph.freshName(`${g.name}_transpose_`),
      opType: 'Transpose',
      domain: '',
      inputs: [mid],
      outputs: [out],
      attributes: [makeAttr.ints('perm', rest)],
    };
    const nodes = graph.nodes;
    nodes.splice(nodes.indexOf(g) + 1, 0, tr);
    graph.nodes = nodes;
    made.push(tr);
  }
  graph.removeNodes([t]);
  return made;
}
