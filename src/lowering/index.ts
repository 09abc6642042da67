/**
 * Lowering: the ordered passes that bring a model into the forms the converters expect, run
 * from the one list below. `lower(graph, options)` edits `graph` in place (clone it first to
 * keep the original) and reports, per pass, what changed, notes naming nodes, and the time.
 *
 * The lowered graph stays a valid ONNX model of standard ops that onnxruntime runs with the
 * same results: fallback segments are cut from it, and the tests compare it with the original.
 */
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { type InferResult, inferShapes } from '../ir/infer/index.js';
import { eliminateDead } from './eliminate-dead.js';
import { foldBatchNorm } from './fold-batchnorm.js';
import { foldChannelAffine } from './fold-channel-affine.js';
import { foldConstants } from './fold-constants.js';
import { foldPadIntoConv, foldPadIntoPool } from './fold-pad.js';
import { inlineFunctions } from './inline-functions.js';
import { inlineIf } from './inline-if.js';
import { unrollLoops } from './unroll-loops.js';
import { normalizeGemm } from './normalize-gemm.js';
import { normalizeShapes } from './normalize-shapes.js';
import { normalizeSum } from './normalize-sum.js';
import { removeIdentity } from './remove-identity.js';
import { removeNoops } from './remove-noops.js';
import { sinkTransposes } from './sink-transposes.js';
import { mergeScoreAdds } from './merge-score-adds.js';
import type { LoweringContext, LoweringReport, LowerOptions, Pass, PassReport } from './types.js';

export type { FoldingLimits, LoweringContext, LoweringReport, LowerOptions, Pass, PassReport, PassResult } from './types.js';

/** The passes, in the order they run. */
export const LOWERING_PASSES: readonly Pass[] = [
  { name: 'inline-functions', run: inlineFunctions },
  { name: 'remove-identity', run: removeIdentity },
  { name: 'fold-constants', run: foldConstants },
  { name: 'inline-if', run: inlineIf },
  { name: 'unroll-loops', run: unrollLoops },
  { name: 'normalize-sum', run: normalizeSum },
  { name: 'fold-batchnorm', run: foldBatchNorm },
  { name: 'fold-channel-affine', run: foldChannelAffine },
  { name: 'normalize-gemm', run: normalizeGemm },
  { name: 'normalize-shapes', run: normalizeShapes },
  { name: 'merge-score-adds', run: mergeScoreAdds },
  { name: 'sink-transposes', run: sinkTransposes },
  { name: 'fold-pad-into-pool', run: foldPadIntoPool },
  { name: 'fold-pad-into-conv', run: foldPadIntoConv },
  { name: 'remove-noops', run: removeNoops },
  { name: 'eliminate-dead', run: eliminateDead },
];

export async function lower(graph: Graph, options: LowerOptions = {}): Promise<LoweringReport> {
  const label = options.label ?? graph.name;
  const names = LOWERING_PASSES.map((p) => p.name);
  for (const s of options.skip ?? []) {
    if (!names.includes(s)) {
      throw new HybridError('OPTION', `unknown lowering pass '${s}' in skip; the passes are: ${names.join(', ')}`);
    }
  }
  const ctx = new Context(graph, options, label);
  // Bad input shapes are the user's error and surface here, before any pass runs.
  if (options.inputShapes) ctx.infer();
  const start = performance.now();
  const report: LoweringReport = {
    model: label,
    nodesBefore: graph.nodes.length,
    nodesAfter: 0,
    initializersBefore: graph.initializers.size,
    initializersAfter: 0,
    passes: [],
    ms: 0,
  };
  const running = LOWERING_PASSES.filter((p) => !options.skip?.includes(p.name)).length;
  let started = 0;
  for (const pass of LOWERING_PASSES) {
    const t0 = performance.now();
    if (options.skip?.includes(pass.name)) {
      report.passes.push({ name: pass.name, skipped: true, changed: 0, counts: {}, notes: [], ms: 0, nodesAfter: graph.nodes.length });
      continue;
    }
    options.onPass?.(pass.name, ++started, running);
    const unorderedBefore = new Set(readsBeforeDefinition(graph));
    const result = await pass.run(graph, ctx);
    if (result.changed) ctx.changed();
    const broken = readsBeforeDefinition(graph).filter((d) => !unorderedBefore.has(d));
    if (broken.length) {
      // A bug in the pass, not in the model: say which pass so that it can be found.
      throw new Error(`${label}: lowering pass '${pass.name}' left values read before (or without) a producer: ${broken.join(', ')}`);
    }
    const entry: PassReport = { name: pass.name, skipped: false, ...result, ms: performance.now() - t0, nodesAfter: graph.nodes.length };
    if (ctx.inferenceNote) entry.notes.push(ctx.takeInferenceNote()!);
    report.passes.push(entry);
  }
  report.nodesAfter = graph.nodes.length;
  report.initializersAfter = graph.initializers.size;
  report.ms = performance.now() - start;
  return report;
}

/** The report as text: one line per pass, then its notes indented. */
export function formatLoweringReport(report: LoweringReport, options: { notes?: boolean } = {}): string {
  const lines = [
    `lowering ${report.model}: ${report.nodesBefore} -> ${report.nodesAfter} nodes, ` +
      `${report.initializersBefore} -> ${report.initializersAfter} initializers (${report.ms.toFixed(0)} ms)`,
  ];
  for (const p of report.passes) {
    const what = p.skipped
      ? 'skipped'
      : p.changed
        ? Object.entries(p.counts)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')
        : 'no change';
    lines.push(`  ${p.name.padEnd(20)} ${what} (${p.ms.toFixed(0)} ms)`);
    if (options.notes !== false) for (const n of p.notes) lines.push(`      ${n}`);
  }
  return lines.join('\n');
}

/** Values that a node reads before any node, input or initializer defines them. */
function readsBeforeDefinition(graph: Graph): string[] {
  const defined = new Set<string>([...graph.inputs, ...graph.initializers.keys()]);
  const out = new Set<string>();
  for (const n of graph.nodes) {
    for (const i of n.inputs) if (i && !defined.has(i)) out.add(i);
    for (const o of n.outputs) if (o) defined.add(o);
  }
  for (const o of graph.outputs) if (!defined.has(o)) out.add(o);
  return [...out];
}

class Context implements LoweringContext {
  private inferred?: InferResult;
  inferenceNote?: string;

  constructor(
    private readonly graph: Graph,
    readonly options: LowerOptions,
    readonly label: string,
  ) {}

  infer(): InferResult {
    if (this.inferred) return this.inferred;
    try {
      this.inferred = inferShapes(this.graph, { inputShapes: this.options.inputShapes });
    } catch (e) {
      if (e instanceof HybridError) throw e;
      this.inferenceNote = `shape inference failed, declared types only: ${(e as Error).message.split('\n')[0]}`;
      this.inferred = { values: new Map(), dimValues: new Map(), unknownOps: new Set(), issues: [] };
    }
    return this.inferred;
  }

  /** The graph changed: the next `infer()` runs inference again. */
  changed(): void {
    this.inferred = undefined;
  }

  takeInferenceNote(): string | undefined {
    const n = this.inferenceNote;
    this.inferenceNote = undefined;
    return n;
  }
}
