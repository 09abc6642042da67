/**
 * Progress on stderr while compile() or --dry-run works, only where stderr is a terminal (a
 * log file gets no escape codes). One line per phase, with the time elapsed, cleared when the
 * phase completes, so the printout on stdout is unchanged:
 *   - analyze (lowering, shape inference and probing, partitioning): one step with no useful
 *     fraction, so a line that counts the seconds instead of a bar;
 *   - building engines and opening fallback sessions: a bar of done/total.
 * cli-progress redraws on a timer, so the elapsed time moves whenever the event loop is free
 * (while onnxruntime probes shapes or opens sessions, which run off the main thread); a long
 * synchronous lowering pass holds it still until the pass ends.
 */
import cliProgress from 'cli-progress';
import type { CompilePhase } from '../compiler/options.js';

const FORMAT: Record<CompilePhase, string> = {
  analyze: 'analyze (lower, infer and probe shapes, partition) {duration_formatted}',
  build: 'build engines [{bar}] {value}/{total} {duration_formatted}',
  sessions: 'open fallback sessions [{bar}] {value}/{total} {duration_formatted}',
};

export interface Progress {
  update(phase: CompilePhase, done: number, total: number): void;
  /** Clears the line shown, if any, so that a message written next starts on a clean line (the line comes back on its next redraw). */
  clear(): void;
  stop(): void;
}

/** Progress lines on `stream` (stderr by default) when `enabled`; else nothing at all. */
export function progressBar(enabled: boolean, stream: NodeJS.WritableStream = process.stderr): Progress {
  let bar: cliProgress.SingleBar | undefined;
  let current: CompilePhase | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    current = undefined;
  };
  return {
    update(phase, done, total) {
      if (!enabled || total <= 0) return;
      if (phase !== current) {
        stop();
        if (done >= total) return;
        current = phase;
        bar = new cliProgress.SingleBar(
          { format: FORMAT[phase], stream, clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      } else bar?.update(done);
      if (done >= total) stop();
    },
    clear() {
      if (bar) stream.write('\r\u001b[2K');
    },
    stop,
  };
}

/** Runs `work` with the analyze line showing (a dry run, which has no compile() to report it). */
export async function withAnalyzeProgress<T>(enabled: boolean, work: () => Promise<T>, stream?: NodeJS.WritableStream): Promise<T> {
  const progress = progressBar(enabled, stream);
  progress.update('analyze', 0, 1);
  try {
    return await work();
  } finally {
    progress.stop();
  }
}
