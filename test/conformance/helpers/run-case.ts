/**
 * One conformance case through the real pipeline: compile() on the cpu backend with
 * requireFullCompilation (so a single node an engine cannot take makes the case unsupported),
 * minBlockSize 1, the data set's input shapes, and its inputs as probe feeds (random probe
 * samples are invalid for inputs that are sizes or indices). A supported case runs through its
 * engines and its outputs are compared with the expected ones.
 *
 * Outcomes:
 * - 'unreadable': the model or its test data holds what hybridrt cannot (string, float8 or
 *   int4 tensors, sequences, optionals): nothing an engine could be asked to run.
 * - 'refused': compile() refuses an input or output of a type run() cannot carry (bfloat16:
 *   onnxruntime Tensors have none), as given and with constant parameters.
 * - 'unsupported': some node cannot run on an engine, as given and with constant parameters.
 * - 'folded': lowering computed everything; no engine was built, so nothing was proven.
 * - 'engine': every node ran on engines; `failures` says what did not match (empty: passed).
 *
 * Mode 'constant parameters': the node tests pass an op's parameters (axes, pads, scales,
 * target shapes, split sizes...) as graph inputs, where real models carry initializers, and
 * engines take parameters as constants only. A case unsupported as given is tried again with
 * every input but the first made an initializer from its data set, as an exporter with static
 * shapes writes it; one input stays the engine's run-time input: the first that is not a
 * scalar (a scalar first input is a parameter, as Loop's trip count), else the first.
 */
import ort from 'onnxruntime-node';
import { compile, type CompiledModel } from '../../../src/compiler/compile.js';
import { isHybridError, messageLine } from '../../../src/errors.js';
import { Graph } from '../../../src/ir/graph.js';
import { loadModelProto } from '../../../src/onnx/model.js';
import { fromOrtTensor, toOrtTensor } from '../../../src/onnx/ort.js';
import type { ModelProto } from '../../../src/onnx/proto.js';
import { type TensorData, isNumericDType } from '../../../src/onnx/tensor.js';
import { type ConformanceCase, readDataSet } from './cases.js';
import { type Tolerance, compareTensors } from './compare.js';

export type Mode = 'as given' | 'constant parameters';

export type Outcome =
  | { kind: 'unreadable'; reason: string }
  | { kind: 'refused'; reason: string }
  | { kind: 'unsupported'; reason: string }
  | { kind: 'folded'; mode: Mode }
  | { kind: 'engine'; mode: Mode; ops: string[]; failures: string[] };

export interface CaseOptions {
  /** Per-output tolerance instead of compare.ts's defaults. */
  tolerance?: Tolerance;
  /** Compare with onnxruntime on the same model and inputs instead of the expected outputs. */
  ortReference?: boolean;
}

type Attempt = { kind: 'unsupported' | 'refused'; reason: string } | { kind: 'folded' } | { kind: 'engine'; ops: string[]; failures: string[] };

async function ortOutputs(model: string, graph: Graph, feeds: TensorData[]): Promise<TensorData[]> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const out = await session.run(Object.fromEntries(graph.inputs.map((n, i) => [n, toOrtTensor(feeds[i]!, n)])));
    return graph.outputs.map((o) => fromOrtTensor(out[o]!, o));
  } finally {
    await session.release();
  }
}

/**
 * compile() + run(): 'unsupported' when partitioning refuses a node (the UNSUPPORTED_OP error
 * comes before the analyze phase ends), 'refused' when compile() refuses the model's interface
 * (UNSUPPORTED_DTYPE, also before the analyze phase ends); any later error is a failure of an engine-supported
 * case (a converter or engine that cannot build what validate accepted, a run that fails).
 */
