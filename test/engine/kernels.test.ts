/**
 * Every SGEMM micro-kernel this CPU can run (portable, AVX2+FMA, AVX-512F) computes
 * convolution, deconvolution and matmul like onnxruntime, and the vector activations (sigmoid,
 * silu, exp) agree with float64 references: each runs in a child process with
 * HYBRIDRT_CPU_KERNEL forcing it (the choice is made once per process), so that the kernels
 * a faster CPU would not pick are still tested. Tolerance: helpers/compare.ts.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'kernel-variant-child.ts');

function runWith(kernel: string): { kernel?: string; error?: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, HYBRIDRT_CPU_KERNEL: kernel },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, `child for ${kernel} exited with ${r.status} (${r.signal ?? ''}): ${r.stderr}`).toBe(0);
  const line = r.stdout.trim().split('\n').pop()!;
  return JSON.parse(line) as { kernel?: string; error?: string };
}

describe('sgemm micro-kernels', () => {
  for (const variant of ['portable', 'avx2', 'avx512']) {
    it(`${variant}, where the CPU has it`, (ctx) => {
      const got = runWith(variant);
      expect(got.error).toBeUndefined();
      if (got.kernel !== variant) ctx.skip(`this CPU cannot run the ${variant} kernel (it ran ${got.kernel})`);
      expect(got.kernel).toBe(variant);
    });
  }
});
