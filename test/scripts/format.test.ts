/**
 * scripts/format.sh with file arguments formats those files and no other (several people edit
 * the tree at once: formatting one's own change must not rewrite another's work in progress),
 * and --check with files names the ones that differ. The script runs from a copy in a scratch
 * repository (its node_modules linked to this one's), so that even a script that ignored its
 * arguments could rewrite nothing but the scratch files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const HAS_CLANG_FORMAT = spawnSync('clang-format', ['--version']).status === 0;

describe.skipIf(!HAS_CLANG_FORMAT)(`scripts/format.sh FILE…${HAS_CLANG_FORMAT ? '' : ' (clang-format is not installed)'}`, () => {
  it('rewrites the files named and leaves the others as they are; --check names what differs', { timeout: 60_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-format-'));
    try {
      fs.mkdirSync(path.join(dir, 'scripts'));
      fs.copyFileSync(path.join(ROOT, 'scripts', 'format.sh'), path.join(dir, 'scripts', 'format.sh'));
      fs.copyFileSync(path.join(ROOT, '.prettierrc.json'), path.join(dir, '.prettierrc.json'));
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
      expect(spawnSync('git', ['init', '-q'], { cwd: dir }).status).toBe(0);
      const ugly = { ts: 'export  const x = [1,2,3] ;\n', cc: 'int   f( int a ){return a+1;}\n' };
      for (const name of ['named', 'other']) {
        fs.writeFileSync(path.join(dir, `${name}.ts`), ugly.ts);
        fs.writeFileSync(path.join(dir, `${name}.cc`), ugly.cc);
      }
      const format = (...args: string[]) => spawnSync('bash', ['scripts/format.sh', ...args], { cwd: dir, encoding: 'utf8' });
      const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

      const check = format('--check', 'named.ts', 'named.cc');
      expect(check.status).toBe(1);
      expect(check.stdout + check.stderr).toContain('named.ts');
      expect(check.stdout + check.stderr).toContain('named.cc');

      const write = format('named.ts', 'named.cc');
      expect(write.status, write.stderr).toBe(0);
      expect(write.stdout).toContain('format: wrote 1 TypeScript/JavaScript and 1 native files');
      expect(read('named.ts')).toBe('export const x = [1, 2, 3];\n');
      expect(read('named.cc')).not.toBe(ugly.cc);
      expect([read('other.ts'), read('other.cc')]).toEqual([ugly.ts, ugly.cc]);
      expect(format('--check', 'named.ts', 'named.cc').status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
