/**
 * Pass `fold-constants`: every node whose inputs are all constant is evaluated and replaced by
 * initializers (Constant nodes, ConstantOfShape weights as the conformance light_* models
 * carry them, Shape -> Gather -> Concat -> Reshape plumbing, Cast and arithmetic on constants).
 *
 * Values come from three places: initializers; Shape/Size of a value whose shape is static
 * (declared, given by `inputShapes`, or inferred), and the integer values shape inference
 * knows; and
 * onnxruntime, which evaluates all remaining foldable nodes in one batched session (see
 * evaluate.ts for why onnxruntime). Folded values keep their names, so graph outputs may become
 * initializers. Random ops, Dropout, sequence/optional ops, DequantizeLinear and
 * DynamicQuantizeLinear (the int8 scales engines need), nodes with subgraphs and custom domains
 * are never folded; a QuantizeLinear of constants is (a weight quantized in the graph).
 *
 * Size rule: a folded value that other nodes read is stored only when it is small (at most
 * `smallBytes`), at most `growthFactor` times the constants it comes from, or read only as a
 * weight (`WEIGHT_INPUTS`); otherwise its producer stays and its own constant inputs are stored
 * instead: an Expand of a scalar to an activation-sized tensor is cheaper to compute than to
 * keep. Weights are stored whatever their size, since engines need them as constants.
 *
 * Rounds: a sweep in topological order folds everything whose inputs are constant, but shapes
 * come from the inference run before it; values only onnxruntime computed make more shapes
 * static, so the sweep repeats while it stores such values (`MAX_FOLD_ROUNDS`).
 */
import { type Graph, type Node, isDefaultDomain } from '../ir/graph.js';
import { attrInt, findAttr, shapeRange } from '../ir/attributes.js';
import { DTYPE_SIZE, dtypeFromOnnx, isFloatDType, numel } from '../onnx/dtype.js';
import { maxTensorBytes } from '../limits.js';
import { isStaticShape } from '../ir/types.js';
import type { TensorProto } from '../onnx/proto.js';
import { type TensorData, isNumericDType, tensorToProto } from '../onnx/tensor.js';
import { evaluateNodes } from './evaluate.js';
import { hasSubgraphs, outerReads } from './graph-utils.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

export const DEFAULT_SMALL_BYTES = 64 * 1024;
export const DEFAULT_GROWTH_FACTOR = 4;

const NEVER_FOLD = new Set([
  'RandomNormal',
  'RandomUniform',
  'RandomNormalLike',
  'RandomUniformLike',
  'Multinomial',
  'Bernoulli',
  'Dropout',
  'SplitToSequence',
  'ConcatFromSequence',
  'Optional',
  'OptionalGetElement',
  'OptionalHasElement',
  // Explicit quantization: engines read int8 weights and their scales from these nodes, so a
  // DequantizeLinear of a constant weight must stay what it is (as TensorRT's Q/DQ mode needs).
  // A QuantizeLinear of a constant is folded: a float weight quantized in the graph (ModelOpt's
  // and pytorch-quantization's export) becomes the int8 constant onnxruntime's quantize_static
  // writes, the form the builder's qdq pass folds into int8 layers.
  'DequantizeLinear',
  'DynamicQuantizeLinear',
]);

/** Inputs that engines take as weights, by op type. */
const WEIGHT_INPUTS: Record<string, number[]> = {
  Conv: [1, 2],
  ConvTranspose: [1, 2],
  ConvInteger: [1],
  DeformConv: [1, 3],
  Gemm: [1, 2],
  MatMul: [1],
  MatMulInteger: [1],
  BatchNormalization: [1, 2, 3, 4],
  InstanceNormalization: [1, 2],
  LayerNormalization: [1, 2],
  GroupNormalization: [1, 2],
  PRelu: [1],
  Gather: [0],
  LSTM: [1, 2, 3],
  GRU: [1, 2, 3],
  RNN: [1, 2, 3],
  DequantizeLinear: [0],
};

function foldable(graph: Graph, node: Node): boolean {
  return (
    isDefaultDomain(node.domain) &&
    !NEVER_FOLD.has(node.opType) &&
    !node.opType.startsWith('Sequence') &&
    !hasSubgraphs(node) &&
    node.outputs.some((o) => o) &&
    !touchesExoticTypes(graph, node)
  );
}

