/**
 * The report's int8 section (src/report/int8.ts) of a compiled model: every quantizable node
 * of the compiled graph (Conv, MatMul, Gemm, and each Add that reads a DequantizeLinear: the
 * qdq pass folds it into an int8 add, or into an int8 convolution as its residual), found in
 * its engine's layers (by name, or among a fused layer's `fusedFrom`), counted where that layer
 * computes in int8 and listed with why where it does not:
 * - 'backend': the backend's int8 kernels do not take the layer (cuda: grouped convolutions
 *   other than depthwise, 1-d and 3-d ones, fewer than 4 input channels), as the builder's qdq
 *   pass says (the layer's `notInt8`, by 'backend': native/src/builder/qdq_fusion.h
 *   Int8KernelsOf is the rule);
 * - 'fallback': the node runs on onnxruntime (why its segment is a fallback one);
 * - 'not-quantized': an input comes from no DequantizeLinear, so the Q/DQ model leaves it
 *   float and there is nothing to fold;
 * - 'qdq-pass': the builder's qdq pass did not fold it: why, as the pass says (the layer's
 *   `notInt8`, by 'pass': a Gemm's alpha or transposed A, per-axis activations, an add whose
 *   output no QuantizeLinear reads, ...), or that a
 *   DequantizeLinear it reads runs in another segment (the engine then gets a float input);
 * - 'policy': the builder kept the layer in a precision by policy (its precision note);
 * - 'sensitivity': int8's precision policy (accuracyTarget, src/quantize/policy.ts) left it
 *   float in the Q/DQ model, as one of the most sensitive layers.
 * With int8Sensitivity or accuracyTarget, the section carries what the policy measured.
 */
import type { NativeLayerInfo } from '../engine/native.js';
import type { Graph, Node } from '../ir/graph.js';
import { type ReportInt8, type ReportInt8Kept, targetText } from '../report/int8.js';
import type { ReportData, ReportNode } from '../report/model.js';
import type { PolicyFindings } from '../quantize/policy.js';
import { QUANTIZED_OPS, isQdqNode } from '../quantize/targets.js';

function fallbackReason(n: ReportNode): string {
  if (n.forced) return `left to onnxruntime by ${n.forced}`;
  if (n.demoted) return 'runs on onnxruntime: its engine could not be built (see the warnings)';
  if (n.reason) return `runs on onnxruntime: ${n.reason}`;
  return 'runs on onnxruntime (its segment is a fallback segment)';
}

function engineReason(
  graph: Graph,
  node: Node | undefined,
  layer: NativeLayerInfo | undefined,
  segmentOf: ReadonlyMap<string, number>,
): Pick<ReportInt8Kept, 'kind' | 'reason'> {
  if (layer?.precisionNote?.startsWith('kept')) return { kind: 'policy', reason: layer.precisionNote };
  // An Add the fusion pass gave a convolution or matmul as its residual: that layer's reason.
  const host = node?.opType === 'Add' && layer && layer.name !== node.name ? graph.node(layer.name) : undefined;
  if (host && host !== node) {
    const r = engineReason(graph, host, layer, segmentOf);
    return { kind: r.kind, reason: `${r.reason} (the add is fused into '${layer!.name}' as its residual)` };
  }
  const inputs = node ? [0, 1].map((i) => node.inputs[i]).filter((v): v is string => !!v) : [];
  const plain = inputs.filter((v) => graph.producer(v)?.opType !== 'DequantizeLinear');
  if (plain.length) {
    return {
      kind: 'not-quantized',
      reason: `${plain.map((v) => `'${v}'`).join(' and ')} come(s) from no DequantizeLinear: the Q/DQ model leaves ${plain.length > 1 ? 'them' : 'it'} float, so there is nothing to fold`,
    };
  }
  // A DequantizeLinear in another segment: the engine gets its output as a float input.
  const apart = inputs.map((v) => graph.producer(v)!).filter((dq) => segmentOf.get(dq.name) !== segmentOf.get(node!.name));
  if (apart.length) {
    return {
      kind: 'qdq-pass',
      reason:
        `its DequantizeLinear ${apart.map((dq) => `'${dq.name}' (#${segmentOf.get(dq.name)})`).join(' and ')} runs in another segment, ` +
        'so its engine receives a float input, which the qdq pass cannot fold (a segment boundary between them: see fallbackNodes/fallbackOps and minBlockSize)',
    };
  }
  if (layer?.notInt8) return { kind: 'qdq-pass', reason: layer.notInt8.reason };
  return { kind: 'qdq-pass', reason: "the builder's qdq pass did not fold it" };
}

/** Why the policy kept `node`: its rank and what it alone in int8 costs. */
function keptBySensitivity(node: string, f: PolicyFindings): string {
  const p = f.policy!;
  const rank = p.kept.indexOf(node) + 1;
  const s = f.sensitivity?.find((l) => l.node === node);
  const alone = s ? `: alone in int8, cosine ${Number(s.cosine.toPrecision(6))}, top-1 ${Number(s.top1.toPrecision(6))} against fp32` : '';
  return `kept by sensitivity (number ${rank}, most sensitive first, of the ${p.kept.length} layer(s) kept in float to meet ${targetText(p.target)})${alone}`;
}

/**
 * The section, where int8 was asked for (`requested`) or the compiled graph has Q/DQ nodes;
 * undefined otherwise. `layers`: each built engine's layers by segment id.
 */
export function int8Section(
  graph: Graph,
  data: ReportData,
  layers: ReadonlyMap<number, readonly NativeLayerInfo[]>,
  requested: boolean,
  findings?: PolicyFindings,
): ReportInt8 | undefined {
  if (!requested && !graph.nodes.some(isQdqNode)) return undefined;
  const readsDq = (name: string) => graph.node(name)?.inputs.some((v) => !!v && graph.producer(v)?.opType === 'DequantizeLinear') ?? false;
  const quantizable = data.nodes.filter(
    (n) => (n.domain === '' || n.domain === 'ai.onnx') && (QUANTIZED_OPS.has(n.opType) || (n.opType === 'Add' && readsDq(n.name))),
  );
  const segmentOf = new Map(data.nodes.map((n) => [n.name, n.segment]));
  const kept: ReportInt8Kept[] = [];
  for (const n of quantizable) {
    const base = { node: n.name, opType: n.opType, segment: n.segment };
    const engine = layers.get(n.segment);
    if (!engine) {
      kept.push({ ...base, precision: 'onnxruntime', kind: 'fallback', reason: fallbackReason(n) });
      continue;
    }
    const layer = engine.find((l) => l.name === n.name) ?? engine.find((l) => l.fusedFrom?.includes(n.name));
    if (layer?.precision === 'int8') continue;
    const at = { ...base, ...(layer ? { layer: layer.name } : {}), precision: layer?.precision ?? 'fp32' };
    if (layer?.notInt8?.by === 'backend') kept.push({ ...at, kind: 'backend', reason: layer.notInt8.reason });
    else if (findings?.exclude.has(n.name)) kept.push({ ...at, kind: 'sensitivity', reason: keptBySensitivity(n.name, findings) });
    else kept.push({ ...at, ...engineReason(graph, graph.node(n.name), layer, segmentOf) });
  }
  return {
    requested,
    quantizable: quantizable.length,
    int8: quantizable.length - kept.length,
    kept,
    ...(findings?.sensitivity ? { sensitivity: findings.sensitivity } : {}),
    ...(findings?.policy ? { policy: findings.policy } : {}),
  };
}
