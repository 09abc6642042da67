/**
 * Pass `unroll-loops`: a Loop or Scan whose trip count is known at compile time becomes its body
 * repeated that many times, so that converters see plain ops (TensorRT's parser builds an engine
 * loop; an unrolled body is what a fixed trip count allows, as the recurrent converters unroll
 * their steps).
 *
 * - Loop: the trip count M is a constant from 1 to MAX_TRIPS, the condition input is absent or a
 *   constant true, and the body's condition output stays true (its condition input passed
 *   through, an Identity of it, a constant true, or an outer constant true): the loop surely
 *   runs every trip. Iteration i reads the iteration number as a constant i and the carried
 *   values of iteration i - 1 (the Loop's inputs for i = 0); the carried outputs are the last
 *   ones; each scan output stacks the iterations' values on a new first axis.
 * - Scan (opset 9 on): the trip count is the scan inputs' static length along their axes (1 to
 *   MAX_TRIPS). Iteration t reads element t of each scan input along its axis (from the end for a
 *   reverse direction) by a Gather of a constant index, and the states of iteration t - 1; each
 *   scan output stacks the iterations' values along its axis (in reverse order for a reverse one).
 *
 * Stacking is an Unsqueeze per iteration and one Concat. Body values are renamed per iteration
 * (`<value>/<node>/<i>`); outer values keep their names. Exact. Anything else (a while loop, a
 * computed trip count or condition, an early exit, a length that varies, more than MAX_NODES
 * unrolled nodes, a malformed body) stays on onnxruntime, with a note. What the iteration
 * constants fix folds afterwards.
 */
import { attrInt, attrInts, attrTensor, makeAttr } from '../ir/attributes.js';
import { LIMITS } from '../limits.js';
import { type Graph, type Node, nodeFromProto } from '../ir/graph.js';
import type { GraphProto, NodeProto, TensorProto } from '../onnx/proto.js';
import { toNumber } from '../onnx/proto.js';
import { type TensorData, tensorFromProto } from '../onnx/tensor.js';
import { foldConstants } from './fold-constants.js';
import { inlineIf } from './inline-if.js';
import { isOp, nodeOuterReads } from './graph-utils.js';
import { definedDeep, dtypeOf, renamed } from './subgraph.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

/** The most trips unrolled (the recurrent converters' ceiling too). */
export const MAX_TRIPS = LIMITS.unrolledSteps;
/** The most nodes one loop may unroll to. */
const MAX_NODES = 20_000;

export async function unrollLoops(graph: Graph, ctx: LoweringContext): Promise<PassResult> {
  const changes = new Changes();
  const left = new Set<string>();
  // Rounds: a body may hold loops of its own, and Ifs that its iteration constants decide.
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let unrolled = 0;
    for (const node of graph.nodes.filter((n) => (isOp(n, 'Loop') || isOp(n, 'Scan')) && !left.has(n.name))) {
      const why = isOp(node, 'Loop') ? unrollLoop(graph, node) : unrollScan(graph, node);
      if (why) {
        left.add(node.name);
        changes.leave(node, why);
        continue;
      }
      unrolled++;
      changes.add(`unrolled ${node.opType}`, `'${node.name}': its body unrolled`);
    }
    if (!unrolled) break;
    ctx.changed();
    const folded = await foldConstants(graph, ctx);
    ctx.changed();
    for (let k = 0; k < folded.changed; k++) changes.add('folded after unrolling');
    if (graph.nodes.some((n) => isOp(n, 'If'))) {
      const inlined = await inlineIf(graph, ctx);
      for (const [kind, count] of Object.entries(inlined.counts)) for (let k = 0; k < count; k++) changes.add(kind);
      for (const note of inlined.notes) changes.note(note);
      ctx.changed();
    }
  }
  return changes.result();
}

/** Rounds of unrolling (loops nested in unrolled bodies) before the pass stops. */
const MAX_ROUNDS = 8;

/** Fresh names, the nodes and constants an unrolled loop adds, and the splice in its place. */
class Unroller {
  private readonly taken = new Set<string>();
  private readonly nodeNames: Set<string>;
  private readonly inits: TensorProto[] = []; // the body's own, renamed per iteration
  private readonly added = new Map<string, TensorData>(); // iteration constants, axes
  private readonly made: Node[] = [];

