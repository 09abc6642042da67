/**
 * Sub-model extraction: any set of nodes of a graph becomes a standalone, valid model.
 *
 * - The nodes keep the graph's (topological) order, names and attributes.
 * - Values the set reads but does not produce become graph inputs with their types, in order
 *   of first use; initializers among them are copied as initializers, not inputs. Values read
 *   implicitly by subgraphs (If/Loop/Scan bodies using outer-scope names) count as reads.
 * - Values the set produces that a node outside the set reads, or that are outputs of the
 *   graph, become outputs with their types, in order of production; `outputs` forces more.
 *   A set whose results nobody reads gets its dead-end values as outputs, so that the model
 *   still has some.
 * - Opset imports and model-local functions are kept; intermediate types go to value_info.
 * The set need not be convex: a value that leaves the set and comes back through outside
 * nodes is an output and, where it re-enters, an input. Whether that makes sense for the
 * caller is the caller's business; the sub-model is valid either way.
 *
 * Graph inputs need an element type: where the graph does not know one, inference runs on a
 * copy of the graph; a value still untyped then is a SHAPE error naming it.
 */
import { HybridError } from '../errors.js';
import { isIntegerDType } from '../onnx/dtype.js';
import type { AttributeProto, GraphProto, ModelProto, SparseTensorProto } from '../onnx/proto.js';
import { Graph, type Node } from './graph.js';
import { inferShapes } from './infer/index.js';
import type { Dim, ValueType } from './types.js';

export interface ExtractOptions {
  /** Values produced by the selected nodes to make outputs as well. */
  outputs?: string[];
  /** Name of the sub-model's graph (default `<graph name>_sub`). */
  name?: string;
  /** Write the known types of intermediate values as value_info (default true). */
  valueInfo?: boolean;
  /**
   * For a sub-model onnxruntime runs on any shapes (fallback segments, probes): the source
   * model's declared types, before any shape was fixed. Inputs and outputs then keep those
   * (where they agree with what is known now), or their rank with unnamed dims, and no
   * intermediate value_info is written: onnxruntime's own inference inside If/Loop bodies
   * refuses some static shapes that it accepts symbolic (Silero VAD), and nothing here needs
   * the static ones.
   */
  declaredTypes?: ReadonlyMap<string, ValueType>;
}

/**
 * The type to declare for a boundary value of a loose sub-model: the declared type where it
 * agrees with what is known (same rank, equal fixed dims), else the element type and rank with
 * every dim unnamed. A 1-D integer value keeps a known length either way: it is a shape operand
 * (Resize's sizes, Reshape's shape), and onnxruntime refuses a Resize whose sizes has no length
 * (a ranged compile's Resize to a size computed from shapes goes to onnxruntime).
 */
export function looseType(known: ValueType | undefined, declared: ValueType | undefined): ValueType {
  const dtype = known?.dtype ?? declared?.dtype;
  const shape = known?.shape;
  const length = shape?.length === 1 && dtype && isIntegerDType(dtype) && typeof shape[0] === 'number' ? shape[0] : undefined;
  const named = (dims: readonly Dim[]) => ({ ...(dtype ? { dtype } : {}), shape: length === undefined ? [...dims] : [length] });
  if (declared?.shape && shape && declared.shape.length === shape.length) {
    const agrees = declared.shape.every((d, i) => typeof d !== 'number' || typeof shape[i] !== 'number' || d === shape[i]);
    if (agrees) return named(declared.shape);
  }
  if (!shape) return dtype ? { dtype } : {};
  return named(shape.map((_, i) => `unk__loose${i}`));
}

/** Names a subgraph reads from enclosing scopes (recursively through nested subgraphs). */
export function outerReads(g: GraphProto): string[] {
  const defined = new Set<string>();
  for (const vi of g.input) if (vi.name) defined.add(vi.name);
  for (const t of g.initializer) if (t.name) defined.add(t.name);
  for (const s of g.sparseInitializer ?? []) if (s.values?.name) defined.add(s.values.name);
  const reads: string[] = [];
  const read = (name: string | undefined) => {
    if (name && !defined.has(name)) reads.push(name);
  };
  for (const n of g.node) {
    for (const i of n.input) read(i);
    for (const a of n.attribute) for (const r of attributeReads(a)) read(r);
    for (const o of n.output) if (o) defined.add(o);
  }
  for (const o of g.output) read(o.name);
  return [...new Set(reads)];
}

function attributeReads(a: AttributeProto): string[] {
  const graphs = [...(a.g ? [a.g] : []), ...(a.graphs ?? [])];
  return graphs.flatMap(outerReads);
}

/** Every value a node reads: its inputs and what its subgraphs take from the outer scope. */
export function nodeReads(node: Node): string[] {
  const reads = node.inputs.filter((i) => i !== '');
  for (const a of node.attributes) reads.push(...attributeReads(a));
  return [...new Set(reads)];
}

function sparseName(s: SparseTensorProto): string | undefined {
  return s.values?.name ?? undefined;
}

