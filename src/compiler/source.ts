/**
 * The model compile() starts from (a path, bytes or a decoded ModelProto) as a graph, and the
 * static shape of every input: from the `inputs` option, else as the model declares it. An
 * input left with a symbolic or unknown dimension is a SHAPE error that shows the option to
 * write; an unknown name in `inputs` is an INPUT error listing the model's inputs. An input or
 * output of an element type onnxruntime Tensors cannot carry (bfloat16) is refused up front.
 */
import fs from 'node:fs';
import { HybridError } from '../errors.js';
import { checkTensorSize } from '../limits.js';
import { checkGraph } from '../ir/check.js';
import { Graph } from '../ir/graph.js';
import { type Binding, bindSymbols, substitute } from '../ir/symbols.js';
import { type Dim, isStaticShape } from '../ir/types.js';
import type { NumericDType } from '../onnx/dtype.js';
import { checkModelObject, loadModelProto } from '../onnx/model.js';
import { ortCarries } from '../onnx/ort.js';
import type { ModelProto } from '../onnx/proto.js';

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
}

const show = (shape: readonly Dim[]) => `[${shape.join(',')}]`;

function bindingsOf(graph: Graph, given: Record<string, number[]>, label: string): Map<string, Binding> {
  try {
    return bindSymbols(
      Object.entries(given).map(([input, dims]) => ({ input, declared: graph.types.get(input)?.shape, dims, what: `inputs: '${input}'` })),
    );
  } catch (e) {
    throw new HybridError('OPTION', `${label}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * The `inputs` option completed through shared symbols: an input not given whose declared shape
 * only lacks symbols another given input fixes (`batch` in two inputs) gets that shape
 * (src/ir/symbols.ts). Two given inputs disagreeing on a symbol are an OPTION error; an unknown
 * input name is an INPUT error listing the model's inputs.
 */
export function completeShapes(graph: Graph, given: Record<string, number[]>, label: string): Record<string, number[]> {
  for (const name of Object.keys(given)) {
    if (!graph.inputs.includes(name)) {
      throw new HybridError('INPUT', `${label}: inputs: the model has no input '${name}' (its inputs: ${graph.inputs.join(', ') || 'none'})`);
    }
  }
  const bindings = bindingsOf(graph, given, label);
  const out = { ...given };
  for (const name of graph.inputs) {
    const declared = graph.types.get(name)?.shape;
    if (out[name] || !declared || isStaticShape(declared)) continue;
    const shape = substitute(declared, bindings);
    if (isStaticShape(shape)) out[name] = shape;
  }
  return out;
}

/**
 * A static shape for every input, for a hint: as given, else declared with the symbols the
 * given ones fix, and 1 for the rest, so that the hint, followed, never contradicts what was
 * given (two inputs sharing `batch` get the same size).
 */
export function exampleShapes(graph: Graph, given: Record<string, number[]>, label: string): Record<string, number[]> {
  const bindings = bindingsOf(graph, given, label);
  const out: Record<string, number[]> = {};
  for (const n of graph.inputs) {
    out[n] = given[n] ?? substitute(graph.types.get(n)?.shape ?? [1], bindings).map((d) => (typeof d === 'number' ? d : 1));
  }
  return out;
}

/**
 * The compiled shape of every graph input (the `inputs` option completed by completeShapes(),
 * else as declared); throws where one cannot be static, with a hint that works as written.
 * `note` hears of shapes completed through shared symbols.
 */
export function planInputs(graph: Graph, options: Record<string, number[]>, label: string, note: (message: string) => void = () => {}): InputPlan[] {
  const given = completeShapes(graph, options, label);
  const example = () => {
    const shapes = exampleShapes(graph, given, label);
    return `{ ${graph.inputs.map((n) => `'${n}': [${shapes[n]!.join(', ')}]`).join(', ')} }`;
  };
  return graph.inputs.map((name): InputPlan => {
    const t = graph.types.get(name);
    if (!t?.dtype) throw new HybridError('INPUT', `${label}: input '${name}' has no declared element type`);
    if (t.dtype === 'string')
      throw new HybridError('UNSUPPORTED_DTYPE', `${label}: input '${name}' is a string tensor; hybridrt runs numeric tensors only`);
    const declared = t.shape ? [...t.shape] : undefined;
    const shape = given[name] ?? declared;
    if (given[name] && !options[name])
      note(`input '${name}' ${show(declared!)}: compiled as ${show(shape!)}, its shared dimensions fixed by the other inputs' shapes`);
    if (!shape) throw new HybridError('SHAPE', `${label}: input '${name}' has no declared shape; give one with inputs: ${example()}`);
    if (!isStaticShape(shape)) {
      throw new HybridError(
        'SHAPE',
        `${label}: input '${name}' has symbolic dimensions ${show(shape)}; give static shapes with inputs: ${example()}`,
      );
    }
    checkTensorSize(`${label}: input '${name}'`, shape, t.dtype, options[name] ? 'OPTION' : 'SHAPE');
    return { name, dtype: t.dtype, shape: [...shape], ...(declared ? { declaredShape: declared } : {}) };
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
