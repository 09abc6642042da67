/**
 * The int8 depthwise convolution summed in integers (native/cpu/quant_depthwise.cc, the
 * `int8_depthwise` tactic of quant_conv.cc) under every int8 kernel this CPU can run (portable,
 * AVX2, AVX-512 VNNI), each in a child process with HYBRIDRT_CPU_KERNEL forcing it (the choice
 * is made once per process): MobileNet's and EfficientNet's 3x3 and 5x5 depthwise shapes and
 * their edges, on 1 and 2 threads, equal an integer reference bit for bit
 * (helpers/int8-depthwise-child.ts).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING } from '../helpers/skip.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'int8-depthwise-child.ts');

function runWith(kernel: string): { kernel?: string; cases: number; error?: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, HYBRIDRT_CPU_KERNEL: kernel },
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(r.status, `child for ${kernel} exited with ${r.status} (${r.signal ?? ''}): ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { kernel?: string; cases: number; error?: string };
}

describe.skipIf(!HAS_NATIVE)(`int8 depthwise in integers${HAS_NATIVE ? '' : ` (${NATIVE_MISSING})`}`, () => {
  for (const [variant, name] of [
    ['portable', 'portable'],
    ['avx2', 'avx2'],
    ['avx512', 'avx512vnni'],
  ] as const) {
    it(`${name}, where the CPU has it`, { timeout: 300_000 }, (ctx) => {
      const got = runWith(variant);
      expect(got.error).toBeUndefined();
      expect(got.cases).toBe(38);
      if (got.kernel !== name) ctx.skip(`this CPU cannot run the ${name} kernel (it ran ${got.kernel})`);
    });
  }
});
