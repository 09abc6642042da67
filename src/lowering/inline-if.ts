/**
 * Pass `inline-if`: an If becomes the nodes of its branches, so that converters see plain ops
 * (TensorRT's parser does the same with a constant condition, and builds both branches with a
 * select where the condition is computed):
 *
 * - a constant condition (fold-constants made it an initializer, often a shape test): the taken
 *   branch in the If's place, its outputs under the If's output names. Exact.
 * - a condition computed at run time: both branches, then `Where(cond, then_k, else_k)` per
 *   output. Exact for what is taken, at the cost of running the other branch too, so it is done
 *   only where running a branch cannot fail or have effects: every op in both branches (nested
 *   ones included) is in TOTAL_OPS, every input that sets a shape, an index, a length or an
 *   integer divisor (PARAM_INPUTS) is a constant at the model's shapes, every branch input has
 *   a static shape (where shapes vary, a branch valid at some may fail at others: what a shape
 *   test in the condition guards), no nested If is left, and after the splice shape inference
 *   accepts every branch node and gives each pair of outputs one dtype and shape (TOTAL_OPS and
 *   PARAM_INPUTS live in run-safety.ts).
 * - over a dynamic compile's ranges, a condition that is a function of the input shapes and
 *   takes one value at every shape of them (shape-decided.ts: Silero VAD's `squeeze(-1)` of a
 *   frame dim that is 1 at every length of the range): that branch, as for a constant one. Exact.
 * - a run-time test of whether a tensor is empty, `numel(x) == 0`, whose other branch gives the
 *   same (empty) outputs when run with x empty (empty-guard.ts: torchvision's batched_nms): that
 *   branch alone, as for a constant condition. Exact; tried before both branches.
 * Otherwise the If stays (a note says why) and runs on onnxruntime.
 *
 * Branch values keep their names unless taken (then `<name>/<if>`), outer values they read keep
 * theirs, and nested graphs are renamed with them. Nested Ifs come up with their branch: each
 * round inlines what it can, then runs fold-constants again (the branches' Constant nodes and
 * shape arithmetic, which may make an inner condition constant), until a round changes nothing.
 */
import { type Graph, type Node, isDefaultDomain, nodeFromProto } from '../ir/graph.js';
import { type Dim, isStaticShape } from '../ir/types.js';
import { type GraphProto, type TensorProto, toNumber } from '../onnx/proto.js';
import { foldConstants } from './fold-constants.js';
import { emptyGuard } from './empty-guard.js';
import { shapeDecided } from './shape-decided.js';
import { isOp, nodeOuterReads } from './graph-utils.js';
import { TOTAL_OPS, unknownParamInput } from './run-safety.js';
import { definedDeep, dtypeOf, nested, renamed } from './subgraph.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

/** Rounds of inlining and folding before the pass gives up on a pathological nest. */
const MAX_ROUNDS = 32;

const isIf = (n: Node) => isOp(n, 'If');
const branch = (n: Node, name: 'then_branch' | 'else_branch') => n.attributes.find((a) => a.name === name)?.g ?? undefined;

export async function inlineIf(graph: Graph, ctx: LoweringContext): Promise<PassResult> {
  const changes = new Changes();
  const refused = new Set<string>();
  await settle(graph, ctx, changes, false, refused);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = graph.nodes.find((n) => isIf(n) && !refused.has(n.name));
    if (!next) break;
    const decided = shapeDecided(graph, next, ctx);
    if (decided && 'taken' in decided) {
      const done = splice(graph, next, [branch(next, decided.taken)!]);
      if (typeof done !== 'string') {
        const note = `'${next.name}': the condition is a function of the input shapes, ${decided.taken === 'then_branch'} at each of the ${decided.shapes} shapes of the range; its ${decided.taken} inlined`;
        changes.add('inlined If (decided by the shape range)', note);
        await settle(graph, ctx, changes, true, refused);
        continue;
      }
    }
    const guard = emptyGuard(graph, next, ctx);
    if (guard && 'keep' in guard) {
      const done = splice(graph, next, [branch(next, guard.keep)!]);
      if (typeof done !== 'string') {
        const note = `'${next.name}': a guard of an empty '${guard.x}', whose ${guard.keep} gives the other's outputs there too, inlined`;
        changes.add('inlined If (empty guard)', note);
        await settle(graph, ctx, changes, true, refused);
        continue;
      }
    }
    const why = await trySelect(graph, next, ctx, changes, refused);
    if (why) {
      refused.add(next.name);
      const also =
        (decided && 'why' in decided ? `; ${decided.why}` : '') +
        (guard && 'why' in guard ? `; as a guard of an empty tensor, not inlined: ${guard.why}` : '');
      changes.leave(next, `${why}${also}`);
    } else {
      changes.add('inlined If (both branches, Where)', `'${next.name}': both branches inlined, a Where per output picks the taken one`);
    }
  }
  return changes.result();
}

