/**
 * Pass `fold-batchnorm`: a BatchNormalization in inference mode that reads the output of a
 * Conv, ConvTranspose or Gemm with constant weights (an output nothing else reads) is folded
 * into that node, which gains a bias:
 *
 *   s = scale / sqrt(var + epsilon)      W' = W * s (per output channel)
 *   b' = (b - mean) * s + B              (Gemm: C' = (beta*C - mean) * s + B, beta = 1)
 *
 * Computed in float64 and rounded once to the weights' type, so the result differs from the
 * unfolded graph by float rounding only (relative error of a few ulps of the output).
 */
import { attrFloat, attrInt, findAttr, makeAttr, setAttr } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { type FloatDType, fromFloat64, isFloatTensor, scaleByChannel, toFloat64 } from './float-data.js';
import { isOp, onlyReadBy, outerReads } from './graph-utils.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

/** Per-channel affine y = x * scale + shift over the output channels of a producer. */
export interface ChannelAffine {
  scale: Float64Array;
  shift: Float64Array;
}

/** The per-channel affine of an inference BatchNormalization, or why there is none. */
export function batchNormAffine(graph: Graph, bn: Node, pinned: Set<string>): ChannelAffine | string {
  const opset = graph.opset('') ?? 1;
  if (opset < 7 && attrInt(bn, 'is_test', 0) !== 1) return 'it is in training mode (is_test=0)';
  if (opset >= 14 && attrInt(bn, 'training_mode', 0) !== 0) return 'it is in training mode';
  if (opset < 9 && attrInt(bn, 'spatial', 1) !== 1) return 'spatial=0 is not folded';
  if (bn.outputs.slice(1).some((o) => o && (graph.consumers(o).length || graph.outputs.includes(o) || pinned.has(o)))) {
    return 'its running statistics are read';
  }
  const params = bn.inputs.slice(1, 5).map((i) => graph.constant(i));
  if (params.length !== 4 || !params.every(isFloatTensor)) return 'its parameters are not constant floats';
  const [scale, bias, mean, variance] = params.map((p) => toFloat64(p!)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const c = scale.length;
  if (![bias, mean, variance].every((p) => p.length === c) || !params.every((p) => p!.dims.length === 1)) {
    return 'its parameters are not per-channel vectors';
  }
  const eps = Math.fround(attrFloat(bn, 'epsilon', 1e-5));
  const s = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    s[i] = scale[i]! / Math.sqrt(variance[i]! + eps);
    shift[i] = bias[i]! - mean[i]! * s[i]!;
  }
  return { scale: s, shift };
}

/**
 * Applies y = x * scale + shift (per output channel) to the weights and bias of a Conv,
 * ConvTranspose or Gemm with constant weights. Returns why not when it cannot; the graph is
 * untouched then.
 */
