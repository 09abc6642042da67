/**
 * A line budget for source files (issue 12: "keep files short and each about one thing"): no
 * file under src/, converters/, native/, bin/, scripts/, bench/ or examples/ is longer than
 * BUDGET lines, except those listed below with the reason they are not split yet. The list can
 * only shrink: an entry whose file is back under budget (or gone) fails too, so it is removed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BUDGET = 500;
const SOURCE = /\.(ts|mts|mjs|js|cc|h|cu|cuh|sh)$/;
const GENERATED = new Set(['src/ir/op-arity.ts', 'src/report/schema-validator.ts']);

const OVER_BUDGET: Record<string, string> = {};

function lines(file: string): number {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

describe('file line budget', () => {
  const files = execFileSync('git', ['ls-files', 'src', 'converters', 'native', 'bin', 'scripts', 'bench', 'examples'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => SOURCE.test(f) && !GENERATED.has(f) && fs.existsSync(path.join(ROOT, f)));

  it('finds the sources (so the budget checks something)', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files).toContain('src/engine/builder.ts');
  });

  it(`no source file is over ${BUDGET} lines unless listed with a reason`, () => {
    const over = files.filter((f) => lines(f) > BUDGET && !(f in OVER_BUDGET)).map((f) => `${f}: ${lines(f)} lines`);
    expect(over, `split these files (or list them in OVER_BUDGET with why)`).toEqual([]);
  });

  it('every listed exception is still over budget', () => {
    const stale = Object.keys(OVER_BUDGET).filter((f) => !fs.existsSync(path.join(ROOT, f)) || lines(f) <= BUDGET);
    expect(stale, 'remove these from OVER_BUDGET').toEqual([]);
  });
});
