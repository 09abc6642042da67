/**
 * Issue 4, first "Done when": every ONNX conformance case with test data (node,
 * pytorch-converted, pytorch-operator and simple suites) whose nodes are all engine-supported
 * runs through engines on the cpu backend and reproduces its expected outputs, unless
 * exclusions.ts lists it with a reason. What is engine-supported is decided by the real
 * pipeline (helpers/run-case.ts: compile() with requireFullCompilation), not by a list.
 *
 * One test per case: an engine-supported case must match (or, when excluded, must still
 * fail); other cases only count. The last test prints the summary (passed, excluded by reason,
 * lowered to constants, unsupported by op, unreadable) and checks that every entry of the
 * exclusion lists still names an engine-supported case and that every op the converter
 * registry supports passed at least one case on an engine.
 */
import { expect, it } from 'vitest';
import { builtinRegistry } from '../../converters/index.js';
import { CONFORMANCE_MISSING, conformanceDir } from '../helpers/conformance.js';
import { HAS_NATIVE, NATIVE_MISSING, describeIf } from '../helpers/skip.js';
import { EXCLUDED, ORT_REFERENCE, TOLERANCES } from './exclusions.js';
import { conformanceCases } from './helpers/cases.js';
import { issueOpProblems } from './issue-ops.js';
import { type Outcome, runCase } from './helpers/run-case.js';

/**
 * Ops with a converter that no conformance case puts on an engine, and why. A converter
 * missing from here and from every passing case fails the last test.
 */
const NO_ENGINE_CASE: Readonly<Record<string, string>> = {
  Flatten: 'lowering (normalize-shapes) rewrites it as a Reshape, as the engine cases show',
  Squeeze: 'lowering (normalize-shapes) rewrites it as a Reshape',
  Unsqueeze: 'lowering (normalize-shapes) rewrites it as a Reshape',
  Shape: 'lowering folds the Shape of a static shape; test/compiler/shape-ranges.test.ts runs it on an engine over a shape range',
  Size: 'lowering folds the Size of a static shape; test/converters/shape-of.test.ts runs it on the cpu engine',
  Einsum: "the suite's cases hold float64 data, which engines refuse; test/converters/einsum.test.ts runs it on the cpu engine against onnxruntime",
  Range:
    "the suite's cases feed the bounds as graph inputs (data); lowering folds constant bounds; test/converters/computed-window.test.ts runs bounds computed from Shape on the cpu engine",
  ...Object.fromEntries(
    ['BiasGelu', 'FastGelu', 'FusedMatMul', 'Gelu', 'QuickGelu', 'SkipLayerNormalization'].map((op) => [
      `com.microsoft::${op}`,
      'onnxruntime contrib op, not in the ONNX suite; test/converters/microsoft.test.ts runs it on the cpu engine against onnxruntime',
    ]),
  ),
  ...Object.fromEntries(
    [
      ['Attention', 'attention'],
      ['MultiHeadAttention', 'attention'],
      ['EmbedLayerNormalization', 'embed-layer-norm'],
    ].map(([op, file]) => [
      `com.microsoft::${op}`,
      `onnxruntime contrib op, not in the ONNX suite; test/converters/${file}.test.ts runs it on the cpu engine against onnxruntime`,
    ]),
  ),
};

const root = conformanceDir();
const cases = root ? conformanceCases(root) : [];

/**
 * 'node/test_x: requireFullCompilation: 2 nodes cannot run on an engine: 'a' (Op): why; ...'
 * -> the refused ops, marked '*' where a converter exists but rejected the node.
 */
