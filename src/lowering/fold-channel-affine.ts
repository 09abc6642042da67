/**
 * Pass `fold-channel-affine`: a Mul, Add or Sub by a constant that varies along the channel axis
 * only (shape [C,1,1], [1,C,1,1], [C] for a Gemm, or one value), applied to the output of a
 * Conv, ConvTranspose, Gemm or inference BatchNormalization that nothing else reads, is folded
 * into that node's weights and bias. This is the Caffe-style "BatchNorm + Scale" pair the
 * light_densenet121 and light_inception_v2 models carry after every BatchNormalization.
 *
 * Computed in float64 and rounded once to the parameters' type: equal to the unfolded graph
 * within float rounding (a few ulps of the output).
 */
import { attrInt } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { batchNormAffine, type ChannelAffine, foldAffineIntoProducer } from './fold-batchnorm.js';
import { type FloatDType, fromFloat64, isFloatTensor, perChannel, toFloat64 } from './float-data.js';
import { isOp, onlyReadBy, outerReads } from './graph-utils.js';
import { Changes, type LoweringContext, type PassResult } from './types.js';

/** The output rank and channel count of a producer, when they can be told. */
function channelsOf(graph: Graph, producer: Node): { rank: number; channels: number } | undefined {
  const w = graph.constant(producer.inputs[1] ?? '');
  if (isOp(producer, 'BatchNormalization')) {
    const rank = graph.types.get(producer.inputs[0] ?? '')?.shape?.length;
    return rank !== undefined && w ? { rank, channels: w.data.length } : undefined;
  }
  if (!w) return undefined;
  if (isOp(producer, 'Conv')) return { rank: w.dims.length, channels: w.dims[0]! };
  if (isOp(producer, 'ConvTranspose')) {
    return { rank: w.dims.length, channels: w.dims[1]! * attrInt(producer, 'group', 1) };
  }
  if (isOp(producer, 'Gemm') && w.dims.length === 2) {
    return { rank: 2, channels: attrInt(producer, 'transB', 0) === 1 ? w.dims[0]! : w.dims[1]! };
  }
  return undefined;
}

/** Folds y = x * scale + shift into an inference BatchNormalization's scale and bias. */
function foldIntoBatchNorm(graph: Graph, bn: Node, affine: ChannelAffine, pinned: Set<string>): true | string {
  const base = batchNormAffine(graph, bn, pinned);
  if (typeof base === 'string') return base;
  const scale = graph.constant(bn.inputs[1]!)!;
  const bias = graph.constant(bn.inputs[2]!)!;
  const s = toFloat64(scale);
  const b = toFloat64(bias);
  for (let i = 0; i < s.length; i++) {
    b[i] = b[i]! * affine.scale[i]! + affine.shift[i]!;
    s[i] = s[i]! * affine.scale[i]!;
  }
  const sName = graph.freshName(`${bn.inputs[1]}_folded_`);
  const bName = graph.freshName(`${bn.inputs[2]}_folded_`);
  graph.setInitializer(sName, fromFloat64(scale.dtype as FloatDType, [...scale.dims], s));
  graph.setInitializer(bName, fromFloat64(bias.dtype as FloatDType, [...bias.dims], b));
  bn.inputs[1] = sName;
  bn.inputs[2] = bName;
  graph.invalidate();
  return true;
}

const PRODUCERS = ['Conv', 'ConvTranspose', 'Gemm', 'BatchNormalization'];

export function foldChannelAffine(graph: Graph, ctx: LoweringContext): PassResult {
  const changes = new Changes();
  ctx.infer();
  const pinned = outerReads(graph);
  for (const node of [...graph.nodes]) {
    const op = ['Mul', 'Add', 'Sub'].find((o) => isOp(node, o));
    if (!op || node.inputs.length !== 2) continue;
    const xIndex = node.inputs.findIndex((i) => {
      const p = graph.producer(i);
      return p && PRODUCERS.some((o) => isOp(p, o)) && p.outputs[0] === i;
    });
    if (xIndex < 0 || (op === 'Sub' && xIndex !== 0)) continue;
    const x = node.inputs[xIndex]!;
    const producer = graph.producer(x)!;
    const constant = graph.constant(node.inputs[1 - xIndex]!);
    const shape = channelsOf(graph, producer);
    if (!isFloatTensor(constant) || !shape || !onlyReadBy(graph, x, node, pinned)) continue;
    const values = perChannel(constant, shape.rank, 1, shape.channels);
    if (!values) continue;
    const ones = new Float64Array(shape.channels).fill(1);
    const zeros = new Float64Array(shape.channels);
    const affine: ChannelAffine =
      op === 'Mul' ? { scale: values, shift: zeros } : { scale: ones, shift: op === 'Add' ? values : values.map((v) => -v) };
    const done = isOp(producer, 'BatchNormalization')
      ? foldIntoBatchNorm(graph, producer, affine, pinned)
      : foldAffineIntoProducer(graph, producer, affine);
    if (done !== true) {
      changes.note(`kept '${node.name}' (${op}) after '${producer.name}': ${done}`);
      continue;
    }
    graph.removeNodes([node]);
    graph.setOutput(producer, 0, node.outputs[0]!);
    graph.types.delete(x);
    changes.add(`folded ${op}`, `folded '${node.name}' (${op}) into '${producer.name}' (${producer.opType})`);
  }
  return changes.result();
}
