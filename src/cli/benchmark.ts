/**
 * hybrid-run --benchmark: warm-up runs, then timed runs (a count, or --duration seconds), and
 * what they measured:
 * - latency: wall time of a run from host feeds to host outputs (what a caller waits);
 * - GPU compute: the engines' layers, timed in stream order (CUDA events on cuda, the host
 *   clock on cpu) and summed over engine segments, from runs whose inputs stay on the GPU
 *   (uploaded once; outputs left there) where the backend is cuda: the figure compared with
 *   other runtimes (docs/benchmarks.md);
 * - host-to-device and device-to-host: the engines' input and output copies in the latency runs
 *   (on cpu, copies into and out of the engines' memory, printed as input and output copies);
 * - per segment: median wall time (and compute for engines), the CUDA graph state;
 * - the build: compile phases, and per engine its build time, aliases, fusions, channels-last
 *   layers and timing-cache use;
 * - --profile: per layer, the median over profiled runs of the time between the timestamps
 *   before and after it (profiled runs are separate: a timestamp between every two layers);
 *   aliases (tactic 'alias') launch nothing and are listed apart, at 0 ms.
 * Printed as lines, or with --json as one BenchmarkResult object. The warm-up is a number of
 * runs (--warmup) or a time (trtexec's --warmUp MS: runs until MS have passed). --export-times
 * (trtexec's --exportTimes) writes every timed latency run as one IterationTimes object.
 */
import { performance } from 'node:perf_hooks';
import { HybridError } from '../errors.js';
import type { TensorData } from '../onnx/tensor.js';
import type { RunStats } from '../runtime/types.js';
import type { CliOptions } from './options.js';
import type { RunSession } from './run-session.js';

/**
 * Flags that shape --benchmark's results need a benchmark, for an ONNX model and a .hybrid file
 * alike; and --json's stdout has room for nothing else.
 */
export function checkBenchmarkFlags(opts: CliOptions): void {
  const benchOnly = [
    opts.profile && '--profile',
    opts.json && '--json',
    opts.exportTimes !== undefined && '--export-times',
    opts.warmupMs !== undefined && '--warmUp',
  ].filter(Boolean);
  if (benchOnly.length && opts.benchmark === undefined) {
    throw new HybridError('OPTION', `${benchOnly.join(', ')}: these shape --benchmark's results; add --benchmark (or --iterations N, --duration S)`);
  }
  if (opts.json && (opts.compare || (opts.report && !opts.reportFile))) {
    throw new HybridError(
      'OPTION',
      `--json, ${opts.compare ? '--compare' : '--report'}: stdout carries only the benchmark's JSON; run ${opts.compare ? '--compare' : 'the report (or give --report-file)'} separately`,
    );
  }
}

/** min, median, mean, p90, p99, max of a sample (milliseconds). */
export interface Summary {
  min: number;
  median: number;
  mean: number;
  p90: number;
  p99: number;
  max: number;
}

export interface ProfileEntry {
  segment: number;
  name: string;
  kind: string;
  /** Median milliseconds over the profiled runs. */
  ms: number;
  /** Its share of the profiled compute time (all engine layers). */
  share: number;
  /**
   * The build's tactic for it (e.g. 'cudnn:implicit_precomp_gemm:tensor_op'), and what it took
   * when timed then; 'alias' for a reshape that shares its input's bytes or a concat whose inputs
   * were written into its output (0 ms: nothing runs).
   */
  tactic: string;
  tacticMs?: number;
  fusedFrom?: string[];
}

/**
 * One timed run for --export-times, in trtexec's --exportTimes keys where hybrid-run measures
 * the same thing: milliseconds on the host clock from the start of the first timed run.
 * startEnqMs/endEnqMs: the run's call and the moment its outputs were in host memory (a run
 * is not enqueued and left: it resolves with its outputs); latencyMs (= endToEndMs): its wall
 * time, the figure the latency statistics are over. h2dMs, computeMs, d2hMs: the engines'
 * input copies, layers and output copies, summed over engine segments (durations only: the
 * segments time themselves, not on one timeline, so trtexec's startH2dMs... are not given);
 * absent where no engine timed itself (--backend ort).
 */
export interface IterationTimes {
  startEnqMs: number;
  endEnqMs: number;
  latencyMs: number;
  endToEndMs: number;
  h2dMs?: number;
  computeMs?: number;
  d2hMs?: number;
}