/**
 * Inlines every If whose condition is constant, folds what that brought, and repeats while it
 * inlines anything (`foldFirst`: fold before the first look, after a splice of both branches).
 */
async function settle(graph: Graph, ctx: LoweringContext, changes: Changes, foldFirst: boolean, refused: Set<string>): Promise<void> {
  let fold = foldFirst;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    if (fold) {
      ctx.changed();
      const folded = await foldConstants(graph, ctx);
      ctx.changed();
      for (let k = 0; k < folded.changed; k++) changes.add('folded after inlining');
    }
    let spliced = 0;
    for (const node of graph.nodes.filter(isIf)) {
      const cond = graph.constant(node.inputs[0] ?? '');
      if (!cond || refused.has(node.name)) continue;
      const values = cond.data as ArrayLike<number | bigint>;
      const taken = Number(values[0] ?? 0) ? 'then_branch' : 'else_branch';
      const body = branch(node, taken);
      const done =
        values.length !== 1
          ? `its condition has ${values.length} elements; an If takes one`
          : body
            ? splice(graph, node, [body])
            : `it has no ${taken}`;
      if (typeof done === 'string') {
        refused.add(node.name);
        changes.leave(node, done);
        continue;
      }
      spliced++;
      changes.add('inlined If (constant condition)', `'${node.name}': the condition is ${taken === 'then_branch'}, its ${taken} inlined`);
    }
    if (!spliced) return;
    fold = true;
  }
}

interface Spliced {
  nodes: Node[];
  initializers: string[];
  /** Per branch, its output values as named in the graph. */
  outputs: string[][];
}

/**
 * Puts the branches' nodes (renamed where their names are taken) in the If's place, then `extra`
 * and the nodes that give the If's outputs: with one branch, a value the branch makes is renamed
 * to the If's output (an Identity where it is an outer value or repeated); with two, a Where.
 */
