/**
 * What runs the fp32 model over the calibration batches, for collect.ts's statistics (issue 16
 * point 1: "calibration runs the fp32 model, engines and fallbacks as compiled"):
 * - 'engines' (the default): the model as compile() compiles it, fp32, on the backend asked for
 *   ('auto' by default: cuda where available, else cpu), engines and onnxruntime fallbacks as
 *   the partitioner decides, with the calibrated tensors added as graph outputs (an engine
 *   writes them as segment outputs: the partition stays, and a fusion that would hide one, such
 *   as a fused attention's softmax, is left; docs/quantization.md, "Calibration"). It is
 *   compiled for the first batch's shapes (that batch is its probe feeds), and again for each
 *   other set of shapes a batch brings. The engine cache is compile()'s (cacheDir, or
 *   $HYBRIDRT_CACHE_DIR): a second calibration of the same model loads it. A model that does not
 *   compile is a CALIBRATION error naming the reason and runner 'onnxruntime'; without the
 *   native addon, compile() runs the whole model on onnxruntime, and so does calibration.
 * - 'onnxruntime': one onnxruntime session, its cpu provider, graph optimizations off, so that
 *   no tensor is fused away (how calibration ran before issue 16's point 1 was done).
 * Either way the runner hands back float32 tensors by name; the statistics have one code path.
 */
import ort from 'onnxruntime-node';
import type { BackendChoice } from '../compiler/backend-names.js';
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { encodeModel } from '../onnx/model.js';
import type { ModelProto } from '../onnx/proto.js';

export type CalibrationRunner = 'engines' | 'onnxruntime';
export const CALIBRATION_RUNNERS: readonly CalibrationRunner[] = ['engines', 'onnxruntime'];

/**
 * The compile options the 'engines' runner compiles with (compile()'s own, for its implicit
 * int8: its backend as chosen, device, registry, threads, ortSessionOptions, minBlockSize,
 * fallbackOps, fallbackNodes, cache and timing-cache options), handed to compile() as they are,
 * which checks them. Not typed as CompileOptions: src/compiler imports this module (its
 * implicit int8 calibrates), and a type import back would tie the two (test/repo/import-cycles).
 */
export type RunnerCompileOptions = { backend?: BackendChoice; compile?: CalibrationCompile } & Readonly<Record<string, unknown>>;

/**
 * compile() as the 'engines' runner calls it, handed in by whoever calls calibration (the public
 * calibrate() and quantize(), compile()'s implicit int8 with its own function): this module and
 * the recipe it serves cannot import src/compiler's compile(), which imports them (its implicit
 * int8 calibrates), so the dependency is passed in rather than imported (test/repo/import-cycles).
 */
export type CalibrationCompile = (model: ModelProto, options: Readonly<Record<string, unknown>>) => Promise<CompiledRunner>;

/** What the runner needs of compile()'s model (a CompiledModel, typed here by what is used). */
export interface CompiledRunner {
  readonly backend: string;
  run(feeds: Record<string, ort.Tensor>, fetches: readonly string[]): Promise<Record<string, ort.Tensor>>;
  dispose(): Promise<void>;
}

export interface ModelRunner {
  /** What runs the model, in messages: 'onnxruntime', 'hybridrt (cpu engines, onnxruntime fallbacks)'. */
  readonly what: string;
  /** The tensors `outputs` of one batch (graph inputs among them are not asked for: collect.ts reads the feeds). */
  run(feeds: Record<string, ort.Tensor>, batch: number): Promise<Record<string, ort.Tensor>>;
  /** The compiled models so far ('engines'), one per batch shapes (CompiledModels); for the docs' measurements and tests. */
  readonly compiled: readonly CompiledRunner[];
  dispose(): Promise<void>;
}

/** `graph` (not modified) with `outputs` added to its outputs, as a ModelProto. */
export function withOutputs(graph: Graph, outputs: readonly string[]) {
  const g = graph.clone();
  for (const t of outputs) if (!g.outputs.includes(t)) g.outputs.push(t);
  return g.toModel();
}

async function ortRunner(graph: Graph, outputs: readonly string[]): Promise<ModelRunner> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(withOutputs(graph, outputs)), {
      graphOptimizationLevel: 'disabled',
      logSeverityLevel: 3,
    });
  } catch (e) {
    throw new HybridError('CALIBRATION', `calibration: onnxruntime cannot load the model with its tensors as outputs: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return {
    what: 'onnxruntime',
    compiled: [],
    run: (feeds) => session.run(feeds, [...outputs]),
    dispose: () => session.release(),
  };
}

const shapeKey = (feeds: Record<string, ort.Tensor>) =>
  JSON.stringify(
    Object.keys(feeds)
      .sort()
      .map((n) => [n, feeds[n]!.dims]),
  );

function enginesRunner(graph: Graph, outputs: readonly string[], { compile, ...options }: RunnerCompileOptions): ModelRunner {
  if (!compile) throw new Error("calibration runner 'engines' was not handed compile() (RunnerCompileOptions.compile)");
  const proto = withOutputs(graph, outputs);
  const models = new Map<string, CompiledRunner>();
  const compiled: CompiledRunner[] = [];
  const backend = options.backend ?? 'auto';
  let what = `hybridrt (backend ${backend})`;
  const open = async (feeds: Record<string, ort.Tensor>, batch: number): Promise<CompiledRunner> => {
    const key = shapeKey(feeds);
    const have = models.get(key);
    if (have) return have;
    const shapes = Object.fromEntries(Object.entries(feeds).map(([n, t]) => [n, [...t.dims]]));
    let model: CompiledRunner;
    try {
      model = await compile(proto, {
        ...options,
        precisions: ['fp32'],
        inputs: shapes,
        probeFeeds: feeds,
        label: `${graph.name || 'model'} (calibration)`,
      });
    } catch (e) {
      throw new HybridError(
        'CALIBRATION',
        `calibration: the fp32 model with its ${outputs.length} calibrated tensor(s) as outputs does not compile ` +
          `(backend ${backend}, at batch ${batch}'s shapes ${key}): ${(e as Error).message}; ` +
          `runner 'onnxruntime' (--calib-runner onnxruntime) calibrates on onnxruntime instead`,
        { cause: e },
      );
    }
    models.set(key, model);
    compiled.push(model);
    what = `hybridrt (${model.backend} engines, onnxruntime fallbacks)`;
    return model;
  };
  return {
    get what() {
      return what;
    },
    compiled,
    run: async (feeds, batch) => (await open(feeds, batch)).run(feeds, outputs),
    dispose: async () => {
      for (const m of compiled) await m.dispose();
    },
  };
}

/** A runner of `graph` (not modified) that hands back `outputs` (float32 tensors, none a graph input). */
export async function openRunner(
  graph: Graph,
  outputs: readonly string[],
  runner: CalibrationRunner = 'engines',
  options: RunnerCompileOptions = {},
): Promise<ModelRunner> {
  return runner === 'onnxruntime' ? ortRunner(graph, outputs) : enginesRunner(graph, outputs, options);
}
