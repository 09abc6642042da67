/**
 * inline-if's guard form: an If that guards an empty tensor, `If(numel(x) == 0, E, G)` as
 * torchvision's batched_nms writes it (`if boxes.numel() == 0: return empty`, else offset the
 * boxes by class and run NonMaxSuppression), becomes its general branch G alone where G, run
 * with x empty, cannot fail and gives what E gives: each output of both branches empty, of one
 * dtype and one shape (two empty tensors of one type are equal). G then computes what the If does
 * at every size of x: the If's own choice where x is not empty, E's outputs where it is. The
 * branches' outputs may differ in size otherwise (E's [0], G's [count]), which a Where cannot pick.
 *
 * The condition must be, through Casts to bool and Nots, `Equal(numel(x), 0)` (either order) with
 * numel(x) as Size(x) or ReduceProd(Shape(x)) over every axis. The proof is shape inference of
 * both branches at x empty: for each symbolic dim of x, that dim at 0 in every outer value that
 * shares its symbol (a symbol names one size), every other dim as the graph infers it; an outer
 * value with a symbol of its own (derived from x, its size there unknown) refuses it. Inference
 * must accept every node (NonMaxSuppression and NonZero select nothing from empty inputs:
 * src/ir/infer/slicing.ts), G's ops must fail only on shapes (run-safety.ts: TOTAL_OPS, and
 * NonZero, NonMaxSuppression whose iou threshold is a constant in [0, 1]), their shape and index
 * inputs known there, and G may hold no nested graph but an If whose condition is known there
 * (its taken branch then stands in for it: torchvision's `squeeze(1)` tests a static dim).
 */
import { Graph, type Node, isDefaultDomain, nodeFromProto } from '../ir/graph.js';
import { inferShapes } from '../ir/infer/index.js';
import { type Dim, isStaticShape } from '../ir/types.js';
import type { GraphProto } from '../onnx/proto.js';
import { attrInt } from '../ir/attributes.js';
import { isOp, nodeOuterReads } from './graph-utils.js';
import { TOTAL_OPS, dividesByZero, unknownParamInput } from './run-safety.js';
import { dtypeOf, nested } from './subgraph.js';
import type { LoweringContext } from './types.js';

type Branch = 'then_branch' | 'else_branch';

/** Ops a guarded branch may hold beyond TOTAL_OPS: they select nothing from empty inputs and fail only on shapes. */
const EMPTY_SAFE_OPS = new Set(['NonZero', 'NonMaxSuppression']);

const BOOL = 9; // TensorProto.BOOL

/** Ifs within the kept branch whose condition the check may resolve, one after another. */
const MAX_NESTED_ROUNDS = 8;

/** The tensor whose emptiness the condition tests, and whether then_branch is the one taken when it is empty. */
function guardedTensor(graph: Graph, cond: string): { x: string; thenWhenEmpty: boolean } | undefined {
  let v = cond;
  let thenWhenEmpty = true;
  for (;;) {
    const p = graph.producer(v);
    if (!p || !isDefaultDomain(p.domain)) return undefined;
    if (p.opType === 'Cast' && attrInt(p, 'to') === BOOL) v = p.inputs[0]!;
    else if (p.opType === 'Not') {
      v = p.inputs[0]!;
      thenWhenEmpty = !thenWhenEmpty;
    } else if (p.opType === 'Equal') {
      const zero = (name: string) => {
        const t = graph.constant(name);
        return !!t && t.data.length === 1 && Number(t.data[0]) === 0;
      };
      const side = zero(p.inputs[1]!) ? p.inputs[0]! : zero(p.inputs[0]!) ? p.inputs[1]! : undefined;
      const x = side === undefined ? undefined : numelOf(graph, side);
      return x === undefined ? undefined : { x, thenWhenEmpty };
    } else return undefined;
  }
}

