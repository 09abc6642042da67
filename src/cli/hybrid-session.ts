/**
 * The hybrid backends (`auto`, `cpu`, `cuda`): compile() the model for the shapes of this
 * run's feeds (which also serve as the probe inputs, so shapes that depend on the data are
 * probed on real values), then run it through the HybridModel. compile()'s info messages
 * (which backend `auto` chose, and why) become notes under the backend line, its warnings
 * warnings; progress lines show on stderr while the model is analysed and engines build,
 * where stderr is a terminal (a warning clears the line before it is printed).
 */
import { load } from '../artifact/load.js';
import { compile, type CompiledModel } from '../compiler/compile.js';
import { computedPrecisions } from '../compiler/report.js';
import type { InputShape } from '../compiler/profiles.js';
import { type DeviceTensor, toDevice } from '../engine/device-tensor.js';
import { nativeAvailable } from '../engine/native.js';
import { HybridError, isHybridError } from '../errors.js';
import { fromOrtTensor } from '../onnx/ort.js';
import type { ModelProto } from '../onnx/proto.js';
import type { TensorData } from '../onnx/tensor.js';
import { formatBytes, percent, plural } from '../report/format.js';
import type { ReportSummary } from '../report/model.js';
import type { RunStats } from '../runtime/types.js';
import { CliFailure, oneLine } from './errors.js';
import { ms } from './print.js';
import { progressBar } from './progress.js';
import { type BenchHooks, type RunSession, type SessionHooks, type SessionOptions, partitionOptions } from './run-session.js';

/**
 * Two lines:
 *   partition  23/23 nodes on engines (100.0%); 1 segment: 1 engine, 0 fallback
 *              0 boundary transfers (0 B)
 */
export function partitionLines(s: ReportSummary): string[] {
  const segments = s.engineSegments + s.fallbackSegments;
  const unknown = s.unknownBytesTransfers ? ` + ${s.unknownBytesTransfers} of unknown size` : '';
  return [
    `partition  ${s.engineNodes}/${s.nodes} nodes on engines (${percent(s.coverage)}); ` +
      `${plural(segments, 'segment')}: ${plural(s.engineSegments, 'engine')}, ${s.fallbackSegments} fallback`,
    `           ${plural(s.boundaryTransfers, 'boundary transfer')} (${formatBytes(s.boundaryBytes)}${unknown})`,
  ];
}

const SHOWN_SEGMENTS = 8;

/** "segments  #0 engine 1.2 ms, #1 fallback 0.3 ms; 4 copies (48.0 KiB)" */
export function runStatsLine(stats: RunStats): string {
  const segs = stats.segments.slice(0, SHOWN_SEGMENTS).map((s) => `#${s.id} ${s.kind} ${ms(s.ms)}`);
  if (stats.segments.length > SHOWN_SEGMENTS) segs.push(`... ${stats.segments.length - SHOWN_SEGMENTS} more`);
  const copies = `${plural(stats.copies.count, 'copy', 'copies')} (${formatBytes(stats.copies.bytes)})`;
  const device = stats.hostToDevice.count + stats.deviceToHost.count;
  return `segments  ${segs.join(', ')}; ${copies}${device ? `, ${device} between host and device` : ''}`;
}

function compileLine(model: CompiledModel): string {
  const t = model.report.compileMs;
  const parts = (['load', 'analyze', 'build', 'sessions'] as const).filter((p) => t[p] !== undefined).map((p) => `${p} ${ms(t[p]!)}`);
  const engines = model.report.engines;
  const weights = engines.reduce((a, e) => a + e.weightBytes, 0);
  // What each context allocates: arena and workspace at the largest shapes of a range.
  const arena = engines.reduce((a, e) => a + e.maxArenaBytes, 0);
  const ranged = engines.some((e) => e.ranges) ? ' (at the largest shapes of the range)' : '';
  return `compile  ${parts.join(', ')}; ${plural(engines.length, 'engine')}, weights ${formatBytes(weights)}, activation arenas ${formatBytes(arena)}${ranged}`;
}

/** An error of compile() or run() for the one-line report; run errors are given the model's name. */
function failure(what: string, model: string, e: unknown, nameModel = false): unknown {
  if (e instanceof CliFailure) return e;
  if (isHybridError(e)) {
    return nameModel && !e.message.startsWith(model) ? new HybridError(e.code, `${model}: ${e.message}`, { cause: e }) : e;
  }
  return new CliFailure(`${model}: ${what}: ${oneLine(e instanceof Error ? e.message : String(e))}`, undefined, { cause: e });
}

