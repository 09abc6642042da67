/**
 * The model compile() starts from (a path, bytes or a decoded ModelProto) as a graph, and
 * every input as compiled (its dtype, and the shapes profiles.ts planned for it). An input or
 * output of an element type onnxruntime Tensors cannot carry (bfloat16) is refused up front.
 */
import fs from 'node:fs';
import { HybridError } from '../errors.js';
import { checkGraph } from '../ir/check.js';
import { Graph } from '../ir/graph.js';
import type { Dim } from '../ir/types.js';
import type { NumericDType } from '../onnx/dtype.js';
import { checkModelObject, loadModelProto } from '../onnx/model.js';
import { ortCarries } from '../onnx/ort.js';
import type { ModelProto } from '../onnx/proto.js';
import type { ProfilePlan, ShapeRange } from './profiles.js';

/** What compile() takes: a path to an .onnx file, its bytes, or a decoded ModelProto. */
export type ModelSource = string | Uint8Array | ModelProto;

export interface LoadedSource {
  graph: Graph;
  /** The decoded model (external data resolved), to hand on without decoding it again. */
  proto: ModelProto;
  /** Names the model in messages. */
  label: string;
  /** A path source's size and modification time when it was read (save() checks them again). */
  stat?: { size: number; mtimeMs: number };
}

function statOf(file: string): LoadedSource['stat'] {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
}

export function loadSource(model: ModelSource, label?: string): LoadedSource {
  const load = (proto: ModelProto, name: string) => {
    const graph = Graph.fromModel(proto, name);
    checkGraph(graph, name);
    // A cycle is refused here, before any work; nodes merely out of order are sorted, as
    // onnxruntime sorts them.
    graph.topoSort();
    return { graph, proto, label: name };
  };
  if (typeof model === 'string') {
    // Taken before the read: a file replaced while it is read or compiled then reads as changed.
    const st = statOf(model);
    return { ...load(loadModelProto(model, { label: label ?? model }), label ?? model), ...(st ? { stat: st } : {}) };
  }
  if (model instanceof Uint8Array) return load(loadModelProto(model, { label: label ?? '<bytes>' }), label ?? '<bytes>');
  if (model && typeof model === 'object' && 'graph' in model) {
    const name = label ?? (typeof model.graph?.name === 'string' && model.graph.name ? model.graph.name : '<model>');
    return load(checkModelObject(model, name), name);
  }
  throw new HybridError('OPTION', 'compile(model): model must be a file path, the bytes of an .onnx file, or a ModelProto');
}

export interface InputPlan {
  name: string;
  dtype: NumericDType;
  shape: number[];
  declaredShape?: Dim[];
  /** Per profile, where the model is dynamic. */
  ranges?: ShapeRange[];
}

/**
 * Every graph input as compiled: its dtype, its shape (the opt of the first profile) and, where
 * any input takes more than one shape, its range in each profile (profiles.ts planned them).
 */
export function planInputs(graph: Graph, plan: ProfilePlan, label: string): InputPlan[] {
  return graph.inputs.map((name): InputPlan => {
    const t = graph.types.get(name);
    if (!t?.dtype) throw new HybridError('INPUT', `${label}: input '${name}' has no declared element type`);
    if (t.dtype === 'string')
      throw new HybridError('UNSUPPORTED_DTYPE', `${label}: input '${name}' is a string tensor; hybridrt runs numeric tensors only`);
    const declared = t.shape ? [...t.shape] : undefined;
    const ranges = plan.profiles.map((p) => p[name]!);
    return {
      name,
      dtype: t.dtype,
      shape: [...ranges[0]!.opt],
      ...(declared ? { declaredShape: declared } : {}),
      ...(plan.dynamic ? { ranges } : {}),
    };
  });
}

/**
 * run() takes and returns onnxruntime Tensors, which have no bfloat16 (nor anything else
 * ortCarries() refuses): a model with such an input or output would compile and then fail on
 * every run, so it is refused here, naming the tensor and the fix. Types not known (yet) pass;
 * compile() checks again once inference has run.
 */
export function checkInterfaceDTypes(graph: Graph, label: string): void {
  for (const [kind, names] of [
    ['input', graph.inputs],
    ['output', graph.outputs],
  ] as const) {
    for (const name of names) {
      const dtype = graph.types.get(name)?.dtype;
      if (!dtype || ortCarries(dtype)) continue;
      const fix = kind === 'input' ? `take float32 and Cast it to ${dtype} inside the model` : `Cast it to float32 inside the model`;
      throw new HybridError(
        'UNSUPPORTED_DTYPE',
        `${label}: ${kind} '${name}' is ${dtype}, which onnxruntime Tensors (run()'s ${kind}s) cannot carry; ${fix}`,
      );
    }
  }
}
