/**
 * What gets quantized, as onnxruntime's quantize_static (QDQ format) and TensorRT's explicit
 * quantization place it: the float32 activations entering Conv, MatMul and Gemm (a Q/DQ pair
 * each, one per-tensor scale), and their constant weights (int8, one scale per output
 * channel, behind a DequantizeLinear).
 */
import type { Graph, Node } from '../ir/graph.js';
import { attrInt, attrTensor } from '../ir/attributes.js';
import type { TensorData } from '../onnx/tensor.js';

export const QUANTIZED_OPS: ReadonlySet<string> = new Set(['Conv', 'MatMul', 'Gemm']);

const isQuantized = (n: Node) => (n.domain === '' || n.domain === 'ai.onnx') && QUANTIZED_OPS.has(n.opType);

/** Whether a node (of the IR or a NodeProto) is a QuantizeLinear or DequantizeLinear: a Q/DQ model's mark. */
export const isQdqNode = (n: { opType?: string; domain?: string }) =>
  (!n.domain || n.domain === 'ai.onnx') && (n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear');

/** The float32 activations (non-constant values) entering quantized ops as A or B, in first-use order. */
export function activationTargets(graph: Graph): string[] {
  const out = new Set<string>();
  for (const n of graph.nodes.filter(isQuantized)) {
    for (const i of [0, 1]) {
      const v = n.inputs[i];
      if (v && !graph.initializers.has(v) && graph.types.get(v)?.dtype === 'float32') out.add(v);
    }
  }
  return [...out];
}

/**
 * The residual adds' second Q/DQ pair: an Add whose two float32 inputs are both made by
 * quantized Convs (a BatchNormalization after the Conv seen through, as qdq.ts folds it), neither
 * of them an activation target, as in a ResNet stage's first block (the main branch's last
 * convolution and the downsample). Without a pair on one side the builder fuses the add into
 * one convolution with the other's float32 output as its residual: written and read at 4 bytes
 * a value, and that convolution's output quantize left unfolded. TensorRT's Q/DQ placement
 * quantizes one side; this gives the side whose Conv comes first in graph order (the other,
 * later one then takes the add with an int8 residual). `quantized` says which Convs are (qdq.ts:
 * not excluded by the precision policy). Each tensor once, in graph order; calibration
 * collects them beside activationTargets, and a cache without them leaves those adds as before.
 */
export function residualTargets(graph: Graph, quantized: (n: Node) => boolean = isQuantized): string[] {
  return [...new Set(residualSides(graph, quantized).map((s) => s.tensor))];
}

/**
 * residualTargets' adds, each with the input that gets the pair: qdq.ts reroutes that add's
 * input only (the tensor may have other readers, an earlier Add among them, that keep fp32).
 */
export function residualSides(graph: Graph, quantized: (n: Node) => boolean = isQuantized): { add: Node; tensor: string }[] {
  const targets = new Set(activationTargets(graph));
  const order = new Map(graph.nodes.map((n, i) => [n, i]));
  // The quantized Conv making `v` (through one BatchNormalization), or undefined.
  const convOf = (v: string): Node | undefined => {
    let p = graph.producer(v);
    if (p?.opType === 'BatchNormalization' && (p.domain === '' || p.domain === 'ai.onnx')) p = graph.producer(p.inputs[0]!);
    return p && p.opType === 'Conv' && quantized(p) ? p : undefined;
  };
  const out: { add: Node; tensor: string }[] = [];
  for (const n of graph.nodes) {
    if (n.opType !== 'Add' || !(n.domain === '' || n.domain === 'ai.onnx') || n.inputs.length !== 2) continue;
    const [a, b] = n.inputs as [string, string];
    if (a === b || targets.has(a) || targets.has(b)) continue;
    if (graph.types.get(a)?.dtype !== 'float32' || graph.types.get(b)?.dtype !== 'float32') continue;
    const ca = convOf(a),
      cb = convOf(b);
    if (!ca || !cb) continue;
    out.push({ add: n, tensor: order.get(ca)! < order.get(cb)! ? a : b });
  }
  return out;
}

export interface WeightTarget {
  node: Node;
  input: number;
  /** The output-channel axis of the weight (Conv: 0; Gemm: 0 with transB, else 1; MatMul: the last). */
  axis: number;
}

/** The float32 initializers that quantized ops read as weights (input 1). */
export function weightTargets(graph: Graph): WeightTarget[] {
  const out: WeightTarget[] = [];
  for (const node of graph.nodes.filter(isQuantized)) {
    const w = node.inputs[1];
    const t = w ? graph.constant(w) : undefined;
    if (!t || t.dtype !== 'float32' || t.dims.length < 2) continue;
    const rank = t.dims.length;
    const axis = node.opType === 'Conv' ? 0 : node.opType === 'Gemm' ? (attrInt(node, 'transB', 0) ? 0 : 1) : rank - 1;
    out.push({ node, input: 1, axis });
  }
  return out;
}

/**
 * The layers int8 takes: the quantized ops whose A and B are both quantized by the Q/DQ model
 * (A an activation, B an activation or a weight), in graph order. The precision policy
 * (policy.ts) measures and keeps these; a node with a constant A, say, stays float anyway.
 */
export function quantizableNodes(graph: Graph): Node[] {
  const activations = new Set(activationTargets(graph));
  const weights = new Set(weightTargets(graph).map((t) => t.node));
  return graph.nodes.filter((n) => isQuantized(n) && activations.has(n.inputs[0]!) && (activations.has(n.inputs[1]!) || weights.has(n)));
}

/**
 * Constant nodes (a `value` tensor) made initializers of the same names, as
 * Paddle2ONNX writes weights and BatchNormalization statistics: so that a weight is a weight
 * (weightTargets: int8, per channel), not an activation to calibrate, and a BatchNormalization
 * after a Conv folds (qdq.ts). The same values under the same names; the graph is modified in
 * place.
 */
export function constantsAsInitializers(graph: Graph): void {
  const moved = new Set<Node>();
  for (const n of graph.nodes) {
    const out = n.outputs[0];
    if (n.opType !== 'Constant' || !(n.domain === '' || n.domain === 'ai.onnx') || !out || graph.outputs.includes(out)) continue;
    let t: TensorData | undefined;
    try {
      t = attrTensor(n, 'value');
    } catch {
      continue; // a tensor of no numeric form (strings): left a Constant node
    }
    if (!t) continue;
    graph.setInitializer(out, t);
    moved.add(n);
  }
  if (!moved.size) return;
  graph.nodes = graph.nodes.filter((n) => !moved.has(n));
  graph.invalidate();
}
