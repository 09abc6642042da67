/**
 * THE acceptance test of shape inference (issue 2): on every ONNX conformance node test whose
 * ops all have an inference rule, the inferred dtype and shape of every output (and of every
 * intermediate value, which the test also asks onnxruntime for) must agree with what
 * onnxruntime actually produces on the test's inputs. Inference runs four ways: with the real
 * input shapes as overrides; with the model's declared input types alone; with the test's
 * input values as constants (as the shapes, axes and scales that node tests feed as inputs are
 * in real models); and with small integer inputs as constants but every dim of the other
 * inputs a symbol of its own (the symbolic paths of the rules). Every propagated value must
 * also equal onnxruntime's.
 *
 * A wrong dtype, rank or number, a symbol standing for two sizes, a wrong propagated value, or
 * an issue reported on a model onnxruntime runs, is a mismatch; the test lists them all and
 * expects none. A symbolic or missing result where the size is known is "less known":
 * counted and printed, not a failure. Tests onnxruntime cannot run are listed separately and
 * not counted as passes; their outputs are still checked against the reference outputs stored
 * with the test (a separate list, also expected empty).
 */
import fs from 'node:fs';
import path from 'node:path';
import type ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { Graph } from '../../src/ir/graph.js';
import { canInfer, inferShapes } from '../../src/ir/infer/index.js';
import { dtypeFromOnnx, onnxTypeName } from '../../src/onnx/dtype.js';
import { float16BitsToFloat32 } from '../../src/onnx/half.js';
import { loadModelProto } from '../../src/onnx/model.js';
import type { ModelProto } from '../../src/onnx/proto.js';
import type { TensorData } from '../../src/onnx/tensor.js';
import { CONFORMANCE_MISSING, type NodeTestCase, conformanceDir, lightModels, nodeTests, suiteTests } from '../helpers/conformance.js';
import { describeIf } from '../helpers/skip.js';
import { type PbTensor, checkProducts, compareType, fromOrt, readPb, runOrt } from './support.js';

const dir = conformanceDir();

type Mode = 'real shapes' | 'declared types' | 'inputs as constants' | 'symbolic dims';

/** Small integer inputs: the shapes, axes, pads and repeats node tests feed as data. */
function shapeLike(t: ort.Tensor): boolean {
  return ['int64', 'int32'].includes(t.type) && t.dims.length <= 1 && t.size <= 16;
}

/** What a value actually was: dtype name (an ONNX code's name where hybridrt has none) and dims. */
interface Actual {
  dtype: string;
  dims: readonly number[];
  tensor?: ort.Tensor;
}

interface Outcome {
  mismatches: string[];
  less: number;
  checked: number;
  propagated: number;
}

/** The model with every node output also a graph output, so onnxruntime reports intermediates. */
function withAllOutputs(model: ModelProto, graph: Graph): ModelProto {
  const have = new Set(graph.outputs);
  const extra = graph.nodes.flatMap((n) => n.outputs).filter((o) => o && !have.has(o));
  if (!extra.length) return model;
  const g = graph.clone();
  g.outputs.push(...new Set(extra));
  g.types = new Map([...g.types].filter(([k]) => g.inputs.includes(k) || g.initializers.has(k)));
  return g.toModel();
}

/**
 * An ONNX type code onnxruntime-node cannot hand back to JavaScript anywhere in the model
 * (int4, float8...: its binding aborts the process on such an output).
 */
function exoticType(model: ModelProto): number | undefined {
  const ok = (c: number | undefined) => c === undefined || c === 0 || (c >= 1 && c <= 13) || c === 16;
  const codes: Array<number | undefined> = [];
  const g = model.graph!;
  for (const vi of [...g.input, ...g.output, ...g.valueInfo]) codes.push(vi.type?.tensorType?.elemType ?? undefined);
  for (const t of g.initializer) codes.push(t.dataType);
  for (const n of g.node) {
    for (const a of n.attribute) {
      if (a.t) codes.push(a.t.dataType);
      if (['to', 'output_dtype', 'dtype'].includes(a.name ?? '')) codes.push(Number(a.i ?? 0));
    }
  }
  return codes.find((c) => !ok(c));
}

/** Whether every graph input and output is a tensor (not a sequence, map or optional). */
function tensorsOnly(model: ModelProto): boolean {
  return [...model.graph!.input, ...model.graph!.output].every((vi) => vi.type?.tensorType);
}

