/**
 * No import circle among the TypeScript modules of src/ and converters/ (issue 12: the
 * partitioner, converters, builder, CLI sessions and artifact loader each sit on one side of
 * every import). Type-only imports count: a circle of types still ties two modules so that
 * neither can be read or changed alone, and so do dynamic imports (`await import('./x.js')`, a type
 * named as `import('./x.js').T`): a circle put off until run time is still a circle. Cycles are the strongly connected components of the
 * graph of relative imports and re-exports (Tarjan's algorithm), each named by its files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'";]*?\bfrom\s+['"](\.{1,2}\/[^'"]+)['"]/g;
/** import('./x.js'): a dynamic import, or a type named through one; either still ties the two modules. */
const DYNAMIC_IMPORT = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

/** Relative imports of `file`, resolved to the .ts files they name. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT), ...text.matchAll(DYNAMIC_IMPORT)]
    .map((m) => path.normalize(path.join(path.dirname(file), m[1]!)).replace(/\.js$/, '.ts'))
    .filter((f) => fs.existsSync(path.join(ROOT, f)));
}

/** Strongly connected components of more than one module, or of one that imports itself. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import cycles', () => {
  it('finds the circles it is meant to find (a two-module and a three-module circle, not a diamond)', () => {
    const g = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', ['d', 'e']],
      ['d', ['f']],
      ['e', ['f']],
      ['f', ['g']],
      ['g', ['h']],
      ['h', ['f']],
    ]);
    expect(cycles(g).sort()).toEqual([
      ['a', 'b'],
      ['f', 'g', 'h'],
    ]);
  });

  it('src/ and converters/ have none, type-only imports included', () => {
    const files = [...sources('src'), ...sources('converters')];
    expect(files.length).toBeGreaterThan(100);
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    // The graph is read: most modules import something relative.
    expect([...graph.values()].filter((d) => d.length > 0).length).toBeGreaterThan(files.length / 2);
    expect(cycles(graph)).toEqual([]);
  });
});
