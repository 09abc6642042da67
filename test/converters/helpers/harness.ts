/**
 * Test harness for converters: build a one-node (or small) graph, convert it the way the
 * compiler does (buildSegmentNetwork over every node), and either inspect the recorded
 * network or run it through the reference interpreter against onnxruntime on the same
 * inputs, and (where the addon is built) through a cpu engine against onnxruntime too. Output
 * types come from onnxruntime's actual outputs, not from the converter.
 */
import ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { builtinRegistry } from '../../../converters/index.js';
import { validateContext } from '../../../converters/context.js';
import type { Validation } from '../../../converters/types.js';
import { buildSegmentNetwork } from '../../../converters/segment-network.js';
import type { NetworkDefinition, NetLayer } from '../../../src/engine/network.js';
import type { Graph } from '../../../src/ir/graph.js';
import { type ModelSpec, buildGraph } from '../../../src/ir/model-builder.js';
import { encodeModel } from '../../../src/onnx/model.js';
import { fromOrtTensor, toOrtTensor } from '../../../src/onnx/ort.js';
import type { NumericDType } from '../../../src/onnx/dtype.js';
import type { TensorData } from '../../../src/onnx/tensor.js';
import { mulberry32, randomInt, uniform } from '../../../src/util/random.js';
import { type HostTensor, evalNetwork, fromTensorData } from './eval-network.js';
import { buildEngine } from '../../../src/engine/engine.js';
import { nativeAvailable } from '../../../src/engine/native.js';
import { inferShapes } from '../../../src/ir/infer/index.js';

export const registry = builtinRegistry();

export function tensor(dtype: NumericDType, dims: number[], values: ArrayLike<number>): TensorData {
  const n = dims.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new Error(`${values.length} values for [${dims}]`);
  const v = Array.from(values);
  const data =
    dtype === 'int64'
      ? BigInt64Array.from(v.map((x) => BigInt(x)))
      : dtype === 'int32'
        ? Int32Array.from(v)
        : dtype === 'bool' || dtype === 'uint8'
          ? Uint8Array.from(v)
          : dtype === 'int8'
            ? Int8Array.from(v)
            : Float32Array.from(v);
  return { dtype, dims, data };
}

export function random(dtype: NumericDType, dims: number[], seed: number, lo = -2, hi = 2): TensorData {
  const r = mulberry32(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const ints = dtype !== 'float32';
  const vals = Array.from({ length: n }, () => (dtype === 'bool' ? (r() < 0.5 ? 1 : 0) : ints ? randomInt(r, lo, hi) : uniform(r, lo, hi)));
  return tensor(dtype, dims, vals);
}

/** validate() of a graph's node through the registry, with the graph as context (its constants and graph.inferredValues). */
export function validateNode(graph: Graph, nodeName?: string, ranged = false): Validation {
  const node = nodeName ? graph.node(nodeName)! : graph.nodes[0]!;
  const ctx = validateContext(graph, node.domain, ranged);
  const c = registry.lookup(node.opType, node.domain, ctx.opset);
  if (!c) return { ok: false, reason: `no converter for ${node.opType} at opset ${ctx.opset}` };
  return c.validate(node, ctx);
}

/**
 * The network of all the graph's nodes, inputs and outputs as the graph has them. `ranged`: as
 * one view of a compile over shape ranges, where the values inference knows at these shapes are
 * computed in the engine (shape tensors) instead of being constants.
 */
export function convertGraph(graph: Graph, ranged = false): NetworkDefinition {
  if (ranged) inferShapes(graph); // the values inference fixes at these shapes, in graph.inferredValues
  return buildSegmentNetwork(
    graph,
    graph.nodes.map((n) => n.name),
    { inputs: graph.inputs, outputs: graph.outputs, registry, ...(ranged ? { ranged } : {}) },
  );
}

/** Layers other than constants, for asserting what a converter emitted. */
export function computeLayers(net: NetworkDefinition): NetLayer[] {
  return net.layers.filter((l) => l.kind !== 'constant');
}

export async function runOrt(graph: Graph, feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
  const session = await ort.InferenceSession.create(encodeModel(graph.toModel()), { graphOptimizationLevel: 'disabled' });
  const results = await session.run(Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, toOrtTensor(v, k)])));
  await session.release();
  return Object.fromEntries(Object.entries(results).map(([k, v]) => [k, fromOrtTensor(v, k)]));
}

/** Element-wise comparison with |a - e| <= atol + rtol * |e| (NaN equals NaN). */
export function expectClose(actual: HostTensor, expected: TensorData, label: string, rtol = 1e-4, atol = 1e-5): void {
  const e = fromTensorData(expected);
  expect(actual.dtype, `${label}: dtype`).toBe(e.dtype);
  expect(actual.shape, `${label}: shape`).toEqual(e.shape);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < e.data.length; i++) {
    const a = actual.data[i]!;
    const x = e.data[i]!;
    if (Number.isNaN(x) && Number.isNaN(a)) continue;
    if (a === x) continue;
    const err = Math.abs(a - x) - (atol + rtol * Math.abs(x));
    if (!(err <= 0) && (worst < 0 || err > worstErr || Number.isNaN(err))) {
      worst = i;
      worstErr = err;
    }
  }
  expect(worst < 0 ? 'ok' : `element ${worst}: got ${actual.data[worst]}, expected ${e.data[worst]}`, label).toBe('ok');
}

