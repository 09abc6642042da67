/**
 * A progress bar on stderr while compile() builds engines and opens fallback sessions, only
 * where stderr is a terminal (a log file gets no escape codes). One bar per phase, cleared
 * when the phase completes, so the printout on stdout is unchanged.
 */
import cliProgress from 'cli-progress';
import type { CompilePhase } from '../compiler/options.js';

const LABEL: Record<CompilePhase, string> = { analyze: 'analyze', build: 'build engines', sessions: 'open fallback sessions' };

export function progressBar(enabled: boolean): { update(phase: CompilePhase, done: number, total: number): void; stop(): void } {
  let bar: cliProgress.SingleBar | undefined;
  let current: CompilePhase | undefined;
  const stop = () => {
    bar?.stop();
    bar = undefined;
    current = undefined;
  };
  return {
    update(phase, done, total) {
      // analyze is one step with no useful fraction; a bar for it would only flicker.
      if (!enabled || phase === 'analyze' || total <= 0) return;
      if (phase !== current) {
        stop();
        current = phase;
        bar = new cliProgress.SingleBar(
          { format: `${LABEL[phase]} [{bar}] {value}/{total}`, stream: process.stderr, clearOnComplete: true, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
      } else bar?.update(done);
      if (done >= total) stop();
    },
    stop,
  };
}
