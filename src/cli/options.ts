/**
 * hybrid-run's options, typed and validated. Commander collects the raw strings (main.ts);
 * everything here turns them into values or a HybridError('OPTION') whose message starts
 * with the flag and the text the user gave, so it reads `hybrid-run: --shape x=1xx3: ...`.
 */
import { type Precision, PRECISIONS, checkPrecision } from '../engine/precision.js';
import { HybridError } from '../errors.js';
import { LIMITS, checkTensorSize } from '../limits.js';
import { type InputShape, RANGE_ENDS, type RangeEnd, type ShapeRange, profilesOption } from '../compiler/profiles.js';

export { PRECISIONS, type Precision };
import type { Distribution } from './random.js';
import { type InputFlag, type InputValueFlag, inputFlags } from './input-flags.js';
import { type ToleranceFlag, parseToleranceFlag } from './tolerance.js';
import { type OrtSessionOptions, checkOrtSessionOptions } from '../compiler/ort-session-options.js';
import type { CalibrationOption, Int8PolicyOption } from '../compiler/int8.js';
import { type CalibrationFlags, calibrationFromFlags, calibrationRequired, int8PolicyFromFlags } from './calib-flags.js';

export {
  DEFAULT_TOLERANCE,
  type OutputTolerance,
  type ToleranceFlag,
  checkToleranceOutputs,
  compareTolerance,
  parseTolerance,
  parseToleranceFlag,
} from './tolerance.js';