/** The selected nodes as a standalone graph (see the file header for what it holds). */
export function extractSubGraph(graph: Graph, nodeNames: Iterable<string>, options: ExtractOptions = {}): Graph {
  const wanted = new Set(nodeNames);
  if (wanted.size === 0) throw new HybridError('OPTION', `extract from '${graph.name}': no nodes given`);
  const known = new Set(graph.nodes.map((n) => n.name));
  const missing = [...wanted].filter((n) => !known.has(n));
  if (missing.length) {
    throw new HybridError('OPTION', `extract from '${graph.name}': no node named ${missing.map((m) => `'${m}'`).join(', ')}`);
  }
  const nodes = graph.nodes.filter((n) => wanted.has(n.name));
  const produced = new Set(nodes.flatMap((n) => n.outputs).filter((o) => o !== ''));

  const readOutside = new Set(graph.outputs);
  for (const n of graph.nodes) if (!wanted.has(n.name)) for (const r of nodeReads(n)) readOutside.add(r);
  const readInside = new Set(nodes.flatMap(nodeReads));

  const sparse = new Map<string, SparseTensorProto>();
  for (const s of (graph.graphExtra.sparseInitializer as SparseTensorProto[] | undefined) ?? []) {
    const name = sparseName(s);
    if (name) sparse.set(name, s);
  }
  const inputs: string[] = [];
  const initializers: string[] = [];
  const sparseUsed: SparseTensorProto[] = [];
  for (const r of readInside) {
    if (produced.has(r)) continue;
    if (graph.initializers.has(r)) initializers.push(r);
    else if (sparse.has(r)) sparseUsed.push(sparse.get(r)!);
    else inputs.push(r);
  }

  const forced = new Set(options.outputs ?? []);
  for (const f of forced) {
    if (!produced.has(f)) throw new HybridError('OPTION', `extract from '${graph.name}': value '${f}' is not produced by the extracted nodes`);
  }
  let outputs = [...produced].filter((v) => readOutside.has(v) || forced.has(v));
  if (outputs.length === 0) outputs = [...produced].filter((v) => !readInside.has(v));

  const types = typesFor(graph, [...inputs, ...outputs, ...produced]);
  for (const i of inputs) {
    // A sequence or optional input keeps the type it was loaded with (in valueInfoExtra).
    if (!types.get(i)?.dtype && !graph.valueInfoExtra.get(i)?.type) {
      const reader = nodes.find((n) => nodeReads(n).includes(i));
      throw new HybridError(
        'SHAPE',
        `extract from '${graph.name}': input '${i}' of node '${reader?.name}' has no known element type (declare it in the model or give input shapes)`,
      );
    }
  }

  const sub = new Graph();
  sub.name = options.name ?? `${graph.name}_sub`;
  sub.nodes = nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attributes: [...n.attributes] }));
  sub.inputs = inputs;
  sub.outputs = outputs;
  for (const name of initializers) {
    sub.initializers.set(name, graph.initializers.get(name)!);
    const t = graph.types.get(name);
    if (t) sub.types.set(name, t);
  }
  const declared = options.declaredTypes;
  if (declared) {
    // Loose: only the boundary gets types (and initializers their own).
    for (const name of [...inputs, ...outputs]) {
      const t = looseType(types.get(name), declared.get(name));
      if (t.dtype || t.shape) sub.types.set(name, t);
    }
  } else {
    for (const [name, t] of types) if (t.dtype || t.shape) sub.types.set(name, t);
  }
  sub.opsets = new Map(graph.opsets);
  sub.functions = [...graph.functions];
  sub.modelExtra = graph.modelExtra;
  const names = new Set([...inputs, ...outputs, ...produced, ...initializers, ...sparseUsed.map(sparseName)]);
  const annotations = (graph.graphExtra.quantizationAnnotation as Array<{ tensorName?: string }> | undefined) ?? [];
  sub.graphExtra = {
    ...graph.graphExtra,
    sparseInitializer: sparseUsed,
    quantizationAnnotation: annotations.filter((q) => q.tensorName && names.has(q.tensorName)),
  };
  for (const [name, extra] of graph.valueInfoExtra) if (names.has(name)) sub.valueInfoExtra.set(name, extra);
  sub.invalidate();
  return sub;
}

/** The selected nodes as a standalone, valid ModelProto. */
export function extractSubModel(graph: Graph, nodeNames: Iterable<string>, options: ExtractOptions = {}): ModelProto {
  return extractSubGraph(graph, nodeNames, options).toModel({ valueInfo: options.valueInfo !== false && !options.declaredTypes });
}

/** Types of `names` from the graph, inferred on a copy where an element type is missing. */
function typesFor(graph: Graph, names: string[]): Map<string, ValueType> {
  let source = graph.types;
  if (names.some((n) => !graph.types.get(n)?.dtype)) {
    const copy = graph.clone();
    inferShapes(copy);
    source = copy.types;
  }
  const out = new Map<string, ValueType>();
  for (const n of names) {
    const t = source.get(n);
    if (t) out.set(n, { ...t, shape: t.shape ? [...t.shape] : undefined });
  }
  return out;
}
