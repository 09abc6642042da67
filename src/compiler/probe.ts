/**
 * Shape probing, as Torch-TensorRT's shape analysis does it: where inference leaves a value's
 * shape unknown (an op without an inference rule, a shape computed from data) and an engine
 * could otherwise take the nodes that read it, run the part of the model that computes it on
 * onnxruntime with sample inputs of the compiled shapes and read the shapes off the results.
 *
 * It runs on several different samples (seeded random ones, or given feeds and resamples of
 * them): a value whose shape differs between them depends on the data (NonZero, a Reshape to
 * a computed size...) and stays unknown, so its readers stay on onnxruntime. A value whose
 * shape agrees is recorded in graph.types; inference then runs again and carries it on.
 * (Agreeing samples are evidence, not proof: an engine still checks every input shape at run
 * time, and a segment that meets another shape runs on onnxruntime: runtime/segments.ts.)
 */
import ort from 'onnxruntime-node';
import type { ConverterRegistry } from '../../converters/registry.js';
import { HybridError, messageLine } from '../errors.js';
import { extractSubModel } from '../ir/extract.js';
import type { Graph, Node } from '../ir/graph.js';
import { type ValueType, isStaticShape } from '../ir/types.js';
import { type NumericDType, TYPED_ARRAY, isFloatDType, numel } from '../onnx/dtype.js';
import { encodeModel } from '../onnx/model.js';
import { firstOrtHazard } from '../onnx/ort-hazards.js';
import { fromOrtTensor, toOrtTensor } from '../onnx/ort.js';
import { type TensorData, isNumericDType } from '../onnx/tensor.js';
import { nodeReads } from '../partition/reads.js';
import { mulberry32, streamSeed } from '../util/random.js';
import type { InputPlan } from './source.js';

/**
 * A sample input: floats uniform in [-1, 1), integers and bools 0 or 1 (valid as indices into
 * any non-empty axis, the usual integer input), float16 as bits of values in [-1, 1).
 */
export function sampleTensor(input: InputPlan, seed: number): TensorData {
  const n = numel(input.shape);
  // Seeded, so that a compile probes the same way every time.
  const next = mulberry32(seed);
  const dtype: NumericDType = input.dtype;
  const data = new TYPED_ARRAY[dtype](n);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) data[i] = next() < 0.5 ? 0n : 1n;
  } else if (dtype === 'float16' || dtype === 'bfloat16') {
    // Sign and a small exponent: values of magnitude in [2^-2, 1).
    const bias = dtype === 'float16' ? 0x3400 : 0x3e80;
    for (let i = 0; i < n; i++) (data as Uint16Array)[i] = (next() < 0.5 ? 0x8000 : 0) | (bias + Math.floor(next() * 0x400));
  } else if (isFloatDType(dtype)) {
    for (let i = 0; i < n; i++) (data as Float32Array)[i] = next() * 2 - 1;
  } else {
    for (let i = 0; i < n; i++) (data as Int32Array)[i] = next() < 0.5 ? 0 : 1;
  }
  return { dtype, dims: [...input.shape], data };
}

/**
 * Another sample made from given feeds: every float tensor's elements drawn at random (seeded)
 * from its own elements, with replacement (the same values, so still in the range the model
 * expects, but in other places and other proportions: how many exceed a threshold, which boxes
 * score highest), integer and bool tensors as they are (often indices or lengths, which a
 * resample could make invalid). Shapes whose size depends on float data then differ.
 */
export function resampledFeeds(feeds: ReadonlyMap<string, TensorData>, seed: number): Map<string, TensorData> {
  const out = new Map<string, TensorData>();
  for (const [name, t] of feeds) {
    if (!isFloatDType(t.dtype) || t.data.length < 2) {
      out.set(name, t);
      continue;
    }
    const next = mulberry32(streamSeed(seed, name));
    const src = t.data as Float32Array;
    const data = src.slice();
    for (let i = 0; i < data.length; i++) data[i] = src[Math.floor(next() * src.length)]!;
    out.set(name, { ...t, data });
  }
  return out;
}