const isHandled = (code: number | undefined) => {
  const d = code === undefined ? undefined : dtypeFromOnnx(code);
  return d !== undefined && d !== 'string';
};

/**
 * Whether a node reads or may produce a type hybridrt has no typed array for (float8, int4,
 * strings...). NOTE: onnxruntime-node aborts the whole process when it hands back an int4
 * tensor, so such nodes must never reach the evaluator.
 */
function touchesExoticTypes(graph: Graph, node: Node): boolean {
  for (const i of node.inputs) {
    const t = i ? graph.initializers.get(i) : undefined;
    if (t && !isHandled(t.dataType)) return true;
  }
  for (const o of node.outputs) {
    const dtype = o ? graph.types.get(o)?.dtype : undefined;
    if (dtype === 'string') return true;
  }
  const tensorAttr = (name: string) => findAttr(node, name)?.t?.dataType;
  switch (node.opType) {
    case 'Cast':
      return !isHandled(attrInt(node, 'to', 0));
    case 'CastLike': {
      const like = graph.types.get(node.inputs[1] ?? '')?.dtype;
      return like === undefined || like === 'string';
    }
    case 'QuantizeLinear': {
      const zp = graph.initializers.get(node.inputs[2] ?? '')?.dataType;
      const explicit = attrInt(node, 'output_dtype', 0);
      return explicit ? !isHandled(explicit) : zp !== undefined && !isHandled(zp);
    }
    case 'Constant':
      return (
        !!(findAttr(node, 'sparse_value') || findAttr(node, 'value_string') || findAttr(node, 'value_strings')) ||
        (findAttr(node, 'value') !== undefined && !isHandled(tensorAttr('value')))
      );
    case 'ConstantOfShape':
      return findAttr(node, 'value') !== undefined && !isHandled(tensorAttr('value'));
  }
  return false;
}

const int64 = (values: number[], dims: number[]): TensorData => ({
  dtype: 'int64',
  dims,
  data: BigInt64Array.from(values, (v) => BigInt(v)),
});

/** Shape/Size of a statically shaped value, computed from its type. */
function shapeValue(graph: Graph, node: Node): TensorData | undefined {
  if (!isDefaultDomain(node.domain) || node.outputs.length !== 1) return undefined;
  const shape = graph.types.get(node.inputs[0] ?? '')?.shape;
  if (node.opType === 'Size') return isStaticShape(shape) ? int64([shape.reduce((a, b) => a * b, 1)], []) : undefined;
  if (node.opType !== 'Shape' || !shape) return undefined;
  const dims = shape.slice(...shapeRange(node, shape.length, graph.opset('') ?? 1));
  return isStaticShape(dims) ? int64(dims, [dims.length]) : undefined;
}

/**
 * Rounds of folding at most: a round stores what onnxruntime computed, which shape inference
 * did not know (a float computation Cast to int64 as a Pad's pads: torchvision's detection
 * transform), so the shapes after it, and the Shape nodes reading them, are known only in the
 * next round. A round that stores nothing from onnxruntime is the fixpoint.
 */
export const MAX_FOLD_ROUNDS = 8;

export async function foldConstants(graph: Graph, ctx: LoweringContext): Promise<PassResult> {
  const changes = new Changes();
  for (let round = 1; ; round++) {
    const newValues = await foldRound(graph, ctx, changes, round);
    if (!newValues) break;
    ctx.changed();
    if (round === MAX_FOLD_ROUNDS) {
      changes.note(`stopped after ${round} rounds: the last one still stored values that onnxruntime computed`);
      break;
    }
  }
  return changes.result();
}

/**
 * One sweep in topological order. Returns whether it stored a value computed by onnxruntime
 * that a node still reads: shape inference may know more in the next round.
 */