export interface OrtCase {
  spec: ModelSpec;
  feeds: Record<string, TensorData>;
  rtol?: number;
  atol?: number;
  /** The outputs to hold the conversion to, where onnxruntime refuses `spec` itself (default: onnxruntime run on it). */
  expected?: Record<string, TensorData>;
  /** Convert as one view of a shape range (convertGraph): shape computations become shape tensors. */
  ranged?: boolean;
}

/**
 * Builds the graph, runs onnxruntime on the feeds, gives every graph output the type
 * onnxruntime produced, converts, interprets the network and compares. Returns the network.
 */
export async function checkAgainstOrt({ spec, feeds, rtol, atol, expected: given, ranged = false }: OrtCase): Promise<NetworkDefinition> {
  const graph = buildGraph(spec);
  const expected = given ?? (await runOrt(graph, feeds));
  for (const o of graph.outputs) graph.types.set(o, { dtype: expected[o]!.dtype, shape: expected[o]!.dims });
  if (ranged) inferShapes(graph);
  for (const n of ranged ? graph.nodes : graph.nodes.slice(0, 1)) {
    const verdict = validateNode(graph, n.name, ranged);
    expect(verdict, `validate '${n.name}': ${verdict.ok ? '' : verdict.reason}`).toEqual({ ok: true });
  }
  const net = convertGraph(graph, ranged);
  const actual = evalNetwork(net, feeds);
  for (const o of graph.outputs) expectClose(actual[o]!, expected[o]!, `output '${o}'`, rtol, atol);
  // The cpu engine too, where the addon is built: the network the converter emitted, run by
  // the kernels compile() would use, held to onnxruntime with the same tolerance.
  if (nativeAvailable()) {
    const engine = await buildEngine(net, { backend: 'cpu', threads: 1 });
    try {
      const inputs = Object.fromEntries(
        net.inputs.map((id) => {
          const name = net.tensors[id]!.name!;
          return [name, feeds[name]!.data as Exclude<TensorData['data'], string[]>];
        }),
      );
      const ctx = engine.createContext();
      const outs = await ctx.run(inputs);
      net.outputs.forEach((id, i) => {
        const t = net.tensors[id]!;
        // The run's shapes: a data-dependent output's (NonZero) is the count found, not its declared bound.
        const got = fromTensorData({ dtype: t.dtype, dims: [...ctx.outputShapes[i]!], data: outs[i]! } as TensorData);
        expectClose(got, expected[t.name!]!, `output '${t.name}' on the cpu engine`, rtol, atol);
      });
    } finally {
      engine.dispose();
    }
  }
  return net;
}

/** A one-node graph with typed inputs and outputs (outputs' types given by hand). */
export function nodeGraph(spec: ModelSpec): Graph {
  return buildGraph(spec);
}

export type TypeSpec = [dtype: NumericDType, shape: Array<number | string>];

export interface OneNode {
  op: string;
  attrs?: ModelSpec['nodes'][number]['attrs'];
  opset?: number;
  /** Inputs in order: a type (a graph input), a tensor (an initializer), or null (omitted). */
  inputs: Array<TypeSpec | TensorData | null>;
  /** Output types, in order (null: an output the node does not name). */
  outputs: Array<TypeSpec | null>;
  domain?: string;
}

/**
 * A graph of one node named 'n' with inputs 'in0', 'in1'... and outputs 'out0'...; types
 * are given by hand, as inference would have filled them.
 */
export function oneNode(spec: OneNode): Graph {
  const initializers: Record<string, TensorData> = {};
  const inputs: ModelSpec['inputs'] = [];
  const names = spec.inputs.map((s, i) => {
    if (s === null) return '';
    const name = `in${i}`;
    if (Array.isArray(s)) inputs.push({ name, dtype: s[0], shape: s[1] });
    else initializers[name] = s;
    return name;
  });
  const outputs = spec.outputs.flatMap((s, i) => (s ? [{ name: `out${i}`, dtype: s[0], shape: s[1] }] : []));
  return buildGraph({
    opset: spec.opset,
    inputs,
    outputs,
    initializers,
    nodes: [
      { op: spec.op, name: 'n', domain: spec.domain, attrs: spec.attrs, inputs: names, outputs: spec.outputs.map((s, i) => (s ? `out${i}` : '')) },
    ],
  });
}

/** Converts a one-node graph and returns its compute layers (constants left out). */
export function emitted(spec: OneNode): NetLayer[] {
  return computeLayers(convertGraph(oneNode(spec)));
}

/** validate()'s verdict on a one-node graph. */
export function verdict(spec: OneNode): Validation {
  return validateNode(oneNode(spec));
}