export const BACKENDS = ['auto', 'cpu', 'cuda', 'ort'] as const;
export type BackendName = (typeof BACKENDS)[number];
export const REPORT_FORMATS = ['text', 'json', 'html', 'dot'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const DISTRIBUTIONS: readonly Distribution[] = ['uniform', 'normal'];

/** The backend a plain `hybrid-run model.onnx` uses: the hybrid executor, cuda where available. */
export const DEFAULT_BACKEND: BackendName = 'auto';

export type { InputFlag };

export interface ShapeFlag {
  raw: string;
  name: string;
  dims: number[];
}

/** The flag that gives each end of a shape range (trtexec spells them --minShapes, --optShapes, --maxShapes). */
export const RANGE_FLAGS: Readonly<Record<RangeEnd, string>> = { min: '--min-shapes', opt: '--opt-shapes', max: '--max-shapes' };

/** An input's shape range: one spec from each of --min-shapes, --opt-shapes and --max-shapes. */
export interface RangeFlag {
  name: string;
  min: ShapeFlag;
  opt: ShapeFlag;
  max: ShapeFlag;
}

/** The three flags of a range as the user gave them, for messages: `--min-shapes x:1x3 --opt-shapes x:8x3 --max-shapes x:32x3`. */
export function rangeText(r: RangeFlag): string {
  return RANGE_ENDS.map((end) => `${RANGE_FLAGS[end]} ${r[end].raw}`).join(' ');
}

/** A range flag's dims as compile()'s `{ min, opt, max }`. */
export function rangeShape(r: RangeFlag): ShapeRange {
  return { min: [...r.min.dims], opt: [...r.opt.dims], max: [...r.max.dims] };
}

export interface CliOptions {
  model: string;
  inputs: InputFlag[];
  /** --input-value: inputs fixed at compile time (compile's inputValues), fed that value too. */
  inputValues: InputValueFlag[];
  /** --shape (--shapes): a fixed shape per input. */
  shapes: ShapeFlag[];
  /** --min-shapes, --opt-shapes and --max-shapes: a range per input (none of them also in `shapes`). */
  ranges: RangeFlag[];
  seed: number;
  distribution: Distribution;
  /** false with --no-random: every input must come from --input. */
  random: boolean;
  outputDir?: string;
  saveInputs?: string;
  threads?: number;
  /** --device: the cuda engines' device ordinal (compile's and load's `device`). */
  device?: number;
  /** Timed runs for --benchmark (after `warmup` untimed ones); --iterations sets it too. */
  benchmark?: number;
  /** --duration: time runs for this many seconds instead of a count (--benchmark). */
  duration?: number;
  warmup: number;
  /** --profile: --benchmark also times every layer of every engine. */
  profile: boolean;
  /** --json: --benchmark prints one JSON object instead of the printout. */
  json: boolean;
  /** --timing-cache: the engine builder's timing cache file. */
  timingCache?: string;
  /** --save-engine: write the compiled model to this .hybrid file. */
  saveEngine?: string;
  /** --cache-dir: the engine cache folder. */
  cacheDir?: string;
  /** --info: print a .hybrid file's manifest instead of running it. */
  info: boolean;
  /** --onnx: the source model of a .hybrid file, for --compare. */
  onnx?: string;
  verbose: boolean;
  backend: BackendName;
  /** --ort-providers and --ort-graph-optimization: onnxruntime's session options (fallback segments; the whole model with --backend ort). */
  ortSessionOptions?: OrtSessionOptions;
  /** Set by --precision; always contains fp32. */
  precisions: Precision[];
  /** --calib-data, --calib-method, --calib-percentile, --calib-cache: with int8 in precisions, and only then. */
  calibration?: CalibrationOption;
  /** --int8-sensitivity, --accuracy-target: compile()'s int8Sensitivity and accuracyTarget. */
  int8Policy?: Int8PolicyOption;
  minBlockSize?: number;
  fallbackOps: string[];
  fallbackNodes: string[];
  requireFullCompilation: boolean;
  dryRun: boolean;
  report?: ReportFormat;
  reportFile?: string;
  /** --compare, or implied by --ref-outputs. */
  compare: boolean;
  /** --ref-outputs: compare against the outputs saved in this folder instead of running onnxruntime. */
  refOutputs?: string;
  /** --atol/--rtol as given; what they leave out takes DEFAULT_TOLERANCE (see compareTolerance). */
  atol: ToleranceFlag;
  rtol: ToleranceFlag;
  /** --warmUp (trtexec's): warm up for this many milliseconds instead of `warmup` runs. */
  warmupMs?: number;
  /** --exportTimes (trtexec's): write every timed run's times to this JSON file. */
  exportTimes?: string;
}

function bad(flag: string, raw: string, what: string): HybridError {
  return new HybridError('OPTION', `${flag} ${raw}: ${what}`);
}

/**
 * The specs of one --shape (or trtexec's --shapes) value: `a=1x3,b=2x5` is two; a comma starts
 * a new spec only where a name follows (`name=1,3,224,224` is one spec with comma-separated
 * dims), and only where every piece is a spec (`a,b=1x2` names the input `a,b`).
 */
export function splitShapeSpecs(value: string): string[] {
  const parts = value.split(/,(?=[^,]*[=:])/);
  return parts.every((p) => /[=:]/.test(p)) ? parts : [value];
}

/**
 * `name=1x3x224x224` (also `name=1,3,224,224`; `name=` for a scalar), or trtexec's
 * `name:1x3x224x224`. The separator is the last '=' (names may hold ':', as TensorFlow's
 * `input:0` does), else the last ':'.
 */
export function parseShapeFlag(raw: string, flag = '--shape'): ShapeFlag {
  const eq = raw.includes('=') ? raw.lastIndexOf('=') : raw.lastIndexOf(':');
  if (eq <= 0) throw bad(flag, raw, `expected NAME=DIMS, e.g. ${flag} input=1x3x224x224`);
  const name = raw.slice(0, eq);
  const text = raw.slice(eq + 1).trim();
  if (text === '') return { raw, name, dims: [] };
  const dims = text.split(/[x,]/).map((part) => {
    if (!/^\d+$/.test(part.trim())) {
      throw bad(flag, raw, `'${part}' is not a dimension (dimensions are non-negative integers separated by 'x')`);
    }
    const d = Number(part);
    if (!Number.isSafeInteger(d)) throw bad(flag, raw, `dimension ${part} is too large`);
    return d;
  });
  return { raw, name, dims };
}

/** The specs of one repeatable shape flag, each input at most once. */
function shapeSpecs(flag: string, values: readonly string[] | undefined): ShapeFlag[] {
  const specs = (values ?? []).flatMap(splitShapeSpecs).map((v) => parseShapeFlag(v, flag));
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.name)) throw bad(flag, s.raw, `input '${s.name}' is given more than one ${flag}`);
    seen.add(s.name);
  }
  return specs;
}

