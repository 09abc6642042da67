/**
 * Writes a Q/DQ (QDQ format) model from activation scales, as onnxruntime's quantize_static
 * lays it out and TensorRT's explicit quantization reads it:
 *
 *   T ─► QuantizeLinear(s_T, 0) ─► DequantizeLinear(s_T, 0) ─► Conv / MatMul / Gemm
 *   W (int8) ─► DequantizeLinear(s_W[c], 0, axis) ─────────────┘
 *
 * - every calibrated float32 activation entering Conv, MatMul or Gemm (targets.ts) gets a Q/DQ
 *   pair, int8 with zero point 0 and its per-tensor scale; those consumers read the DQ output,
 *   and so does an Add whose other input a Conv makes (a residual connection: TensorRT's Q/DQ
 *   placement, which lets the builder fold the add's dequantized input into the convolution as
 *   an int8 residual, and the convolution's output quantize too); other readers keep the fp32
 *   tensor; an Add of two Convs' outputs (no activation target on either side) gets a pair on
 *   the first Conv's side (targets.ts residualSides), where its scale was calibrated;
 * - every float32 initializer they read as their weight becomes int8, one symmetric scale per
 *   output channel (weights.ts) behind a DequantizeLinear. A model older than opset 13, which
 *   has no per-axis DequantizeLinear, is raised to 13 first where its ops allow (opset.ts);
 *   where they do not, its weights get one scale per tensor (opset 10 to 12) or it is refused
 *   (before 10, which has no QuantizeLinear). Biases stay float32. A BatchNormalization
 *   after a Conv or Gemm of constant weights is folded into them first (fold-batchnorm).
 * - `exclude` (node names): those quantized ops keep their float inputs and weights (the
 *   precision policy's layers kept in float, src/quantize/policy.ts); an activation only they
 *   read gets no Q/DQ pair, a weight only they read stays float32.
 * The graph is modified in place; new values and nodes get names no other value has.
 */
import { HybridError } from '../errors.js';
import type { Graph, Node } from '../ir/graph.js';
import { makeAttr } from '../ir/attributes.js';
import type { ModelProto } from '../onnx/proto.js';
import { inferShapes } from '../ir/infer/index.js';
import { foldBatchNorm } from '../lowering/fold-batchnorm.js';
import { outerReads } from '../lowering/graph-utils.js';
import { raiseOpset } from './opset.js';
import { QUANTIZED_OPS, activationTargets, residualSides, weightTargets } from './targets.js';
import { quantizeWeight } from './weights.js';

export interface QdqSummary {
  /** Activations given a Q/DQ pair. */
  activations: string[];
  /** Weights stored as int8. */
  weights: string[];
  /** Whether weights have one scale per output channel (opset >= 13) or one per tensor. */
  perChannel: boolean;
  /** The model's opset where it was raised to 13 for per-channel weights (opset.ts). */
  raisedFrom?: number;
  /** Why a model below opset 13 could not be raised (its weights are then per tensor). */
  notRaised?: string;
}

function namer(graph: Graph): (base: string) => string {
  const taken = new Set<string>([...graph.inputs, ...graph.outputs, ...graph.initializers.keys(), ...graph.types.keys()]);
  for (const n of graph.nodes) {
    taken.add(n.name);
    for (const o of n.outputs) taken.add(o);
  }
  return (base) => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
}

