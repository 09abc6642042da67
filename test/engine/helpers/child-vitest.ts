/**
 * Test files run again in a child vitest with environment switches added: the addon reads some
 * (HYBRIDRT_CPU_KERNEL: the vector kernels' form) once per process, so a suite under another
 * form needs a process of its own. Expects the child to exit 0 (its last lines in the message
 * otherwise) and returns its output, colours stripped, for the caller's count of what ran.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function runVitestChild(files: string[], env: Record<string, string>): string {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--project', 'unit', ...files], {
    cwd: root,
    env: { ...process.env, ...env, NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 240_000,
  });
  const tail = `${r.stdout}${r.stderr}`.split('\n').slice(-30).join('\n');
  expect(r.status, `child vitest with ${JSON.stringify(env)} exited with ${r.status} (${r.signal ?? ''}):\n${tail}`).toBe(0);
  // eslint-disable-next-line no-control-regex
  return r.stdout.replace(/\u001b\[[0-9;]*m/g, '');
}