export interface BenchmarkResult {
  model: string;
  backend: string;
  precisions: string[];
  inputs: Array<{ name: string; dtype: string; shape: number[] }>;
  /** The first input's leading dimension (1 for a scalar input). */
  batch: number;
  /** Warm-up runs made. */
  warmup: number;
  /** The warm-up time asked for (--warmUp), where it was a time. */
  warmupMs?: number;
  /** Timed runs of each kind (latency runs, and resident runs where there are any). */
  runs: number;
  latencyMs: Summary;
  /**
   * Engine layers' time per run, summed over engine segments: GPU time (CUDA events) on cuda,
   * the host clock on cpu; null where no engine ran (--backend ort).
   */
  computeMs: Summary | null;
  /** Whether computeMs comes from runs with inputs and outputs resident on the GPU (cuda). */
  computeResident: boolean;
  /** Wall time of the resident runs (cuda). */
  residentLatencyMs: Summary | null;
  hostToDeviceMs: Summary | null;
  deviceToHostMs: Summary | null;
  /** Fallback (onnxruntime) segments' wall time per run, where there are any. */
  fallbackMs: Summary | null;
  throughput: { runsPerSecond: number; samplesPerSecond: number; computeSamplesPerSecond: number | null };
  segments: Array<{ id: number; kind: string; medianMs: number; computeMedianMs?: number; graph?: string; graphNodes?: number }>;
  build: {
    compileMs: Record<string, number | undefined>;
    engines: Array<{
      segment: number;
      ms: number;
      /** Layers other than constants. */
      layers: number;
      /** Of these, layers that run as aliases (reshapes sharing their input's bytes: no copy, no launch). */
      aliases: number;
      fusions: Record<string, number>;
      nhwcLayers: number;
      layoutTransposes: number;
      /** Convolutions and matmuls the qdq pass made int8 (a Q/DQ model on cpu); absent where none. */
      int8Layers?: number;
      timingCache?: { path: string; hits: number; misses: number };
    }>;
  } | null;
  profile?: { runs: number; computeMs: number; layers: ProfileEntry[] };
}

export function summarize(values: readonly number[]): Summary {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return { min: s[0]!, median, mean: s.reduce((a, b) => a + b, 0) / s.length, p90: at(0.9), p99: at(0.99), max: s[s.length - 1]! };
}

/** `count` runs, or as many as fit in `seconds` (at least one). */
async function repeat<T>(count: number, seconds: number | undefined, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  const end = seconds === undefined ? 0 : performance.now() + seconds * 1000;
  while (seconds === undefined ? out.length < count : out.length === 0 || performance.now() < end) out.push(await fn());
  return out;
}

interface Sample {
  ms: number;
  stats?: RunStats;
  /** Host clock (performance.now()) before the call and after it resolved. */
  start?: number;
  end?: number;
}

const engineSum = (s: Sample, key: 'computeMs' | 'hostToDeviceMs' | 'deviceToHostMs') =>
  (s.stats?.segments ?? []).reduce((a, seg) => a + (seg.timing?.[key] ?? 0), 0);
const timed = (s: Sample) => (s.stats?.segments ?? []).some((seg) => seg.timing);
const summaryOr = (samples: Sample[], f: (s: Sample) => number) => (samples.length && samples.every(timed) ? summarize(samples.map(f)) : null);

/** The timed runs as --export-times writes them (IterationTimes). */
export function iterationTimes(samples: readonly Sample[]): IterationTimes[] {
  const t0 = samples[0]?.start ?? 0;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return samples.map((s) => ({
    startEnqMs: round(s.start! - t0),
    endEnqMs: round(s.end! - t0),
    latencyMs: round(s.ms),
    endToEndMs: round(s.ms),
    ...(timed(s)
      ? { h2dMs: round(engineSum(s, 'hostToDeviceMs')), computeMs: round(engineSum(s, 'computeMs')), d2hMs: round(engineSum(s, 'deviceToHostMs')) }
      : {}),
  }));
}

