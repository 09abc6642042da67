/**
 * Builds small ONNX models from a compact description: for tests, examples and anything that
 * needs a model without an exporter. Attributes are typed from their JS values (integers ->
 * INT, other numbers -> FLOAT, arrays likewise, strings -> STRING, TensorData -> TENSOR);
 * wrap a number in `{ float: x }` to force a FLOAT for an integral value, a list of strings
 * in `{ strings: [...] }` for STRINGS, a nested graph in `{ graph: {...} }` for GRAPH.
 */
import type { DType } from '../onnx/dtype.js';
import type { AttributeProto, ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { makeAttr } from './attributes.js';
import { Graph } from './graph.js';
import type { Dim } from './types.js';

export type AttrValue =
  number | { float: number } | { floats: number[] } | { strings: string[] } | { graph: SubgraphSpec } | number[] | string | TensorData;

/** A nested graph (an If branch, a Loop body): its inputs (none for If), nodes and outputs; it may read outer values by name. */
export type SubgraphSpec = Pick<ModelSpec, 'outputs' | 'nodes'> & Partial<Pick<ModelSpec, 'inputs' | 'initializers' | 'name'>>;

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
  domain?: string;
  name?: string;
}

export interface ValueSpec {
  name: string;
  dtype?: DType;
  shape?: Dim[];
}

export interface ModelSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeSpec[];
  initializers?: Record<string, TensorData>;
  /** Default-domain opset (default 17). */
  opset?: number;
  /** Other domains' opsets, e.g. { 'com.example': 1 }. */
  opsets?: Record<string, number>;
  name?: string;
}

function toAttr(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'string') return makeAttr.string(name, v);
  if (typeof v === 'number') return Number.isInteger(v) ? makeAttr.int(name, v) : makeAttr.float(name, v);
  if (Array.isArray(v)) return v.every(Number.isInteger) ? makeAttr.ints(name, v) : makeAttr.floats(name, v);
  if ('float' in v) return makeAttr.float(name, v.float);
  if ('floats' in v) return makeAttr.floats(name, v.floats);
  if ('strings' in v) return makeAttr.strings(name, v.strings);
  if ('graph' in v) {
    return makeAttr.graph(name, buildGraph({ inputs: [], ...v.graph, name: v.graph.name ?? name }).toModel().graph!);
  }
  return makeAttr.tensor(name, v);
}

/** The IR of the described model (node names default to `<op>_<index>`). */
export function buildGraph(spec: ModelSpec): Graph {
  const g = new Graph();
  g.name = spec.name ?? 'model';
  g.opsets.set('', spec.opset ?? 17);
  for (const [d, v] of Object.entries(spec.opsets ?? {})) g.opsets.set(d, v);
  for (const [name, t] of Object.entries(spec.initializers ?? {})) g.setInitializer(name, t);
  for (const i of spec.inputs) {
    g.inputs.push(i.name);
    g.types.set(i.name, { dtype: i.dtype ?? 'float32', shape: i.shape });
  }
  for (const o of spec.outputs) {
    g.outputs.push(o.name);
    if (o.dtype || o.shape) g.types.set(o.name, { dtype: o.dtype, shape: o.shape });
  }
  spec.nodes.forEach((n, i) => {
    g.nodes.push({
      name: n.name ?? `${n.op}_${i}`,
      opType: n.op,
      domain: n.domain ?? '',
      inputs: n.inputs,
      outputs: n.outputs,
      attributes: Object.entries(n.attrs ?? {}).map(([k, v]) => toAttr(k, v)),
    });
  });
  g.invalidate();
  return g;
}

/** The described model as a ModelProto (IR version 8). */
export function buildModel(spec: ModelSpec): ModelProto {
  return buildGraph(spec).toModel();
}
