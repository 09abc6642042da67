/**
 * The depthwise convolution's, flat max pooling's and softmax lines' AVX2 and portable forms
 * (cpu/depthwise.cc, cpu/softmax_row.cc: their own masks, tails and half-block stores), which an
 * AVX-512 machine never picks: the suites that hold them to onnxruntime (conv-depthwise.test.ts,
 * pool-reduce.test.ts, softmax-lines.test.ts, at their stated tolerances) run again in a child vitest with HYBRIDRT_CPU_KERNEL forcing each form (the
 * choice is made once per process; on a CPU without AVX2 that run falls back to a form it has).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const suites = ['test/engine/conv-depthwise.test.ts', 'test/engine/pool-reduce.test.ts', 'test/engine/softmax-lines.test.ts'];

describeIf(HAS_NATIVE, 'depthwise, pooling and softmax kernels forced', NATIVE_MISSING, () => {
  for (const kernel of ['avx2', 'portable']) {
    it(`${kernel}: the depthwise, pooling and softmax suites pass`, () => {
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit', ...suites], {
        cwd: root,
        env: { ...process.env, HYBRIDRT_CPU_KERNEL: kernel, NO_COLOR: '1' },
        encoding: 'utf8',
        timeout: 240_000,
      });
      const tail = `${r.stdout}${r.stderr}`.split('\n').slice(-30).join('\n');
      expect(r.status, `child vitest with HYBRIDRT_CPU_KERNEL=${kernel} exited with ${r.status} (${r.signal ?? ''}):\n${tail}`).toBe(0);
      // eslint-disable-next-line no-control-regex
      expect(r.stdout.replace(/\u001b\[[0-9;]*m/g, '')).toMatch(new RegExp(`Test Files\\s+${suites.length} passed`));
    }, 300_000);
  }
});
