/**
 * Typed reads and writes of node attributes. Nodes keep their AttributeProtos as loaded (so a
 * saved model keeps them exactly); these helpers give converters and passes plain values.
 */
import { HybridError } from '../errors.js';
import type { AttributeProto, GraphProto, TensorProto } from '../onnx/proto.js';
import { AttributeType, toLong, toNumber } from '../onnx/proto.js';
import { type TensorData, tensorFromProto, tensorToProto } from '../onnx/tensor.js';

export interface HasAttributes {
  name: string;
  opType: string;
  attributes: AttributeProto[];
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function findAttr(node: HasAttributes, name: string): AttributeProto | undefined {
  return node.attributes.find((a) => a.name === name);
}

function wrongType(node: HasAttributes, name: string, want: string): HybridError {
  return new HybridError('MODEL_INVALID', `node '${node.name}' (${node.opType}): attribute '${name}' is not ${want}`);
}

export function attrInt(node: HasAttributes, name: string): number | undefined;
export function attrInt(node: HasAttributes, name: string, dflt: number): number;
export function attrInt(node: HasAttributes, name: string, dflt?: number): number | undefined {
  const a = findAttr(node, name);
  if (!a) return dflt;
  if (a.type !== AttributeType.INT && a.type !== undefined && a.type !== 0) throw wrongType(node, name, 'an int');
  return toNumber(a.i);
}

export function attrFloat(node: HasAttributes, name: string): number | undefined;
export function attrFloat(node: HasAttributes, name: string, dflt: number): number;
export function attrFloat(node: HasAttributes, name: string, dflt?: number): number | undefined {
  const a = findAttr(node, name);
  if (!a) return dflt;
  if (a.type !== AttributeType.FLOAT && a.type !== undefined && a.type !== 0) throw wrongType(node, name, 'a float');
  return a.f ?? 0;
}

export function attrString(node: HasAttributes, name: string): string | undefined;
export function attrString(node: HasAttributes, name: string, dflt: string): string;
export function attrString(node: HasAttributes, name: string, dflt?: string): string | undefined {
  const a = findAttr(node, name);
  if (!a) return dflt;
  if (a.type !== AttributeType.STRING && a.type !== undefined && a.type !== 0) throw wrongType(node, name, 'a string');
  return decoder.decode(a.s ?? new Uint8Array(0));
}

export function attrInts(node: HasAttributes, name: string): number[] | undefined;
export function attrInts(node: HasAttributes, name: string, dflt: number[]): number[];
export function attrInts(node: HasAttributes, name: string, dflt?: number[]): number[] | undefined {
  const a = findAttr(node, name);
  if (!a) return dflt;
  if (a.type !== AttributeType.INTS && a.type !== undefined && a.type !== 0) throw wrongType(node, name, 'a list of ints');
  return a.ints.map(toNumber);
}

export function attrFloats(node: HasAttributes, name: string): number[] | undefined;
export function attrFloats(node: HasAttributes, name: string, dflt: number[]): number[];
export function attrFloats(node: HasAttributes, name: string, dflt?: number[]): number[] | undefined {
  const a = findAttr(node, name);
  if (!a) return dflt;
  if (a.type !== AttributeType.FLOATS && a.type !== undefined && a.type !== 0) throw wrongType(node, name, 'a list of floats');
  return [...a.floats];
}

export function attrStrings(node: HasAttributes, name: string): string[] | undefined {
  const a = findAttr(node, name);
  return a ? a.strings.map((s) => decoder.decode(s)) : undefined;
}

export function attrTensor(node: HasAttributes, name: string): TensorData | undefined {
  const a = findAttr(node, name);
  return a?.t ? tensorFromProto(a.t) : undefined;
}

export function attrGraph(node: HasAttributes, name: string): GraphProto | undefined {
  return findAttr(node, name)?.g ?? undefined;
}

function base(name: string, type: number): AttributeProto {
  return { name, type, floats: [], ints: [], strings: [], tensors: [], graphs: [] };
}

/** Attribute constructors for nodes that passes create. */
export const makeAttr = {
  int: (name: string, v: number): AttributeProto => ({ ...base(name, AttributeType.INT), i: toLong(v) }),
  float: (name: string, v: number): AttributeProto => ({ ...base(name, AttributeType.FLOAT), f: v }),
  string: (name: string, v: string): AttributeProto => ({ ...base(name, AttributeType.STRING), s: encoder.encode(v) }),
  ints: (name: string, v: number[]): AttributeProto => ({ ...base(name, AttributeType.INTS), ints: v.map(toLong) }),
  floats: (name: string, v: number[]): AttributeProto => ({ ...base(name, AttributeType.FLOATS), floats: v }),
  graph: (name: string, g: GraphProto): AttributeProto => ({ ...base(name, AttributeType.GRAPH), g }),
  strings: (name: string, v: string[]): AttributeProto => ({ ...base(name, AttributeType.STRINGS), strings: v.map((x) => encoder.encode(x)) }),
  tensor: (name: string, t: TensorData | TensorProto): AttributeProto => ({
    ...base(name, AttributeType.TENSOR),
    t: 'data' in t ? tensorToProto(t) : t,
  }),
};

/** Replaces (or adds) an attribute on a node. */
export function setAttr(node: HasAttributes, attr: AttributeProto): void {
  const i = node.attributes.findIndex((a) => a.name === attr.name);
  if (i >= 0) node.attributes[i] = attr;
  else node.attributes.push(attr);
}

/**
 * The dims [start, end) of a rank-`rank` input that a Shape node gives: its start/end attributes
 * (opset 15; earlier, every dim) counted from the end where negative, then clamped to [0, rank],
 * end at least start. One reading for inference, constant folding and the converter.
 */
export function shapeRange(node: HasAttributes, rank: number, opset: number): [number, number] {
  const clamp = (v: number) => Math.min(rank, Math.max(0, v < 0 ? v + rank : v));
  const start = opset >= 15 ? clamp(attrInt(node, 'start', 0)) : 0;
  const end = opset >= 15 ? clamp(attrInt(node, 'end', rank)) : rank;
  return [start, Math.max(start, end)];
}