/** How a spec writes an input's dims, for a hint: `x:1x3` where the user wrote `x:...`, else `x=1x3`. */
function specLike(s: ShapeFlag): string {
  return `${s.name}${s.raw.includes('=') ? '=' : ':'}${s.dims.join('x')}`;
}

/**
 * --min-shapes, --opt-shapes and --max-shapes (trtexec's --minShapes, --optShapes, --maxShapes),
 * each in --shape's syntax, as one range per input. As trtexec has them: an input given a range
 * is given all three ends, of one rank, with min <= opt <= max in every dim; and an input has a
 * --shape or a range, not both.
 */
export function parseShapeRanges(raw: Pick<RawOptions, 'minShapes' | 'optShapes' | 'maxShapes'>, shapes: readonly ShapeFlag[] = []): RangeFlag[] {
  const ends = Object.fromEntries(
    RANGE_ENDS.map((end) => [end, new Map(shapeSpecs(RANGE_FLAGS[end], raw[`${end}Shapes`]).map((s) => [s.name, s]))]),
  ) as Record<RangeEnd, Map<string, ShapeFlag>>;
  const names = [...new Set(RANGE_ENDS.flatMap((end) => [...ends[end].keys()]))];
  const ranges = names.map((name): RangeFlag => {
    const given = RANGE_ENDS.filter((end) => ends[end].has(name));
    const missing = RANGE_ENDS.filter((end) => !ends[end].has(name));
    if (missing.length) {
      const first = ends[given[0]!].get(name)!;
      const add = missing.map((end) => `${RANGE_FLAGS[end]} ${specLike(first)}`).join(' ');
      throw bad(
        RANGE_FLAGS[given[0]!],
        first.raw,
        `input '${name}' has no ${missing.map((end) => RANGE_FLAGS[end]).join(' or ')}; a range needs --min-shapes, --opt-shapes and --max-shapes: add ${add} (with your sizes)`,
      );
    }
    return { name, min: ends.min.get(name)!, opt: ends.opt.get(name)!, max: ends.max.get(name)! };
  });
  for (const r of ranges) {
    const { min, opt, max } = rangeShape(r);
    const what = `${rangeText(r)}: input '${r.name}'`;
    const show = (s: number[]) => `[${s.join(',')}]`;
    if (opt.length !== min.length || max.length !== min.length) {
      throw new HybridError('OPTION', `${what}: min ${show(min)}, opt ${show(opt)} and max ${show(max)} must have one rank`);
    }
    min.forEach((lo, d) => {
      if (!(lo <= opt[d]! && opt[d]! <= max[d]!)) {
        throw new HybridError('OPTION', `${what}: dim ${d} must satisfy min <= opt <= max; got ${lo}, ${opt[d]}, ${max[d]}`);
      }
    });
    checkTensorSize(`--max-shapes ${r.max.raw}`, max, undefined, 'OPTION');
  }
  for (const s of shapes) {
    if (ends.min.has(s.name) || ends.opt.has(s.name) || ends.max.has(s.name)) {
      throw bad(
        '--shape',
        s.raw,
        `input '${s.name}' also has a range (--min-shapes/--opt-shapes/--max-shapes); give it a fixed shape or a range, not both`,
      );
    }
  }
  return ranges;
}

/**
 * compile()'s `inputs` option as the flags give it: `{ min, opt, max }` for an input with a
 * range, its shape for one with --shape (inputs given neither are not in it). Checked by
 * compile()'s own parser (src/compiler/profiles.ts), so the CLI builds nothing compile() reads
 * differently.
 */
