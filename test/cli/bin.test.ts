/**
 * The installed command: `node bin/hybrid-run.js` runs the compiled CLI from dist/ end to end
 * and passes its exit code to the shell. It needs dist/ (`npm run build:ts`; `npm ci` builds it
 * in CI) and skips, saying so, where dist/ has not been built.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { HAS_NATIVE, describeIf } from '../helpers/skip.js';
import { repoRoot, resnet, tempDir, writeModel } from './helpers.js';

const dir = tempDir();
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const bin = path.join(repoRoot, 'bin', 'hybrid-run.js');
const built = fs.existsSync(path.join(repoRoot, 'dist', 'src', 'cli', 'main.js'));

async function spawn(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { cwd: repoRoot });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout: string; stderr: string };
    return { code: err.code ?? -1, stdout: err.stdout, stderr: err.stderr };
  }
}

describeIf(built, 'bin/hybrid-run.js', 'dist/ not built; run `npm run build:ts`', () => {
  // The README's command (default backend: the hybrid executor), or onnxruntime alone where the
  // native addon has not been built.
  it('runs an example and exits 0', async () => {
    const backend = HAS_NATIVE ? [] : ['--backend', 'ort'];
    const r = await spawn('examples/resnet_mini.onnx', '--shape', 'input=1x3x64x64', '--threads', '1', ...backend);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}logits {2}float32\[1,10\] {2}min \S+ {2}max \S+ {2}mean \S+$/m);
    expect(r.stdout).toMatch(/^ {10}top-5: /m);
  });

  it('exits 2 with one line on stderr for a bad model', async () => {
    const r = await spawn(path.relative(repoRoot, resnet) + '.missing');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('hybrid-run: examples/resnet_mini.onnx.missing: cannot read model (no such file)\n');
  });

  it("keeps onnxruntime's own error log off stderr: one line, exit 1, on every backend", async () => {
    // Loads, but 3 elements cannot be reshaped to [2, 2] when it runs.
    const model = writeModel(dir, 'bad-reshape.onnx', {
      inputs: [{ name: 'x', dtype: 'float32', shape: ['n'] }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      initializers: { shape: { dtype: 'int64', dims: [2], data: BigInt64Array.of(2n, 2n) } },
      nodes: [{ op: 'Reshape', inputs: ['x', 'shape'], outputs: ['y'] }],
    });
    for (const backend of HAS_NATIVE ? ['ort', 'auto'] : ['ort']) {
      const r = await spawn(model, '--shape', 'x=3', '--backend', backend, '--threads', '1');
      expect(r.code, backend).toBe(1);
      expect(r.stderr).not.toContain('[E:onnxruntime');
      const errors = r.stderr.split('\n').filter((l) => l && !l.startsWith('hybrid-run: warning: '));
      expect(errors.length, r.stderr).toBe(1);
      expect(errors[0]).toMatch(/^hybrid-run: \S+bad-reshape\.onnx: .*onnxruntime failed.*cannot be reshaped/);
    }
  });
});