  constructor(
    private readonly graph: Graph,
    private readonly node: Node,
    private readonly body: GraphProto,
  ) {
    for (const v of [...graph.inputs, ...graph.outputs, ...graph.initializers.keys(), ...graph.types.keys()]) this.taken.add(v);
    for (const n of graph.nodes) for (const v of [...n.inputs, ...n.outputs]) this.taken.add(v);
    this.nodeNames = new Set(graph.nodes.map((n) => n.name));
  }

  fresh(base: string): string {
    let s = base;
    for (let k = 1; this.taken.has(s); k++) s = `${base}_${k}`;
    this.taken.add(s);
    return s;
  }

  private freshNode(base: string): string {
    let s = base;
    for (let k = 1; this.nodeNames.has(s); k++) s = `${base}_${k}`;
    this.nodeNames.add(s);
    return s;
  }

  constant(base: string, t: TensorData): string {
    const name = this.fresh(`${this.node.name}/${base}`);
    this.added.set(name, t);
    return name;
  }

  /** One copy of the body, its inputs bound to `inputs` (in order); its outputs' names. */
  iteration(i: number, inputs: string[]): string[] {
    const names = new Map<string, string>();
    this.body.input.forEach((inp, k) => names.set(inp.name ?? '', inputs[k]!));
    for (const v of definedDeep(this.body)) if (!names.has(v)) names.set(v, this.fresh(`${v}/${this.node.name}/${i}`));
    const g = renamed(this.body, names);
    this.inits.push(...g.initializer);
    g.node.forEach((np: NodeProto, k) =>
      this.made.push(nodeFromProto(np, this.freshNode(`${this.node.name}/${i}/${np.name || `${np.opType}_${k}`}`))),
    );
    return g.output.map((o) => o.name ?? '');
  }

  /** A new node (name made fresh from `name`). */
  push(name: string, opType: string, inputs: string[], outputs: string[], attributes: Node['attributes'] = []): void {
    this.made.push({ name: this.freshNode(`${this.node.name}/${name}`), opType, domain: '', inputs, outputs, attributes });
  }

  /** `values` stacked along a new `axis` into `target`: an Unsqueeze each, one Concat. */
  stack(values: string[], axis: number, target: string, tag: string): void {
    const byInput = (this.graph.opset('') ?? 1) >= 13;
    const axes = byInput ? this.constant(`${tag}_axes`, { dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(axis)) }) : '';
    const rows = values.map((v, i) => {
      const row = this.fresh(`${v}/row`);
      this.push(`${tag}/row${i}`, 'Unsqueeze', byInput ? [v, axes] : [v], [row], byInput ? [] : [makeAttr.ints('axes', [axis])]);
      return row;
    });
    this.push(tag, 'Concat', rows, [target], [makeAttr.int('axis', axis)]);
  }

  /** The new nodes in the loop's place, or why not (a value read before anything defines it). */
  finish(): string | undefined {
    const at = this.graph.nodes.indexOf(this.node);
    const visible = new Set<string>([
      ...this.graph.inputs,
      ...this.graph.initializers.keys(),
      ...this.inits.map((t) => t.name ?? ''),
      ...this.added.keys(),
    ]);
    for (const n of this.graph.nodes.slice(0, at)) for (const o of n.outputs) if (o) visible.add(o);
    for (const n of this.made) {
      const unread = [...n.inputs.filter((x) => x), ...nodeOuterReads(n)].find((x) => !visible.has(x));
      if (unread !== undefined) return `body node '${n.name}' (${n.opType}) reads '${unread}', which nothing defines before it`;
      for (const o of n.outputs) if (o) visible.add(o);
    }
    for (const t of this.inits) {
      this.graph.initializers.set(t.name!, t);
      this.graph.types.set(t.name!, { dtype: dtypeOf(t), shape: t.dims.map(toNumber) });
    }
    for (const [name, t] of this.added) this.graph.setInitializer(name, t);
    this.graph.nodes = [...this.graph.nodes.slice(0, at), ...this.made, ...this.graph.nodes.slice(at + 1)];
    this.graph.invalidate();
    return undefined;
  }
}

