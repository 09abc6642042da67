/**
 * One suite per layer kind, parameterised by backend (issue 12, point 5: cpu in CI, cuda in
 * test/gpu): every kind the addon knows (native/src/ir/network.cc's names) is built by a suite
 * of test/engine (a layer of that kind in a hand-written network: `kind: '<kind>'` or
 * `.layer('<kind>', ...)`; the constant kind by any suite's weights) that a file of test/gpu
 * imports to run again on cuda (test/gpu/engine-layers.test.ts: `await
 * import('../engine/<suite>.test.js')`). A kind whose only suites are cpu-only, or a new kind
 * without a suite, fails here. Read from the sources.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');

/** The layer kinds' names, as the addon spells them (network.cc kKindNames). */
export function layerKinds(networkCc: string): string[] {
  const table = /kKindNames\[kNumLayerKinds\]\s*=\s*\{([^}]*)\}/.exec(networkCc);
  return table ? [...table[1]!.matchAll(/"(\w+)"/g)].map((m) => m[1]!) : [];
}

/** The kinds a test file builds. */
export function kindsBuilt(text: string): Set<string> {
  const kinds = new Set([...text.matchAll(/(?:\bkind:\s*|\.layer\(\s*)'(\w+)'/g)].map((m) => m[1]!));
  if (/\.constant\(|\bconstants:\s*\[/.test(text)) kinds.add('constant');
  return kinds;
}

/** The test/engine suites a test/gpu file runs again ('conv' for `import('../engine/conv.test.js')`). */
export function rerunSuites(text: string): string[] {
  return [...text.matchAll(/import\(\s*'\.\.\/engine\/([\w-]+)\.test\.js'\s*\)/g)].map((m) => m[1]!);
}

describe('a suite per layer kind, run on both backends', () => {
  it('reads what it is meant to read', () => {
    expect(layerKinds('constexpr const char* kKindNames[kNumLayerKinds] = {\n "constant", "convolution",\n "nms"};')).toEqual([
      'constant',
      'convolution',
      'nms',
    ]);
    const suite =
      "const [y] = d.layer(\n 'nms', 'n', ins, p, o);\n{ kind: 'topk', op: 'TopK' }\nd.layer('unary', ...)\nconst w = d.constant('w', ...)";
    expect([...kindsBuilt(suite)].sort()).toEqual(['constant', 'nms', 'topk', 'unary']);
    expect([...kindsBuilt("e.info().layers.filter((l) => l.kind !== 'constant')")]).toEqual([]);
    expect(
      rerunSuites(
        "  await import('../engine/conv.test.js');\n  await import('../compiler/attention.test.js');\n  await import('../engine/pool-reduce.test.js');",
      ),
    ).toEqual(['conv', 'pool-reduce']);
  });

  it('every layer kind has a test/engine suite that test/gpu runs again on cuda', () => {
    const kinds = layerKinds(read('native/src/ir/network.cc'));
    expect(kinds.length).toBeGreaterThan(30);
    const rerun = new Set(
      fs
        .readdirSync(path.join(ROOT, 'test/gpu'))
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) => rerunSuites(read(`test/gpu/${f}`))),
    );
    for (const suite of rerun) expect(fs.existsSync(path.join(ROOT, `test/engine/${suite}.test.ts`)), `test/engine/${suite}.test.ts`).toBe(true);
    const built = new Map<string, string[]>();
    for (const f of fs.readdirSync(path.join(ROOT, 'test/engine')).filter((f) => f.endsWith('.test.ts'))) {
      for (const kind of kindsBuilt(read(`test/engine/${f}`))) built.set(kind, [...(built.get(kind) ?? []), f.replace(/\.test\.ts$/, '')]);
    }
    const missing = kinds
      .filter((k) => !(built.get(k) ?? []).some((s) => rerun.has(s)))
      .map((k) => `${k}: built by ${(built.get(k) ?? []).join(', ') || 'no suite'}, none rerun on cuda`);
    expect(missing).toEqual([]);
  });
});
