/**
 * The int8 convolution and matmul of the cpu backend (native/cpu/quant_conv.cc,
 * quant_matmul.cc, igemm*.cc) under every int8 micro-kernel this CPU can run (portable, AVX2,
 * AVX-512 VNNI), each in a child process with HYBRIDRT_CPU_KERNEL forcing it (the choice is
 * made once per process): random geometries (1 to 3 spatial dims, groups, strides, dilations,
 * pads; int8 and uint8 inputs with zero points; per-tensor and per-channel weight scales; bias,
 * residual, relu; float32, int8 and uint8 outputs) equal a scalar reference written in the
 * child bit for bit (helpers/int8-variant-child.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING } from '../helpers/skip.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'int8-variant-child.ts');

function runWith(kernel: string): { kernel?: string; cases: number; error?: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, HYBRIDRT_CPU_KERNEL: kernel },
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(r.status, `child for ${kernel} exited with ${r.status} (${r.signal ?? ''}): ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { kernel?: string; cases: number; error?: string };
}

describe.skipIf(!HAS_NATIVE)(`int8 micro-kernels${HAS_NATIVE ? '' : ` (${NATIVE_MISSING})`}`, () => {
  for (const [variant, name] of [
    ['portable', 'portable'],
    ['avx2', 'avx2'],
    ['avx512', 'avx512vnni'],
  ] as const) {
    it(`${name}, where the CPU has it`, { timeout: 300_000 }, (ctx) => {
      const got = runWith(variant);
      expect(got.error).toBeUndefined();
      expect(got.cases).toBeGreaterThan(90);
      if (got.kernel !== name) ctx.skip(`this CPU cannot run the ${name} kernel (it ran ${got.kernel})`);
    });
  }
});