async function foldRound(graph: Graph, ctx: LoweringContext, changes: Changes, round: number): Promise<boolean> {
  const pinned = outerReads(graph);
  const inferred = ctx.infer().values;
  const smallBytes = ctx.options.folding?.smallBytes ?? DEFAULT_SMALL_BYTES;
  const growth = ctx.options.folding?.growthFactor ?? DEFAULT_GROWTH_FACTOR;

  // 1. Candidates, in topological order: nodes with known outputs, then nodes whose inputs are
  //    all constant or outputs of candidates.
  const values = new Map<string, TensorData>();
  const candidates: Node[] = [];
  const toEvaluate: Node[] = [];
  const candidateOut = new Set<string>();
  const preValued = new Set<Node>();
  for (const node of graph.nodes) {
    const outs = node.outputs.filter((o) => o);
    const local = shapeValue(graph, node);
    // Inference computes floats with JS arithmetic (exp, pow... may differ from onnxruntime's
    // last bit): only its integer and bool values are taken; floats go through onnxruntime.
    const known = local ? [local] : outs.map((o) => exactValue(inferred.get(o)));
    if (outs.length && known.every((v) => v !== undefined)) {
      outs.forEach((o, i) => values.set(o, known[i]!));
      preValued.add(node);
    } else if (foldable(graph, node) && node.inputs.every((i) => !i || graph.isInitializer(i) || candidateOut.has(i))) {
      toEvaluate.push(node);
    } else continue;
    candidates.push(node);
    for (const o of outs) candidateOut.add(o);
  }
  if (!candidates.length) return false;

  // 2. Evaluate what is not known yet: one session, or node by node if the batch fails. Only
  //    values that may be stored are fetched: those read outside the candidates, and small
  //    ones (by their inferred types). A chain of large intermediates (20,000 Relus of a
  //    weight) would otherwise come back whole, and exhaust memory.
  const candidateSet = new Set(candidates);
  const internal = (o: string) => !graph.outputs.includes(o) && !pinned.has(o) && graph.consumers(o).every((c) => candidateSet.has(c));
  const typedBytes = (o: string): number | undefined => {
    const t = graph.types.get(o);
    return t?.dtype && isNumericDType(t.dtype) && isStaticShape(t.shape) ? numel(t.shape) * DTYPE_SIZE[t.dtype] : undefined;
  };
  if (toEvaluate.length) {
    const constants = new Map<string, TensorProto>(graph.initializers);
    for (const [k, v] of values) constants.set(k, tensorToProto(v, k));
    const wanted = toEvaluate.flatMap((n) => n.outputs.filter((o) => o && (!internal(o) || (typedBytes(o) ?? 0) <= smallBytes)));
    const wantedBytes = wanted.reduce((a, o) => a + (typedBytes(o) ?? 0), 0);
    if (wantedBytes > maxTensorBytes()) {
      changes.note(
        `folded nothing through onnxruntime: the ${toEvaluate.length} foldable nodes would return ${wantedBytes} bytes, more than half this machine's memory`,
      );
      toEvaluate.length = 0;
    }
  }
  if (toEvaluate.length) {
    const constants = new Map<string, TensorProto>(graph.initializers);
    for (const [k, v] of values) constants.set(k, tensorToProto(v, k));
    const wanted = toEvaluate.flatMap((n) => n.outputs.filter((o) => o && (!internal(o) || (typedBytes(o) ?? 0) <= smallBytes)));
    try {
      for (const [k, v] of await evaluateNodes(graph, toEvaluate, constants, wanted)) values.set(k, v);
    } catch {
      // Node by node, each value kept as the next one's input: bounded like the batch.
      let held = 0;
      for (const node of toEvaluate) {
        if (!node.inputs.every((i) => !i || constants.has(i))) continue;
        if (held > maxTensorBytes()) {
          changes.note(
            `left '${node.name}' (${node.opType}) and the nodes after it: folding them one by one would hold more than half this machine's memory`,
          );
          break;
        }
        try {
          const got = await evaluateNodes(
            graph,
            [node],
            constants,
            node.outputs.filter((o) => o),
          );
          for (const [k, v] of got) {
            values.set(k, v);
            constants.set(k, tensorToProto(v, k));
            held += v.data.byteLength;
          }
        } catch (e) {
          changes.note(`left '${node.name}' (${node.opType}): onnxruntime cannot evaluate it (${firstLine(e)})`);
        }
      }
    }
  }

  // 3. Keep the candidates whose outputs all came back (or need not: read only by candidates)
  //    and whose inputs are kept.
  const kept = new Set<Node>();
  for (const node of candidates) {
    const ok =
      node.outputs.every((o) => !o || values.has(o) || (internal(o) && !preValued.has(node))) &&
      (preValued.has(node) ||
        node.inputs.every((i) => !i || graph.isInitializer(i) || ((values.has(i) || internal(i)) && kept.has(graph.producer(i)!))));
    if (ok) kept.add(node);
  }

  // 4. The size rule, repeated until stable: refusing a node makes its inputs frontier values.
  const sourceBytes = sourceSizes(graph, kept, preValued, values);
  const isFrontier = (o: string) => graph.outputs.includes(o) || pinned.has(o) || graph.consumers(o).some((c) => !kept.has(c));
  const acceptable = (o: string): boolean => {
    const bytes = values.get(o)!.data.byteLength;
    if (bytes <= smallBytes || bytes <= growth * (sourceBytes.get(o) ?? 0)) return true;
    if (graph.outputs.includes(o) || pinned.has(o)) return false;
    return graph.consumers(o).every((c) => kept.has(c) || readsOnlyAsWeight(c, o));
  };
  for (let stable = false; !stable;) {
    stable = true;
    for (const node of [...kept].reverse()) {
      // An output that was not fetched cannot be stored: its producer stays too.
      const missing = node.outputs.find((o) => o && isFrontier(o) && !values.has(o));
      if (missing) {
        kept.delete(node);
        stable = false;
        continue;
      }
      const bad = node.outputs.find((o) => o && isFrontier(o) && !acceptable(o));
      if (bad) {
        kept.delete(node);
        stable = false;
        const mb = (values.get(bad)!.data.byteLength / 2 ** 20).toFixed(1);
        changes.note(`left '${node.name}' (${node.opType}): its output '${bad}' (${mb} MiB) would outgrow the constants it comes from`);
      }
    }
  }

  // 5. Store the frontier values under their own names; the kept nodes go.
  const frontier = [...kept].flatMap((n) => n.outputs.filter((o) => o && isFrontier(o)));
  for (const node of kept) changes.add(`folded ${node.opType}`);
  graph.removeNodes(kept);
  for (const o of frontier) {
    graph.setInitializer(o, values.get(o)!);
    changes.add('new initializers');
  }
  if (kept.size) changes.note(`folded ${kept.size} constant nodes into ${frontier.length} initializers${round > 1 ? ` (round ${round})` : ''}`);
  const stored = new Set(frontier);
  const read = (o: string) => pinned.has(o) || graph.consumers(o).length > 0;
  return [...kept].some((n) => !preValued.has(n) && n.outputs.some((o) => o && stored.has(o) && read(o)));
}