/** x where `v` is Size(x) or ReduceProd(Shape(x)) over every axis. */
function numelOf(graph: Graph, v: string): string | undefined {
  const p = graph.producer(v);
  if (!p) return undefined;
  if (isOp(p, 'Size')) return p.inputs[0];
  if (!isOp(p, 'ReduceProd') || p.inputs.filter((i) => i).length !== 1) return undefined;
  if (p.attributes.some((a) => a.name === 'axes') || attrInt(p, 'noop_with_empty_axes', 0) !== 0) return undefined;
  const shape = graph.producer(p.inputs[0]!);
  const whole = shape && isOp(shape, 'Shape') && !shape.attributes.some((a) => a.name === 'start' || a.name === 'end');
  return whole ? shape.inputs[0] : undefined;
}

/**
 * The branch an If that guards an empty tensor can be replaced by, or why not; undefined where
 * the condition is not such a test.
 */
export function emptyGuard(graph: Graph, node: Node, ctx: LoweringContext): { keep: Branch; x: string } | { why: string } | undefined {
  const guard = guardedTensor(graph, node.inputs[0] ?? '');
  if (!guard) return undefined;
  const { x, thenWhenEmpty } = guard;
  const keep: Branch = thenWhenEmpty ? 'else_branch' : 'then_branch';
  const branch = (name: Branch) => node.attributes.find((a) => a.name === name)?.g ?? undefined;
  const [empty, general] = [branch(thenWhenEmpty ? 'then_branch' : 'else_branch'), branch(keep)];
  if (!empty || !general) return { why: 'a branch is missing' };
  ctx.infer();
  const shape = graph.types.get(x)?.shape;
  if (!shape) return { why: `the shape of '${x}' is unknown` };
  for (const [d, dim] of shape.entries()) {
    if (typeof dim === 'number') continue;
    const why = checkAtEmpty(graph, node, [empty, general], x, dim);
    if (why) return { why: `with dim ${d} of '${x}' at 0, ${why}` };
  }
  return { keep, x };
}

