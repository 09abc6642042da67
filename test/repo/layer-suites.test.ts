/**
 * One suite per layer kind, parameterised by backend (issue 12, point 5: cpu in CI, cuda in
 * test/gpu): every kind the addon knows (native/src/ir/network.cc's names) is built by a suite
 * of test/engine (a layer of that kind in a hand-written network: `kind: '<kind>'` or
 * `.layer('<kind>', ...)`; the constant kind by any suite's weights) that a file of test/gpu
 * imports to run again on cuda (test/gpu/engine-layers.test.ts: `await
 * import('../engine/<suite>.test.js')`). A kind whose only suites are cpu-only, or a new kind
 * without a suite, fails here. Read from the sources by scripts/layer-homes.ts, which also
 * writes the suites into docs/operators.md's layer-kind table.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kindsBuilt, layerKinds, layerSuites, rerunSuites } from '../../scripts/layer-homes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('a suite per layer kind, run on both backends', () => {
  it('reads what it is meant to read', () => {
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

  it('test/gpu reruns only suites that exist', () => {
    const gpu = fs.readdirSync(path.join(ROOT, 'test/gpu')).filter((f) => f.endsWith('.ts'));
    const rerun = gpu.flatMap((f) => rerunSuites(fs.readFileSync(path.join(ROOT, 'test/gpu', f), 'utf8')));
    expect(rerun.length).toBeGreaterThan(20);
    expect(rerun.filter((s) => !fs.existsSync(path.join(ROOT, `test/engine/${s}.test.ts`)))).toEqual([]);
  });

  it('every layer kind has a test/engine suite that test/gpu runs again on cuda', () => {
    const suites = layerSuites();
    expect(suites.size).toBe(layerKinds().size);
    expect(suites.size).toBeGreaterThan(30);
    expect([...suites].filter(([, list]) => list.length === 0).map(([kind]) => kind)).toEqual([]);
  });
});