const known = (g: Graph, v: string) => {
  const t = g.types.get(v);
  return t?.dtype !== undefined && isStaticShape(t.shape);
};

/**
 * Values worth probing: produced by a node, of unknown dtype or shape, and read by a node that
 * has a converter (an engine could take it once its shapes are known; a node forced to the
 * fallback is probed all the same, which costs nothing but a wider probe), or a model output
 * (its shape is part of the model's metadata).
 */
export function valuesToProbe(graph: Graph, registry: ConverterRegistry): string[] {
  const produced = new Set(graph.nodes.flatMap((n) => n.outputs.filter((o) => o)));
  const wanted = new Set<string>();
  for (const node of graph.nodes) {
    if (!registry.lookup(node.opType, node.domain, graph.opset(node.domain) ?? 1)) continue;
    for (const r of nodeReads(node)) if (produced.has(r) && !known(graph, r)) wanted.add(r);
  }
  for (const o of graph.outputs) if (produced.has(o) && !known(graph, o)) wanted.add(o);
  return [...wanted];
}

/**
 * The nodes needed to compute `values` (their producers, transitively), in graph order; a value
 * `given` says is at hand (an earlier round computed it) is read, not computed again.
 */
function ancestors(graph: Graph, values: readonly string[], given: (v: string) => boolean = () => false): string[] {
  const need = new Set<Node>();
  const stack = [...values];
  const wanted = new Set(values);
  while (stack.length) {
    const v = stack.pop()!;
    if (!wanted.has(v) && given(v)) continue;
    const p = graph.producer(v);
    if (!p || need.has(p)) continue;
    need.add(p);
    stack.push(...nodeReads(p));
  }
  return graph.nodes.filter((n) => need.has(n)).map((n) => n.name);
}

/**
 * Whether every sample's computed `v` can be fed where the graph's type of `v` is declared: an
 * element type, and dims that match the type's fixed ones (a data-dependent value is declared
 * with unnamed dims).
 */
function feedable(graph: Graph, v: string, computed: ReadonlyArray<ReadonlyMap<string, TensorData>>): boolean {
  const t = graph.types.get(v);
  if (!t?.dtype) return false;
  return computed.every((c) => {
    const d = c.get(v);
    if (!d || d.dtype !== t.dtype) return false;
    if (!t.shape) return true;
    return d.dims.length === t.shape.length && t.shape.every((s, i) => typeof s !== 'number' || s === d.dims[i]);
  });
}

export interface ProbeResult {
  /** Values whose dtype and shape were the same on both samples (now in graph.types). */
  probed: string[];
  /** Values whose shape differed between the samples: it depends on the data. */
  dataDependent: string[];
}

/**
 * Probes `values` by running their ancestors on onnxruntime with each sample; writes the
 * agreed types into graph.types. `samples` are feeds of every graph input (two or more).
 *
 * `computed` (one map per sample) carries values between rounds: the run starts from the
 * values in it rather than computing them again, and adds to it every value the run's
 * sub-model hands on (those that nodes outside it read), so that the next round, which probes
 * further down, starts where this one stopped (Keypoint R-CNN probes in five rounds; each ran
 * the backbone again on every sample). It keeps only values that nodes outside the run's
 * sub-model read: one whose readers all ran here (an earlier round's, a probed value, a graph
 * output) is dropped. Keypoint R-CNN's box pooling zeros (50 MB a sample, probed and read only
 * inside the round) stayed to the end: the process's array buffers after its second round
 * 587 -> 297 MB, the weights about 260. A value dropped too soon is computed again from the
 * samples, never missed.
 */
