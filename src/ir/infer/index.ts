/**
 * Shape and type inference over the graph IR, with symbolic dimensions and ONNX-style data
 * propagation.
 *
 * `inferShapes(graph)` walks the nodes in order and fills `graph.types` with the dtype and
 * shape of every node output it can (rules.ts lists the ops it knows). It promises:
 * - never a wrong number: what cannot be determined is a fresh symbol (one dim), an undefined
 *   shape (unknown rank) or an undefined dtype; an op without a rule keeps only the types the
 *   model declares for its outputs;
 * - symbols flow: an input dim 'N' stays 'N' through the ops that keep it, N broadcast with 1
 *   is N, and products stay exact ("3*N"), so Reshape(x, [N, -1]) still gets a number;
 * - known values of small tensors (Shape, Constant, initializers and the ops exporters apply to
 *   them) are propagated, so Reshape(x, Concat(Shape(x)[0:1], [-1])) gets its exact shape; the
 *   result hands them out for constant folding and converters;
 * - the model's declared types fill in what inference leaves symbolic (unless `reset`); a
 *   declared type that contradicts inference is reported in `issues` and inference wins.
 * Inconsistent nodes (shapes that cannot broadcast, bad axes) do not throw: they are reported
 * in `issues` (naming node and op) and their outputs stay unknown; `strict` throws instead.
 */
import { HybridError } from '../../errors.js';
import { type Graph, type Node, isDefaultDomain } from '../graph.js';
import type { TensorData } from '../../onnx/tensor.js';
import type { Dim, ValueType } from '../types.js';
import { SymbolTable } from './dims.js';
import { type InferCtx, InferenceError, type OutputInfo, type Rule } from './context.js';
import { MICROSOFT_RULES } from './microsoft.js';
import { RULES } from './rules.js';
import { type KnownValue, valueFromTensor, valueToTensor } from './values.js';

export interface InferOptions {
  /**
   * Replace graph input shapes (e.g. symbolic dims by numbers): `{ input: [1, 3, 224, 224] }`.
   * A symbol replaced by a number is replaced by it wherever else it occurs (another input's
   * 'batch' too). Unknown names, rank changes and contradicted numbers are INPUT errors.
   */
  inputShapes?: Record<string, Dim[]>;
  /** Forget the types of node outputs first (keep only graph inputs' and initializers'). */
  reset?: boolean;
  /** Throw a SHAPE error at the first inconsistent node instead of reporting it. */
  strict?: boolean;
}

export interface InferIssue {
  node: string;
  opType: string;
  message: string;
}

export interface InferResult {
  /** Known values of small tensors (shape arithmetic) produced by nodes, by value name. */
  values: Map<string, TensorData>;
  /** Integer values known up to symbols (Shape of an [N,3] tensor: [N, 3]), by value name. */
  dimValues: Map<string, Dim[]>;
  /** Op types that inference has no rule for (their outputs stay unknown). */
  unknownOps: Set<string>;
  /** Inconsistencies found (a node whose inputs cannot be what it needs, a contradicted declared type). */
  issues: InferIssue[];
}

export { RULES as INFERENCE_RULES } from './rules.js';

/** Whether inference has a rule for this op (the default domain, and com.microsoft's ops in microsoft.ts). */
export function canInfer(opType: string, domain = ''): boolean {
  return isDefaultDomain(domain) ? Object.hasOwn(RULES, opType) : domain === 'com.microsoft' && Object.hasOwn(MICROSOFT_RULES, opType);
}

function ruleOf(node: Node): Rule | undefined {
  if (isDefaultDomain(node.domain)) return Object.hasOwn(RULES, node.opType) ? RULES[node.opType] : undefined;
  return node.domain === 'com.microsoft' && Object.hasOwn(MICROSOFT_RULES, node.opType) ? MICROSOFT_RULES[node.opType] : undefined;
}