/** Why `general` (bodies[1]), run with `sym` at 0, may fail or differ from `empty` (bodies[0]); undefined where it cannot. */
function checkAtEmpty(graph: Graph, node: Node, [empty, general]: GraphProto[], x: string, sym: Dim): string | undefined {
  const at = (shape: readonly Dim[] | undefined) => shape?.map((d) => (d === sym ? 0 : d));
  // The branches alone (no declared types of theirs), their outer values as inputs at that view.
  const g = new Graph();
  g.opsets = new Map(graph.opsets);
  const own = new Map<Node, GraphProto>();
  for (const r of new Set([...nodeOuterReads(node), x])) {
    const init = graph.initializers.get(r);
    if (init) g.initializers.set(r, init);
    else g.inputs.push(r);
    const shape = at(graph.types.get(r)?.shape);
    // A value derived from x may carry a symbol of its own (a Concat of x and more): its size at
    // x empty is unknown here, and an index or size check against it cannot be proven.
    const free = shape?.find((d) => typeof d !== 'number');
    if (!init && (!shape || free !== undefined)) return `'${r}', which it reads, has ${shape ? `dim '${free}'` : 'a shape'} unknown at that size`;
    g.types.set(r, { ...graph.types.get(r), shape });
  }
  const nodes: Node[] = [];
  for (const body of [empty!, general!]) {
    for (const t of body.initializer) {
      g.initializers.set(t.name!, t);
      g.types.set(t.name!, { dtype: dtypeOf(t), shape: t.dims.map(Number) });
    }
    body.node.forEach((np, k) => {
      const n = nodeFromProto(np, `${body === general ? 'general' : 'empty'}/${np.name || `${np.opType}_${k}`}`);
      own.set(n, body);
      nodes.push(n);
    });
    g.outputs.push(...body.output.map((o) => o.name ?? ''));
  }
  g.nodes = nodes;
  let inferred = inferShapes(g);
  // An If within G whose condition is known there (torchvision's `squeeze(1)` as a test of a
  // static dim) runs its taken branch: that branch stands in its place for the check.
  for (let round = 0; round < MAX_NESTED_ROUNDS; round++) {
    const known = g.nodes.find((n) => isOp(n, 'If') && own.get(n) === general && inferred.values.get(n.inputs[0] ?? '')?.data.length === 1);
    if (!known) break;
    const taken = known.attributes.find(
      (a) => a.name === (Number(inferred.values.get(known.inputs[0]!)!.data[0]) ? 'then_branch' : 'else_branch'),
    )?.g;
    if (!taken || taken.initializer.length || taken.output.length !== known.outputs.length) return `its If '${known.name}' has a malformed branch`;
    const spliced = taken.node.map((np, k) => nodeFromProto(np, `${known.name}/${np.name || `${np.opType}_${k}`}`));
    taken.output.forEach((o, k) =>
      spliced.push({
        name: `${known.name}/out${k}`,
        opType: 'Identity',
        domain: '',
        inputs: [o.name ?? ''],
        outputs: [known.outputs[k]!],
        attributes: [],
      }),
    );
    for (const n of spliced) own.set(n, general!);
    const at = g.nodes.indexOf(known);
    g.nodes = [...g.nodes.slice(0, at), ...spliced, ...g.nodes.slice(at + 1)];
    inferred = inferShapes(g);
  }
  for (const n of g.nodes) {
    if (own.get(n) !== general) continue;
    const op = isDefaultDomain(n.domain) ? n.opType : `${n.domain}::${n.opType}`;
    const name = n.name.replace(/^general\//, '');
    if (n.attributes.some((a) => nested(a).length)) return `it holds a nested graph (${op} '${name}') it may run`;
    if (!TOTAL_OPS.has(op) && !EMPTY_SAFE_OPS.has(op)) return `it holds ${op}, which may fail on data`;
  }
  const issue = inferred.issues.find((i) => own.get(g.node(i.node)!) === general);
  if (issue) return `its node '${issue.node.replace(/^general\//, '')}' (${issue.opType}) would fail: ${issue.message}`;
  // Inputs that set shapes and indices must be known there (not read from data).
  const known = new Set<string>([...g.initializers.keys(), ...inferred.values.keys()]);
  for (const n of g.nodes) {
    if (own.get(n) !== general) continue;
    const free = unknownParamInput(n, known, g.types.get(n.outputs[0] ?? '')?.dtype);
    const name = n.name.replace(/^general\//, '');
    if (free !== undefined) return `its node '${name}' (${n.opType}) takes input ${free} ('${n.inputs[free]}') from data`;
    const divisor = n.inputs[1] ? (inferred.values.get(n.inputs[1]) ?? g.constant(n.inputs[1]))?.data : undefined;
    if (dividesByZero(n, divisor as ArrayLike<number | bigint> | undefined, g.types.get(n.outputs[0] ?? '')?.dtype))
      return `its node '${name}' (${n.opType}) divides integers by a zero there`;
    if (n.opType === 'NonMaxSuppression' && n.inputs[3]) {
      const iou = inferred.values.get(n.inputs[3]) ?? g.constant(n.inputs[3]);
      const value = iou && iou.data.length === 1 ? Number(iou.data[0]) : NaN;
      if (!(value >= 0 && value <= 1)) return `its node '${name}' (NonMaxSuppression) has an iou threshold that is not a constant in [0, 1]`;
    }
  }
  for (const [k, e] of empty!.output.entries()) {
    const [te, tg] = [g.types.get(e.name ?? ''), g.types.get(general!.output[k]?.name ?? '')];
    const show = (t: typeof te) => `${t?.dtype ?? '?'}[${t?.shape?.join(',') ?? '?'}]`;
    const same = te?.dtype && te.dtype === tg?.dtype && isStaticShape(te.shape) && isStaticShape(tg.shape) && te.shape.join() === tg.shape.join();
    if (!same || !te.shape!.includes(0)) return `output ${k} is ${show(te)} in one branch and ${show(tg)} in the other, not one empty type`;
  }
  return undefined;
}
