/**
 * analyze(model, options): compile()'s front half without building anything, behind
 * `hybrid-run --dry-run` and `--report`:
 *
 *   load -> input shapes -> lower -> infer shapes -> probe what inference cannot give
 *        -> infer again -> partition -> report data
 *
 * It takes the steps compile() takes, with the same options and defaults, so the dry run shows
 * the segments compile() would build; probing can be turned off (`probe: false`: no onnxruntime
 * run at all). Inputs get their shapes as compile() gives them (src/compiler/profiles.ts: a
 * symbolic dim nobody sizes is 1, with a warning). Where a dim varies over the profiles, the graph
 * is lowered with symbols and every node judged at each end of each range
 * (src/compiler/shape-views.ts).
 */
import type { ConverterRegistry } from '../../converters/registry.js';
import { type LeftByLowering, registryEndsEngine, registryVerdict } from '../../converters/verdict.js';
import { HybridError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { DTYPE_SIZE, type NumericDType, numel } from '../onnx/dtype.js';
import type { Graph } from '../ir/graph.js';
import { type InferResult, inferShapes } from '../ir/infer/index.js';
import { type Dim, type ValueType, isStaticShape } from '../ir/types.js';
import { type LoweringReport, lower } from '../lowering/index.js';
import type { TensorData } from '../onnx/tensor.js';
import { matchesOp } from '../partition/annotate.js';
import { nodeReads, partition } from '../partition/index.js';
import type { PartitionResult } from '../partition/types.js';
import { buildReport, type ReportData } from '../report/model.js';
import { type CompileOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { type ProfilePlan, planProfiles, profilesOption } from './profiles.js';
import { type ShapeView, makeViews, polymorphismFaults, rangeVerdict } from './shape-views.js';
import { checkValueSizes } from './value-sizes.js';
import { dataDependentViews, withDataDependentSizes } from './data-dependent.js';
import { nativeAvailable } from '../engine/native.js';
import { checkFallbackSessions } from './build.js';
import { probeShapes, sampleTensor, resampledFeeds, valuesToProbe } from './probe.js';
import { loadSource, type ModelSource } from './source.js';
import { checkInputValues, fixInputs, fixedShapes, formatValue, withoutFixed } from './input-values.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';

/**
 * What analyze() takes: compile()'s options that decide the partition (their meaning and
 * documentation are compile()'s: CompileOptions), and its own below.
 */
export interface AnalyzeOptions extends Pick<
  CompileOptions,
  | 'inputs'
  | 'profiles'
  | 'inputValues'
  | 'minBlockSize'
  | 'fallbackOps'
  | 'fallbackNodes'
  | 'requireFullCompilation'
  | 'registry'
  | 'ortSessionOptions'
> {
  /** Run onnxruntime on sample inputs to find shapes inference cannot give (default true, as compile() does). */
  probe?: boolean;
  /** Feeds to probe with instead of seeded random samples (as compile's `probeFeeds`), by input name. */
  probeFeeds?: ReadonlyMap<string, TensorData> | Readonly<Record<string, TensorData>>;
  /** onnxruntime threads while probing (compile's `threads`). */
  threads?: number;
  /**
   * Open (and release) an onnxruntime session per fallback segment, as compile() does, so that
   * a sub-model onnxruntime refuses is the same error here as there (default false; the CLI's
   * --dry-run sets it).
   */
  checkFallbacks?: boolean;
  /** Lowering passes to skip (debugging). */
  skipLowering?: string[];
  /** Names the model in messages and the report (default: its path, or '<bytes>'). */
  label?: string;
  /**
   * Called as each step of the analysis starts, with words for a progress line: 'lower: pass
   * 3/14, fold-constants', 'infer shapes', 'probe shapes on onnxruntime, round 1: 12 values',
   * 'partition', 'open 2 fallback sessions' (compile()'s `onProgress` passes them as its `step`).
   */
  onStep?: (step: string) => void;
}

/** Every key of AnalyzeOptions, once (an unknown key is an OPTION error naming the nearest). */
export const ANALYZE_OPTION_KEYS = optionKeys<AnalyzeOptions>()([
  'inputs',
  'profiles',
  'inputValues',
  'minBlockSize',
  'fallbackOps',
  'fallbackNodes',
  'requireFullCompilation',
  'registry',
  'probe',
  'probeFeeds',
  'threads',
  'checkFallbacks',
  'ortSessionOptions',
  'skipLowering',
  'label',
  'onStep',
]);

export interface AnalyzeResult {
  /** The lowered graph with inferred (and probed) types, as partitioned. */
  graph: Graph;
  lowering: LoweringReport;
  inferred: InferResult;
  partition: PartitionResult;
  /** The partition report's data: render it with renderReport (src/report). */
  report: ReportData;
  /** Everything worth telling the user (also in `report.warnings`). */
  warnings: string[];
  /** Values whose shapes onnxruntime probed (not inferred): they may differ on other data. */
  probed: string[];
  /** The model's declared value types, before input shapes were fixed: what sub-models for onnxruntime declare. */
  declaredTypes: ReadonlyMap<string, ValueType>;
  /** Every input's range per profile, and whether any input takes more than one shape. */
  profiles: ProfilePlan;
  /**
   * A dynamic compile's views of the graph at the ends of each profile (shape-views.ts), in
   * profile order, min, opt, max each, or a static one's where engines report sizes that
   * depend on the data (data-dependent.ts); absent otherwise (`graph` has concrete types).
   */
  views?: ShapeView[];
}

async function probe(
  graph: Graph,
  registry: ConverterRegistry,
  given: Record<string, number[]>,
  inferred: InferResult,
  warnings: string[],
  probed: string[],
  declaredTypes: ReadonlyMap<string, ValueType>,
  options: Pick<AnalyzeOptions, 'probeFeeds' | 'threads' | 'onStep'> = {},
  /** Checks the graph's types after each round's inference, before the next round runs onnxruntime. */
  checkTypes: () => void = () => {},
  /** Throw where onnxruntime fails on the samples, instead of warning (a view next to a range's end). */
  rethrow = false,
): Promise<InferResult> {
  const plans = graph.inputs.map((name) => ({ name, type: graph.types.get(name) }));
  if (plans.some((p) => !p.type?.dtype || p.type.dtype === 'string' || !isStaticShape(p.type.shape))) return inferred;
  const values = valuesToProbe(graph, registry);
  if (!values.length) return inferred;
  // Given feeds are probed beside resamples of their own values, so that a shape that depends
  // on the data differs between the samples as it would between real inputs. A dynamic
  // compile probes each end of each range at its own shapes: feeds of other shapes (given at
  // one shape, as hybrid-run's run inputs are) would record their shapes there instead.
  const offered = options.probeFeeds instanceof Map ? options.probeFeeds : options.probeFeeds && new Map(Object.entries(options.probeFeeds));
  const fit = (f: TensorData | undefined, shape: readonly Dim[]) => !!f && f.dims.length === shape.length && f.dims.every((d, i) => d === shape[i]);
  const feeds = offered && plans.every((p) => fit(offered.get(p.name), p.type!.shape!)) ? offered : undefined;
  // Three samples of every input are made: beyond LIMITS.probeBytes, probing is not worth it.
  const bytes = plans.reduce((a, p) => a + numel(p.type!.shape as number[]) * (DTYPE_SIZE[p.type!.dtype as NumericDType] ?? 1), 0);
  if (!feeds && 3 * bytes > LIMITS.probeBytes) {
    warnings.push(
      `the inputs take ${bytes} bytes, too many to probe the shapes of ${values.length} value(s) with; the nodes that read them run on onnxruntime`,
    );
    return inferred;
  }
  const sample = (seed: number) =>
    new Map(
      plans.map(
        (p) =>
          [p.name, sampleTensor({ name: p.name, dtype: p.type!.dtype as never, shape: p.type!.shape as number[] }, seed)] as [string, TensorData],
      ),
    );
  const samples = feeds ? [feeds, resampledFeeds(feeds, 2), resampledFeeds(feeds, 3)] : [sample(1), sample(2), sample(3)];
  // Rounds: each probes only the frontier (values whose producer's inputs are known, where
  // inference stopped), then inference carries the probed shapes on. Probing every unknown
  // value at once made onnxruntime return every one of them (a 32,000-node chain after an If).
  const dataDependent: string[] = [];
  // Per sample, the values earlier rounds computed: each round starts where the last stopped.
  const computed = samples.map(() => new Map<string, TensorData>());
  let result = inferred;
  for (let round = 0; round < MAX_PROBE_ROUNDS; round++) {
    const wanted = probeFrontier(graph, round === 0 ? values : valuesToProbe(graph, registry), dataDependent);
    if (!wanted.length) break;
    options.onStep?.(`probe shapes on onnxruntime, round ${round + 1}: ${wanted.length} value${wanted.length === 1 ? '' : 's'}`);
    try {
      const r = await probeShapes(graph, wanted, samples, options.threads, declaredTypes, computed);
      probed.push(...r.probed);
      dataDependent.push(...r.dataDependent);
      if (!r.probed.length) break;
    } catch (e) {
      if (!(e instanceof HybridError) || rethrow) throw e;
      warnings.push(`could not probe the shapes of ${wanted.length} value(s) (${e.message}); the nodes that read them run on onnxruntime`);
      break;
    }
    options.onStep?.('infer shapes');
    result = inferShapes(graph, { inputShapes: given });
    checkTypes();
  }
  // What an engine sizes after each run (a data-dependent converter's output: NonZero's) its
  // readers take over a range instead (data-dependent.ts).
  const endsEngine = registryEndsEngine(registry);
  const sized = (v: string) => {
    const p = graph.producer(v);
    return !!p && endsEngine(graph, p);
  };
  const unsized = dataDependent.filter((v) => !sized(v) || !nativeAvailable());
  if (unsized.length) {
    const list = unsized.slice(0, 5).join(', ') + (unsized.length > 5 ? ', ...' : '');
    warnings.push(`the shapes of ${list} depend on the input data: the nodes that read them run on onnxruntime`);
  }
  return result === inferred ? inferShapes(graph, { inputShapes: given }) : result;
}

/** Probing rounds at most: each probes where inference stopped, then inference goes on. */
const MAX_PROBE_ROUNDS = 16;

/**
 * The values worth probing now: where inference stopped (the producer's inputs have known
 * types, its outputs not), leaving out those already found to depend on the data. Values
 * after them are inferred once these are known, or probed in a later round.
 */
function probeFrontier(graph: Graph, values: readonly string[], dataDependent: readonly string[]): string[] {
  const skip = new Set(dataDependent);
  const known = (v: string) => {
    const t = graph.types.get(v);
    return !!t?.dtype && isStaticShape(t.shape);
  };
  return values.filter((v) => {
    if (skip.has(v)) return false;
    const p = graph.producer(v);
    return !p || nodeReads(p).every((i) => graph.isInitializer(i) || known(i));
  });
}

/** Per profile, the inputs that take more than one shape (what reports show). */
function rangedInputs(plan: ProfilePlan): NonNullable<ReportData['model']['profiles']> {
  const ranged = Object.keys(plan.profiles[0]!).filter((n) => plan.profiles.some((p) => p[n]!.min.some((d, i) => d !== p[n]!.max[i])));
  return plan.profiles.map((p) => Object.fromEntries(ranged.map((n) => [n, p[n]!])));
}

/** Loads, lowers and partitions a model, and builds its partition report; builds no engine. */
export async function analyze(model: ModelSource, options: AnalyzeOptions = {}): Promise<AnalyzeResult> {
  if (options === null || typeof options !== 'object') throw new HybridError('OPTION', 'analyze options must be an object');
  checkKnownKeys(options, ANALYZE_OPTION_KEYS, 'analyze options');
  if (options.onStep !== undefined && typeof options.onStep !== 'function')
    throw new HybridError('OPTION', 'analyze options: onStep must be a function');
  const opts = resolveOptions({
    minBlockSize: options.minBlockSize,
    fallbackOps: options.fallbackOps,
    fallbackNodes: options.fallbackNodes,
    requireFullCompilation: options.requireFullCompilation,
    registry: options.registry,
    ortSessionOptions: options.ortSessionOptions,
  });
  const { graph, label } = loadSource(model, options.label);
  const fixed = checkInputValues(graph, options.inputValues, label);
  const warnings: string[] = [];
  const asked = fixedShapes(profilesOption(options.inputs, options.profiles), fixed);
  const plan = planProfiles(graph, asked, label, (m, level) => level === 'warn' && warnings.push(m));
  return analyzeGraph(
    graph,
    label,
    plan,
    opts,
    { ...options, fixed, ...(opts.ortSessionOptions ? { ortSessionOptions: opts.ortSessionOptions } : {}) },
    warnings,
  );
}

/** What analyzeGraph takes of compile()'s resolved options. */
export type AnalysisOptions = Pick<ResolvedOptions, 'minBlockSize' | 'fallbackOps' | 'fallbackNodes' | 'requireFullCompilation' | 'registry'>;

/**
 * analyze() once its options are resolved, the model loaded (`graph`, which is lowered in
 * place) and its profiles planned: compile() calls it with what it settled itself, so that
 * nothing is resolved or decoded twice. `warnings` holds what planning said so far.
 */
export async function analyzeGraph(
  graph: Graph,
  label: string,
  plan: ProfilePlan,
  opts: AnalysisOptions,
  options: Pick<AnalyzeOptions, 'probe' | 'probeFeeds' | 'threads' | 'checkFallbacks' | 'ortSessionOptions' | 'skipLowering' | 'onStep'> & {
    /** Inputs fixed at compile time (checkInputValues): made initializers before lowering. */
    fixed?: ReadonlyMap<string, TensorData>;
  },
  warnings: string[] = [],
): Promise<AnalyzeResult> {
  const fixed = options.fixed ?? new Map<string, TensorData>();
  const declaredTypes = new Map([...graph.types].map(([name, t]) => [name, { ...t, ...(t.shape ? { shape: [...t.shape] } : {}) }]));
  fixInputs(graph, fixed);
  // The inputs left: a fixed one is a constant now (its shape was planned as its value's).
  const live = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).filter(([n]) => !fixed.has(n)));
  const profiles = plan.profiles.map(live);
  // A static compile works at its one shape; a dynamic one lowers with symbols where dims vary
  // and judges nodes at every end of every profile (shape-views.ts).
  const given: Record<string, number[]> = Object.fromEntries(Object.entries(profiles[0]!).map(([n, r]) => [n, r.opt]));
  if (options.probeFeeds && fixed.size) options = { ...options, probeFeeds: withoutFixed(options.probeFeeds, fixed) };
  const originalNodes = new Set(graph.nodes.map((n) => n.name));
  const originalOps = [...graph.nodes];
  const inputShapes: Record<string, Dim[]> = plan.dynamic ? live(plan.symbolic) : given;
  const step = options.onStep ?? (() => {});
  const lowering = await lower(graph, {
    inputShapes,
    ...(plan.dynamic ? { inputRanges: profiles } : {}),
    label,
    skip: options.skipLowering,
    onPass: (name, index, total) => step(`lower: pass ${index}/${total}, ${name}`),
  });
  step('infer shapes');
  let inferred = inferShapes(graph, { inputShapes });
  const probed: string[] = [];
  const probeWarnings: string[] = [];
  // Verdicts read the values inference fixed from the graph itself (graph.inferredValues).
  // Why lowering left an If, Loop or Scan: the report gives it as that node's reason.
  const left: LeftByLowering = new Map(lowering.passes.flatMap((p) => Object.entries(p.left ?? {})));
  let verdict = registryVerdict(opts.registry, left);
  let views: ShapeView[] | undefined;
  if (!plan.dynamic) {
    // Sizes are checked before each probing round (onnxruntime would compute the values) and after.
    const checkSizes = () => checkValueSizes(graph, label, 'its input shapes');
    checkSizes();
    if (options.probe !== false) {
      inferred = await probe(graph, opts.registry, given, inferred, warnings, probed, declaredTypes, options, checkSizes);
    }
    checkSizes();
    // Sizes engines report after a run (NonZero's) are ranges: views as a dynamic compile's.
    views = nativeAvailable() ? dataDependentViews(graph, given, opts.registry) : undefined;
    if (views) verdict = rangeVerdict(views, opts.registry, 1, left);
  } else {
    views = await makeViews(graph, profiles, async (view, shapes, viewInferred, near) => {
      const at = `input shapes ${Object.entries(shapes)
        .map(([n, d]) => `${n} [${d.join(',')}]`)
        .join(', ')}`;
      const checkSizes = () => checkValueSizes(view, label, at);
      checkSizes();
      if (options.probe === false) return;
      // Next to an end, onnxruntime failing on a size the model does not take (a detector's
      // multiples of 32 at min + 1) throws, and makeViews leaves the view out: the ends decide,
      // and no warning tells of shapes the user never gave.
      await probe(view, opts.registry, shapes, viewInferred, probeWarnings, probed, declaredTypes, options, checkSizes, near);
      checkSizes();
    });
    // Sizes engines report after a run (NonZero's) range from 0 at min to their bound at max.
    if (nativeAvailable()) views = withDataDependentSizes(views, opts.registry);
    verdict = rangeVerdict(views, opts.registry, plan.profiles.length, left);
  }
  step('partition');
  const partitionWith = (v: typeof verdict) =>
    partition(graph, {
      verdict: v,
      endsEngine: registryEndsEngine(opts.registry),
      fallbackOps: opts.fallbackOps,
      fallbackNodes: opts.fallbackNodes,
      minBlockSize: opts.minBlockSize,
      requireFullCompilation: opts.requireFullCompilation,
      label,
    });
  let result = partitionWith(verdict);
  if (views && nativeAvailable()) {
    // Nodes whose layers differ over the range go to onnxruntime, with the reason; each round
    // forces at least one more node, so this ends.
    const forced = new Map<string, string>();
    for (;;) {
      const faults = polymorphismFaults(views, result.segments, opts.registry, plan.profiles.length);
      if (!faults.size) break;
      for (const [n, why] of faults) forced.set(n, why);
      const base = verdict;
      result = partitionWith((g, node) => forced.get(node.name) ?? base(g, node));
    }
  }
  warnings.push(...new Set(probeWarnings));

  // A fallbackNodes name that lowering removed is not a typo: say what happened to it.
  const lowered = new Set(graph.nodes.map((n) => n.name));
  result.warnings = result.warnings.map((w) => {
    const op = /^fallbackOps: no '(.*)' node in the graph$/.exec(w)?.[1];
    if (op !== undefined) {
      return originalOps.some((n) => matchesOp(op, n))
        ? `fallbackOps: every '${op}' node was removed or merged by lowering; nothing is forced`
        : `fallbackOps: the model has no '${op}' node (op types are case-sensitive; another domain's op is 'domain::Op')`;
    }
    const name = /^fallbackNodes: no node named '(.*)' in the graph$/.exec(w)?.[1];
    if (name === undefined || lowered.has(name)) return w;
    return originalNodes.has(name)
      ? `fallbackNodes: node '${name}' was removed or merged by lowering; force a node of the lowered graph instead (see the JSON report's nodes)`
      : `fallbackNodes: the model has no node named '${name}'`;
  });
  if (options.checkFallbacks) {
    const fallbacks = result.segments.filter((s) => s.kind === 'fallback').length;
    if (fallbacks) step(`open ${fallbacks} fallback session${fallbacks === 1 ? '' : 's'}`);
    await checkFallbackSessions(graph, result.segments, {
      label,
      declaredTypes,
      ...(views ? { views } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
      ...(options.ortSessionOptions ? { ortSessionOptions: options.ortSessionOptions } : {}),
    });
  }
  const report = buildReport(graph, result, {
    file: label,
    lowering: {
      nodesBefore: lowering.nodesBefore,
      nodesAfter: lowering.nodesAfter,
      passes: lowering.passes.filter((p) => !p.skipped).map((p) => ({ name: p.name, changed: p.changed, counts: p.counts, notes: p.notes })),
    },
    warnings,
    ...(plan.dynamic ? { profiles: rangedInputs(plan) } : {}),
    ...(fixed.size ? { fixedInputs: [...fixed].map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.dims], value: formatValue(t) })) } : {}),
  });
  return {
    graph,
    lowering,
    inferred,
    partition: result,
    report,
    warnings: report.warnings,
    probed,
    declaredTypes,
    profiles: plan,
    ...(views ? { views } : {}),
  };
}
