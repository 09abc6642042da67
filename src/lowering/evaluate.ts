/**
 * Evaluates a set of nodes whose inputs are all constants, with onnxruntime-node.
 *
 * Why onnxruntime and not an evaluator of our own: the lowered model must compute exactly what
 * onnxruntime computes on the original, and onnxruntime is also what runs the fallback
 * segments. Running the constant nodes through it gives bit-identical values for every op and
 * dtype it implements (Cast rounding, integer overflow, Resize modes...), where a hand-written
 * evaluator would need its own tests per op to be trusted. The cost is one session per call,
 * so callers batch: one call evaluates every foldable node of a pass.
 */
import ort from 'onnxruntime-node';
import { Graph, type Node } from '../ir/graph.js';
import { HybridError } from '../errors.js';
import { encodeModel } from '../onnx/model.js';
import { ortHazard } from '../onnx/ort-hazards.js';
import type { TensorProto } from '../onnx/proto.js';
import { toLong, toNumber } from '../onnx/proto.js';
import { isNumericDType, type TensorData } from '../onnx/tensor.js';

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  // Plain kernels, no fusions: the values are those of the ops as written.
  graphOptimizationLevel: 'disabled',
  // The constants are small; one thread is polite on a shared machine.
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  logSeverityLevel: 4,
};

/**
 * Runs `nodes` (in topological order) on the given constant inputs and returns the values of
 * `outputs`. A value onnxruntime's JavaScript API cannot hand back as a numeric tensor (strings)
 * is absent from the result. Throws what onnxruntime throws when the nodes do not run.
 */
export async function evaluateNodes(
  graph: Graph,
  nodes: Node[],
  constants: Map<string, TensorProto>,
  outputs: string[],
): Promise<Map<string, TensorData>> {
  const g = new Graph();
  g.name = 'constant_folding';
  g.opsets = new Map(graph.opsets);
  g.functions = graph.functions;
  const ir = Math.max(toNumber(graph.modelExtra.irVersion ?? 8), 4);
  g.modelExtra = { irVersion: toLong(ir) };
  g.nodes = nodes.map((n) => ({ ...n, extra: undefined }));
  for (const n of nodes) {
    for (const i of n.inputs) {
      const t = i ? constants.get(i) : undefined;
      if (t) g.initializers.set(i, t);
    }
  }
  g.outputs = [...outputs];
  for (const n of nodes) {
    const hazard = ortHazard(graph, n);
    if (hazard) throw new HybridError('SHAPE', `cannot evaluate on onnxruntime: ${hazard}`);
  }
  const session = await ort.InferenceSession.create(encodeModel(g.toModel({ valueInfo: false })), SESSION_OPTIONS);
  try {
    const result = await session.run({});
    const out = new Map<string, TensorData>();
    for (const name of outputs) {
      const t = result[name];
      if (!t || !isNumericDType(t.type)) continue;
      out.set(name, { dtype: t.type, dims: [...t.dims], data: t.data as TensorData['data'] });
    }
    return out;
  } finally {
    await session.release();
  }
}
