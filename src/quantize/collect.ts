/**
 * Collects per-tensor activation statistics over every calibration batch: the fp32 model runs
 * as runner.ts runs it (by default compiled, engines and onnxruntime fallbacks as compile()
 * makes them, with the wanted tensors added as graph outputs; or on onnxruntime alone), and
 * the model's inputs among the tensors are read from the feeds. Each tensor keeps its largest
 * |x| and, for the entropy and percentile methods, a histogram of |x| (histogram.ts). A
 * progress bar shows on stderr where it is a terminal.
 */
import cliProgress from 'cli-progress';
import type ort from 'onnxruntime-node';
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import type { Batches } from './data.js';
import { AbsHistogram } from './histogram.js';
import { type CalibrationRunner, type RunnerCompileOptions, openRunner } from './runner.js';

export interface TensorStats {
  absMax: number;
  histogram?: AbsHistogram;
}

export interface CollectOptions {
  histograms: boolean;
  /** Show a progress bar (default: where stderr is a terminal). */
  progress?: boolean;
  /** What runs the model (runner.ts; default 'engines'), and with what compile options. */
  runner?: CalibrationRunner;
  compile?: RunnerCompileOptions;
}

/** A progress bar of `what` (e.g. 'calibrate') counting `unit`s on stderr; a no-op where not enabled. */
export function progressBar(enabled: boolean, total: number | undefined, what = 'calibrate', unit = 'batches'): { tick(): void; stop(): void } {
  if (!enabled) return { tick() {}, stop() {} };
  const format = total ? `${what} [{bar}] {value}/{total} ${unit} {duration_formatted}` : `${what} {value} ${unit} {duration_formatted}`;
  const bar = new cliProgress.SingleBar(
    { format, stream: process.stderr, clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0);
  let n = 0;
  return {
    tick: () => bar.update(++n),
    stop: () => bar.stop(),
  };
}

/**
 * Runs `graph` (not modified) over the batches and returns the statistics of `tensors`
 * (float tensors of the graph: inputs, read from the feeds, and node outputs, which the runner
 * hands back: runner.ts).
 */
export async function collectStats(
  graph: Graph,
  tensors: readonly string[],
  batches: Batches,
  options: CollectOptions,
): Promise<Map<string, TensorStats>> {
  const computed = tensors.filter((t) => !graph.inputs.includes(t));
  const runner = computed.length ? await openRunner(graph, computed, options.runner, options.compile) : undefined;
  const stats = new Map<string, TensorStats>(
    tensors.map((t) => [t, { absMax: 0, ...(options.histograms ? { histogram: new AbsHistogram() } : {}) }]),
  );
  const bar = progressBar(options.progress ?? process.stderr.isTTY === true, batches.count);
  let k = 0;
  try {
    for await (const feeds of batches.batches) {
      let out: Record<string, ort.Tensor> = {};
      if (runner) {
        try {
          out = await runner.run(feeds, k);
        } catch (e) {
          if (e instanceof HybridError && e.code === 'CALIBRATION') throw e;
          throw new HybridError('CALIBRATION', `calibration batch ${k}: ${runner.what} cannot run the model on it: ${(e as Error).message}`, {
            cause: e,
          });
        }
      }
      for (const t of tensors) {
        const tensor = out[t] ?? feeds[t];
        if (!tensor || tensor.type !== 'float32') {
          throw new HybridError(
            'CALIBRATION',
            `calibration batch ${k}: tensor '${t}' is ${tensor ? `of type ${tensor.type}, not float32` : 'missing'}`,
          );
        }
        const values = tensor.data as Float32Array;
        const s = stats.get(t)!;
        if (s.histogram) {
          try {
            s.histogram.add(values);
          } catch (e) {
            throw new HybridError('CALIBRATION', `calibration batch ${k}: tensor '${t}': ${(e as Error).message}`, { cause: e });
          }
          s.absMax = s.histogram.absMax;
        } else {
          for (let i = 0; i < values.length; i++) {
            const a = Math.abs(values[i]!);
            if (a > s.absMax) s.absMax = a;
          }
        }
      }
      k++;
      bar.tick();
    }
  } finally {
    bar.stop();
    await runner?.dispose();
  }
  if (k === 0) throw new HybridError('CALIBRATION', 'the calibration data holds no batches');
  return stats;
}