export async function openHybridSession(
  opts: SessionOptions,
  proto: ModelProto,
  feeds: ReadonlyMap<string, TensorData>,
  hooks: SessionHooks,
  shapes: Record<string, InputShape> = Object.fromEntries([...feeds].map(([name, t]) => [name, t.dims])),
): Promise<RunSession> {
  const notes: string[] = [];
  const progress = progressBar(hooks.progress === true);
  let model: CompiledModel;
  try {
    model = await compile(proto, {
      ...(opts.cacheDir !== undefined ? { cacheDir: opts.cacheDir } : {}),
      label: opts.model,
      backend: opts.backend === 'ort' ? 'auto' : opts.backend,
      precisions: opts.precisions,
      // --int8's calibration, with calibration's own progress bar where stderr is a terminal.
      ...(opts.calibration ? { calibration: { ...opts.calibration, progress: hooks.progress === true } } : {}),
      ...opts.int8Policy,
      // Each input's run shape; with --min-shapes/--opt-shapes/--max-shapes, their ranges (compileInputs).
      inputs: shapes,
      // --input-value: fixed at compile time; the run feeds the same value (prepareInputs).
      inputValues: Object.fromEntries(opts.inputValues.map((f) => [f.name, feeds.get(f.name)!])),
      probeFeeds: Object.fromEntries(feeds),
      ...partitionOptions(opts),
      requireFullCompilation: opts.requireFullCompilation,
      ...(opts.device !== undefined ? { device: opts.device } : {}),
      ...(opts.timingCache !== undefined ? { timingCachePath: opts.timingCache } : {}),
      onLog: (message, level) => {
        if (level !== 'warn') notes.push(`         ${message}`);
        else {
          progress.clear();
          hooks.warn(message);
        }
      },
      onProgress: progress.update,
    });
  } catch (e) {
    throw failure('compile failed', opts.model, e);
  } finally {
    progress.stop();
  }
  return modelSession(model, opts, 'compile', [...notes, ...partitionLines(model.report.data.summary), compileLine(model)]);
}

/** A saved model (.hybrid) as a session: loaded, not compiled. */
export async function openArtifactSession(opts: SessionOptions, hooks: SessionHooks): Promise<RunSession> {
  const notes: string[] = [];
  let model: CompiledModel;
  try {
    model = await load(opts.model, {
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      ...(opts.device !== undefined ? { device: opts.device } : {}),
      ...(opts.ortSessionOptions ? { ortSessionOptions: opts.ortSessionOptions } : {}),
      onLog: (message, level) => (level === 'warn' ? hooks.warn(message) : notes.push(`         ${message}`)),
    });
  } catch (e) {
    throw failure('load failed', opts.model, e);
  }
  return modelSession(model, opts, 'deserialize', [...notes, ...partitionLines(model.report.data.summary)]);
}

/** A compiled or loaded model as hybrid-run's session; --save-engine writes it first. */
async function modelSession(model: CompiledModel, opts: SessionOptions, openPhase: string, notes: string[]): Promise<RunSession> {
  if (opts.saveEngine !== undefined) {
    try {
      await model.save(opts.saveEngine);
    } catch (e) {
      await model.dispose();
      throw e;
    }
    notes.push(`wrote    engine -> ${opts.saveEngine} (run it with hybrid-run ${opts.saveEngine})`);
  }
  let last: RunStats | undefined;
  const computed = computedPrecisions(model.report.precisions, model.report.engines);
  const own = computed.filter((p) => !model.report.precisions.includes(p));
  return {
    // Without the addon compile() puts every segment on onnxruntime (its warning says why):
    // the line says so rather than naming engines that do not exist.
    description: nativeAvailable()
      ? `${model.backend} (hybrid executor: engines on ${model.backend}, the rest on onnxruntime-node; precisions ${model.report.precisions.join(',')}${own.length ? `, and ${own.join(',')} where the model's own types are` : ''})`
      : 'onnxruntime only (hybrid executor without engines: the native addon is unavailable, so every segment runs on onnxruntime-node)',
    openPhase,
    precisions: computed,
    notes,
    report: model.report.data,
    async run(runFeeds) {
      try {
        const { outputs, stats } = await model.runWithStats(Object.fromEntries(runFeeds));
        last = stats;
        return new Map(model.outputNames.map((name) => [name, fromOrtTensor(outputs[name]!, `output '${name}'`)]));
      } catch (e) {
        throw failure('the run failed', opts.model, e, true);
      }
    },
    lastRunLines: () => (last ? [runStatsLine(last)] : []),
    bench: benchHooks(model, opts.model),
    async dispose() {
      await model.dispose();
    },
  };
}

/**
 * --benchmark's timed runs. Resident runs (cuda) upload the feeds once, keep them for every
 * later run, and free the outputs each run leaves on the GPU; the uploads are freed with the
 * feeds' map (garbage collection) rather than tracked here.
 */
function benchHooks(model: CompiledModel, label: string): BenchHooks {
  const uploaded = new WeakMap<ReadonlyMap<string, TensorData>, Record<string, DeviceTensor>>();
  return {
    resident: model.backend === 'cuda',
    compileMs: model.report.compileMs,
    engines: model.report.engines,
    async run(feeds, timing, resident) {
      try {
        if (!resident) {
          const t0 = performance.now();
          const { stats } = await model.runWithStats(Object.fromEntries(feeds), { timing });
          return { ms: performance.now() - t0, stats };
        }
        let device = uploaded.get(feeds);
        if (!device) {
          device = {};
          for (const [name, t] of feeds) device[name] = await toDevice(t, 'cuda');
          uploaded.set(feeds, device);
        }
        const t0 = performance.now();
        const { outputs, stats } = await model.runWithStats(device, { outputLocation: 'gpu', timing });
        const ms = performance.now() - t0;
        for (const t of Object.values(outputs)) if (!Object.values(device).includes(t)) t.dispose();
        return { ms, stats };
      } catch (e) {
        throw failure('the run failed', label, e, true);
      }
    },
  };
}
