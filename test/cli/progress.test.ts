/**
 * Progress lines on stderr (src/cli/progress.ts): the analysis (lowering, shape probing,
 * partitioning) shows a line naming the step under way with the seconds elapsed since it
 * began, engine builds a bar with done/total and
 * the seconds elapsed; each line is cleared when its phase completes; nothing is written where
 * progress is off. `hybrid-run --dry-run` shows the analysis line where stderr is a terminal
 * and nothing where it is not.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressBar, withAnalyzeProgress } from '../../src/cli/progress.js';
import { main } from '../../src/cli/main.js';
import { transformer } from './helpers.js';

/** A terminal that keeps what is written to it. */
class Terminal extends Writable {
  isTTY = true;
  columns = 120;
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

// cli-progress clears a line with readline.clearLine(stream, 0): ESC [ 2 K.
const CLEAR_LINE = '\u001b[2K';
const ANALYZE = 'analyze (start)';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress lines', () => {
  it('the analysis counts the seconds elapsed while it runs, then clears its line', async () => {
    const tty = new Terminal();
    const p = progressBar(true, tty);
    p.update('analyze', 0, 1);
    expect(tty.text).toContain(`${ANALYZE} 0s`);
    // A second later (waiting up to 5 s: a loaded machine delays the redraw timer).
    for (let waited = 0; !tty.text.includes(`${ANALYZE} 1s`) && waited < 5000; waited += 100) await sleep(100);
    expect(tty.text).toContain(`${ANALYZE} 1s`);
    p.update('analyze', 1, 1);
    expect(tty.text.endsWith(CLEAR_LINE)).toBe(true);
    const after = tty.text.length;
    await sleep(300);
    expect(tty.text.length).toBe(after); // stopped: no more redraws
  }, 10_000);

  it('the analysis line names each step as it starts, the seconds counted from the first', async () => {
    const tty = new Terminal();
    const p = progressBar(true, tty);
    p.update('analyze', 0, 1, 'lower: pass 1/14, inline-functions');
    expect(tty.text).toContain('analyze (lower: pass 1/14, inline-functions) 0s');
    // A new step redraws at once where the last redraw is over 0.2 s old (cli-progress's
    // synchronous update), so that steps of a synchronous lowering show as they start.
    await sleep(250);
    p.update('analyze', 0, 1, 'lower: pass 2/14, remove-identity');
    expect(tty.text).toContain('analyze (lower: pass 2/14, remove-identity) 0s');
    for (let waited = 0; !tty.text.includes('remove-identity) 1s') && waited < 5000; waited += 100) await sleep(100);
    p.update('analyze', 0, 1, 'probe shapes on onnxruntime, round 1: 3 values');
    // The count goes on from the analysis' start, not from the step's.
    for (let waited = 0; !tty.text.includes('analyze (probe shapes on onnxruntime, round 1: 3 values) 1s') && waited < 5000; waited += 100)
      await sleep(100);
    expect(tty.text).toContain('analyze (probe shapes on onnxruntime, round 1: 3 values) 1s');
    p.update('analyze', 1, 1);
    expect(tty.text.endsWith(CLEAR_LINE)).toBe(true);
  }, 15_000);

  it('engine builds show done/total and the time elapsed', () => {
    const tty = new Terminal();
    const p = progressBar(true, tty);
    p.update('build', 0, 3);
    p.update('build', 3, 3);
    expect(tty.text).toMatch(/build engines \[[^\]]+\] 0\/3 0s/);
    expect(tty.text).toMatch(/build engines \[[^\]]+\] 3\/3 0s/);
    expect(tty.text.endsWith(CLEAR_LINE)).toBe(true);
  });

  it('clear() wipes the line so that a warning starts on a clean one', () => {
    const tty = new Terminal();
    const p = progressBar(true, tty);
    p.update('analyze', 0, 1);
    p.clear();
    expect(tty.text.endsWith(`\r${CLEAR_LINE}`)).toBe(true);
    p.stop();
  });

  it('writes nothing when off, and nothing for a phase already complete', () => {
    const tty = new Terminal();
    const off = progressBar(false, tty);
    off.update('analyze', 0, 1);
    off.update('build', 1, 2);
    off.clear();
    off.stop();
    const on = progressBar(true, tty);
    on.update('sessions', 2, 2);
    on.clear();
    expect(tty.text).toBe('');
  });

  it('withAnalyzeProgress shows the line while the work runs and clears it after, also on failure', async () => {
    const tty = new Terminal();
    const seen: string[] = [];
    const work = async (onStep: (step: string) => void) => {
      seen.push(tty.text);
      await sleep(250);
      onStep('partition');
      seen.push(tty.text);
      return 42;
    };
    await expect(withAnalyzeProgress(true, work, tty)).resolves.toBe(42);
    expect(seen[0]).toContain('analyze (load the model) 0s');
    expect(seen[1]).toContain('analyze (partition) 0s');
    expect(tty.text.endsWith(CLEAR_LINE)).toBe(true);
    const failing = new Terminal();
    await expect(withAnalyzeProgress(true, () => Promise.reject(new Error('no')), failing)).rejects.toThrow('no');
    expect(failing.text).toContain('analyze (load the model)');
    expect(failing.text.endsWith(CLEAR_LINE)).toBe(true);
  });
});

describe('hybrid-run --dry-run', () => {
  const isTTY = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  afterEach(() => {
    vi.restoreAllMocks();
    if (isTTY) Object.defineProperty(process.stderr, 'isTTY', isTTY);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  });

  /** Runs a dry run with process.stderr taken for a terminal; returns what went to it. */
  async function dryRunStderr(errIsTTY: boolean): Promise<{ code: number; stderr: string; out: string }> {
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += chunk.toString()), true));
    let out = '';
    const argv = [transformer, '--shape', 'hidden_states=1x16x64', '--dry-run', '--backend', 'ort', '--threads', '1'];
    const code = await main(argv, { out: (s) => (out += s), err: (s) => (stderr += s), errIsTTY });
    return { code, stderr, out };
  }

  it('shows the analysis line on a terminal, and clears it before the report', async () => {
    const r = await dryRunStderr(true);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('analyze (load the model) 0s');
    expect(r.stderr.endsWith(CLEAR_LINE)).toBe(true);
    expect(r.out).toContain('hybridrt partition report');
    expect(r.out).not.toContain('analyze (');
  });

  it('shows nothing where stderr is not a terminal', async () => {
    const r = await dryRunStderr(false);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('analyze (');
  });
});