const ANONYMOUS_DIM = /^unk__dim\d+$/;

export function inferShapes(graph: Graph, options: InferOptions = {}): InferResult {
  const taken = new Set<string>();
  for (const t of graph.types.values()) for (const d of t.shape ?? []) if (typeof d === 'string') taken.add(d);
  const symbols = new SymbolTable(taken);
  if (options.reset) {
    const keep = new Set([...graph.inputs, ...graph.initializers.keys()]);
    for (const name of [...graph.types.keys()]) if (!keep.has(name)) graph.types.delete(name);
  }
  prepareTypes(graph, symbols, options.inputShapes ?? {});

  const result: InferResult = { values: new Map(), dimValues: new Map(), unknownOps: new Set(), issues: [] };
  // The graph holds this run's values beside its types (Graph.inferredValues), filled as they are.
  graph.inferredValues = result.values;
  const values = new Map<string, KnownValue>();
  const constants = new Map<string, KnownValue | null>();
  const valueOf = (name: string): KnownValue | undefined => {
    const v = values.get(name);
    if (v) return v;
    if (!graph.isInitializer(name)) return undefined;
    let c = constants.get(name);
    if (c === undefined) {
      try {
        const t = graph.constant(name);
        c = t ? (valueFromTensor(t) ?? null) : null;
      } catch {
        c = null;
      }
      constants.set(name, c);
    }
    return c ?? undefined;
  };
  const report = (node: Node, message: string) => {
    if (options.strict) throw new HybridError('SHAPE', `node '${node.name}' (${node.opType}): ${message}`);
    result.issues.push({ node: node.name, opType: node.opType, message });
  };

  for (const node of graph.nodes) {
    const rule = ruleOf(node);
    if (!rule) {
      result.unknownOps.add(node.domain && !isDefaultDomain(node.domain) ? `${node.domain}:${node.opType}` : node.opType);
      continue;
    }
    let outs: Array<OutputInfo | undefined> = [];
    try {
      outs = rule(makeContext(graph, node, symbols, valueOf));
      // A rule's arithmetic on absurd dims (beyond 2^53, or negative) must not leave a size
      // that is not one: the output is then unknown, as for any other failure.
      for (const o of outs) {
        const bad = o?.shape?.find((d) => typeof d === 'number' && !(Number.isSafeInteger(d) && d >= 0));
        if (bad !== undefined) throw new InferenceError(`${node.opType}: a dimension of ${bad} is not a size`);
      }
    } catch (e) {
      if (e instanceof HybridError && e.code === 'SHAPE') throw e;
      const message = e instanceof InferenceError ? e.message : `inference failed: ${(e as Error).message}`;
      report(node, message);
      outs = [];
    }
    node.outputs.forEach((name, i) => {
      if (!name) return;
      const info = outs[i];
      const merged = mergeDeclared(graph.types.get(name), info, (m) => report(node, `output '${name}': ${m}`));
      if (merged.dtype || merged.shape) graph.types.set(name, merged);
      else graph.types.delete(name);
      if (info?.value) {
        values.set(name, info.value);
        const t = valueToTensor(info.value);
        if (t) result.values.set(name, t);
        else if (info.value.elems.length <= 64 && info.value.dims.length <= 1) result.dimValues.set(name, [...info.value.elems]);
      }
    });
  }
  return result;
}

function makeContext(graph: Graph, node: Node, symbols: SymbolTable, valueOf: (n: string) => KnownValue | undefined): InferCtx {
  const name = (i: number) => node.inputs[i] ?? '';
  const type = (i: number): ValueType | undefined => (name(i) ? graph.types.get(name(i)) : undefined);
  return {
    node,
    opset: graph.opset(node.domain) ?? 1,
    symbols,
    inputCount: node.inputs.length,
    has: (i) => name(i) !== '',
    type,
    dtype: (i) => type(i)?.dtype,
    shape: (i) => type(i)?.shape,
    value: (i) => (name(i) ? valueOf(name(i)) : undefined),
    numbers: (i) => {
      const v = name(i) ? valueOf(name(i)) : undefined;
      return v && v.elems.every((e) => typeof e === 'number') ? (v.elems as number[]) : undefined;
    },
  };
}

