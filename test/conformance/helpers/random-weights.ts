/**
 * The light_* models with real weights in place of their uniform ones. Their every weight is a
 * ConstantOfShape of 0.02, so every channel computes the same thing and the expected output is
 * uniform (0.001 per class): a swapped channel or a misplaced concat would go unseen. Here each
 * ConstantOfShape becomes an initializer of seeded random values, drawn by role so that
 * activations stay O(1) through deep networks:
 * - Conv / Gemm weights: Kaiming-uniform, U(-a, a) with a = sqrt(6 / fan_in);
 * - BatchNormalization scale and variance: U(0.5, 1.5); its bias and mean: U(-0.1, 0.1);
 * - the scale of a decomposed normalization (a Mul operand): U(0.5, 1.5);
 * - anything else (biases, shifts): U(-0.1, 0.1).
 * Small biases keep the logits small: a softmax over logits in the thousands turns their fp32
 * rounding (1e-7 relative) into 1e-4 changes of its probabilities, for onnxruntime as for engines.
 * The graph is otherwise the model's own, but for one more output: the logits a final Softmax
 * reads, which the caller can compare on their own scale.
 */
import { attrInt } from '../../../src/ir/attributes.js';
import { Graph } from '../../../src/ir/graph.js';
import { loadModelProto } from '../../../src/onnx/model.js';
import type { ModelProto } from '../../../src/onnx/proto.js';
import { fillUniform, mulberry32 } from '../../../src/util/random.js';

function range(graph: Graph, value: string, dims: number[]): [number, number] {
  for (const reader of graph.consumers(value)) {
    const at = reader.inputs.indexOf(value);
    if ((reader.opType === 'Conv' || reader.opType === 'Gemm') && at === 1) {
      const transB = reader.opType === 'Gemm' && attrInt(reader, 'transB', 0) !== 0;
      const fanIn = reader.opType === 'Conv' ? dims.slice(1).reduce((a, b) => a * b, 1) : transB ? dims[1]! : dims[0]!;
      const a = Math.sqrt(6 / fanIn);
      return [-a, a];
    }
    if (reader.opType === 'BatchNormalization') return at === 1 || at === 4 ? [0.5, 1.5] : [-0.1, 0.1];
    if (reader.opType === 'Mul' || (reader.opType === 'Unsqueeze' && graph.consumers(reader.outputs[0]!).some((n) => n.opType === 'Mul')))
      return [0.5, 1.5];
  }
  return [-0.1, 0.1];
}

export interface RandomWeightsModel {
  model: ModelProto;
  /** Model outputs that a Softmax computes -> its input (the logits), added as an output. */
  logits: Map<string, string>;
}

export function withRandomWeights(file: string, seed: number): RandomWeightsModel {
  const graph = Graph.fromModel(loadModelProto(file), file);
  const next = mulberry32(seed);
  const replaced = graph.nodes.filter((n) => n.opType === 'ConstantOfShape');
  for (const node of replaced) {
    const shape = graph.constant(node.inputs[0]!);
    if (!shape) throw new Error(`${file}: ConstantOfShape '${node.name}' has a computed shape`);
    const dims = Array.from(shape.data as BigInt64Array, Number);
    const [lo, hi] = range(graph, node.outputs[0]!, dims);
    const data = fillUniform(new Float32Array(dims.reduce((a, b) => a * b, 1)), next, lo, hi);
    graph.setInitializer(node.outputs[0]!, { dtype: 'float32', dims, data });
  }
  graph.removeNodes(replaced);
  graph.pruneInitializers();
  const logits = new Map<string, string>();
  for (const o of [...graph.outputs]) {
    const p = graph.producer(o);
    if (p?.opType !== 'Softmax') continue;
    logits.set(o, p.inputs[0]!);
    graph.outputs.push(p.inputs[0]!);
  }
  return { model: graph.toModel(), logits };
}
