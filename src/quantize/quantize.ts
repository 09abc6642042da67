/**
 * quantize(): an fp32 ONNX model in, a Q/DQ model out (qdq.ts), from a calibration
 * (calibrate.ts: data, or a TensorRT-format cache). The result runs on onnxruntime as any
 * QDQ model does, and on hybridrt, whose QuantizeLinear/DequantizeLinear converters put the
 * Q/DQ nodes on engines, where the cpu builder's qdq pass folds them into int8 convolutions
 * and matrix products (native/src/builder/qdq_fusion.h; other backends compute the fp32 ops
 * between them).
 */
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { saveModelProto } from '../onnx/model.js';
import type { ModelProto } from '../onnx/proto.js';
import { type Calibration, type CalibrationOptions, calibrateGraph, modelGraph } from './calibrate.js';
import { type QdqSummary, insertQdq } from './qdq.js';

export interface QuantizeOptions extends CalibrationOptions {
  /** Where to write the Q/DQ model (.onnx); it is returned either way. */
  output?: string;
}

export interface QuantizeResult extends QdqSummary {
  model: ModelProto;
  calibration: Calibration;
}

/**
 * The Q/DQ layout of `graph` (not modified) from its activation scales, the `exclude`d layers
 * (node names) left float: the one recipe, which qdqModel and the precision policy's
 * variants (policy.ts) share.
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

/**
 * A graph (modelGraph's) calibrated and laid out as a Q/DQ model: the one recipe quantize()
 * writes and compile()'s implicit int8 compiles, so that both build the same model.
 */
export async function qdqModel(
  graph: Graph,
  options: CalibrationOptions,
): Promise<{ proto: ModelProto; calibration: Calibration; summary: QdqSummary }> {
  const calibration = await calibrateGraph(graph, options);
  return { ...qdqLayout(graph, calibration.scales), calibration };
}

/** Quantizes a model (a path, its bytes or a ModelProto) into the QDQ format. */
export async function quantize(model: string | Uint8Array | ModelProto, options: QuantizeOptions): Promise<QuantizeResult> {
  const { proto, calibration, summary } = await qdqModel(modelGraph(model), options);
  if (options.output !== undefined) {
    try {
      saveModelProto(proto, options.output);
    } catch (e) {
      if (e instanceof HybridError) throw e;
      throw new HybridError('MODEL_SAVE', `cannot write the quantized model '${options.output}': ${(e as Error).message}`, { cause: e });
    }
  }
  return { model: proto, calibration, ...summary };
}
