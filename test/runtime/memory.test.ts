// 10,000 runs of an example do not grow resident memory beyond a small bound. The runs happen
// in a child process started with --expose-gc (memory-child.ts), so that garbage is collected
// before each measurement and nothing else of the test runner shares the heap. Each run gets a
// fresh 4 KiB input and returns a fresh 4 KiB output through three segments; a leak of even one
// input, output or boundary tensor per run would add ~40 MB, so the bound is 20 MB of growth
// between the measurement after 2,000 warm-up runs and the one after the 10,000 runs. (The
// warm-up matters: V8's heap sizing and the allocators settle over the first ~1,000 runs, ~20 MB
// that then stay flat whether 2,000 or 30,000 runs follow.)
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { repoRoot } from './helpers.js';

const BOUND = 20 * 1024 * 1024;

describeIf(HAS_NATIVE, 'memory', NATIVE_MISSING, () => {
  it('10,000 runs grow resident memory by less than 20 MB', async () => {
    const child = path.join(import.meta.dirname, 'memory-child.ts');
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', '--import', 'tsx', child, '10000', '2000'], {
      cwd: repoRoot,
      timeout: 120_000,
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as {
      before: number;
      after: number;
      runs: number;
      contexts: Record<string, number>;
      segments: number;
    };
    expect(r.runs).toBe(12_000);
    expect(r.segments).toBe(3);
    // Sequential runs reuse one execution context per engine.
    expect(Object.values(r.contexts)).toEqual([1, 1]);
    expect(r.after - r.before, `rss ${r.before} -> ${r.after}`).toBeLessThan(BOUND);
  }, 180_000);
});
