/**
 * What the passes that bring nested graphs up (inline-if, unroll-loops) share: the values a graph
 * and its nested graphs define, a graph renamed throughout (ONNX forbids shadowing, so one map
 * serves every level), and the dtype of an initializer the IR may not hold.
 */
import type { ValueType } from '../ir/types.js';
import type { AttributeProto, GraphProto, NodeProto, TensorProto } from '../onnx/proto.js';
import { tensorProtoDType } from '../onnx/tensor.js';

/** Every value name defined in a graph and the graphs nested in it. */
export function definedDeep(g: GraphProto, out = new Set<string>()): Set<string> {
  for (const t of g.initializer) if (t.name) out.add(t.name);
  for (const i of g.input) if (i.name) out.add(i.name);
  for (const n of g.node) {
    for (const o of n.output) if (o) out.add(o);
    for (const a of n.attribute) for (const sg of nested(a)) definedDeep(sg, out);
  }
  return out;
}

export function nested(a: AttributeProto): GraphProto[] {
  return [...(a.g ? [a.g] : []), ...(a.graphs ?? [])];
}

/** A copy of `g` with the names in `names` replaced everywhere (nested graphs too; ONNX forbids shadowing). */
export function renamed(g: GraphProto, names: Map<string, string>): GraphProto {
  const r = (v: string) => names.get(v) ?? v;
  const vi = <T extends { name?: string }>(v: T) => ({ ...v, name: r(v.name ?? '') });
  return {
    ...g,
    node: g.node.map((n) => renamedNode(n, names)),
    initializer: g.initializer.map(vi),
    input: g.input.map(vi),
    output: g.output.map(vi),
    valueInfo: g.valueInfo.map(vi),
  };
}

export function renamedNode(n: NodeProto, names: Map<string, string>): NodeProto {
  const r = (v: string) => names.get(v) ?? v;
  const attribute = n.attribute.map((a) =>
    a.g || a.graphs?.length ? { ...a, g: a.g ? renamed(a.g, names) : a.g, graphs: (a.graphs ?? []).map((sg) => renamed(sg, names)) } : a,
  );
  return { ...n, input: n.input.map(r), output: n.output.map(r), attribute };
}

export function dtypeOf(t: TensorProto): ValueType['dtype'] {
  try {
    return tensorProtoDType(t);
  } catch {
    return undefined; // an element type the IR does not hold: inference leaves it unknown
  }
}
