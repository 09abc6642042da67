/**
 * A Q/DQ model's run checked one quantized layer at a time against onnxruntime, with rounding
 * ties allowed (--compare's second look at a Q/DQ model; docs/qdq-compare.md).
 *
 * Why: a Q/DQ model's output is not a function of the file to fp32 precision. Where a
 * QuantizeLinear's input lies within float rounding of a rounding edge (k + 0.5 steps), the
 * order in which a convolution sums decides the int8 value, and one flipped step compounds over
 * the later layers (mobilenet_v2: one of 2.2 million roundings moves the output by 3% of its
 * range). onnxruntime's float convolution and an int8 kernel's exact int32 sum each decide such
 * ties their own way, so comparing final outputs says little either way.
 *
 * How (teacher forcing): the run exposes every quantized activation (exposeActivations: each
 * DequantizeLinear fed by a QuantizeLinear also becomes a graph output); onnxruntime, graph
 * optimizations off, then runs the model with those DequantizeLinear outputs fed from the run
 * (forcedModel: they become graph inputs), so that every QuantizeLinear input and every graph
 * output is computed from the run's own int8 activations, all layers in one session run. Each
 * activation of the run must round as onnxruntime's QuantizeLinear does, except where
 * onnxruntime's input to it lies within TIE_STEPS of a rounding edge and the run's value is the
 * other one beside that edge (one step from onnxruntime's); the graph outputs are
 * compared by the caller at its usual tolerance.
 */
