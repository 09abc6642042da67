/**
 * Pass `unroll-loop`: a Loop whose trip count is a constant becomes its body repeated that many
 * times, so that converters see plain ops (TensorRT's parser builds an engine loop; an unrolled
 * body is what a fixed trip count allows, as the recurrent converters unroll their steps).
 *
 * Unrolled only where the loop surely runs every trip: the trip count M is a constant from 1 to
 * MAX_TRIPS, the condition input is absent or a constant true, and the body's condition output
 * stays true (it passes its condition input through, or is an Identity of it, or a constant
 * true). Iteration i reads the iteration number as a constant i and the carried values of
 * iteration i - 1 (the Loop's inputs for i = 0); the Loop's carried outputs are the last ones,
 * and each scan output is the iterations' values stacked on a new first axis (Unsqueeze, then
 * Concat). Body values are renamed per iteration (`<value>/<loop>/<i>`); outer values keep their
 * names. Exact. Anything else (a while loop, a computed trip count or condition, an early exit,
 * more than MAX_NODES unrolled nodes, a malformed body) stays a Loop on onnxruntime, with a note.
 */
import { attrTensor, makeAttr } from '../ir/attributes.js';
import { type Graph, type Node, nodeFromProto } from '../ir/graph.js';
import type { GraphProto, NodeProto, TensorProto } from '../onnx/proto.js';
import { toNumber } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { foldConstants } from './fold-constants.js';
import { isOp, nodeOuterReads } from './graph-utils.js';
import { definedDeep, dtypeOf, renamed } from './subgraph.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

/** The most trips unrolled (as converters/recurrent.ts's MAX_UNROLLED_STEPS). */
export const MAX_TRIPS = 1024;
/** The most nodes one Loop may unroll to. */
const MAX_NODES = 20_000;

export async function unrollLoop(graph: Graph, ctx: LoweringContext): Promise<PassResult> {
  const changes = new Changes();
  let unrolled = 0;
  for (const node of graph.nodes.filter((n) => isOp(n, 'Loop'))) {
    const why = unroll(graph, node);
    if (why) {
      changes.note(`left Loop '${node.name}' to onnxruntime: ${why}`);
      continue;
    }
    unrolled++;
    changes.add('unrolled Loop', `'${node.name}': its body unrolled`);
  }
  if (unrolled) {
    // The iteration numbers are constants now: what the body computes from them folds.
    ctx.changed();
    const folded = await foldConstants(graph, ctx);
    ctx.changed();
    for (let k = 0; k < folded.changed; k++) changes.add('folded after unrolling');
  }
  return changes.result();
}

/** Whether the body's condition output stays true: its condition input passed through, or a constant true. */
function keepsRunning(body: GraphProto): boolean {
  const condIn = body.input[1]?.name ?? '';
  let condOut = body.output[0]?.name ?? '';
  for (let hops = 0; hops < 8; hops++) {
    if (condOut === condIn) return true;
    const producer = body.node.find((n) => n.output.includes(condOut));
    if (!producer) return false;
    if (producer.opType === 'Identity') {
      condOut = producer.input[0] ?? '';
      continue;
    }
    if (producer.opType === 'Constant') {
      const t = attrTensor(nodeFromProto(producer, 'cond'), 'value');
      return t !== undefined && t.data.length === 1 && Number((t.data as ArrayLike<number>)[0]) !== 0;
    }
    return false;
  }
  return false;
}

