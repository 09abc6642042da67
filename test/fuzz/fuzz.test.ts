/**
 * The model fuzzer as a test: a few hundred seeded cases (test/fuzz/mutate.ts: seed model x
 * mutation kind x seed), each compiled with backend 'cpu' and run once in a child process
 * (test/fuzz/child.ts) under a memory and a time limit. Every case must end in success or a
 * HybridError; a crash (signal), any other exception, a hang past the limit or being killed for
 * memory fails the test, printed as `kind=<k> seed=<s> model=<m>: <what happened>`.
 *
 * Environment: FUZZ_CASES (default 300: 12 or 13 per kind), FUZZ_SEED (base seed, default 1),
 * FUZZ_JOBS (children at once, default 2), FUZZ_TIMEOUT (seconds per case, default 20; twice
 * that for the conformance light models and three times for the heaviest four, which take
 * seconds to compile unmutated), FUZZ_MEMORY (MiB of resident memory per child, default 3072),
 * FUZZ_KINDS (comma-separated kinds, default all), FUZZ_LIGHT_WEIGHT (how often the conformance
 * light models are picked, relative; default 0.4: each costs seconds to compile, where the
 * other seeds cost tens of milliseconds).
 * Reproduce one case: `npx tsx scripts/fuzz.ts --repro <kind>/<seed>/<model>`. The longer run:
 * `npx tsx scripts/fuzz.ts --cases 10000 --jobs 2 --seed N`.
 *
 * The first tests check the harness itself: a known-good model comes back ok, a HybridError is
 * not a failure, and a TypeError, a crash, a hang and a memory blow-up each are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { type CaseOptions, KIND_NAMES, REPO_ROOT, seedModels } from './mutate.js';
import { ChildPool, codeCounts, failureLine, failureReport, runCampaign, runFresh, summaryTable } from './child.js';

const env = (name: string, dflt: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got '${v}'`);
  return n;
};

const CASES = env('FUZZ_CASES', 300);
const SEED = env('FUZZ_SEED', 1);
const JOBS = Math.max(1, env('FUZZ_JOBS', 2));
const TIMEOUT_S = env('FUZZ_TIMEOUT', 20);
const LIGHT_WEIGHT = env('FUZZ_LIGHT_WEIGHT', 0.4);
const MEMORY_MB = env('FUZZ_MEMORY', 3072);
const KINDS = process.env.FUZZ_KINDS ? process.env.FUZZ_KINDS.split(',').map((k) => k.trim()) : KIND_NAMES;

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'resnet_mini.onnx');
const good = (extra: Partial<CaseOptions> = {}): CaseOptions => ({
  compile: { backend: 'cpu', threads: 1, inputs: { input: [1, 3, 64, 64] } },
  feedSeed: 1,
  ...extra,
});

let workDir: string;
beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-fuzz-'));
});
afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describeIf(HAS_NATIVE, 'model fuzzer', NATIVE_MISSING, () => {
  it('the harness: ok and HybridError pass; a TypeError, crash, hang or memory blow-up each fail', async () => {
    for (const k of KINDS) expect(KIND_NAMES, `unknown kind in FUZZ_KINDS: ${k}`).toContain(k);
    const pool = new ChildPool({ jobs: 2, limits: { timeoutMs: 8_000, memoryMb: 1024 } });
    try {
      const [ok, hybrid, typeError, crash, hang, memory, fresh, freshTypeError] = await Promise.all([
        pool.run(EXAMPLE, good()),
        pool.run(EXAMPLE, good({ selfTest: 'hybrid-error' })),
        pool.run(EXAMPLE, good({ selfTest: 'type-error' })),
        pool.run(EXAMPLE, good({ selfTest: 'crash' })),
        pool.run(EXAMPLE, good({ selfTest: 'hang' })),
        pool.run(EXAMPLE, good({ selfTest: 'memory' })),
        runFresh(EXAMPLE, good(), { timeoutMs: 20_000 }),
        runFresh(EXAMPLE, good({ selfTest: 'type-error' }), { timeoutMs: 20_000 }),
      ]);
      expect(ok).toMatchObject({ outcome: 'ok', failure: false });
      expect(ok.runMs).toBeGreaterThanOrEqual(0); // it ran, not only compiled
      expect(fresh).toMatchObject({ outcome: 'ok', failure: false });
      expect(hybrid).toMatchObject({ outcome: 'hybrid-error', code: 'MODEL_INVALID', failure: false });
      expect(typeError).toMatchObject({ outcome: 'other-error', name: 'TypeError', failure: true });
      expect(typeError.stack).toContain('child.ts');
      expect(freshTypeError).toMatchObject({ outcome: 'other-error', name: 'TypeError', failure: true });
      expect(crash).toMatchObject({ outcome: 'crash', signal: 'SIGSEGV', failure: true });
      expect(hang).toMatchObject({ outcome: 'timeout', failure: true });
      expect(memory).toMatchObject({ outcome: 'oom', failure: true });
      // The pool replaced the dead workers: a later case still runs.
      expect(await pool.run(EXAMPLE, good())).toMatchObject({ outcome: 'ok' });
    } finally {
      pool.close();
    }
  }, 180_000);

  it(
    `${CASES} seeded cases (seed ${SEED}) end in success or a HybridError`,
    async () => {
      const seeds = seedModels({ log: (m) => console.warn(m), lightWeight: LIGHT_WEIGHT });
      const t0 = performance.now();
      const entries = await runCampaign({
        seeds,
        cases: CASES,
        seed: SEED,
        jobs: JOBS,
        kinds: KINDS,
        limits: { timeoutMs: TIMEOUT_S * 1000, memoryMb: MEMORY_MB },
        workDir: path.join(workDir, 'cases'),
        onResult: (e) => {
          if (e.result.failure) console.error(failureLine(e));
        },
      });
      const failures = entries.filter((e) => e.result.failure);
      console.log(
        [
          `fuzz: ${entries.length} cases, seed ${SEED}, ${JOBS} jobs, ${((performance.now() - t0) / 1000).toFixed(0)} s; ${failures.length} failure(s)`,
          summaryTable(entries),
          `HybridError codes: ${JSON.stringify(codeCounts(entries))}`,
          failures.length ? `failures by cause:\n${failureReport(entries)}` : '',
        ].join('\n'),
      );
      expect(failures.map(failureLine)).toEqual([]);
      // A floor, so that a change making every compile refuse (a clean HybridError each) fails:
      // seed 1's 300 cases compiled and ran 59 of the mutants when this was written.
      const ran = entries.filter((e) => e.result.outcome === 'ok' && !e.result.runSkipped).length;
      expect(ran, 'mutants that compiled and ran').toBeGreaterThanOrEqual(Math.floor(entries.length / 10));
    },
    Math.max(600_000, CASES * (TIMEOUT_S + 5) * 1000),
  );
});
