/**
 * Checks of flags against the model and against each other, before any work: a --fallback-nodes
 * name the model lacks is an error naming it (a --fallback-ops op type it lacks is a warning of
 * the partitioner's, printed once with compile's warnings), a --timing-cache or --save-engine
 * file that is not one is refused rather than overwritten, and combinations that cannot mean
 * anything are OPTION errors that say what to use instead.
 */
import { HybridError } from '../errors.js';
import { checkTimingCachePath } from '../engine/timing-cache.js';
import type { Graph } from '../ir/graph.js';
import { checkSaveEngine } from './artifact.js';
import { checkBenchmarkFlags } from './benchmark.js';
import type { CliOptions } from './options.js';

export function checkFlags(opts: CliOptions, graph: Graph, io: { err(text: string): void }): void {
  if (opts.fallbackNodes.length) {
    const missing = opts.fallbackNodes.filter((n) => !graph.node(n));
    if (missing.length) {
      throw new HybridError(
        'OPTION',
        `--fallback-nodes ${opts.fallbackNodes.join(',')}: the model has no node ${missing.map((n) => `'${n}'`).join(', ')}`,
      );
    }
  }
  if (opts.timingCache !== undefined && opts.backend !== 'ort') checkTimingCachePath(opts.timingCache, '--timing-cache');

  checkBenchmarkFlags(opts);
  checkSaveEngine(opts);
  if (opts.dryRun) {
    const running = [opts.compare && '--compare', opts.benchmark !== undefined && '--benchmark', opts.outputDir && '--output-dir'].filter(Boolean);
    if (running.length) throw new HybridError('OPTION', `${running.join(', ')}: --dry-run runs nothing; drop --dry-run to run the model`);
    return;
  }
  if (opts.backend === 'ort') {
    const engineOnly = [
      opts.timingCache !== undefined && '--timing-cache',
      opts.profile && '--profile',
      opts.cacheDir !== undefined && '--cache-dir',
      opts.ranges.length > 0 && '--min-shapes/--opt-shapes/--max-shapes',
      opts.device !== undefined && '--device',
    ].filter(Boolean);
    if (engineOnly.length) throw new HybridError('OPTION', `${engineOnly.join(', ')}: --backend ort builds no engines; use --backend auto|cpu|cuda`);
    if (opts.precisions.some((p) => p !== 'fp32')) {
      throw new HybridError(
        'OPTION',
        `--precision ${opts.precisions.join(',')}: --backend ort runs the model in its own precision; precisions apply to engine backends`,
      );
    }
    const hybrid = [
      opts.minBlockSize !== undefined && '--min-block-size',
      opts.fallbackOps.length > 0 && '--fallback-ops',
      opts.fallbackNodes.length > 0 && '--fallback-nodes',
      opts.requireFullCompilation && '--require-full-compilation',
      opts.report && '--report',
      opts.reportFile && '--report-file',
    ].filter(Boolean);
    if (hybrid.length) {
      throw new HybridError(
        'OPTION',
        `${hybrid.join(', ')}: --backend ort runs the whole model on onnxruntime; partitioning applies to the hybrid executor (--backend auto|cpu|cuda) and to --dry-run`,
      );
    }
  }
  if (opts.report && opts.report !== 'text' && !opts.reportFile) {
    throw new HybridError(
      'OPTION',
      `--report ${opts.report}: stdout carries the run's printout; add --report-file PATH, or use --dry-run to print only the report`,
    );
  }
}