/** Warm-up: --warmup runs, or runs until --warmUp milliseconds have passed. Resolves with the runs made. */
async function warmUp(session: RunSession, feeds: ReadonlyMap<string, TensorData>, opts: Pick<CliOptions, 'warmup' | 'warmupMs'>): Promise<number> {
  let runs = 0;
  if (opts.warmupMs !== undefined) {
    const end = performance.now() + opts.warmupMs;
    while (performance.now() < end) (await session.run(feeds), runs++);
    return runs;
  }
  for (; runs < opts.warmup; runs++) await session.run(feeds);
  return runs;
}

/** The benchmark; `times`, where given, receives every timed latency run (--export-times). */
export async function runBenchmark(
  session: RunSession,
  feeds: ReadonlyMap<string, TensorData>,
  opts: CliOptions,
  times?: IterationTimes[],
): Promise<BenchmarkResult> {
  const count = opts.benchmark ?? 1;
  const bench = session.bench;
  const warmups = await warmUp(session, feeds, opts);
  const latency: Sample[] = await repeat(count, opts.duration, async () => {
    const start = performance.now();
    let sample: Sample;
    if (bench) sample = await bench.run(feeds, 'coarse', false);
    else {
      await session.run(feeds);
      sample = { ms: performance.now() - start };
    }
    return { ...sample, start, end: performance.now() };
  });
  times?.push(...iterationTimes(latency));
  let resident: Sample[] = [];
  if (bench?.resident) {
    // The first resident runs upload the feeds and warm the contexts up (CUDA graphs).
    for (let i = 0; i < Math.max(2, Math.min(opts.warmup, 5)); i++) await bench.run(feeds, 'coarse', true);
    resident = await repeat(count, opts.duration, () => bench.run(feeds, 'coarse', true));
  }
  const computeFrom = resident.length ? resident : latency;
  const first = [...feeds.values()][0];
  const batch = first && first.dims.length ? first.dims[0]! : 1;
  const lat = summarize(latency.map((s) => s.ms));
  const gpu = summaryOr(computeFrom, (s) => engineSum(s, 'computeMs'));
  const fallbackRuns = latency.filter((s) => s.stats?.segments.some((seg) => seg.kind === 'fallback'));
  const result: BenchmarkResult = {
    model: opts.model,
    backend: session.description.split(' ')[0]!,
    precisions: opts.precisions,
    inputs: [...feeds].map(([name, t]) => ({ name, dtype: t.dtype, shape: [...t.dims] })),
    batch,
    warmup: warmups,
    ...(opts.warmupMs !== undefined ? { warmupMs: opts.warmupMs } : {}),
    runs: latency.length,
    latencyMs: lat,
    computeMs: gpu,
    computeResident: resident.length > 0,
    residentLatencyMs: resident.length ? summarize(resident.map((s) => s.ms)) : null,
    hostToDeviceMs: summaryOr(latency, (s) => engineSum(s, 'hostToDeviceMs')),
    deviceToHostMs: summaryOr(latency, (s) => engineSum(s, 'deviceToHostMs')),
    fallbackMs: fallbackRuns.length
      ? summarize(fallbackRuns.map((s) => s.stats!.segments.filter((seg) => seg.kind === 'fallback').reduce((a, seg) => a + seg.ms, 0)))
      : null,
    throughput: {
      runsPerSecond: 1000 / lat.median,
      samplesPerSecond: (1000 * batch) / lat.median,
      computeSamplesPerSecond: gpu && gpu.median > 0 ? (1000 * batch) / gpu.median : null,
    },
    segments: segmentSummaries(latency, computeFrom),
    build: bench
      ? {
          compileMs: { ...bench.compileMs },
          engines: bench.engines.map((e) => ({
            segment: e.segment,
            ms: e.build.ms,
            layers: e.layers - (e.layerKinds.constant ?? 0),
            aliases: e.aliases,
            fusions: { ...e.build.fusions },
            nhwcLayers: e.build.nhwcLayers,
            layoutTransposes: e.build.layoutTransposes,
            ...(e.build.int8Layers ? { int8Layers: e.build.int8Layers } : {}),
            ...(e.build.timingCache ? { timingCache: { ...e.build.timingCache } } : {}),
          })),
        }
      : null,
  };
  if (opts.profile && bench) result.profile = await profile(bench, feeds, count, opts.duration);
  return result;
}

