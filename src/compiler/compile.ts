/**
 * compile(model, options): the whole pipeline, from an ONNX model to a HybridModel.
 *
 *   load -> static input shapes -> choose backend -> lower -> infer shapes
 *        -> probe the shapes inference cannot give (onnxruntime on sample inputs) -> infer again
 *        -> partition -> build one engine per engine segment, open one onnxruntime session per
 *           fallback segment -> schedule (last use of every value) -> HybridModel
 *
 * The model is compiled for one static shape per input (`inputs`, or the declared shapes); a
 * run with another shape is refused with a SHAPE error. The backend is chosen before any work,
 * so that a missing cuda fails fast. Phases are reported through onProgress and onLog.
 */
import { HybridError } from '../errors.js';
import { inferShapes, type InferResult } from '../ir/infer/index.js';
import { lower } from '../lowering/index.js';
import { isNumericDType, type TensorData } from '../onnx/tensor.js';
import { partition } from '../partition/index.js';
import { normalizeFeeds } from '../runtime/feeds.js';
import { HybridModel } from '../runtime/hybrid-model.js';
import { makeSchedule } from '../runtime/schedule.js';
import { EngineSegment } from '../runtime/segments.js';
import type { OutputInfo, TensorInfo } from '../runtime/types.js';
import { chooseBackend } from './backend.js';
import { buildRunners } from './build.js';
import { type CompileOptions, type CompilePhase, type ResolvedOptions, inputShapesOption, resolveOptions } from './options.js';
import { probeShapes, sampleTensor, valuesToProbe } from './probe.js';
import { type EngineSummary, type ModelReport, engineSummary, makeReport } from './report.js';
import { type InputPlan, type ModelSource, loadSource, planInputs } from './source.js';
import type { Graph } from '../ir/graph.js';

/** A compiled model whose `report` is the partition report with compile's additions. */
export type CompiledModel = HybridModel<ModelReport>;

/** Probes unknown shapes (see probe.ts); returns inference's result afterwards and warnings. */
async function probe(graph: Graph, inputs: InputPlan[], opts: ResolvedOptions, options: CompileOptions, inferred: InferResult): Promise<{ inferred: InferResult; warnings: string[] }> {
  const values = valuesToProbe(graph, opts.registry);
  if (!values.length) return { inferred, warnings: [] };
  opts.progress('probe', 0, 1);
  const warnings: string[] = [];
  const given = options.probeFeeds ? normalizeFeeds(options.probeFeeds, inputs.map(toTensorInfo)) : undefined;
  const sample = (seed: number) => new Map(inputs.map((i) => [i.name, sampleTensor(i, seed)] as [string, TensorData]));
  const samples = given ? ([given, given] as const) : ([sample(1), sample(2)] as const);
  const shapes = Object.fromEntries(inputs.map((i) => [i.name, i.shape]));
  try {
    const result = await probeShapes(graph, values, samples, opts.threads);
    opts.log(`probed the shapes of ${result.probed.length} value(s) that inference could not give, on onnxruntime with sample inputs`, 'info');
    if (result.dataDependent.length) {
      const list = result.dataDependent.slice(0, 5).join(', ') + (result.dataDependent.length > 5 ? ', ...' : '');
      warnings.push(`the shapes of ${list} depend on the input data: the nodes that read them run on onnxruntime`);
    }
  } catch (e) {
    if (!(e instanceof HybridError)) throw e;
    warnings.push(`could not probe the shapes of ${values.length} value(s) (${e.message}); the nodes that read them run on onnxruntime`);
  }
  for (const w of warnings) opts.log(w, 'warn');
  opts.progress('probe', 1, 1);
  return { inferred: inferShapes(graph, { inputShapes: shapes }), warnings };
}

function toTensorInfo(i: InputPlan): TensorInfo {
  return { name: i.name, dtype: i.dtype, shape: i.shape, ...(i.declaredShape ? { declaredShape: i.declaredShape } : {}) };
}

function outputInfo(graph: Graph, name: string): OutputInfo {
  const t = graph.types.get(name);
  const info: OutputInfo = { name };
  if (t?.dtype && isNumericDType(t.dtype)) info.dtype = t.dtype;
  if (t?.shape) info.shape = [...t.shape];
  return info;
}