function exactValue(t: TensorData | undefined): TensorData | undefined {
  return t && !isFloatDType(t.dtype) ? t : undefined;
}

function readsOnlyAsWeight(node: Node, value: string): boolean {
  const slots = isDefaultDomain(node.domain) ? WEIGHT_INPUTS[node.opType] : undefined;
  if (!slots) return false;
  return node.inputs.every((i, k) => i !== value || slots.includes(k));
}

/**
 * The bytes of the constants each candidate value is computed from, counting each source
 * (initializer, Constant node, value known from shapes) once.
 */
function sourceSizes(graph: Graph, kept: Set<Node>, preValued: Set<Node>, values: Map<string, TensorData>): Map<string, number> {
  const sources = new Map<string, Set<string>>();
  const size = new Map<string, number>();
  const bytesOf = (name: string) => values.get(name)?.data.byteLength ?? initializerBytes(graph.initializers.get(name));
  for (const node of kept) {
    const outs = node.outputs.filter((o) => o);
    const own = new Set<string>();
    // A value known from shapes alone (Shape of an activation) is new information: a source.
    const fromShapes = preValued.has(node) && node.inputs.some((i) => i && !graph.isInitializer(i) && !sources.has(i));
    if (fromShapes || node.inputs.every((i) => !i)) for (const o of outs) own.add(o);
    else {
      for (const i of node.inputs) {
        if (!i) continue;
        const up = sources.get(i);
        if (up) for (const s of up) own.add(s);
        else own.add(i);
      }
    }
    let total = 0;
    for (const s of own) total += bytesOf(s);
    for (const o of outs) {
      sources.set(o, own);
      size.set(o, total);
    }
  }
  return size;
}

function initializerBytes(t: TensorProto | undefined): number {
  if (!t) return 0;
  if (t.rawData?.length) return t.rawData.length;
  return (t.floatData.length + t.int32Data.length + t.doubleData.length * 2 + t.int64Data.length * 2 + t.uint64Data.length * 2) * 4;
}

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e)
    .split('\n')[0]!
    .slice(0, 160);
}