function readSet(tc: NodeTestCase, graph: Graph, kind: 'input' | 'output', names: string[]): Map<string, PbTensor> {
  const files = fs.readdirSync(tc.dataSets[0]!).filter((f) => new RegExp(`^${kind}_\\d+\\.pb$`).test(f));
  files.sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]));
  const out = new Map<string, PbTensor>();
  files.forEach((f, i) => {
    const pb = readPb(path.join(tc.dataSets[0]!, f));
    const name = names.includes(pb.name) ? pb.name : names[i];
    if (name) out.set(name, pb);
  });
  return out;
}

function pbActual(pb: PbTensor): Actual {
  if (pb.tensor) return { dtype: pb.tensor.type, dims: pb.tensor.dims, tensor: pb.tensor };
  const code = pb.dataType;
  return { dtype: dtypeFromOnnx(code) ?? `ONNX ${onnxTypeName(code)}`, dims: pb.dims };
}

/** Equal tensors, NaN equal to NaN (float16 compared by value, not bits). */
function sameData(a: TensorData, b: ort.Tensor): boolean {
  if (a.dtype !== b.type || a.dims.join() !== b.dims.join()) return false;
  const x = a.data;
  const y = b.data as TensorData['data'];
  for (let i = 0; i < x.length; i++) {
    let p: number | bigint = x[i]!;
    let q: number | bigint = y[i]!;
    if (a.dtype === 'float16') [p, q] = [float16BitsToFloat32(p as number), float16BitsToFloat32(q as number)];
    if (p !== q && !(Number.isNaN(p) && Number.isNaN(q))) return false;
  }
  return true;
}

function check(graph: Graph, actual: Map<string, Actual>, inputs: Map<string, Actual>, mode: Mode): Outcome {
  const g = graph.clone();
  let inputShapes: Record<string, Array<number | string>> | undefined;
  if (mode === 'real shapes') inputShapes = Object.fromEntries([...inputs].map(([k, t]) => [k, [...t.dims]]));
  if (mode === 'inputs as constants' || mode === 'symbolic dims') {
    for (const [k, t] of inputs) {
      if (!t.tensor || t.tensor.type === 'string' || t.tensor.size > 4096) continue;
      if (mode === 'symbolic dims' && !shapeLike(t.tensor)) continue;
      g.setInitializer(k, fromOrt(t.tensor));
      g.inputs = g.inputs.filter((i) => i !== k);
    }
  }
  if (mode === 'symbolic dims') {
    // Every data input dim a symbol of its own: the rules' symbolic paths must stay right.
    for (const k of g.inputs) {
      const t = g.types.get(k);
      if (t?.shape) g.types.set(k, { ...t, shape: t.shape.map((_, i) => `${k.replace(/\W/g, '_')}_d${i}`) });
    }
  }
  const res = inferShapes(g, { reset: true, inputShapes });
  const mismatches = res.issues.map((i) => `[${mode}] node '${i.node}' (${i.opType}): ${i.message}`);
  const bindings = new Map<string, number>();
  for (const [k, t] of inputs) if (g.inputs.includes(k)) compareType(g.types.get(k), t, bindings);
  let less = 0;
  let checked = 0;
  for (const [name, t] of actual) {
    const r = compareType(g.types.get(name), t, bindings);
    checked++;
    less += r.less.length ? 1 : 0;
    for (const w of r.wrong) mismatches.push(`[${mode}] '${name}' (from ${g.producer(name)?.opType ?? '?'}): ${w}`);
  }
  for (const w of checkProducts(bindings)) mismatches.push(`[${mode}] ${w}`);
  let propagated = 0;
  for (const [name, v] of res.values) {
    const t = actual.get(name)?.tensor;
    if (!t) continue;
    propagated++;
    if (!sameData(v, t)) mismatches.push(`[${mode}] '${name}' (from ${g.producer(name)?.opType}): propagated value differs from onnxruntime's`);
  }
  return { mismatches, less, checked, propagated };
}

/** Runs the model (with intermediates as outputs where onnxruntime accepts that); a string says why not. */
async function runOnOrt(model: ModelProto, graph: Graph, inputs: Map<string, PbTensor>): Promise<Map<string, Actual> | string> {
  const exotic = exoticType(model);
  if (exotic !== undefined) return `uses ONNX type ${onnxTypeName(exotic)}, which onnxruntime-node cannot return to JavaScript`;
  const feeds: Record<string, ort.Tensor> = {};
  for (const [k, pb] of inputs) {
    if (!pb.tensor) return `input '${k}' has a type onnxruntime's JS API cannot hold`;
    feeds[k] = pb.tensor;
  }
  let out: Record<string, ort.Tensor>;
  try {
    out = await runOrt(withAllOutputs(model, graph), feeds);
  } catch {
    try {
      out = await runOrt(model, feeds);
    } catch (e) {
      return String((e as Error).message)
        .split('\n')[0]!
        .slice(0, 160);
    }
  }
  return new Map(Object.entries(out).map(([k, t]) => [k, { dtype: t.type, dims: t.dims, tensor: t }]));
}

