/**
 * The graph IR: nodes, values, initializers, opset imports, and the model's other fields kept
 * for a lossless save.
 *
 * Contract:
 * - `nodes` is kept in topological order by whoever mutates it (`topoSort()` restores it and
 *   throws on a cycle); node names are unique (missing ones are generated at load).
 * - A value is named by a string; '' in `inputs` marks an omitted optional input.
 * - `types` holds what is known of each value's dtype and shape (declared in the model, or
 *   inferred by `inferShapes`).
 * - `initializers` are constant tensors as TensorProtos; `constant(name)` decodes one lazily.
 * - Indexes (producer, consumers, nodes by name) are built lazily and kept up to date by the
 *   mutation helpers here (removeNodes, replaceAllUses), each in time proportional to what it
 *   touches, so that a pass rewriting every node stays linear; code that edits `nodes` or a
 *   node's inputs/outputs directly must call `invalidate()` (the next lookup rebuilds them).
 * - removeNodes() is lazy: removed nodes leave `nodes` the next time it is read.
 */
import { HybridError } from '../errors.js';
import type { FunctionProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/proto.js';
import { toLong, toNumber } from '../onnx/proto.js';
import { type TensorData, checkTensorProto, tensorFromProto, tensorToProto } from '../onnx/tensor.js';
import type { AttributeProto } from '../onnx/proto.js';
import { type ValueType, valueTypeFromProto, valueTypeToProto } from './types.js';

export interface Node {
  /** Unique within the graph. */
  name: string;
  opType: string;
  /** '' (or 'ai.onnx') for the default domain. */
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: AttributeProto[];
  /** Fields of the loaded NodeProto that the IR does not model (doc string, metadata, overload). */
  extra?: Partial<Pick<NodeProto, 'docString' | 'metadataProps' | 'overload'>> & Record<string, unknown>;
}

export const DEFAULT_DOMAIN = '';

/** The IR node of a NodeProto, named `name` (fields the IR does not model kept in `extra`). */
export function nodeFromProto(np: NodeProto, name: string): Node {
  const { input, output, name: _n, opType, domain, attribute, ...extra } = np;
  return {
    name,
    opType: opType ?? '',
    domain: domain === 'ai.onnx' ? '' : (domain ?? ''),
    inputs: [...input],
    outputs: [...output],
    // A list of the node's own: passes rewrite attributes in place (setAttr), and the proto is
    // the caller's (compile() must leave its source as it was).
    attributes: [...attribute],
    extra: Object.values(extra).some((v) => (Array.isArray(v) ? v.length : v)) ? extra : undefined,
  };
}

export function isDefaultDomain(domain: string): boolean {
  return domain === '' || domain === 'ai.onnx';
}

export class Graph {
  name = 'graph';
  private nodeList: Node[] = [];
  /** Removed, not yet dropped from nodeList (see `nodes`). */
  private removed = new Set<Node>();
  /** Graph inputs that are not initializers, in order. */
  inputs: string[] = [];
  outputs: string[] = [];
  initializers = new Map<string, TensorProto>();
  types = new Map<string, ValueType>();
  /**
   * The contents inference knows of values no constant holds (shape arithmetic: a Shape ->
   * Gather -> Concat chain), at the shapes `types` holds: written by inferShapes with `types`
   * (each run replaces it), read by the converters as values known at compile time
   * (converters/context.ts). Empty until inference runs.
   */
  inferredValues: ReadonlyMap<string, TensorData> = new Map();
  /** Domain ('' for ai.onnx) -> opset version. */
  opsets = new Map<string, number>();
  functions: FunctionProto[] = [];
  /** Model fields the IR does not model, kept for a lossless save. */
  modelExtra: Partial<ModelProto> = {};
  /** Graph fields the IR does not model (doc string, sparse initializers, annotations...). */
  graphExtra: Record<string, unknown> = {};
  /** Value infos as loaded (doc strings, metadata) by value name. */
  valueInfoExtra = new Map<string, Partial<ValueInfoProto>>();

  private producerIndex?: Map<string, Node>;
  private consumerIndex?: Map<string, Node[]>;
  private nameIndex?: Map<string, Node>;
  private constantCache = new Map<string, TensorData>();
  private nameCounter = 0;

  /** The nodes, in order. Assigning a new array drops the indexes. */
  get nodes(): Node[] {
    if (this.removed.size) {
      this.nodeList = this.nodeList.filter((n) => !this.removed.has(n));
      this.removed.clear();
    }
    return this.nodeList;
  }

  set nodes(list: Node[]) {
    this.nodeList = list;
    this.removed.clear();
    this.invalidate();
  }

  /** Whether `node` is one of the graph's nodes (not removed). */
  contains(node: Node): boolean {
    if (this.removed.has(node)) return false;
    if (!this.nameIndex) this.buildIndexes();
    return this.nameIndex!.get(node.name) === node;
  }

  /** Builds the IR from a decoded model. `label` names the model in errors. */
  static fromModel(model: ModelProto, label = 'model'): Graph {
    const g = new Graph();
    const gp = model.graph;
    if (!gp) throw new HybridError('MODEL_INVALID', `${label}: the model has no graph`);
    const { graph: _graph, opsetImport, functions, ...modelExtra } = model;
    g.modelExtra = modelExtra;
    g.functions = functions ?? [];
    for (const o of opsetImport ?? []) {
      const domain = o.domain === 'ai.onnx' ? '' : (o.domain ?? '');
      g.opsets.set(domain, toNumber(o.version));
    }
    if (!g.opsets.has('')) g.opsets.set('', 1);
    const { node, name, initializer, input, output, valueInfo, ...graphExtra } = gp;
    g.name = name || 'graph';
    g.graphExtra = graphExtra;
    for (const t of initializer) {
      if (!t.name) throw new HybridError('MODEL_INVALID', `${label}: an initializer has no name`);
      // Here rather than in check.ts, which sees the map: a second 'w' would silently win.
      if (g.initializers.has(t.name)) throw new HybridError('MODEL_INVALID', `${label}: initializer '${t.name}' is given twice`);
      g.initializers.set(t.name, t);
    }
    const readInfo = (vi: ValueInfoProto) => {
      if (!vi.name) return;
      const t = valueTypeFromProto(vi.type);
      if (t.dtype || t.shape) g.types.set(vi.name, t);
      const { name: _n, type, ...rest } = vi;
      // A type the IR cannot express (sequence, optional, int4...) is kept as loaded for toModel.
      const extra: Partial<ValueInfoProto> = !t.dtype && type && Object.keys(type).length ? { ...rest, type } : rest;
      if (Object.values(extra).some((v) => (Array.isArray(v) ? v.length : v))) g.valueInfoExtra.set(vi.name, extra);
    };
    for (const vi of valueInfo) readInfo(vi);
    for (const vi of input) {
      readInfo(vi);
      if (vi.name && !g.initializers.has(vi.name)) g.inputs.push(vi.name);
    }
    for (const vi of output) {
      readInfo(vi);
      g.outputs.push(vi.name ?? '');
    }
    for (const [name, t] of g.initializers) {
      if (!g.types.has(name)) {
        const dtype = (() => {
          try {
            return checkTensorProto(t).dtype; // checked, not decoded: decoding may copy the weights
          } catch {
            return undefined;
          }
        })();
        g.types.set(name, { dtype, shape: t.dims.map(toNumber) });
      }
    }
    const used = new Set<string>();
    for (const np of node) {
      let nodeName = np.name ?? '';
      if (!nodeName || used.has(nodeName)) nodeName = g.freshName(`${np.opType ?? 'node'}_`, used);
      used.add(nodeName);
      g.nodes.push(nodeFromProto(np, nodeName));
    }
    // freshName() above builds the indexes over the nodes read so far: drop them.
    g.invalidate();
    return g;
  }

  /** Writes the IR back as a ModelProto (types of inputs/outputs/intermediates as value_info). */
  toModel(options: { valueInfo?: boolean } = {}): ModelProto {
    // A value of unknown element type gets no type at all: elem_type 0 is invalid ONNX.
    const vi = (name: string): ValueInfoProto => {
      const t = this.types.get(name);
      const extra = this.valueInfoExtra.get(name);
      return { ...(extra ?? {}), name, type: t?.dtype ? valueTypeToProto(t) : extra?.type };
    };
    const initNames = new Set(this.initializers.keys());
    const graphIO = new Set([...this.inputs, ...this.outputs]);
    const valueInfo: ValueInfoProto[] = [];
    if (options.valueInfo !== false) {
      for (const n of this.nodes) {
        for (const o of n.outputs) {
          if (o && !graphIO.has(o) && !initNames.has(o) && this.types.get(o)?.dtype) valueInfo.push(vi(o));
        }
      }
    }
    const nodes: NodeProto[] = this.nodes.map((n) => ({
      ...(n.extra ?? {}),
      input: n.inputs,
      output: n.outputs,
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      attribute: n.attributes,
    })) as NodeProto[];
    const opsetImport = [...this.opsets].map(([domain, version]) => ({ domain, version: toLong(version) }));
    return {
      ...this.modelExtra,
      irVersion: this.modelExtra.irVersion ?? toLong(8),
      opsetImport,
      functions: this.functions,
      metadataProps: this.modelExtra.metadataProps ?? [],
      graph: {
        ...this.graphExtra,
        name: this.name,
        node: nodes,
        initializer: [...this.initializers.values()],
        sparseInitializer: (this.graphExtra.sparseInitializer as never) ?? [],
        // IR version < 4 requires every initializer to be a graph input as well.
        input: (toNumber(this.modelExtra.irVersion ?? 8) < 4
          ? [...this.inputs, ...[...initNames].filter((n) => !this.inputs.includes(n))]
          : this.inputs
        ).map(vi),
        output: this.outputs.map(vi),
        valueInfo,
      },
    } as ModelProto;
  }

  /** A deep-enough copy: nodes, lists and maps are new; tensors and attributes are shared. */
  clone(): Graph {
    const g = new Graph();
    g.name = this.name;
    g.nodes = this.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attributes: [...n.attributes] }));
    g.inputs = [...this.inputs];
    g.outputs = [...this.outputs];
    g.initializers = new Map(this.initializers);
    g.types = new Map([...this.types].map(([k, v]) => [k, { ...v, shape: v.shape ? [...v.shape] : undefined }]));
    g.inferredValues = new Map(this.inferredValues);
    g.opsets = new Map(this.opsets);
    g.functions = [...this.functions];
    g.modelExtra = this.modelExtra;
    g.graphExtra = this.graphExtra;
    g.valueInfoExtra = new Map(this.valueInfoExtra);
    g.nameCounter = this.nameCounter;
    return g;
  }

  opset(domain = ''): number | undefined {
    return this.opsets.get(domain === 'ai.onnx' ? '' : domain);
  }

  /** Drops the producer/consumer indexes; call after editing nodes directly. */
  invalidate(): void {
    this.producerIndex = undefined;
    this.consumerIndex = undefined;
    this.nameIndex = undefined;
  }

  private buildIndexes(): void {
    const producers = new Map<string, Node>();
    const consumers = new Map<string, Node[]>();
    const names = new Map<string, Node>();
    for (const n of this.nodes) {
      names.set(n.name, n);
      for (const o of n.outputs) if (o) producers.set(o, n);
      for (const i of n.inputs) {
        if (!i) continue;
        let list = consumers.get(i);
        if (!list) consumers.set(i, (list = []));
        // A node reading a value twice is listed once (inputs are short: the last is the check).
        if (list[list.length - 1] !== n) list.push(n);
      }
    }
    this.producerIndex = producers;
    this.consumerIndex = consumers;
    this.nameIndex = names;
  }

  producer(value: string): Node | undefined {
    if (!this.producerIndex) this.buildIndexes();
    return this.producerIndex!.get(value);
  }

  consumers(value: string): Node[] {
    if (!this.consumerIndex) this.buildIndexes();
    return this.consumerIndex!.get(value) ?? [];
  }

  node(name: string): Node | undefined {
    if (!this.nameIndex) this.buildIndexes();
    return this.nameIndex!.get(name);
  }

  isInitializer(name: string): boolean {
    return this.initializers.has(name);
  }

  /** The constant value of an initializer, decoded once; undefined for non-initializers. */
  constant(name: string): TensorData | undefined {
    const cached = this.constantCache.get(name);
    if (cached) return cached;
    const proto = this.initializers.get(name);
    if (!proto) return undefined;
    const t = tensorFromProto(proto);
    this.constantCache.set(name, t);
    return t;
  }

  /** Adds or replaces an initializer (and its type). */
  setInitializer(name: string, tensor: TensorData): void {
    this.initializers.set(name, tensorToProto(tensor, name));
    this.constantCache.set(name, tensor);
    this.types.set(name, { dtype: tensor.dtype, shape: [...tensor.dims] });
  }

  removeInitializer(name: string): void {
    this.initializers.delete(name);
    this.constantCache.delete(name);
  }

  /** A name not used by any value or node, starting with `prefix`. */
  freshName(prefix: string, alsoAvoid?: Set<string>): string {
    const taken = (s: string) =>
      alsoAvoid?.has(s) || this.types.has(s) || this.initializers.has(s) || this.producer(s) !== undefined || this.node(s) !== undefined;
    let s: string;
    do s = `${prefix}${this.nameCounter++}`;
    while (taken(s));
    return s;
  }

  /** Every value name that is read but produced by no node, input or initializer. */
  danglingInputs(): string[] {
    const known = new Set<string>([...this.inputs, ...this.initializers.keys()]);
    for (const n of this.nodes) for (const o of n.outputs) if (o) known.add(o);
    const out = new Set<string>();
    for (const n of this.nodes) for (const i of n.inputs) if (i && !known.has(i)) out.add(i);
    for (const o of this.outputs) if (!known.has(o)) out.add(o);
    return [...out];
  }

  /** Rewires every use of `from` (node inputs and graph outputs) to `to`: its readers only. */
  replaceAllUses(from: string, to: string): void {
    if (from === to) return;
    const readers = [...this.consumers(from)];
    for (const n of readers) n.inputs = n.inputs.map((i) => (i === from ? to : i));
    if (this.outputs.includes(from)) this.outputs = this.outputs.map((o) => (o === from ? to : o));
    const consumers = this.consumerIndex!;
    consumers.delete(from);
    if (readers.length) {
      const list = consumers.get(to) ?? [];
      const have = new Set(list);
      for (const n of readers) if (!have.has(n)) list.push(n);
      consumers.set(to, list);
    }
  }

  /** Sets a node's inputs, keeping the indexes. */
  setInputs(node: Node, inputs: string[]): void {
    const before = node.inputs;
    node.inputs = inputs;
    if (!this.consumerIndex) return;
    for (const i of before) {
      if (!i || inputs.includes(i)) continue;
      const list = this.consumerIndex.get(i);
      const k = list ? list.indexOf(node) : -1;
      if (k >= 0) list!.splice(k, 1);
      if (list && !list.length) this.consumerIndex.delete(i);
    }
    for (const i of inputs) {
      if (!i || before.includes(i)) continue;
      const list = this.consumerIndex.get(i) ?? [];
      if (!list.includes(node)) list.push(node);
      this.consumerIndex.set(i, list);
    }
  }

  /** Sets input `k` of a node (k may be the length: appends), keeping the indexes. */
  setInput(node: Node, k: number, value: string): void {
    const inputs = [...node.inputs];
    inputs[k] = value;
    this.setInputs(node, inputs);
  }

  /** Sets output `k` of a node, keeping the indexes. */
  setOutput(node: Node, k: number, value: string): void {
    const old = node.outputs[k];
    node.outputs = node.outputs.map((o, i) => (i === k ? value : o));
    if (!this.producerIndex) return;
    if (old && this.producerIndex.get(old) === node) this.producerIndex.delete(old);
    if (value) this.producerIndex.set(value, node);
  }

  /** Removes nodes (by identity); see pruneInitializers for the constants they read. */
  removeNodes(nodes: Iterable<Node>): void {
    for (const n of nodes) {
      if (this.removed.has(n)) continue;
      this.removed.add(n);
      if (!this.producerIndex) continue;
      for (const o of n.outputs) if (o && this.producerIndex.get(o) === n) this.producerIndex.delete(o);
      for (const i of n.inputs) {
        const list = i ? this.consumerIndex!.get(i) : undefined;
        if (!list) continue;
        const k = list.indexOf(n);
        if (k >= 0) list.splice(k, 1);
        if (!list.length) this.consumerIndex!.delete(i);
      }
      if (this.nameIndex!.get(n.name) === n) this.nameIndex!.delete(n.name);
    }
  }

  /** Removes initializers that no node, graph output or function reads. */
  pruneInitializers(): number {
    const used = new Set<string>(this.outputs);
    for (const n of this.nodes) for (const i of n.inputs) used.add(i);
    let removed = 0;
    for (const name of [...this.initializers.keys()]) {
      if (!used.has(name)) {
        this.removeInitializer(name);
        removed++;
      }
    }
    return removed;
  }

  /**
   * Restores topological order (stable: keeps the current order where it is valid).
   * Throws a MODEL_INVALID error naming a node on a cycle.
   */
  topoSort(): void {
    const producers = new Map<string, number>();
    this.nodes.forEach((n, idx) => n.outputs.forEach((o) => o && producers.set(o, idx)));
    const indegree = new Array<number>(this.nodes.length).fill(0);
    const users: number[][] = this.nodes.map(() => []);
    this.nodes.forEach((n, idx) => {
      const deps = new Set<number>();
      for (const i of n.inputs) {
        const p = i ? producers.get(i) : undefined;
        if (p !== undefined && p !== idx) deps.add(p);
        if (p === idx) throw new HybridError('MODEL_INVALID', `node '${n.name}' (${n.opType}) reads its own output '${i}'`);
      }
      indegree[idx] = deps.size;
      for (const d of deps) users[d]!.push(idx);
    });
    // A min-heap on the original index keeps the order stable.
    const ready: number[] = [];
    const push = (v: number) => {
      ready.push(v);
      let i = ready.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (ready[p]! <= ready[i]!) break;
        [ready[p], ready[i]] = [ready[i]!, ready[p]!];
        i = p;
      }
    };
    const pop = (): number => {
      const top = ready[0]!;
      const last = ready.pop()!;
      if (ready.length) {
        ready[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < ready.length && ready[l]! < ready[m]!) m = l;
          if (r < ready.length && ready[r]! < ready[m]!) m = r;
          if (m === i) break;
          [ready[m], ready[i]] = [ready[i]!, ready[m]!];
          i = m;
        }
      }
      return top;
    };
    indegree.forEach((d, i) => d === 0 && push(i));
    const order: Node[] = [];
    while (ready.length) {
      const i = pop();
      order.push(this.nodes[i]!);
      for (const u of users[i]!) if (--indegree[u]! === 0) push(u);
    }
    if (order.length !== this.nodes.length) {
      const stuck = this.nodes.find((_, i) => indegree[i]! > 0)!;
      throw new HybridError('MODEL_INVALID', `the graph has a cycle through node '${stuck.name}' (${stuck.opType})`);
    }
    this.nodes = order;
    this.invalidate();
  }
}