/** The Loop unrolled in place, or why not. */
function unroll(graph: Graph, node: Node): string | undefined {
  const body = node.attributes.find((a) => a.name === 'body')?.g ?? undefined;
  if (!body) return 'it has no body';
  if (!node.inputs[0]) return 'it has no trip count (a while loop)';
  const m = graph.constant(node.inputs[0]);
  if (!m) return 'its trip count is computed at run time';
  const trips = Number((m.data as ArrayLike<number | bigint>)[0] ?? 0);
  if (!(trips >= 1 && trips <= MAX_TRIPS)) return `its trip count ${trips} is outside 1..${MAX_TRIPS}`;
  if (node.inputs[1]) {
    const c = graph.constant(node.inputs[1]);
    if (!c || !Number((c.data as ArrayLike<number>)[0])) return 'its condition is not a constant true';
  }
  const carried = node.inputs.length - 2;
  const scans = body.output.length - 1 - carried;
  if (body.input.length !== carried + 2 || scans < 0 || node.outputs.length > carried + scans) {
    return `its body takes ${body.input.length} inputs and gives ${body.output.length} outputs for ${carried} carried values`;
  }
  if (!keepsRunning(body)) return 'its body computes its condition (it may exit early)';
  if (trips * body.node.length > MAX_NODES) return `${trips} trips of ${body.node.length} nodes exceed ${MAX_NODES} unrolled nodes`;

  const taken = new Set<string>([...graph.inputs, ...graph.outputs, ...graph.initializers.keys(), ...graph.types.keys()]);
  for (const n of graph.nodes) for (const v of [...n.inputs, ...n.outputs]) taken.add(v);
  const nodeNames = new Set(graph.nodes.map((n) => n.name));
  const fresh = (base: string) => {
    let s = base;
    for (let k = 1; taken.has(s); k++) s = `${base}_${k}`;
    taken.add(s);
    return s;
  };
  const freshNode = (base: string) => {
    let s = base;
    for (let k = 1; nodeNames.has(s); k++) s = `${base}_${k}`;
    nodeNames.add(s);
    return s;
  };
  const inits: TensorProto[] = []; // the body's own, renamed
  const made: Node[] = [];
  const added = new Map<string, TensorData>(); // the iteration numbers, the condition, Unsqueeze's axes
  const add = (name: string, t: TensorData) => (added.set(name, t), name);
  const alwaysTrue = add(fresh(`${node.name}/true`), { dtype: 'bool', dims: [], data: Uint8Array.of(1) });
  let state = node.inputs.slice(2);
  const stacked: string[][] = Array.from({ length: scans }, () => []);
  const own = [...definedDeep(body)].filter((v) => !body.input.some((i) => i.name === v));
  for (let i = 0; i < trips; i++) {
    const names = new Map<string, string>();
    names.set(body.input[0]!.name ?? '', add(fresh(`${node.name}/iter${i}`), { dtype: 'int64', dims: [], data: BigInt64Array.of(BigInt(i)) }));
    names.set(body.input[1]!.name ?? '', alwaysTrue);
    body.input.slice(2).forEach((inp, j) => names.set(inp.name ?? '', state[j]!));
    for (const v of own) names.set(v, fresh(`${v}/${node.name}/${i}`));
    const g = renamed(body, names);
    inits.push(...g.initializer);
    g.node.forEach((np: NodeProto, k) => made.push(nodeFromProto(np, freshNode(`${node.name}/${i}/${np.name || `${np.opType}_${k}`}`))));
    const outs = g.output.map((o) => o.name ?? '');
    state = outs.slice(1, 1 + carried);
    outs.slice(1 + carried).forEach((v, k) => stacked[k]!.push(v));
  }
  const tail: Node[] = [];
  const opset = graph.opset('') ?? 1;
  state.forEach((v, j) => {
    const target = node.outputs[j];
    if (target)
      tail.push({ name: freshNode(`${node.name}/out${j}`), opType: 'Identity', domain: '', inputs: [v], outputs: [target], attributes: [] });
  });
  const axes = opset >= 13 ? add(fresh(`${node.name}/axis0`), { dtype: 'int64', dims: [1], data: BigInt64Array.of(0n) }) : '';
  stacked.forEach((values, k) => {
    const target = node.outputs[carried + k];
    if (!target) return;
    const rows = values.map((v, i) => {
      const row = fresh(`${v}/row`);
      tail.push({
        name: freshNode(`${node.name}/scan${k}/row${i}`),
        opType: 'Unsqueeze',
        domain: '',
        inputs: axes ? [v, axes] : [v],
        outputs: [row],
        attributes: axes ? [] : [makeAttr.ints('axes', [0])],
      });
      return row;
    });
    tail.push({
      name: freshNode(`${node.name}/scan${k}`),
      opType: 'Concat',
      domain: '',
      inputs: rows,
      outputs: [target],
      attributes: [makeAttr.int('axis', 0)],
    });
  });
  // Every value the new nodes read must be defined before them (a malformed body stays a Loop).
  const at = graph.nodes.indexOf(node);
  const visible = new Set<string>([...graph.inputs, ...graph.initializers.keys(), ...inits.map((t) => t.name ?? ''), ...added.keys()]);
  for (const n of graph.nodes.slice(0, at)) for (const o of n.outputs) if (o) visible.add(o);
  for (const n of [...made, ...tail]) {
    const unread = [...n.inputs.filter((x) => x), ...nodeOuterReads(n)].find((x) => !visible.has(x));
    if (unread !== undefined) return `body node '${n.name}' (${n.opType}) reads '${unread}', which nothing defines before it`;
    for (const o of n.outputs) if (o) visible.add(o);
  }
  for (const t of inits) {
    graph.initializers.set(t.name!, t);
    graph.types.set(t.name!, { dtype: dtypeOf(t), shape: t.dims.map(toNumber) });
  }
  for (const [name, t] of added) graph.setInitializer(name, t);
  graph.nodes = [...graph.nodes.slice(0, at), ...made, ...tail, ...graph.nodes.slice(at + 1)];
  graph.invalidate();
  return undefined;
}
