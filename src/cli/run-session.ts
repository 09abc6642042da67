/**
 * What hybrid-run's printout, benchmark and compare see of whatever executes the model: a
 * RunSession, opened by session.ts's openSession for --backend (onnxruntime-node whole, or the
 * hybrid executor) and implemented by ort-session.ts and hybrid-session.ts.
 */
import type { Precision } from '../engine/precision.js';
import type { TensorData } from '../onnx/tensor.js';
import type { EngineSummary } from '../compiler/report.js';
import type { ReportData } from '../report/model.js';
import type { RunStats } from '../runtime/types.js';
import type { CliOptions } from './options.js';

export interface RunSession {
  /** One line for the printout, e.g. "ort (onnxruntime-node 1.30.0, whole model on the CPU)". */
  readonly description: string;
  /** What opening the session is called in the timing line: 'session' or 'compile'. */
  readonly openPhase: string;
  /** Lines printed after the backend line (partition summary, compile phases). */
  readonly notes: string[];
  /** The precisions the model computes in (fp32 alone for onnxruntime and the cpu backend). */
  readonly precisions: readonly Precision[];
  /** The partition report, where the session partitioned the model. */
  readonly report?: ReportData;
  run(feeds: ReadonlyMap<string, TensorData>): Promise<Map<string, TensorData>>;
  /** Lines about the last run (segment times, copies), where the backend has them. */
  lastRunLines?(): string[];
  /** What --benchmark can measure beyond wall time, where the backend measures itself (hybrid). */
  readonly bench?: BenchHooks;
  dispose(): Promise<void>;
}

/** The hybrid backends' measurements for --benchmark (benchmark.ts). */
export interface BenchHooks {
  /** Whether feeds can stay on the GPU between runs (cuda): GPU compute is then measured so. */
  readonly resident: boolean;
  /**
   * One run whose engine segments time themselves: from host feeds to host outputs, or
   * (resident) from feeds uploaded once to outputs left on the GPU. Resolves with the wall
   * time and the run's statistics (each engine segment's `timing`).
   */
  run(feeds: ReadonlyMap<string, TensorData>, timing: 'coarse' | 'layers', resident: boolean): Promise<{ ms: number; stats: RunStats }>;
  /** Compile phase times and the engines built. */
  readonly compileMs: Readonly<Record<string, number | undefined>>;
  readonly engines: readonly EngineSummary[];
}

export type SessionOptions = Pick<
  CliOptions,
  | 'model'
  | 'backend'
  | 'threads'
  | 'device'
  | 'ortSessionOptions'
  | 'verbose'
  | 'precisions'
  | 'calibration'
  | 'int8Policy'
  | 'minBlockSize'
  | 'fallbackOps'
  | 'fallbackNodes'
  | 'requireFullCompilation'
  | 'timingCache'
  | 'saveEngine'
  | 'cacheDir'
  | 'inputValues'
>;

/**
 * The flags that decide a compile's engines and fallbacks, as compile() and analyze() take them:
 * the run's compile, the dry run's analysis and --int8's calibration compile all read them here.
 */
export function partitionOptions(opts: Pick<CliOptions, 'minBlockSize' | 'fallbackOps' | 'fallbackNodes' | 'threads' | 'ortSessionOptions'>) {
  return {
    ...(opts.minBlockSize !== undefined ? { minBlockSize: opts.minBlockSize } : {}),
    fallbackOps: opts.fallbackOps,
    fallbackNodes: opts.fallbackNodes,
    ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    ...(opts.ortSessionOptions ? { ortSessionOptions: opts.ortSessionOptions } : {}),
  };
}

export interface SessionHooks {
  /** A warning worth showing (an option that matched nothing, a demoted engine...). */
  warn(message: string): void;
  /** Show a progress bar on stderr while engines build (stderr is a terminal). */
  progress?: boolean;
}