const bodyOf = (node: Node) => node.attributes.find((a) => a.name === 'body')?.g ?? undefined;

function tooBig(trips: number, body: GraphProto): string | undefined {
  if (!(trips >= 1 && trips <= MAX_TRIPS)) return `its trip count ${trips} is outside 1..${MAX_TRIPS}`;
  if (trips * body.node.length > MAX_NODES) return `${trips} trips of ${body.node.length} nodes exceed ${MAX_NODES} unrolled nodes`;
  return undefined;
}

/** Whether a tensor is one value, true (non-zero). */
const isTrue = (t: TensorData | undefined) => t !== undefined && t.data.length === 1 && Number((t.data as ArrayLike<number>)[0]) !== 0;

/**
 * Why a Loop body's condition output may not stay true (undefined: it stays true): it does
 * when it is its condition input passed through, a constant true, or an outer value that is a
 * constant true (TorchScript's `for` loop hands on the outer constant it gave the Loop as its
 * condition, through an Identity).
 */
function whyItMayStop(graph: Graph, body: GraphProto): string | undefined {
  const computed = 'its body computes its condition (it may exit early)';
  // A constant read as one value (a Constant of another form than `value` reads as computed).
  const constant = (t: TensorData | undefined) =>
    t === undefined ? computed : isTrue(t) ? undefined : 'its body gives a constant false as its condition (it stops after one trip)';
  const condIn = body.input[1]?.name ?? '';
  let condOut = body.output[0]?.name ?? '';
  for (let hops = 0; hops < 8; hops++) {
    if (condOut === condIn) return undefined;
    const producer = body.node.find((n) => n.output.includes(condOut));
    if (!producer) {
      if (body.input.some((i) => i.name === condOut)) return computed; // another body input
      const local = body.initializer.find((t) => t.name === condOut);
      const value = local ? tensorFromProto(local) : graph.constant(condOut);
      return value ? constant(value) : "its body's condition is an outer value known only at run time (it may exit early)";
    }
    if (producer.opType === 'Identity') {
      condOut = producer.input[0] ?? '';
      continue;
    }
    if (producer.opType === 'Constant') return constant(attrTensor(nodeFromProto(producer, 'cond'), 'value'));
    return computed;
  }
  return computed;
}

/** The Loop unrolled in place, or why not. */
function unrollLoop(graph: Graph, node: Node): string | undefined {
  const body = bodyOf(node);
  if (!body) return 'it has no body';
  if (!node.inputs[0]) return 'it has no trip count (a while loop)';
  const m = graph.constant(node.inputs[0]);
  if (!m) return 'its trip count is computed at run time';
  const trips = Number((m.data as ArrayLike<number | bigint>)[0] ?? 0);
  if (node.inputs[1]) {
    const c = graph.constant(node.inputs[1]);
    if (!c || !Number((c.data as ArrayLike<number>)[0])) return 'its condition is not a constant true';
  }
  const carried = node.inputs.length - 2;
  const scans = body.output.length - 1 - carried;
  if (body.input.length !== carried + 2 || scans < 0 || node.outputs.length > carried + scans) {
    return `its body takes ${body.input.length} inputs and gives ${body.output.length} outputs for ${carried} carried values`;
  }
  const stops = whyItMayStop(graph, body);
  if (stops) return stops;
  const big = tooBig(trips, body);
  if (big) return big;
  const u = new Unroller(graph, node, body);
  // As onnxruntime feeds them: of the rank the body declares (a scalar, or [1]).
  const dimsOf = (k: number) => (body.input[k]?.type?.tensorType?.shape?.dim?.length === 1 ? [1] : []);
  const alwaysTrue = u.constant('true', { dtype: 'bool', dims: dimsOf(1), data: Uint8Array.of(1) });
  let state = node.inputs.slice(2);
  const stacked: string[][] = Array.from({ length: scans }, () => []);
  for (let i = 0; i < trips; i++) {
    const iter = u.constant(`iter${i}`, { dtype: 'int64', dims: dimsOf(0), data: BigInt64Array.of(BigInt(i)) });
    const outs = u.iteration(i, [iter, alwaysTrue, ...state]);
    state = outs.slice(1, 1 + carried);
    outs.slice(1 + carried).forEach((v, k) => stacked[k]!.push(v));
  }
  state.forEach((v, j) => node.outputs[j] && u.push(`out${j}`, 'Identity', [v], [node.outputs[j]!]));
  stacked.forEach((values, k) => node.outputs[carried + k] && u.stack(values, 0, node.outputs[carried + k]!, `scan${k}`));
  return u.finish();
}