import ort from 'onnxruntime-node';
import { attrTensor } from '../ir/attributes.js';
import { Graph } from '../ir/graph.js';
import { OnnxDataType } from '../onnx/dtype.js';
import { fromOrtTensor, toOrtTensor } from '../onnx/ort.js';
import { encodeModel } from '../onnx/model.js';
import type { ModelProto, NodeProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { isQdqNode } from './targets.js';

/**
 * How near a rounding edge (in quantization steps) a QuantizeLinear input must lie for a
 * different int8 value to count as a tie. fp32's spacing at 127 steps is 7.6e-6 steps, and
 * the ties measured on the zoo's Q/DQ models lay within 1.5e-5 steps of the edge; a wrong kernel
 * or scale puts its differences anywhere in the step.
 */
export const TIE_STEPS = 1e-3;

/** A DequantizeLinear of an activation: one whose input a QuantizeLinear of the graph makes. */
interface Activation {
  q: NodeProto;
  dq: NodeProto;
}

function activations(model: ModelProto, value = constantValues(model)): Activation[] {
  const nodes = model.graph?.node ?? [];
  // Scales and zero points that are constants: initializers (what quantize() and onnxruntime's
  // quantizer write) or Constant nodes (what PyTorch's exporter writes).
  const constantParams = (n: NodeProto) => n.input!.slice(1).every((name) => !name || value(name) !== undefined);
  const quantizers = new Map(nodes.filter((n) => n.opType === 'QuantizeLinear' && isQdqNode(n) && constantParams(n)).map((n) => [n.output![0]!, n]));
  // PyTorch puts a Cast to the same 8-bit type between the pair (the QuantizeLinear's: its zero
  // point's, uint8 without one), and gives the DequantizeLinear its own Constant nodes of the same values.
  const quantType = (q: NodeProto) => (q.input![2] && value(q.input![2]!)?.dtype === 'int8' ? OnnxDataType.INT8 : OnnxDataType.UINT8);
  const casts = new Map(
    nodes
      .filter((n) => n.opType === 'Cast' && onnxDomain(n.domain) && quantizers.has(n.input![0]!))
      .filter((n) => Number(n.attribute?.find((a) => a.name === 'to')?.i ?? 0) === quantType(quantizers.get(n.input![0]!)!))
      .map((n) => [n.output![0]!, n.input![0]!]),
  );
  const sameParams = (q: NodeProto, dq: NodeProto) =>
    [1, 2].every((i) => {
      const [a, b] = [q.input![i] ? value(q.input![i]!) : undefined, dq.input![i] ? value(dq.input![i]!) : undefined];
      return (
        (!a && !b) ||
        (a !== undefined &&
          b !== undefined &&
          a.dtype === b.dtype &&
          String(Array.from(a.data as ArrayLike<number>)) === String(Array.from(b.data as ArrayLike<number>)))
      );
    });
  return nodes
    .filter((n) => n.opType === 'DequantizeLinear' && isQdqNode(n) && constantParams(n))
    .map((dq) => ({ q: quantizers.get(casts.get(dq.input![0]!) ?? dq.input![0]!), dq }))
    .filter((a): a is Activation => a.q !== undefined && sameParams(a.q, a.dq));
}

const onnxDomain = (domain: string | null | undefined) => !domain || domain === 'ai.onnx';

/** A model's constant values by name: its initializers and its Constant nodes' tensors. */
function constantValues(model: ModelProto): (name: string) => TensorData | undefined {
  const graph = Graph.fromModel(model);
  const made = new Map(graph.nodes.filter((n) => n.opType === 'Constant' && onnxDomain(n.domain)).map((n) => [n.outputs[0]!, n]));
  return (name) => {
    const c = graph.constant(name);
    if (c) return c;
    const n = made.get(name);
    if (!n) return undefined;
    try {
      return attrTensor(n, 'value');
    } catch {
      return undefined;
    }
  };
}

const withGraph = (model: ModelProto, graph: Partial<NonNullable<ModelProto['graph']>>): ModelProto =>
  ({ ...model, graph: { ...model.graph, ...graph } }) as ModelProto;

/** The model with every quantized activation (DequantizeLinear output) also a graph output; their names. */
export function exposeActivations(model: ModelProto): { model: ModelProto; names: string[] } {
  const outputs = model.graph?.output ?? [];
  const have = new Set(outputs.map((o) => o.name));
  const names = activations(model).map((a) => a.dq.output![0]!);
  const added = names.filter((n) => !have.has(n)).map((name) => ({ name }));
  return { model: withGraph(model, { output: [...outputs, ...added] }), names };
}

/** The model with each activation's DequantizeLinear output a graph input instead, and every QuantizeLinear input and output a graph output. */
function forcedModel(model: ModelProto, acts: Activation[], run: ReadonlyMap<string, TensorData>): ModelProto {
  const g = model.graph!;
  const dqs = new Set(acts.map((a) => a.dq));
  const inputs = acts.map(({ dq }) => ({
    name: dq.output![0]!,
    type: { tensorType: { elemType: OnnxDataType.FLOAT, shape: { dim: run.get(dq.output![0]!)!.dims.map((d) => ({ dimValue: d })) } } },
  }));
  const outputs = [...new Set(acts.flatMap(({ q }) => [q.input![0]!, q.output![0]!]))].map((name) => ({ name }));
  return withGraph(model, {
    node: (g.node ?? []).filter((n) => !dqs.has(n)),
    input: [...(g.input ?? []), ...inputs],
    output: [...(g.output ?? []), ...outputs],
  });
}

/** A differing rounding farther than TIE_STEPS from a rounding edge. */
export interface WrongRounding {
  /** The quantized tensor (the QuantizeLinear's input) and the element's flat index. */
  tensor: string;
  index: number;
  /** onnxruntime's QuantizeLinear input over the scale, and the int8 values of each side. */
  steps: number;
  reference: number;
  run: number;
}

export interface LayerCheck {
  /** Quantized activation elements compared, and those whose rounding differs. */
  elements: number;
  differing: number;
  /** The largest distance from a rounding edge (steps) of the differing ones that count as ties. */
  farthestTie: number;
  /** Differing roundings that are not ties: how many, and the first few. */
  wrongCount: number;
  wrong: WrongRounding[];
  /** The graph outputs as onnxruntime computes them from the run's activations. */
  outputs: Map<string, TensorData>;
}

/** A per-tensor or per-axis quantization parameter of element i of a tensor of `dims`. */
function paramAt(values: ArrayLike<number | bigint>, axis: number, dims: readonly number[], i: number): number {
  if (values.length <= 1) return Number(values[0] ?? 0);
  const a = axis < 0 ? axis + dims.length : axis;
  const inner = dims.slice(a + 1).reduce((p, d) => p * d, 1);
  return Number(values[Math.floor(i / inner) % dims[a]!]!);
}

/**
 * Checks the run's quantized activations (`run` holds exposeActivations' outputs as the run
 * computed them, with `feeds` its inputs) layer by layer against onnxruntime (module comment).
 */
export async function checkLayers(
  model: ModelProto,
  feeds: ReadonlyMap<string, TensorData>,
  run: ReadonlyMap<string, TensorData>,
  options: ort.InferenceSession.SessionOptions = {},
): Promise<LayerCheck> {
  const value = constantValues(model);
  const acts = activations(model, value);
  const session = await ort.InferenceSession.create(encodeModel(forcedModel(model, acts, run)), { ...options, graphOptimizationLevel: 'disabled' });
  let got: ort.InferenceSession.OnnxValueMapType;
  try {
    const ortFeeds = Object.fromEntries([...feeds].map(([name, t]) => [name, toOrtTensor(t, name)]));
    for (const { dq } of acts) ortFeeds[dq.output![0]!] = toOrtTensor(run.get(dq.output![0]!)!, dq.output![0]!);
    got = await session.run(ortFeeds);
  } finally {
    await session.release();
  }
  const check: LayerCheck = { elements: 0, differing: 0, farthestTie: 0, wrongCount: 0, wrong: [], outputs: new Map() };
  for (const o of model.graph?.output ?? []) check.outputs.set(o.name!, fromOrtTensor(got[o.name!]!, o.name!));
  for (const { q, dq } of acts) {
    const x = got[q.input![0]!]!.data as Float32Array;
    const ref = got[q.output![0]!]!.data as ArrayLike<number>;
    const mine = run.get(dq.output![0]!)!;
    const axis = Number(q.attribute?.find((a) => a.name === 'axis')?.i ?? 1);
    const scale = value(q.input![1]!)!.data as Float32Array;
    const zero = q.input![2] ? (value(q.input![2])!.data as ArrayLike<number>) : [0];
    for (let i = 0; i < x.length; i++) {
      const s = paramAt(scale, axis, mine.dims, i);
      const z = paramAt(zero, axis, mine.dims, i);
      const value = Math.round((mine.data[i] as number) / s) + z;
      check.elements++;
      if (value === Number(ref[i])) continue;
      check.differing++;
      const steps = x[i]! / s;
      const edge = Math.abs(steps - Math.floor(steps) - 0.5);
      // A tie decides between the two values beside the edge: one step apart, never more.
      if (edge <= TIE_STEPS && Math.abs(value - Number(ref[i])) === 1) {
        check.farthestTie = Math.max(check.farthestTie, edge);
        continue;
      }
      if (check.wrongCount++ < 5) check.wrong.push({ tensor: q.input![0]!, index: i, steps, reference: Number(ref[i]), run: value });
    }
  }
  return check;
}