export function foldAffineIntoProducer(graph: Graph, node: Node, affine: ChannelAffine): true | string {
  const w = graph.constant(node.inputs[1] ?? '');
  if (!isFloatTensor(w)) return 'its weights are not a constant float tensor';
  const c = affine.scale.length;
  const biasName = node.inputs[2];
  const bias = biasName ? graph.constant(biasName) : undefined;
  if (biasName && !isFloatTensor(bias)) return 'its bias is not a constant float tensor';
  const dtype = w.dtype as FloatDType;
  let channelOf: (index: number) => number;
  let block: number | undefined;
  let biasValues: Float64Array;
  if (isOp(node, 'Gemm')) {
    const transB = attrInt(node, 'transB', 0) === 1;
    if (w.dims.length !== 2) return 'its B is not a matrix';
    const n = transB ? w.dims[0]! : w.dims[1]!;
    if (n !== c) return `its ${n} output columns do not match ${c} channels`;
    const cols = w.dims[1]!;
    channelOf = transB ? (i) => Math.floor(i / cols) : (i) => i % cols;
    const beta = attrFloat(node, 'beta', 1);
    biasValues = new Float64Array(c);
    if (bias) {
      const b = toFloat64(bias);
      const rowVector = bias.dims.length === 2 && bias.dims[0] === 1;
      if (!(b.length === 1 || (b.length === c && (bias.dims.length === 1 || rowVector)))) return 'its C is not a row vector';
      for (let i = 0; i < c; i++) biasValues[i] = beta * b[b.length === 1 ? 0 : i]!;
    }
  } else {
    const group = attrInt(node, 'group', 1);
    if (w.dims.length < 3) return 'its weights have no spatial axes';
    if (isOp(node, 'Conv')) {
      if (w.dims[0] !== c) return `its ${w.dims[0]} output channels do not match ${c}`;
      block = w.data.length / c;
      channelOf = (i) => Math.floor(i / block!);
    } else {
      // ConvTranspose weights are [C_in, C_out/group, k...]; output channel g*(C_out/group)+j.
      const cin = w.dims[0]!;
      const coutPerGroup = w.dims[1]!;
      if (coutPerGroup * group !== c) return `its ${coutPerGroup * group} output channels do not match ${c}`;
      const per = w.data.length / (cin * coutPerGroup);
      const cinPerGroup = cin / group;
      channelOf = (i) => {
        const j = Math.floor(i / per) % coutPerGroup;
        const g = Math.floor(Math.floor(i / per / coutPerGroup) / cinPerGroup);
        return g * coutPerGroup + j;
      };
    }
    biasValues = bias ? toFloat64(bias) : new Float64Array(c);
    if (biasValues.length !== c) return 'its bias does not have one value per channel';
  }
  for (let i = 0; i < c; i++) biasValues[i] = biasValues[i]! * affine.scale[i]! + affine.shift[i]!;
  // An Add folds into the bias alone: the weights stay as they are, shared and uncopied.
  let wName = node.inputs[1]!;
  if (!affine.scale.every((v) => v === 1)) {
    wName = graph.freshName(`${node.inputs[1]}_folded_`);
    graph.setInitializer(wName, scaleByChannel(w, affine.scale, channelOf, block));
  }
  const bName = graph.freshName(`${node.name}_bias_folded_`);
  graph.setInitializer(bName, fromFloat64((bias?.dtype ?? dtype) as FloatDType, [c], biasValues));
  node.inputs = [node.inputs[0]!, wName, bName];
  if (isOp(node, 'Gemm') && findAttr(node, 'beta')) setAttr(node, makeAttr.float('beta', 1));
  // Gemm before opset 7 broadcasts C only when told to.
  if (isOp(node, 'Gemm') && (graph.opset('') ?? 1) < 7) setAttr(node, makeAttr.int('broadcast', 1));
  graph.invalidate();
  return true;
}

const PRODUCERS = ['Conv', 'ConvTranspose', 'Gemm'];

export function foldBatchNorm(graph: Graph, _ctx: LoweringContext): PassResult {
  const changes = new Changes();
  const pinned = outerReads(graph);
  for (const bn of [...graph.nodes]) {
    if (!isOp(bn, 'BatchNormalization')) continue;
    const x = bn.inputs[0] ?? '';
    const producer = graph.producer(x);
    if (!producer || !PRODUCERS.some((op) => isOp(producer, op)) || producer.outputs[0] !== x) continue;
    const why = (reason: string) => changes.note(`kept '${bn.name}' (BatchNormalization) after '${producer.name}': ${reason}`);
    if (!onlyReadBy(graph, x, bn, pinned)) {
      why(`'${x}' has other readers`);
      continue;
    }
    const affine = batchNormAffine(graph, bn, pinned);
    if (typeof affine === 'string') {
      why(affine);
      continue;
    }
    const done = foldAffineIntoProducer(graph, producer, affine);
    if (done !== true) {
      why(`'${producer.name}' (${producer.opType}): ${done}`);
      continue;
    }
    graph.removeNodes([bn]);
    graph.setOutput(producer, 0, bn.outputs[0]!);
    graph.types.delete(x);
    changes.add('folded BatchNormalization', `folded '${bn.name}' into '${producer.name}' (${producer.opType})`);
  }
  return changes.result();
}