function splice(graph: Graph, node: Node, bodies: GraphProto[], extra: Node[] = [], cond = ''): Spliced | string {
  const wrong = bodies.find((b) => b.output.length !== node.outputs.length || b.input.length > 0);
  if (wrong)
    return `a branch has ${wrong.input.length} inputs and ${wrong.output.length} outputs; an If branch takes none and gives the If's ${node.outputs.length}`;
  const taken = new Set<string>([...graph.inputs, ...graph.outputs, ...graph.initializers.keys(), ...graph.types.keys()]);
  for (const n of graph.nodes) for (const v of [...n.inputs, ...n.outputs]) taken.add(v);
  const nodeNames = new Set(graph.nodes.map((n) => n.name));
  const made: Node[] = [];
  const inits: TensorProto[] = [];
  const outputs: string[][] = [];
  const single = bodies.length === 1;
  for (const body of bodies) {
    const names = new Map<string, string>();
    const own = new Set(body.node.flatMap((n) => n.output).filter((o) => o));
    // One branch: each output it makes itself becomes the If's output of that position.
    if (single) {
      body.output.forEach((o, k) => {
        const v = o.name ?? '';
        const target = node.outputs[k];
        if (target && own.has(v) && !names.has(v) && ![...names.values()].includes(target)) names.set(v, target);
      });
    }
    for (const v of definedDeep(body)) {
      if (names.has(v) || !taken.has(v)) continue;
      let s = `${v}/${node.name}`;
      for (let k = 1; taken.has(s); k++) s = `${v}/${node.name}_${k}`;
      names.set(v, s);
    }
    for (const v of definedDeep(body)) taken.add(names.get(v) ?? v);
    const g = renamed(body, names);
    inits.push(...g.initializer);
    g.node.forEach((np, k) => {
      let name = np.name || `${np.opType}_${k}`;
      if (nodeNames.has(name)) name = `${node.name}/${name}`;
      for (let j = 1; nodeNames.has(name); j++) name = `${node.name}/${np.name || np.opType}_${k}_${j}`;
      nodeNames.add(name);
      made.push(nodeFromProto(np, name));
    });
    outputs.push(g.output.map((o) => o.name ?? ''));
  }
  const tail: Node[] = [...extra];
  if (single) {
    outputs[0]!.forEach((v, k) => {
      const target = node.outputs[k];
      if (!target || v === target) return;
      tail.push({ name: `${node.name}/out${k}`, opType: 'Identity', domain: '', inputs: [v], outputs: [target], attributes: [] });
    });
  } else {
    node.outputs.forEach((target, k) => {
      if (target)
        tail.push(
          pickNode(
            node,
            k,
            cond,
            outputs.map((o) => o[k]!),
            target,
          ),
        );
    });
  }
  for (const n of tail) {
    for (let j = 1; nodeNames.has(n.name); j++) n.name = `${node.name}/${n.opType}_${j}`;
    nodeNames.add(n.name);
  }
  // Every value the spliced nodes read (nested graphs' outer reads too) must be defined before
  // them: a malformed branch (a missing outer value, an output nothing makes, a cycle) stays an If.
  const at = graph.nodes.indexOf(node);
  const visible = new Set<string>([...graph.inputs, ...graph.initializers.keys(), ...inits.map((t) => t.name ?? '')]);
  for (const n of graph.nodes.slice(0, at)) for (const o of n.outputs) if (o) visible.add(o);
  for (const n of [...made, ...tail]) {
    const unread = [...n.inputs.filter((i) => i), ...nodeOuterReads(n)].find((i) => !visible.has(i));
    if (unread !== undefined) return `branch node '${n.name}' (${n.opType}) reads '${unread}', which nothing defines before it`;
    for (const o of n.outputs) if (o) visible.add(o);
  }
  for (const t of inits) {
    graph.initializers.set(t.name!, t);
    graph.types.set(t.name!, { dtype: dtypeOf(t), shape: t.dims.map(toNumber) });
  }
  graph.nodes = [...graph.nodes.slice(0, at), ...made, ...tail, ...graph.nodes.slice(at + 1)];
  graph.invalidate();
  return { nodes: [...made, ...tail], initializers: inits.map((t) => t.name!), outputs };
}

/** Where(cond, then_k, else_k) -> the If's output k (the condition as a scalar: see trySelect). */
function pickNode(node: Node, k: number, cond: string, [thenV, elseV]: string[], target: string): Node {
  return {
    name: `${node.name}/pick${k}`,
    opType: 'Where',
    domain: '',
    inputs: [cond, thenV!, elseV!],
    outputs: [target],
    attributes: [],
  };
}

/**
 * Splices both branches with a Where per output and settles what they brought (inner Ifs on
 * shapes fold); undone, returning why, where running the untaken branch is not safe.
 */
async function trySelect(graph: Graph, node: Node, ctx: LoweringContext, changes: Changes, refused: Set<string>): Promise<string | undefined> {
  const then = branch(node, 'then_branch');
  const other = branch(node, 'else_branch');
  if (!then || !other) return 'a branch is missing';
  const opset = graph.opset('') ?? 1;
  if (opset < 9) return `a Where picks between the branches, and the model's opset ${opset} has none (from 9)`;
  const ops = new Set<string>();
  const collect = (g: GraphProto) => {
    for (const n of g.node) {
      ops.add(isDefaultDomain(n.domain ?? '') ? (n.opType ?? '') : `${n.domain}::${n.opType}`);
      for (const a of n.attribute) for (const sg of nested(a)) collect(sg);
    }
  };
  collect(then);
  collect(other);
  const unsafe = [...ops].filter((op) => !TOTAL_OPS.has(op)).sort();
  if (unsafe.length)
    return `the condition is computed at run time and the branches hold ${unsafe.join(', ')}, which may fail or differ when run untaken`;
  const before = { nodes: [...graph.nodes], initializers: new Map(graph.initializers), types: new Map(graph.types) };
  const issuesBefore = new Set(ctx.infer().issues.map((i) => i.node));
  // The condition as a scalar, so that Where keeps the branches' shapes.
  const scalarShape = graph.freshName(`${node.name}/scalar_shape`);
  graph.setInitializer(scalarShape, { dtype: 'int64', dims: [0], data: new BigInt64Array(0) });
  const cond = graph.freshName(`${node.name}/cond`);
  const condNode: Node = { name: cond, opType: 'Reshape', domain: '', inputs: [node.inputs[0]!, scalarShape], outputs: [cond], attributes: [] };
  const spliced = splice(graph, node, [then, other], [condNode], cond);
  const refusedBefore = new Set(refused);
  let why: string | undefined = typeof spliced === 'string' ? spliced : undefined;
  if (!why) {
    const trial = new Changes();
    await settle(graph, ctx, trial, true, refused);
    const old = new Set(before.nodes);
    why = checkSelect(graph, ctx, node, issuesBefore, (n) => !old.has(n));
    if (!why) {
      const { counts, notes } = trial.result();
      for (const [kind, count] of Object.entries(counts)) for (let k = 0; k < count; k++) changes.add(kind);
      for (const n of notes) changes.note(n);
      return undefined;
    }
  }
  refused.clear();
  for (const r of refusedBefore) refused.add(r);
  graph.nodes = before.nodes;
  graph.invalidate();
  for (const name of [...graph.initializers.keys()]) if (!before.initializers.has(name)) graph.removeInitializer(name);
  for (const [name, t] of before.initializers) if (graph.initializers.get(name) !== t) graph.initializers.set(name, t);
  graph.types.clear();
  for (const [k, v] of before.types) graph.types.set(k, v);
  ctx.changed();
  return why;
}