async function attempt(
  source: string | ModelProto,
  inputNames: string[],
  feeds: TensorData[],
  expected: () => Promise<TensorData[]>,
  options: CaseOptions,
): Promise<Attempt> {
  let analyzed = false;
  let model: CompiledModel;
  try {
    model = await compile(source, {
      backend: 'cpu',
      requireFullCompilation: true,
      minBlockSize: 1,
      threads: 1,
      inputs: Object.fromEntries(inputNames.map((n, i) => [n, feeds[i]!.dims])),
      probeFeeds: Object.fromEntries(inputNames.map((n, i) => [n, feeds[i]!])),
      onProgress: (phase, done) => (analyzed ||= phase === 'analyze' && done === 1),
    });
  } catch (e) {
    if (!analyzed && isHybridError(e) && e.code === 'UNSUPPORTED_OP') return { kind: 'unsupported', reason: messageLine(e) };
    if (!analyzed && isHybridError(e) && e.code === 'UNSUPPORTED_DTYPE') return { kind: 'refused', reason: messageLine(e) };
    return { kind: 'engine', ops: [], failures: [`compile: ${isHybridError(e) ? `${e.code}: ` : ''}${messageLine(e)}`] };
  }
  try {
    if (model.report.engines.length === 0) return { kind: 'folded' };
    const ops = [...new Set(model.report.data.segments.flatMap((s) => (s.kind === 'engine' ? Object.keys(s.ops) : [])))];
    const failures: string[] = [];
    if (model.report.data.summary.fallbackSegments > 0) failures.push('a fallback segment under requireFullCompilation');
    let outputs: Record<string, ort.Tensor>;
    try {
      outputs = await model.run(Object.fromEntries(inputNames.map((n, i) => [n, feeds[i]!])));
    } catch (e) {
      return { kind: 'engine', ops, failures: [`run: ${messageLine(e)}`] };
    }
    const want = await expected();
    model.outputNames.forEach((name, i) => {
      const diff = compareTensors(fromOrtTensor(outputs[name]!, name), want[i]!, options.tolerance);
      if (diff) failures.push(`output '${name}': ${diff}`);
    });
    return { kind: 'engine', ops, failures };
  } finally {
    await model.dispose();
  }
}

function unreadableInput(graph: Graph): string | undefined {
  for (const name of graph.inputs) {
    const dtype = graph.types.get(name)?.dtype;
    if (dtype === 'string') return `input '${name}' is a string tensor`;
    if (!dtype || !isNumericDType(dtype))
      return `input '${name}' is not a tensor of a type hybridrt holds (float8, int4, a sequence, an optional...)`;
  }
  return undefined;
}

/** The input that stays a run-time input when the others are made constants (see the header). */
function dataInput(feeds: TensorData[]): number {
  const i = feeds.findIndex((t) => t.dims.length > 0);
  return i < 0 ? 0 : i;
}

export async function runCase(c: ConformanceCase, options: CaseOptions = {}): Promise<Outcome> {
  let graph: Graph;
  try {
    graph = Graph.fromModel(loadModelProto(c.model), c.name);
  } catch (e) {
    return { kind: 'unreadable', reason: `the model does not load: ${messageLine(e)}` };
  }
  const bad = unreadableInput(graph);
  if (bad) return { kind: 'unreadable', reason: bad };

  let outcome: Outcome | undefined;
  for (const dataSet of c.dataSets) {
    let feeds: TensorData[];
    try {
      feeds = readDataSet(dataSet, 'input', graph.inputs.length);
    } catch (e) {
      return { kind: 'unreadable', reason: `test data: ${messageLine(e)}` };
    }
    const expected = () =>
      options.ortReference ? ortOutputs(c.model, graph, feeds) : Promise.resolve(readDataSet(dataSet, 'output', graph.outputs.length));
    let mode: Mode = 'as given';
    let result = await attempt(c.model, graph.inputs, feeds, expected, options);
    const notOnEngines = (a: Attempt) => a.kind === 'unsupported' || a.kind === 'refused';
    if (notOnEngines(result) && graph.inputs.length > 1) {
      const constant = graph.clone();
      const data = dataInput(feeds);
      constant.inputs.forEach((name, i) => i !== data && constant.setInitializer(name, feeds[i]!));
      constant.inputs = [constant.inputs[data]!];
      const retry = await attempt(constant.toModel(), constant.inputs, [feeds[data]!], expected, options);
      if (!notOnEngines(retry)) {
        result = retry;
        mode = 'constant parameters';
      }
    }
    const here: Outcome = result.kind === 'engine' ? { ...result, mode } : result.kind === 'folded' ? { kind: 'folded', mode } : result;
    // The first data set decides the kind; a later one can only add failures.
    if (!outcome) outcome = here;
    else if (outcome.kind === 'engine' && here.kind === 'engine') outcome.failures.push(...here.failures.map((f) => `${dataSet}: ${f}`));
  }
  return outcome!;
}
