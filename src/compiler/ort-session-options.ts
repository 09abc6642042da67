/**
 * `ortSessionOptions`: onnxruntime-node's session options for the sessions of fallback segments
 * (compile(), load(), and the engine cache's loads), as InferenceSession.create takes them:
 * execution providers, thread counts, graph optimization level, execution mode, memory arena
 * and pattern, log level and `extra` session config entries. Checked before any work:
 * unknown keys name the nearest option, a provider must be one onnxruntime-node offers on this
 * platform (ort.listSupportedBackends()), and options that would break how hybridrt hands
 * tensors between segments are refused with the reason. They do not decide the engines, so
 * they are not part of the engine cache key, and a .hybrid file does not keep them.
 */
import ort from 'onnxruntime-node';
import { HybridError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { checkKnownKeys, optionKeys } from '../util/option-keys.js';

type SessionOptions = ort.InferenceSession.SessionOptions;

/** The session options hybridrt passes through to every fallback segment's session. */
export type OrtSessionOptions = Pick<
  SessionOptions,
  | 'executionProviders'
  | 'intraOpNumThreads'
  | 'interOpNumThreads'
  | 'graphOptimizationLevel'
  | 'executionMode'
  | 'enableCpuMemArena'
  | 'enableMemPattern'
  | 'logSeverityLevel'
  | 'extra'
>;

/** Every key of OrtSessionOptions, once. */
export const ORT_SESSION_OPTION_KEYS = optionKeys<OrtSessionOptions>()([
  'executionProviders',
  'intraOpNumThreads',
  'interOpNumThreads',
  'graphOptimizationLevel',
  'executionMode',
  'enableCpuMemArena',
  'enableMemPattern',
  'logSeverityLevel',
  'extra',
]);

export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'layout', 'all'] as const;
const EXECUTION_MODES = ['sequential', 'parallel'] as const;

/** onnxruntime's session options that hybridrt cannot pass through, and why. */
const REFUSED: Readonly<Record<string, string>> = {
  freeDimensionOverrides: "fallback segments run at the shapes compile() fixes; give shapes with compile()'s inputs",
  optimizedModelFilePath: 'every fallback segment would write its optimized sub-model over the same file',
  preferredOutputLocation: 'segments hand their outputs to each other in host memory',
  enableGraphCapture: 'graph capture is a WebGPU option of onnxruntime-web',
  enableProfiling: 'every fallback segment would profile into its own file; use runWithStats() or hybrid-run --benchmark --profile',
  profileFilePrefix: 'profiling is not passed through (see enableProfiling)',
};

function bad(message: string): HybridError {
  return new HybridError('OPTION', `ortSessionOptions: ${message}`);
}

/** The execution providers onnxruntime-node offers on this platform ('cpu', 'cuda', ...). */
export function offeredProviders(): string[] {
  return ort.listSupportedBackends().map((b) => b.name);
}

function threadCount(key: string, v: unknown): void {
  if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1 || v > LIMITS.threads)) {
    throw bad(`${key} must be an integer from 1 to ${LIMITS.threads}, got ${String(v)}`);
  }
}

function oneOf(key: string, v: unknown, values: readonly string[]): void {
  if (v !== undefined && !values.includes(v as string))
    throw bad(`${key} must be one of ${values.map((x) => `'${x}'`).join(', ')}, got '${String(v)}'`);
}

/**
 * Checks `ortSessionOptions` and returns a copy (the caller's object may change later without
 * changing the sessions), or undefined where none was given.
 */
export function checkOrtSessionOptions(options: unknown): OrtSessionOptions | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw bad('must be an object of onnxruntime session options');
  for (const key of Object.keys(options)) {
    if (key in REFUSED) throw bad(`'${key}' is not passed through: ${REFUSED[key]}`);
  }
  checkKnownKeys(options, ORT_SESSION_OPTION_KEYS, 'ortSessionOptions');
  const o = options as OrtSessionOptions;
  threadCount('intraOpNumThreads', o.intraOpNumThreads);
  threadCount('interOpNumThreads', o.interOpNumThreads);
  oneOf('graphOptimizationLevel', o.graphOptimizationLevel, GRAPH_OPTIMIZATION_LEVELS);
  oneOf('executionMode', o.executionMode, EXECUTION_MODES);
  for (const key of ['enableCpuMemArena', 'enableMemPattern'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw bad(`${key} must be true or false, got ${String(o[key])}`);
  }
  const level = o.logSeverityLevel as unknown;
  if (level !== undefined && !(typeof level === 'number' && Number.isInteger(level) && level >= 0 && level <= 4)) {
    throw bad(`logSeverityLevel must be 0 (verbose) to 4 (fatal), got ${String(level)}`);
  }
  if (o.extra !== undefined && (o.extra === null || typeof o.extra !== 'object' || Array.isArray(o.extra))) {
    throw bad('extra must be an object of session config entries, e.g. { session: { intra_op: { allow_spinning: "0" } } }');
  }
  let providers: OrtSessionOptions['executionProviders'];
  if (o.executionProviders !== undefined) {
    if (!Array.isArray(o.executionProviders) || o.executionProviders.length === 0) {
      throw bad("executionProviders must be a non-empty array of provider names or { name, ... } objects, e.g. ['cuda', 'cpu']");
    }
    const offered = offeredProviders();
    providers = o.executionProviders.map((p: unknown) => {
      const name = typeof p === 'string' ? p : p && typeof p === 'object' && !Array.isArray(p) ? (p as { name?: unknown }).name : undefined;
      if (typeof name !== 'string') throw bad(`executionProviders: ${JSON.stringify(p)} is neither a provider name nor a { name, ... } object`);
      if (!offered.includes(name)) {
        throw bad(
          `execution provider '${name}' is not one onnxruntime-node ${ort.env.versions.node ?? ''} offers here (it offers: ${offered.join(', ')})`,
        );
      }
      return typeof p === 'string' ? p : { ...(p as object), name };
    }) as OrtSessionOptions['executionProviders'];
  }
  return {
    ...o,
    ...(providers ? { executionProviders: providers } : {}),
    ...(o.extra ? { extra: structuredClone(o.extra) } : {}),
  };
}

/**
 * The options of a fallback segment's session: onnxruntime's log kept to fatal errors (hybridrt
 * reports them itself), `threads` as its intra-op threads, then `ortSessionOptions` over both
 * (its intraOpNumThreads, where given, is the sessions' own).
 */
export function fallbackSessionOptions(options: { threads?: number; ortSessionOptions?: OrtSessionOptions }): SessionOptions {
  return {
    logSeverityLevel: 4,
    ...(options.threads !== undefined ? { intraOpNumThreads: options.threads } : {}),
    ...options.ortSessionOptions,
  };
}