function segmentSummaries(latency: Sample[], computeFrom: Sample[]): BenchmarkResult['segments'] {
  const segs = latency[0]?.stats?.segments ?? [];
  return segs.map((seg, i) => {
    const compute = computeFrom.flatMap((s) => (s.stats?.segments[i]?.timing ? [s.stats.segments[i]!.timing!.computeMs] : []));
    const last = computeFrom[computeFrom.length - 1]?.stats?.segments[i]?.timing;
    const graph = last?.graph;
    return {
      id: seg.id,
      kind: seg.kind,
      medianMs: summarize(latency.map((s) => s.stats!.segments[i]!.ms)).median,
      ...(compute.length ? { computeMedianMs: summarize(compute).median } : {}),
      ...(graph ? { graph } : {}),
      ...(last?.graphNodes ? { graphNodes: last.graphNodes } : {}),
    };
  });
}

/** Per-layer medians over profiled runs (the first two, which set up, are not counted). */
async function profile(
  bench: NonNullable<RunSession['bench']>,
  feeds: ReadonlyMap<string, TensorData>,
  count: number,
  seconds: number | undefined,
): Promise<NonNullable<BenchmarkResult['profile']>> {
  for (let i = 0; i < 2; i++) await bench.run(feeds, 'layers', bench.resident);
  const runs = await repeat(Math.min(count, 20), seconds === undefined ? undefined : Math.min(seconds, 5), () =>
    bench.run(feeds, 'layers', bench.resident),
  );
  const per = new Map<
    string,
    { segment: number; name: string; kind: string; tactic: string; tacticMs?: number; fusedFrom?: string[]; ms: number[] }
  >();
  for (const run of runs) {
    for (const seg of run.stats.segments) {
      seg.timing?.layers?.forEach((l, i) => {
        const key = `${seg.id}/${i}`;
        const entry = per.get(key) ?? {
          segment: seg.id,
          name: l.name,
          kind: l.kind,
          tactic: l.tactic,
          ...(l.tacticMs !== undefined ? { tacticMs: l.tacticMs } : {}),
          ...(l.fusedFrom ? { fusedFrom: l.fusedFrom } : {}),
          ms: [],
        };
        entry.ms.push(l.ms);
        per.set(key, entry);
      });
    }
  }
  const layers = [...per.values()].map(({ ms: values, ...rest }) => ({ ...rest, ms: summarize(values).median, share: 0 }));
  const total = layers.reduce((a, l) => a + l.ms, 0);
  for (const l of layers) l.share = total > 0 ? l.ms / total : 0;
  return { runs: runs.length, computeMs: total, layers };
}

/** Three significant digits: GPU times of small models are fractions of a millisecond. */
export function ms(t: number): string {
  if (!Number.isFinite(t)) return `${t} ms`;
  return `${t >= 100 ? t.toFixed(0) : Number(t.toPrecision(3))} ms`;
}

const stat = (s: Summary) => `median ${ms(s.median)}, mean ${ms(s.mean)}, min ${ms(s.min)}, p90 ${ms(s.p90)}, p99 ${ms(s.p99)}, max ${ms(s.max)}`;
const rate = (v: number) => `${v >= 100 ? Math.round(v) : Number(v.toPrecision(3))}`;
const seconds = (t: number) => (t >= 1000 ? `${(t / 1000).toFixed(2)} s` : ms(t));

const PROFILE_SHOWN = 15;
const ALIASES_SHOWN = 6;