function refusedOps(reason: string): string[] {
  const ops = [...reason.matchAll(/'[^']*' \(([^)]+)\): (no converter)?/g)].map((m) => (m[2] ? m[1]! : `${m[1]!}*`));
  return ops.length ? [...new Set(ops)] : [reason];
}

function top(counts: Map<string, number>, n: number): string {
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const shown = sorted.slice(0, n).map(([k, v]) => `${k} ${v}`);
  return shown.join(', ') + (sorted.length > n ? `, ... (${sorted.length - n} more)` : '');
}

function summary(outcomes: Map<string, Outcome>): string {
  const engine = [...outcomes].filter((e): e is [string, Extract<Outcome, { kind: 'engine' }>] => e[1].kind === 'engine');
  const byMode = (m: string) => engine.filter(([, o]) => o.mode === m).length;
  const passed = engine.filter(([name, o]) => !o.failures.length && !EXCLUDED[name]).length;
  const folded = [...outcomes.values()].filter((o) => o.kind === 'folded').length;
  const unsupported = new Map<string, number>();
  const unreadable = new Map<string, number>();
  for (const o of outcomes.values()) {
    if (o.kind === 'unsupported') for (const op of refusedOps(o.reason)) unsupported.set(op, (unsupported.get(op) ?? 0) + 1);
    if (o.kind === 'unreadable') {
      const why = o.reason.replace(/'[^']*'/g, "'…'");
      unreadable.set(why, (unreadable.get(why) ?? 0) + 1);
    }
  }
  const count = (k: Outcome['kind']) => [...outcomes.values()].filter((o) => o.kind === k).length;
  return [
    `conformance cases through engines (cpu backend): ${outcomes.size}`,
    `  engine-supported: ${engine.length} (as given ${byMode('as given')}, with constant parameters ${byMode('constant parameters')})`,
    `    passed: ${passed}`,
    `    excluded: ${Object.keys(EXCLUDED).length}`,
    ...Object.entries(EXCLUDED).map(([name, why]) => `      ${name}: ${why}`),
    `    held to onnxruntime instead of the expected outputs: ${Object.keys(ORT_REFERENCE).length}; with a looser tolerance: ${Object.keys(TOLERANCES).length}`,
    `  lowered to constants (no engine built): ${folded}`,
    `  refused by compile() (an input or output of a type onnxruntime Tensors cannot carry): ${count('refused')}`,
    `  unsupported (some node cannot run on an engine): ${count('unsupported')}; cases per refused op (* = its converter rejected the node): ${top(unsupported, 30)}`,
    `  test data hybridrt cannot hold: ${count('unreadable')}: ${top(unreadable, 10)}`,
  ].join('\n');
}

describeIf(!!root && HAS_NATIVE, 'conformance cases through engines on the cpu backend', root ? NATIVE_MISSING : CONFORMANCE_MISSING, () => {
  const outcomes = new Map<string, Outcome>();

  it('finds the conformance cases', () => {
    expect(cases.length).toBeGreaterThan(1800);
  });

  for (const c of cases) {
    it(c.name, async () => {
      const tolerance = TOLERANCES[c.name];
      const outcome = await runCase(c, { ortReference: c.name in ORT_REFERENCE, ...(tolerance ? { tolerance } : {}) });
      outcomes.set(c.name, outcome);
      // A refusal must name the tensor and say what to do.
      if (outcome.kind === 'refused')
        expect(outcome.reason).toMatch(/: (input|output) '[^']+' is \w+, which onnxruntime Tensors \(run\(\)'s \1s\) cannot carry; .*Cast/);
      if (outcome.kind !== 'engine') return;
      if (EXCLUDED[c.name]) {
        expect(outcome.failures, `${c.name} is excluded (${EXCLUDED[c.name]}) but passes now: remove it from exclusions.ts`).not.toEqual([]);
      } else {
        expect(outcome.failures, `${c.name} (${outcome.mode})`).toEqual([]);
      }
    });
  }

  it('summary: exclusion lists current, every converter proven on an engine', () => {
    console.log(summary(outcomes));
    const engineCases = new Set([...outcomes].filter(([, o]) => o.kind === 'engine').map(([n]) => n));
    for (const [list, entries] of [
      ['EXCLUDED', EXCLUDED],
      ['TOLERANCES', TOLERANCES],
      ['ORT_REFERENCE', ORT_REFERENCE],
    ] as const) {
      const stale = Object.keys(entries).filter((n) => !engineCases.has(n));
      expect(stale, `${list} names cases that no longer run on an engine (or do not exist)`).toEqual([]);
    }
    const proven = new Set<string>();
    for (const [name, o] of outcomes) if (o.kind === 'engine' && !o.failures.length && !EXCLUDED[name]) for (const op of o.ops) proven.add(op);
    const converters = new Set(
      builtinRegistry()
        .list()
        .map((c) => (c.domain ? `${c.domain}::${c.opType}` : c.opType)),
    );
    expect([...converters].filter((op) => !proven.has(op) && !NO_ENGINE_CASE[op]).sort(), 'converters no case ran on an engine').toEqual([]);
    expect(
      Object.keys(NO_ENGINE_CASE).filter((op) => proven.has(op)),
      'NO_ENGINE_CASE lists ops that a case does run on an engine now',
    ).toEqual([]);
  });

  it("issue 15's ops: every node case on engines and passing, or listed in issue-ops.ts with the reason it gets", () => {
    expect(issueOpProblems(outcomes)).toEqual([]);
  });
});