export function shapeOptions(opts: Pick<CliOptions, 'shapes' | 'ranges'>): Record<string, InputShape> {
  const out: Record<string, InputShape> = {};
  for (const s of opts.shapes) out[s.name] = [...s.dims];
  for (const r of opts.ranges) out[r.name] = rangeShape(r);
  profilesOption(out, undefined);
  return out;
}

export function parseInteger(flag: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(n)) throw bad(flag, raw, 'not an integer');
  if (n < min) throw bad(flag, raw, `must be at least ${min}`);
  if (n > max) throw bad(flag, raw, `must be at most ${max}`);
  return n;
}

/** A comma-separated list of non-empty items. */
export function parseList(flag: string, raw: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw bad(flag, raw, 'empty item in the comma-separated list');
  return items;
}

export function parsePrecisions(raw: string): Precision[] {
  const items = parseList('--precision', raw);
  const precisions = items.map((p) => {
    try {
      return checkPrecision(p, 'precision');
    } catch (e) {
      throw bad('--precision', raw, (e as Error).message);
    }
  });
  return [...new Set<Precision>(['fp32', ...precisions])];
}

/** What commander hands over (strings, and arrays for repeatable flags). */
export interface RawOptions extends CalibrationFlags {
  input?: string[];
  inputValue?: string[];
  shape?: string[];
  /** trtexec's --shapes, the same as --shape. */
  shapes?: string[];
  /** --min-shapes, --opt-shapes, --max-shapes (and trtexec's --minShapes, --optShapes, --maxShapes: the same keys). */
  minShapes?: string[];
  optShapes?: string[];
  maxShapes?: string[];
  /** trtexec's --loadInputs (name:file, comma-separated). */
  loadInputs?: string[];
  /** trtexec's precision switches. */
  fp16?: boolean;
  bf16?: boolean;
  int8?: boolean;
  seed?: string;
  randomDist?: Distribution;
  random?: boolean;
  outputDir?: string;
  saveInputs?: string;
  threads?: string;
  device?: string;
  benchmark?: string | boolean;
  iterations?: string;
  duration?: string;
  warmup?: string;
  profile?: boolean;
  json?: boolean;
  timingCache?: string;
  saveEngine?: string;
  cacheDir?: string;
  info?: boolean;
  onnx?: string;
  verbose?: boolean;
  backend?: BackendName;
  ortProviders?: string;
  ortGraphOptimization?: string;
  precision?: string;
  minBlockSize?: string;
  fallbackOps?: string;
  fallbackNodes?: string;
  requireFullCompilation?: boolean;
  dryRun?: boolean;
  report?: ReportFormat;
  reportFile?: string;
  compare?: boolean;
  refOutputs?: string;
  /** Repeatable (an array from commander; a string is read as one value). */
  atol?: string | string[];
  rtol?: string | string[];
  /** trtexec's --warmUp (milliseconds). */
  warmUp?: string;
  /** trtexec's --exportTimes FILE. */
  exportTimes?: string;
}

export const DEFAULT_BENCHMARK_RUNS = 50;
export const DEFAULT_WARMUP_RUNS = 5;

/**
 * --benchmark [runs], --iterations N and --duration S: how many timed runs. --iterations and
 * --duration imply --benchmark; a count given twice must agree, and a count with a duration
 * is refused (one of them would be ignored).
 */
function benchmarkOptions(raw: RawOptions): { benchmark?: number; duration?: number } {
  const runs = typeof raw.benchmark === 'string' ? parseInteger('--benchmark', raw.benchmark, 1, LIMITS.benchmarkRuns) : undefined;
  const iterations = raw.iterations === undefined ? undefined : parseInteger('--iterations', raw.iterations, 1, LIMITS.benchmarkRuns);
  if (runs !== undefined && iterations !== undefined && runs !== iterations) {
    throw bad('--iterations', raw.iterations!, `disagrees with --benchmark ${runs} (give the count once)`);
  }
  if (raw.duration !== undefined) {
    const seconds = Number(raw.duration);
    if (raw.duration.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > LIMITS.benchmarkSeconds) {
      throw bad('--duration', raw.duration, `must be a positive number of seconds, at most ${LIMITS.benchmarkSeconds}`);
    }
    if (runs !== undefined || iterations !== undefined) {
      throw bad('--duration', raw.duration, 'give a duration or a number of runs (--iterations / --benchmark N), not both');
    }
    return { benchmark: DEFAULT_BENCHMARK_RUNS, duration: seconds };
  }
  const count = iterations ?? runs ?? (raw.benchmark === true ? DEFAULT_BENCHMARK_RUNS : undefined);
  return count === undefined ? {} : { benchmark: count };
}

