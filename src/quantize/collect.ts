/**
 * Collects per-tensor activation statistics: the fp32 model runs on onnxruntime (every node
 * on its cpu provider, graph optimizations off so that no tensor is fused away) with the
 * wanted tensors added as graph outputs, over every calibration batch. Each tensor keeps its
 * largest |x| and, for the entropy and percentile methods, a histogram of |x|
 * (histogram.ts). A progress bar shows on stderr where it is a terminal.
 */
import cliProgress from 'cli-progress';
import ort from 'onnxruntime-node';
import { HybridError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { encodeModel } from '../onnx/model.js';
import type { Batches } from './data.js';
import { AbsHistogram } from './histogram.js';

export interface TensorStats {
  absMax: number;
  histogram?: AbsHistogram;
}

export interface CollectOptions {
  histograms: boolean;
  /** Show a progress bar (default: where stderr is a terminal). */
  progress?: boolean;
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
 * (float tensors of the graph: inputs, node outputs).
 */
export async function collectStats(
  graph: Graph,
  tensors: readonly string[],
  batches: Batches,
  options: CollectOptions,
): Promise<Map<string, TensorStats>> {
  const g = graph.clone();
  for (const t of tensors) if (!g.outputs.includes(t)) g.outputs.push(t);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(encodeModel(g.toModel()), { graphOptimizationLevel: 'disabled', logSeverityLevel: 3 });
  } catch (e) {
    throw new HybridError('CALIBRATION', `calibration: onnxruntime cannot load the model with its tensors as outputs: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const stats = new Map<string, TensorStats>(
    tensors.map((t) => [t, { absMax: 0, ...(options.histograms ? { histogram: new AbsHistogram() } : {}) }]),
  );
  const bar = progressBar(options.progress ?? process.stderr.isTTY === true, batches.count);
  let k = 0;
  try {
    for await (const feeds of batches.batches) {
      let out: ort.InferenceSession.ReturnType;
      try {
        out = await session.run(feeds, [...tensors]);
      } catch (e) {
        throw new HybridError('CALIBRATION', `calibration batch ${k}: onnxruntime cannot run the model on it: ${(e as Error).message}`, { cause: e });
      }
      for (const t of tensors) {
        const values = out[t]!.data as Float32Array;
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
    await session.release();
  }
  if (k === 0) throw new HybridError('CALIBRATION', 'the calibration data holds no batches');
  return stats;
}