/**
 * Compiles an ONNX model (a file path, the bytes of an .onnx file, or a decoded ModelProto)
 * into a HybridModel: engine segments on the chosen backend, the rest on onnxruntime-node.
 * See CompileOptions for every option and docs/api.md for an example.
 */
export async function compile(model: ModelSource, options: CompileOptions = {}): Promise<CompiledModel> {
  const t0 = performance.now();
  const ms: Partial<Record<CompilePhase | 'total', number>> = {};
  const timed = async <T>(phase: CompilePhase, fn: () => T | Promise<T>): Promise<T> => {
    const s = performance.now();
    try {
      return await fn();
    } finally {
      ms[phase] = (ms[phase] ?? 0) + performance.now() - s;
    }
  };
  const opts = resolveOptions(options);
  const given = inputShapesOption(options.inputs);
  const { graph, label } = loadSource(model, options.label);
  const modelInputs = [...graph.inputs];
  const modelOutputs = [...graph.outputs];
  const inputs = planInputs(graph, given, label);
  const backend = chooseBackend(opts.backend, opts.log);
  const shapes = Object.fromEntries(inputs.map((i) => [i.name, i.shape]));

  opts.progress('lower', 0, 1);
  const lowering = await timed('lower', () => lower(graph, { inputShapes: shapes, label }));
  if (graph.inputs.join('\0') !== modelInputs.join('\0') || graph.outputs.join('\0') !== modelOutputs.join('\0')) {
    throw new Error(`${label}: lowering changed the model's inputs or outputs`);
  }
  let inferred = inferShapes(graph, { inputShapes: shapes });
  opts.progress('lower', 1, 1);
  const probed = await timed('probe', () => probe(graph, inputs, opts, options, inferred));
  inferred = probed.inferred;

  opts.progress('partition', 0, 1);
  const result = await timed('partition', () =>
    partition(graph, {
      registry: opts.registry,
      fallbackOps: opts.fallbackOps,
      fallbackNodes: opts.fallbackNodes,
      minBlockSize: opts.minBlockSize,
      requireFullCompilation: opts.requireFullCompilation,
      knownValues: inferred.values,
      label,
    }),
  );
  for (const w of result.warnings) opts.log(w, 'warn');
  opts.progress('partition', 1, 1);

  const built = await timed('build', () =>
    buildRunners(graph, result.segments, {
      backend,
      precisions: opts.precisions,
      registry: opts.registry,
      threads: opts.threads,
      maxContexts: opts.maxContexts,
      requireFullCompilation: opts.requireFullCompilation,
      label,
      progress: opts.progress,
      log: opts.log,
    }),
  );
  try {
    const ran = new Map(built.runners.map((r) => [r.id, r.kind]));
    const schedule = makeSchedule(
      result.segments.map((s) => ({ ...s, kind: ran.get(s.id)! })),
      graph.inputs,
      graph.outputs,
    );
    const constants = new Map<string, TensorData>();
    const produced = new Set([...graph.inputs, ...result.segments.flatMap((s) => s.outputs.map((o) => o.name))]);
    for (const o of graph.outputs) {
      if (produced.has(o)) continue;
      const c = graph.constant(o);
      if (!c) throw new HybridError('MODEL_INVALID', `${label}: output '${o}' is produced by no node, input or initializer`);
      constants.set(o, c);
    }
    const engines: EngineSummary[] = built.runners.filter((r): r is EngineSegment => r instanceof EngineSegment).map((r) => engineSummary(r.id, r.engine.info()));
    ms.total = performance.now() - t0;
    const warnings = [...probed.warnings, ...built.demoted.map((d) => `engine segment ${d.segment} runs on onnxruntime: its engine could not be built (${d.reason})`)];
    const report = makeReport({ graph, partition: result, lowering, label, backend, precisions: opts.precisions, engines, compileMs: ms, warnings });
    return new HybridModel<ModelReport>({
      label,
      backend,
      inputs: inputs.map(toTensorInfo),
      outputs: graph.outputs.map((o) => outputInfo(graph, o)),
      schedule,
      runners: built.runners,
      constants,
      report,
    });
  } catch (e) {
    for (const r of built.runners) await r.dispose();
    throw e;
  }
}
