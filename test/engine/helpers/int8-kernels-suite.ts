/**
 * A suite run under every int8 kernel this CPU can run (portable, AVX2, AVX-512 VNNI), each in
 * a child process with HYBRIDRT_CPU_KERNEL forcing it (the choice is made once per process).
 * The child (a helpers/*-child.ts script) prints, last, one JSON line: the kernel it ran, how
 * many cases it checked and the first error; `cases` judges the count. A kernel the CPU cannot
 * run falls back to another, and its test says so as a skip.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING } from '../../helpers/skip.js';

interface ChildResult {
  kernel?: string;
  cases: number;
  error?: string;
}

function runWith(child: string, kernel: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, HYBRIDRT_CPU_KERNEL: kernel },
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(r.status, `child for ${kernel} exited with ${r.status} (${r.signal ?? ''}): ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

/** `childFile`: the child script's name in test/engine/helpers. */
export function describeInt8Kernels(title: string, childFile: string, cases: (n: number) => void): void {
  const child = path.join(path.dirname(fileURLToPath(import.meta.url)), childFile);
  describe.skipIf(!HAS_NATIVE)(`${title}${HAS_NATIVE ? '' : ` (${NATIVE_MISSING})`}`, () => {
    for (const [variant, name] of [
      ['portable', 'portable'],
      ['avx2', 'avx2'],
      ['avx512', 'avx512vnni'],
    ] as const) {
      it(`${name}, where the CPU has it`, { timeout: 300_000 }, (ctx) => {
        const got = runWith(child, variant);
        expect(got.error).toBeUndefined();
        cases(got.cases);
        if (got.kernel !== name) ctx.skip(`this CPU cannot run the ${name} kernel (it ran ${got.kernel})`);
      });
    }
  });
}