/**
 * Combines a declared type with an inferred one: inferred numbers and dtypes win; a declared
 * number or model-named symbol fills a dim inference left as a fresh symbol.
 */
function mergeDeclared(declared: ValueType | undefined, inferred: OutputInfo | undefined, warn: (m: string) => void): ValueType {
  const out: ValueType = {};
  const dtype = inferred?.dtype ?? declared?.dtype;
  if (inferred?.dtype && declared?.dtype && inferred.dtype !== declared.dtype) {
    warn(`declared as ${declared.dtype}, inferred ${inferred.dtype}`);
  }
  if (dtype) out.dtype = dtype;
  const a = inferred?.shape;
  const b = declared?.shape;
  if (a && b && a.length !== b.length) warn(`declared rank ${b.length}, inferred rank ${a.length}`);
  if (a && b && a.length === b.length) {
    out.shape = a.map((d, i) => {
      const e = b[i]!;
      if (typeof d === 'number') {
        if (typeof e === 'number' && e !== d) warn(`dimension ${i} declared ${e}, inferred ${d}`);
        return d;
      }
      if (typeof e === 'number') return e;
      return d.startsWith('unk__') && !e.startsWith('unk__') ? e : d;
    });
  } else if (a || b) out.shape = [...(a ?? b)!];
  return out;
}

/** Applies input shape overrides (and the symbol values they imply) and names anonymous dims. */
function prepareTypes(graph: Graph, symbols: SymbolTable, overrides: Record<string, Dim[]>): void {
  const bind = new Map<string, number>();
  for (const [name, dims] of Object.entries(overrides)) {
    if (!graph.inputs.includes(name)) {
      throw new HybridError('INPUT', `shape given for '${name}', which is not an input of the model (inputs: ${graph.inputs.join(', ') || 'none'})`);
    }
    for (const d of dims) {
      if (typeof d === 'number' && !(Number.isSafeInteger(d) && d >= 0)) {
        throw new HybridError('INPUT', `input '${name}': invalid dimension ${d} in [${dims.join(',')}]`);
      }
    }
    const declared = graph.types.get(name)?.shape;
    if (!declared) continue;
    if (declared.length !== dims.length) {
      throw new HybridError(
        'INPUT',
        `input '${name}': shape [${dims.join(',')}] has rank ${dims.length}, the model declares [${declared.join(',')}]`,
      );
    }
    declared.forEach((d, i) => {
      const g = dims[i]!;
      if (typeof d === 'number' && typeof g === 'number' && d !== g) {
        throw new HybridError('INPUT', `input '${name}': dimension ${i} is ${d} in the model, ${g} was given`);
      }
      if (typeof d === 'string' && typeof g === 'number' && !ANONYMOUS_DIM.test(d)) {
        const prev = bind.get(d);
        if (prev !== undefined && prev !== g) {
          throw new HybridError('INPUT', `dimension '${d}' is given as both ${prev} and ${g} (input '${name}')`);
        }
        bind.set(d, g);
      }
    });
  }
  for (const [name, t] of graph.types) {
    const given = overrides[name];
    let shape = given && graph.inputs.includes(name) ? [...given] : t.shape;
    if (!shape) continue;
    shape = shape.map((d) => (typeof d === 'string' ? (ANONYMOUS_DIM.test(d) ? symbols.fresh() : (bind.get(d) ?? d)) : d));
    graph.types.set(name, { ...t, shape });
  }
  for (const [name, given] of Object.entries(overrides)) {
    if (!graph.types.has(name)) graph.types.set(name, { shape: [...given] });
  }
}