export function insertQdq(graph: Graph, scales: ReadonlyMap<string, number>, exclude: ReadonlySet<string> = new Set()): QdqSummary {
  // A BatchNormalization after a Conv or Gemm of constant weights goes into those weights, as
  // compiling the fp32 model folds it (the lowering pass): the int8 weights are the folded ones,
  // and no float BatchNormalization runs between int8 layers. The tensors calibrated are the
  // same (a folded Conv writes the BatchNormalization's output).
  const readBefore = new Set(graph.nodes.flatMap((n) => n.inputs));
  foldBatchNorm(graph, { options: {}, label: graph.name, infer: () => inferShapes(graph), changed: () => {} });
  // The weights and statistics folded away leave the model (unless a subgraph or an output reads them).
  const read = new Set([...graph.nodes.flatMap((n) => n.inputs), ...outerReads(graph), ...graph.outputs]);
  for (const name of readBefore) {
    if (read.has(name) || !graph.initializers.has(name)) continue;
    graph.removeInitializer(name);
    graph.types.delete(name);
  }
  const fresh = namer(graph);
  const from = graph.opsets.get('') ?? 1;
  // Older models are raised to opset 13 (per-axis DequantizeLinear) where their ops allow it.
  const refused = raiseOpset(graph, fresh);
  const opset = graph.opsets.get('') ?? 1;
  if (opset < 10) {
    throw new HybridError(
      'OPTION',
      `the model's opset is ${opset}; QuantizeLinear and DequantizeLinear need opset 10 or later, and it cannot be raised here: ${refused} (convert the model first)`,
    );
  }
  const perChannel = opset >= 13;
  /** Nodes to insert, keyed by the first node that needs them. */
  const before = new Map<Node, Node[]>();
  const insert = (consumer: Node, ...nodes: Node[]) => before.set(consumer, [...(before.get(consumer) ?? []), ...nodes]);
  const node = (opType: string, inputs: string[], outputs: string[], attributes: Node['attributes'] = []): Node =>
    ({ name: fresh(`${outputs[0]}_node`), opType, domain: '', inputs, outputs, attributes }) as Node;
  const quantized = (n: Node) => (n.domain === '' || n.domain === 'ai.onnx') && QUANTIZED_OPS.has(n.opType) && !exclude.has(n.name);

  const readersOf = (t: string) => graph.nodes.filter((n) => quantized(n) && (n.inputs[0] === t || n.inputs[1] === t));
  // Adds reading t beside a (quantized) Conv's output: residual connections, whose t side reads
  // the DQ output too. An add after the DQ pair (in graph order) is safe to reroute: the pair
  // goes before t's first quantized reader, which the add of a residual block comes after.
  const readerIndex = new Map(graph.nodes.map((n, i) => [n, i]));
  const residualAdds = (t: string, readers: Node[]) => {
    const first = Math.min(...readers.map((n) => readerIndex.get(n)!));
    return graph.nodes.filter((n) => {
      if (n.opType !== 'Add' || !(n.domain === '' || n.domain === 'ai.onnx') || n.inputs.length !== 2) return false;
      const k = n.inputs.indexOf(t);
      if (k < 0 || n.inputs[1 - k] === t || readerIndex.get(n)! < first) return false;
      const other = graph.producer(n.inputs[1 - k]!);
      return !!other && other.opType === 'Conv' && quantized(other);
    });
  };
  // t's Q/DQ pair, inserted before `first` (t's first reader to reroute); the DQ output's name.
  const pair = (t: string, first: Node): string => {
    const scale = fresh(`${t}_scale`);
    const zp = fresh(`${t}_zero_point`);
    graph.setInitializer(scale, { dtype: 'float32', dims: [], data: Float32Array.of(scales.get(t)!) });
    graph.setInitializer(zp, { dtype: 'int8', dims: [], data: Int8Array.of(0) });
    const q = fresh(`${t}_QuantizeLinear_Output`);
    const dq = fresh(`${t}_DequantizeLinear_Output`);
    insert(first, node('QuantizeLinear', [t, scale, zp], [q]), node('DequantizeLinear', [q, scale, zp], [dq]));
    return dq;
  };
  // Residual adds of two Convs (targets.ts residualSides, computed before any rerouting): one
  // side gets a pair, so that the other Conv takes the add with an int8 residual.
  const residuals = residualSides(graph, quantized).filter((s) => scales.has(s.tensor));
  const activations = activationTargets(graph).filter((t) => scales.has(t) && readersOf(t).length);
  for (const t of activations) {
    const readers = readersOf(t);
    const dq = pair(t, readers[0]!);
    const adds = residualAdds(t, readers);
    for (const n of readers) n.inputs = n.inputs.map((v, i) => (i < 2 && v === t ? dq : v));
    for (const n of adds) n.inputs = n.inputs.map((v) => (v === t ? dq : v));
  }
  // One pair per tensor, before its first such add (in graph order); those adds alone read it.
  for (const t of new Set(residuals.map((s) => s.tensor))) {
    const adds = residuals.filter((s) => s.tensor === t).map((s) => s.add);
    const dq = pair(t, adds[0]!);
    for (const add of adds) add.inputs = add.inputs.map((v) => (v === t ? dq : v));
    activations.push(t);
  }

  const weights: string[] = [];
  const done = new Map<string, string>(); // weight@axis -> DQ output
  for (const { node: n, input, axis } of weightTargets(graph)) {
    if (exclude.has(n.name)) continue;
    const w = n.inputs[input]!;
    const key = `${w}@${perChannel ? axis : 'tensor'}`;
    let dq = done.get(key);
    if (!dq) {
      const { q, scales: s } = quantizeWeight(graph.constant(w)!, perChannel ? axis : undefined);
      const dims = graph.constant(w)!.dims;
      const qName = fresh(`${w}_quantized`);
      const sName = fresh(`${w}_scale`);
      const zName = fresh(`${w}_zero_point`);
      const shape = perChannel ? [s.length] : [];
      graph.setInitializer(qName, { dtype: 'int8', dims: [...dims], data: q });
      graph.setInitializer(sName, { dtype: 'float32', dims: shape, data: s });
      graph.setInitializer(zName, { dtype: 'int8', dims: shape, data: new Int8Array(s.length) });
      dq = fresh(`${w}_DequantizeLinear_Output`);
      insert(n, node('DequantizeLinear', [qName, sName, zName], [dq], perChannel ? [makeAttr.int('axis', axis)] : []));
      done.set(key, dq);
      weights.push(w);
    }
    n.inputs = n.inputs.map((v, i) => (i === input ? dq! : v));
  }
  // Weights no node reads any more (every reader now reads the int8 copy) leave the model.
  for (const w of weights) {
    if (!graph.nodes.some((n) => n.inputs.includes(w)) && !graph.outputs.includes(w)) {
      graph.removeInitializer(w);
      graph.types.delete(w);
    }
  }
  graph.nodes = graph.nodes.flatMap((n) => [...(before.get(n) ?? []), n]);
  graph.invalidate();
  return { activations, weights, perChannel, ...(opset !== from ? { raisedFrom: from } : {}), ...(refused ? { notRaised: refused } : {}) };
}

/** How the weights were quantized, for messages: per output channel (the opset raised), or per tensor and why. */
export function weightLayout(s: QdqSummary): string {
  if (s.perChannel) return `per output channel${s.raisedFrom ? `; opset ${s.raisedFrom} raised to 13` : ''}`;
  return `per tensor: opset < 13${s.notRaised ? `, not raised: ${s.notRaised}` : ''}`;
}

/**
 * The Q/DQ layout of `graph` (not modified) from its activation scales, the `exclude`d layers
 * (node names) left float: the one recipe, which quantize(), compile()'s implicit int8 and the
 * precision policy's variants (policy.ts) share.
 */
export function qdqLayout(
  graph: Graph,
  scales: ReadonlyMap<string, number>,
  exclude: ReadonlySet<string> = new Set(),
): { proto: ModelProto; summary: QdqSummary } {
  const g = graph.clone();
  const summary = insertQdq(g, scales, exclude);
  return { proto: g.toModel(), summary };
}