function sameDims(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): boolean {
  return !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkSelect(graph: Graph, ctx: LoweringContext, node: Node, issuesBefore: Set<string>, added: (n: Node) => boolean): string | undefined {
  const inferred = ctx.infer();
  const issue = inferred.issues.find((i) => !issuesBefore.has(i.node));
  if (issue) return `run untaken, branch node '${issue.node}' (${issue.opType}) would fail: ${issue.message}`;
  // A nested If that stayed would run unguarded: its own check refused it.
  const nestedIf = graph.nodes.find((n) => added(n) && isIf(n));
  if (nestedIf) return `its branch holds If '${nestedIf.name}', which cannot be inlined and would run without its guard`;
  // Inference checked the branches at the model's shapes; where shapes vary (a dynamic model), a
  // branch valid at some may fail at others (an index, a window larger than a short input), which
  // is what a shape test in the condition may guard.
  const varying = graph.nodes.find((n) => added(n) && n.inputs.some((i) => i && !isStaticShape(graph.types.get(i)?.shape)));
  if (varying)
    return `branch node '${varying.name}' (${varying.opType}) has an input whose shape varies, and run untaken at some shape it might fail`;
  for (const n of graph.nodes) {
    if (!added(n) || n.opType !== 'Where' || !node.outputs.includes(n.outputs[0]!)) continue;
    const [a, b] = [graph.types.get(n.inputs[1]!), graph.types.get(n.inputs[2]!)];
    if (!a?.dtype || a.dtype !== b?.dtype || !sameDims(a.shape, b.shape)) {
      const show = (t: typeof a) => `${t?.dtype ?? '?'}[${t?.shape?.join(',') ?? '?'}]`;
      return `output '${n.outputs[0]}' is ${show(a)} in then_branch and ${show(b)} in else_branch; a Where needs one type`;
    }
  }
  // Values that are constants at the model's shapes: initializers, what inference computed, and
  // what static shapes give. A value of a shape that varies (a dynamic model) may be what the
  // condition guards (an index valid only at some lengths): it does not count.
  const fixed = new Set<string>([...graph.initializers.keys(), ...inferred.values.keys()]);
  for (const n of graph.nodes) {
    const shapeOfStatic = (isOp(n, 'Shape') || isOp(n, 'Size')) && isStaticShape(graph.types.get(n.inputs[0] ?? '')?.shape);
    if (shapeOfStatic || (!isIf(n) && n.inputs.every((i) => !i || fixed.has(i)))) for (const o of n.outputs) if (o) fixed.add(o);
  }
  for (const n of graph.nodes) {
    if (!added(n)) continue;
    const free = unknownParamInput(n, fixed, graph.types.get(n.outputs[0]!)?.dtype);
    if (free !== undefined) {
      return `branch node '${n.name}' (${n.opType}) takes input ${free} ('${n.inputs[free]}') from data, and run untaken it might fail on it`;
    }
  }
  return undefined;
}