/**
 * --warmup N (runs) or trtexec's --warmUp MS (milliseconds), not both: each would end the
 * warm-up at another point.
 */
function warmupOptions(raw: RawOptions): { warmup: number; warmupMs?: number } {
  if (raw.warmUp !== undefined) {
    if (raw.warmup !== undefined)
      throw bad('--warmUp', raw.warmUp, `give a warm-up time (--warmUp MS) or a number of runs (--warmup ${raw.warmup}), not both`);
    const ms = Number(raw.warmUp);
    if (raw.warmUp.trim() === '' || !Number.isFinite(ms) || ms < 0 || ms > LIMITS.benchmarkSeconds * 1000) {
      throw bad('--warmUp', raw.warmUp, `must be a number of milliseconds from 0 to ${LIMITS.benchmarkSeconds * 1000}`);
    }
    return { warmup: 0, warmupMs: ms };
  }
  return { warmup: raw.warmup === undefined ? DEFAULT_WARMUP_RUNS : parseInteger('--warmup', raw.warmup, 0, LIMITS.warmupRuns) };
}

/** --save-engine FILE (also spelled --saveEngine, as trtexec does). */
function saveEngineOption(raw: RawOptions): { saveEngine?: string } {
  const file = raw.saveEngine;
  if (file === '') throw bad('--save-engine', file, 'expected a file path, e.g. --save-engine model.hybrid');
  return file === undefined ? {} : { saveEngine: file };
}

/**
 * --ort-providers LIST and --ort-graph-optimization LEVEL as compile()'s ortSessionOptions,
 * checked by its own checker, with the flag in the message.
 */
function ortOptions(raw: RawOptions): { ortSessionOptions?: OrtSessionOptions } {
  const given: OrtSessionOptions = {
    ...(raw.ortProviders !== undefined ? { executionProviders: parseList('--ort-providers', raw.ortProviders) } : {}),
    ...(raw.ortGraphOptimization !== undefined
      ? { graphOptimizationLevel: raw.ortGraphOptimization as OrtSessionOptions['graphOptimizationLevel'] }
      : {}),
  };
  if (!Object.keys(given).length) return {};
  try {
    return { ortSessionOptions: checkOrtSessionOptions(given)! };
  } catch (e) {
    const flag = /graphOptimizationLevel/.test((e as Error).message)
      ? `--ort-graph-optimization ${raw.ortGraphOptimization}`
      : `--ort-providers ${raw.ortProviders}`;
    throw new HybridError('OPTION', `${flag}: ${(e as Error).message.replace(/^ortSessionOptions: /, '')}`, { cause: e });
  }
}

function nonEmpty(flag: string, value: string, what: string): string {
  if (value === '') throw bad(flag, value, `expected ${what}`);
  return value;
}

/**
 * The calibration flags (calib-flags.ts) against the precisions: int8 needs --calib-data or
 * --calib-cache (never a silent fp32 run), and they mean nothing without int8.
 */
