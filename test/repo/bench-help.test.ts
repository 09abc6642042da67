/**
 * Every bench script that reads its command line answers `--help` with its header comment and
 * runs nothing (bench/cli-args.ts, which answers it on import): a script reading
 * process.argv without importing it ran a whole benchmark on `--help`, taking the flag for a
 * thread count (engine-conv.ts: Number('--help'), NaN threads).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

const BENCH = path.resolve(import.meta.dirname, '../../bench');

it('bench scripts that read process.argv import cli-args', () => {
  const scripts = fs.readdirSync(BENCH).filter((f) => f.endsWith('.ts') && f !== 'cli-args.ts');
  expect(scripts.length).toBeGreaterThan(3);
  const missing = scripts.filter((f) => {
    const text = fs.readFileSync(path.join(BENCH, f), 'utf8');
    return text.includes('process.argv') && !/from '\.\/cli-args\.js'|import '\.\/cli-args\.js'/.test(text);
  });
  expect(missing).toEqual([]);
});
