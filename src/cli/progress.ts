/**
 * Progress on stderr while compile() or --dry-run works, only where stderr is a terminal (a
 * log file gets no escape codes). One line per phase, with the time elapsed, cleared when the
 * phase completes, so the printout on stdout is unchanged:
 *   - analyze (lowering, shape inference and probing, partitioning): no useful fraction, so a
 *     line that names the step under way (compile()'s `onProgress` step, analyze()'s `onStep`:
 *     'lower: pass 3/14, fold-constants', 'probe shapes on onnxruntime, round 1: 12 values')
 *     and counts the seconds since the analysis began instead of a bar;
 *   - building engines and opening fallback sessions: a bar of done/total.
 * cli-progress redraws on a timer, so the elapsed time moves whenever the event loop is free
 * (while onnxruntime probes shapes or opens sessions, which run off the main thread), and at
 * each new step (a synchronous update, at most every 0.2 s); a long synchronous lowering pass
 * holds the line still until the next pass starts.
 */
import cliProgress from 'cli-progress';
import type { CompilePhase } from '../compiler/options.js';

const FORMAT: Record<CompilePhase, string> = {
  analyze: 'analyze ({step}) {duration_formatted}',
  build: 'build engines [{bar}] {value}/{total} {duration_formatted}',
  sessions: 'open fallback sessions [{bar}] {value}/{total} {duration_formatted}',
};

/** The analyze line's step until the first is named. */
const FIRST_STEP = 'start';

export interface Progress {
  /** `step`: the analysis step under way (shown on the analyze line; other phases ignore it). */
  update(phase: CompilePhase, done: number, total: number, step?: string): void;
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
    update(phase, done, total, step) {
      if (!enabled || total <= 0) return;
      const payload = step === undefined ? {} : { step };
      if (phase !== current) {
        stop();
        if (done >= total) return;
        current = phase;
        bar = new cliProgress.SingleBar(
          { format: FORMAT[phase], stream, clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, { step: FIRST_STEP, ...payload });
      } else bar?.update(done, payload);
      if (done >= total) stop();
    },
    clear() {
      if (bar) stream.write('\r\u001b[2K');
    },
    stop,
  };
}

/**
 * Runs `work` with the analyze line showing (a dry run, which has no compile() to report it);
 * `work` is given the callback that names each step (analyze()'s `onStep`).
 */
export async function withAnalyzeProgress<T>(
  enabled: boolean,
  work: (onStep: (step: string) => void) => Promise<T>,
  stream?: NodeJS.WritableStream,
): Promise<T> {
  const progress = progressBar(enabled, stream);
  progress.update('analyze', 0, 1, 'load the model');
  try {
    return await work((step) => progress.update('analyze', 0, 1, step));
  } finally {
    progress.stop();
  }
}