function calibrationOption(raw: RawOptions, precisions: readonly Precision[]): CalibrationOption | undefined {
  const int8 = precisions.includes('int8');
  const given = [raw.calibData, raw.calibCache, raw.calib, raw.calibMethod, raw.calibPercentile, raw.calibRunner].some((v) => v !== undefined);
  if (given && !int8) {
    const flag =
      raw.calibData !== undefined
        ? '--calib-data'
        : raw.calibCache !== undefined || raw.calib !== undefined
          ? '--calib-cache'
          : raw.calibRunner !== undefined && raw.calibMethod === undefined
            ? '--calib-runner'
            : '--calib-method';
    throw new HybridError('OPTION', `${flag}: calibration is for int8: add --precision int8 (trtexec: --int8), or leave it out`);
  }
  const calibration = calibrationFromFlags(raw, ' with --precision int8 (--int8)');
  if (int8 && !calibration) {
    throw calibrationRequired(' by --precision int8 (--int8): the int8 scales of the activations come from a calibration (e.g. --calib-data calib/)');
  }
  return calibration;
}

export function toCliOptions(model: string, raw: RawOptions): CliOptions {
  // trtexec's --fp16/--bf16/--int8 (a flag per precision but fp32) add to --precision.
  const trtexec = PRECISIONS.filter((p) => p !== 'fp32' && raw[p]);
  const spelled = [raw.precision, ...trtexec].filter((p): p is string => p !== undefined);
  const precisions = spelled.length ? parsePrecisions(spelled.join(',')) : (['fp32'] as Precision[]);
  const calibration = calibrationOption(raw, precisions);
  const int8Policy = int8PolicyFromFlags(raw, precisions.includes('int8'), calibration);
  const shapes = shapeSpecs('--shape', [...(raw.shape ?? []), ...(raw.shapes ?? [])]);
  const ranges = parseShapeRanges(raw, shapes);
  return {
    model,
    ...inputFlags(raw),
    shapes,
    ranges,
    seed: raw.seed === undefined ? 0 : parseInteger('--seed', raw.seed, 0, LIMITS.seed),
    distribution: raw.randomDist ?? 'uniform',
    random: raw.random !== false,
    outputDir: raw.outputDir,
    saveInputs: raw.saveInputs,
    threads: raw.threads === undefined ? undefined : parseInteger('--threads', raw.threads, 1, LIMITS.threads),
    device: raw.device === undefined ? undefined : parseInteger('--device', raw.device, 0, Number.MAX_SAFE_INTEGER),
    ...benchmarkOptions(raw),
    ...warmupOptions(raw),
    profile: raw.profile === true,
    json: raw.json === true,
    timingCache: raw.timingCache,
    ...saveEngineOption(raw),
    ...(raw.cacheDir !== undefined ? { cacheDir: raw.cacheDir } : {}),
    info: raw.info === true,
    ...(raw.onnx !== undefined ? { onnx: raw.onnx } : {}),
    verbose: raw.verbose === true,
    backend: raw.backend ?? DEFAULT_BACKEND,
    ...ortOptions(raw),
    precisions,
    ...(calibration ? { calibration } : {}),
    ...(int8Policy ? { int8Policy } : {}),
    minBlockSize: raw.minBlockSize === undefined ? undefined : parseInteger('--min-block-size', raw.minBlockSize, 0, LIMITS.graphNodes),
    fallbackOps: raw.fallbackOps === undefined ? [] : parseList('--fallback-ops', raw.fallbackOps),
    fallbackNodes: raw.fallbackNodes === undefined ? [] : parseList('--fallback-nodes', raw.fallbackNodes),
    requireFullCompilation: raw.requireFullCompilation === true,
    dryRun: raw.dryRun === true,
    report: raw.report,
    reportFile: raw.reportFile,
    compare: raw.compare === true || raw.refOutputs !== undefined,
    ...(raw.refOutputs !== undefined ? { refOutputs: nonEmpty('--ref-outputs', raw.refOutputs, 'a folder, e.g. --ref-outputs ref/') } : {}),
    atol: parseToleranceFlag('--atol', raw.atol),
    rtol: parseToleranceFlag('--rtol', raw.rtol),
    ...(raw.exportTimes !== undefined ? { exportTimes: nonEmpty('--exportTimes', raw.exportTimes, 'a file, e.g. --exportTimes times.json') } : {}),
  };
}