/** The node tests, then the other suites laid out the same way (pytorch-converted, pytorch-operator, simple). */
function allCases(root: string): NodeTestCase[] {
  return [...nodeTests(root), ...(['pytorch-converted', 'pytorch-operator', 'simple'] as const).flatMap((suite) => suiteTests(suite, root))];
}

describeIf(!!dir, 'shape inference against onnxruntime on the conformance tests', CONFORMANCE_MISSING, () => {
  it('infers every dtype and shape onnxruntime produces', async () => {
    const mismatches: string[] = [];
    const refMismatches: string[] = [];
    const ortFailures: string[] = [];
    const lessKnown: string[] = [];
    let covered = 0;
    let uncovered = 0;
    let values = 0;
    let propagated = 0;
    for (const tc of allCases(dir!)) {
      const model = loadModelProto(tc.model);
      const graph = Graph.fromModel(model, tc.name);
      if (!graph.nodes.every((n) => canInfer(n.opType, n.domain)) || !tc.dataSets.length || !tensorsOnly(model)) {
        uncovered++;
        continue;
      }
      const inputs = readSet(tc, graph, 'input', graph.inputs);
      const inputActual = new Map([...inputs].map(([k, pb]) => [k, pbActual(pb)]));
      const actual = await runOnOrt(model, graph, inputs);
      if (typeof actual === 'string') {
        ortFailures.push(`${tc.name}: ${actual}`);
        const refs = new Map([...readSet(tc, graph, 'output', graph.outputs)].map(([k, pb]) => [k, pbActual(pb)]));
        for (const mode of ['real shapes', 'declared types'] as const) {
          refMismatches.push(...check(graph, refs, inputActual, mode).mismatches.map((m) => `${tc.name}: ${m}`));
        }
        continue;
      }
      covered++;
      for (const mode of ['real shapes', 'declared types', 'inputs as constants', 'symbolic dims'] as const) {
        const r = check(graph, actual, inputActual, mode);
        values += r.checked;
        propagated += r.propagated;
        mismatches.push(...r.mismatches.map((m) => `${tc.name}: ${m}`));
        if (r.less) lessKnown.push(`${tc.name} (${mode}): ${r.less} of ${r.checked} values less known`);
      }
    }
    console.log(
      `shape inference: ${covered} conformance tests checked against onnxruntime (${values} values, ${propagated} propagated values), ` +
        `${uncovered} use ops without a rule or non-tensor inputs, ${ortFailures.length} onnxruntime could not run ` +
        `(checked against their reference outputs instead), ${lessKnown.length} runs with less-known values, ` +
        `${mismatches.length} mismatches, ${refMismatches.length} reference mismatches`,
    );
    if (ortFailures.length) console.log(`onnxruntime could not run (not counted as passes):\n  ${ortFailures.join('\n  ')}`);
    if (lessKnown.length) console.log(`less known (not wrong):\n  ${lessKnown.join('\n  ')}`);
    expect(covered).toBeGreaterThan(1000);
    expect(mismatches).toEqual([]);
    expect(refMismatches).toEqual([]);
  });
});

describeIf(!!dir, 'shape inference on the light_* models', CONFORMANCE_MISSING, () => {
  it('types every value statically and gets the reference output shape', () => {
    for (const m of lightModels(dir)) {
      const graph = Graph.fromModel(loadModelProto(m.model), m.name);
      const res = inferShapes(graph, { reset: true });
      expect(res.issues, m.name).toEqual([]);
      expect([...res.unknownOps], m.name).toEqual([]);
      const vague = graph.nodes
        .flatMap((n) => n.outputs)
        .filter((o) => {
          const t = graph.types.get(o);
          return !t?.dtype || !t.shape || !t.shape.every((d) => typeof d === 'number');
        });
      expect(vague, m.name).toEqual([]);
      const ref = readPb(m.output);
      expect(graph.types.get(graph.outputs[0]!), m.name).toEqual({ dtype: 'float32', shape: ref.dims });
    }
  });
});