/** The Scan (opset 9 on) unrolled in place, or why not. */
function unrollScan(graph: Graph, node: Node): string | undefined {
  const body = bodyOf(node);
  if (!body) return 'it has no body';
  if ((graph.opset('') ?? 1) < 9) return 'a Scan before opset 9 (with a batch dim and sequence lengths) is not unrolled';
  const m = attrInt(node, 'num_scan_inputs', 0);
  const states = node.inputs.length - m;
  const outs = body.output.length - states;
  if (m < 1 || states < 0 || body.input.length !== node.inputs.length || outs < 0 || node.outputs.length > body.output.length) {
    return `its body takes ${body.input.length} inputs and gives ${body.output.length} outputs for ${node.inputs.length} inputs, ${m} of them scanned`;
  }
  const inAxes = attrInts(node, 'scan_input_axes') ?? new Array<number>(m).fill(0);
  const inDirs = attrInts(node, 'scan_input_directions') ?? new Array<number>(m).fill(0);
  const outAxes = attrInts(node, 'scan_output_axes') ?? new Array<number>(outs).fill(0);
  const outDirs = attrInts(node, 'scan_output_directions') ?? new Array<number>(outs).fill(0);
  let trips: number | undefined;
  const axes: number[] = [];
  for (let j = 0; j < m; j++) {
    const shape = graph.types.get(node.inputs[states + j] ?? '')?.shape;
    if (!shape) return `the shape of scan input ${j} is unknown`;
    const axis = inAxes[j]! < 0 ? inAxes[j]! + shape.length : inAxes[j]!;
    const len = shape[axis];
    if (typeof len !== 'number') return `scan input ${j} has a length that varies (${String(len)})`;
    if (trips !== undefined && len !== trips) return `its scan inputs have lengths ${trips} and ${len}`;
    trips = len;
    axes.push(axis);
  }
  const big = tooBig(trips!, body);
  if (big) return big;
  const u = new Unroller(graph, node, body);
  let state = node.inputs.slice(0, states);
  const stacked: string[][] = Array.from({ length: outs }, () => []);
  for (let t = 0; t < trips!; t++) {
    const slices = axes.map((axis, j) => {
      const at = inDirs[j] === 1 ? trips! - 1 - t : t;
      const index = u.constant(`in${j}_at${at}`, { dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(at)) });
      const slice = u.fresh(`${node.name}/in${j}/${at}`);
      u.push(`in${j}/gather${at}`, 'Gather', [node.inputs[states + j]!, index], [slice], [makeAttr.int('axis', axis)]);
      return slice;
    });
    const o = u.iteration(t, [...state, ...slices]);
    state = o.slice(0, states);
    o.slice(states).forEach((v, k) => stacked[k]!.push(v));
  }
  state.forEach((v, j) => node.outputs[j] && u.push(`out${j}`, 'Identity', [v], [node.outputs[j]!]));
  for (const [k, values] of stacked.entries()) {
    const target = node.outputs[states + k];
    if (!target) continue;
    const rank = (graph.types.get(target)?.shape?.length ?? 0) || undefined;
    const axis = outAxes[k]! < 0 && rank ? outAxes[k]! + rank : outAxes[k]!;
    if (axis < 0) return `scan output ${k} has axis ${outAxes[k]} and an unknown rank`;
    u.stack(outDirs[k] === 1 ? [...values].reverse() : values, axis, target, `scan${k}`);
  }
  return u.finish();
}