/** The printout of a benchmark (the first line is the latency, as for every backend). */
export function benchmarkLines(r: BenchmarkResult): string[] {
  const warm = r.warmupMs !== undefined ? `${r.warmup} warm-up in ${ms(r.warmupMs)}` : `${r.warmup} warm-up`;
  const lines = [`benchmark  ${r.runs} run${r.runs === 1 ? '' : 's'} after ${warm}: ${stat(r.latencyMs)}`];
  if (r.computeMs) {
    const where = r.computeResident ? 'engine layers, inputs and outputs resident on the GPU' : 'engine layers';
    lines.push(`  compute          ${stat(r.computeMs)} (${where})`);
  }
  if (r.residentLatencyMs) lines.push(`  resident run     ${stat(r.residentLatencyMs)} (wall time, inputs and outputs on the GPU)`);
  // On cpu the engines' memory is host memory: their copies are no transfer between devices.
  const device = r.backend === 'cuda';
  if (r.hostToDeviceMs) {
    const label = device ? 'host-to-device   ' : 'input copies     ';
    const what = device ? 'engine input copies' : "feeds into the engines' memory";
    lines.push(`  ${label}median ${ms(r.hostToDeviceMs.median)}, max ${ms(r.hostToDeviceMs.max)} (${what})`);
  }
  if (r.deviceToHostMs) {
    const label = device ? 'device-to-host   ' : 'output copies    ';
    const what = device ? 'engine output copies' : "results out of the engines' memory";
    lines.push(`  ${label}median ${ms(r.deviceToHostMs.median)}, max ${ms(r.deviceToHostMs.max)} (${what})`);
  }
  if (r.fallbackMs) lines.push(`  fallback         median ${ms(r.fallbackMs.median)} (onnxruntime segments, wall time)`);
  const t = r.throughput;
  lines.push(
    `  throughput       ${rate(t.runsPerSecond)} runs/s, ${rate(t.samplesPerSecond)} samples/s end to end` +
      (t.computeSamplesPerSecond ? `, ${rate(t.computeSamplesPerSecond)} samples/s of compute` : '') +
      ` (batch ${r.batch})`,
  );
  if (r.segments.length) {
    const segs = r.segments.map(
      (s) =>
        `#${s.id} ${s.kind} ${ms(s.medianMs)}` +
        (s.computeMedianMs !== undefined
          ? ` (compute ${ms(s.computeMedianMs)}${s.graph ? `, graph ${s.graph}${s.graphNodes ? ` with ${s.graphNodes} operations` : ''}` : ''})`
          : ''),
    );
    lines.push(`  segments         ${segs.slice(0, 8).join(', ')}${segs.length > 8 ? `, ... ${segs.length - 8} more` : ''}`);
  }
  if (r.build) {
    const phases = Object.entries(r.build.compileMs)
      .filter(([k, v]) => v !== undefined && k !== 'total' && k !== 'lower')
      .map(([k, v]) => `${k} ${seconds(v!)}`);
    lines.push(`  build            compile: ${phases.join(', ')}`);
    for (const e of r.build.engines) {
      const fused = Object.values(e.fusions).reduce((a, b) => a + b, 0);
      const cache = e.timingCache ? `, timing cache ${e.timingCache.hits} hits / ${e.timingCache.misses} misses` : '';
      lines.push(
        `                   engine #${e.segment}: ${seconds(e.ms)}, ${e.layers} layers${e.aliases ? ` (${e.aliases} alias${e.aliases === 1 ? '' : 'es'})` : ''}, ${fused} fused, ` +
          `${e.nhwcLayers} channels-last (${e.layoutTransposes} layout changes)${e.int8Layers ? `, ${e.int8Layers} int8` : ''}${cache}`,
      );
    }
  }
  if (r.profile) {
    const p = r.profile;
    const top = [...p.layers].sort((a, b) => b.ms - a.ms).slice(0, PROFILE_SHOWN);
    lines.push(`profile  median of ${p.runs} profiled runs per layer, compute ${ms(p.computeMs)}; top ${top.length} of ${p.layers.length} layers`);
    for (const l of top) {
      const fused = l.fusedFrom ? ` (+ ${l.fusedFrom.join(', ')})` : '';
      lines.push(`  ${ms(l.ms).padStart(9)}  ${(l.share * 100).toFixed(1).padStart(5)}%  ${l.kind.padEnd(13)} ${l.name}${fused}  [${l.tactic}]`);
    }
    const aliases = p.layers.filter((l) => l.tactic === 'alias').map((l) => l.name);
    if (aliases.length) {
      const names = `${aliases.slice(0, ALIASES_SHOWN).join(', ')}${aliases.length > ALIASES_SHOWN ? `, ... ${aliases.length - ALIASES_SHOWN} more` : ''}`;
      const what = aliases.length === 1 ? "a reshape sharing its input's bytes" : `${aliases.length} reshapes sharing their inputs' bytes`;
      lines.push(`  aliases: ${names} (${what}: 0 ms, nothing launched)`);
    }
    const kinds = new Map<string, number>();
    for (const l of p.layers) kinds.set(l.kind, (kinds.get(l.kind) ?? 0) + l.ms);
    const byKind = [...kinds]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${ms(v)} (${p.computeMs > 0 ? ((v / p.computeMs) * 100).toFixed(0) : 0}%)`);
    lines.push(`  by kind: ${byKind.join(', ')}`);
  }
  return lines;
}