export async function probeShapes(
  graph: Graph,
  values: readonly string[],
  samples: ReadonlyArray<ReadonlyMap<string, TensorData>>,
  threads?: number,
  declaredTypes?: ReadonlyMap<string, ValueType>,
  computed?: ReadonlyArray<Map<string, TensorData>>,
): Promise<ProbeResult> {
  const nodes = ancestors(graph, values, (v) => !!computed && feedable(graph, v, computed));
  const hazard = firstOrtHazard(graph, nodes);
  if (hazard) throw new HybridError('SHAPE', `cannot probe on onnxruntime: ${hazard}`);
  const sub = extractSubModel(graph, nodes, { outputs: [...values], name: `${graph.name}_probe`, ...(declaredTypes ? { declaredTypes } : {}) });
  // Fatal only: onnxruntime's errors become HybridErrors here; its own log would repeat them on stderr.
  // NOTE: 'basic' optimizations only. A probe asks for intermediate values as graph outputs, and
  // onnxruntime 1.30's 'extended' fusions crash the process on some of those (a Transpose ->
  // CastLike whose output is a graph output: test_affine_grid_3d_*_expanded). A probe runs once,
  // on shapes only, so the fusions buy nothing here.
  const options: ort.InferenceSession.SessionOptions = { logSeverityLevel: 4, graphOptimizationLevel: 'basic' };
  if (threads !== undefined) options.intraOpNumThreads = threads;
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(sub), options);
  } catch (e) {
    throw new HybridError('SHAPE', `onnxruntime cannot load the part of the model to probe: ${messageLine(e)}`, { cause: e });
  }
  try {
    // NOTE: onnxruntime-node aborts the process (out of memory in OrtValueToNapiValue) when a
    // run returns an element type JavaScript has no array for (int4, uint4...). Such a value is
    // one no engine takes anyway: leave it unprobed, and its readers on onnxruntime.
    const exotic = new Set(session.outputMetadata.filter((m) => !m.isTensor || !isNumericDType(m.type)).map((m) => m.name));
    values = values.filter((v) => !exotic.has(v));
    if (!values.length) return { probed: [], dataDependent: [] };
    // What later rounds may read: the values that nodes outside this sub-model read. Of them,
    // what the sub-model hands on is kept for the next round (numeric tensors only, as above).
    const ran = new Set(nodes);
    const readLater = new Set(graph.nodes.filter((n) => !ran.has(n.name)).flatMap(nodeReads));
    const handed = computed ? session.outputNames.filter((o) => !exotic.has(o) && !values.includes(o) && readLater.has(o)) : [];
    const results: Array<Map<string, TensorData>> = [];
    for (const [i, sample] of samples.entries()) {
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of session.inputNames) {
        const t = sample.get(name) ?? computed?.[i]!.get(name);
        if (!t) throw new HybridError('SHAPE', `probing needs input '${name}', which has no sample`);
        feeds[name] = toOrtTensor(t, `input '${name}'`);
      }
      let out: ort.InferenceSession.ReturnType;
      try {
        out = await session.run(feeds, [...values, ...handed]);
      } catch (e) {
        throw new HybridError('SHAPE', `onnxruntime failed on the sample inputs: ${messageLine(e)}`, { cause: e });
      }
      const got = new Map([...values, ...handed].map((v) => [v, fromOrtTensor(out[v]!, `value '${v}'`)]));
      const kept = computed?.[i];
      for (const [v, t] of got) if (readLater.has(v)) kept?.set(v, t);
      for (const v of [...(kept?.keys() ?? [])]) if (!readLater.has(v)) kept!.delete(v);
      results.push(got);
    }
    const probed: string[] = [];
    const dataDependent: string[] = [];
    for (const v of values) {
      const a = results[0]!.get(v)!;
      if (results.some((r) => r.get(v)!.dtype !== a.dtype || r.get(v)!.dims.join() !== a.dims.join())) {
        dataDependent.push(v);
        // The dtype does not depend on the data; the shape's rank and agreeing dims may be kept.
        const prev = graph.types.get(v);
        graph.types.set(v, { ...prev, dtype: a.dtype });
        continue;
      }
      graph.types.set(v, { dtype: a.dtype, shape: [...a.dims] });
      probed.push(v);
    }
    return { probed, dataDependent };
  } finally {
    await session.release();
  }
}
