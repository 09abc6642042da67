/**
 * The report data and the text and DOT renderers on the fixture graph (drawn in fixture.ts).
 * Expected values are worked out by hand from the drawing: every value is 4096 bytes.
 */
import { registryVerdict } from '../../converters/verdict.js';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { partition } from '../../src/partition/index.js';
import { buildReport, renderReport } from '../../src/report/index.js';
import { dotString } from '../../src/report/dot.js';
import { mergesBetween } from '../../src/report/recommend.js';
import type { Segment } from '../../src/partition/types.js';
import { itIf } from '../helpers/skip.js';
import { chainAroundUnsupported, dag, testRegistry } from '../partition/helpers.js';
import { fixtureReport } from './fixture.js';

const KB4 = 4096;

describe('report data', () => {
  const d = fixtureReport();

  it('segments, summary and transfers', () => {
    expect(d.segments.map((s) => `${s.kind}:${s.nodes.join(',')}`)).toEqual([
      'engine:a,b,g1',
      'fallback:c,h',
      'engine:d,i',
      'fallback:e',
      'engine:f,j',
    ]);
    expect(d.summary).toEqual({
      nodes: 10,
      supportedNodes: 7,
      engineNodes: 7,
      coverage: 0.7,
      engineSegments: 3,
      fallbackSegments: 2,
      // b, g1 (0->1); c, h (1->2); a (0->2); d (2->3); e (3->4); i (2->4)
      boundaryTransfers: 8,
      boundaryBytes: 8 * KB4,
      unknownBytesTransfers: 0,
      hostDeviceCopies: 6,
      hostDeviceBytes: 6 * KB4,
    });
    expect(d.transfers.map((t) => `${t.name}:${t.from}->${t.to}:${t.copy}`)).toEqual([
      'b:0->1:device-to-host',
      'g1:0->1:device-to-host',
      'c:1->2:host-to-device',
      'a:0->2:none',
      'h:1->2:host-to-device',
      'd:2->3:device-to-host',
      'e:3->4:host-to-device',
      'i:2->4:none',
    ]);
    expect(d.unsupported).toEqual([
      { opType: 'NonZero', domain: '', count: 2, reasons: [{ reason: "no converter for 'NonZero' (opset 17)", nodes: ['c', 'h'] }] },
      { opType: 'Relu', domain: '', count: 1, reasons: [{ reason: "forced to fallback by fallbackNodes ('e')", nodes: ['e'] }] },
    ]);
  });

  it('recommendations: the missing converter, the forced fallback, a larger minBlockSize', () => {
    const byKind = (k: string) => d.recommendations.filter((r) => r.kind === k);
    // NonZero supported: E[a b g1 c h d i] F[e] E[f j]; old engines 0 and 2 merge.
    expect(byKind('converter')).toEqual([
      expect.objectContaining({
        opType: 'NonZero',
        nodes: ['c', 'h'],
        merges: [[0, 2]],
        effect: { segments: [5, 3], engineNodes: [7, 9], boundaryTransfers: [8, 3], boundaryBytes: [8 * KB4, 3 * KB4] },
      }),
    ]);
    // e unforced: E[a b g1] F[c h] E[d i e f j]; old engines 2 and 4 merge.
    expect(byKind('forcedFallback')).toEqual([
      expect.objectContaining({
        option: 'fallbackNodes',
        entry: 'e',
        merges: [[2, 4]],
        effect: { segments: [5, 3], engineNodes: [7, 8], boundaryTransfers: [8, 5], boundaryBytes: [8 * KB4, 5 * KB4] },
      }),
    ]);
    // minBlockSize 3 demotes E2 and E4 (2 compute nodes each): E[a b g1] F[everything else].
    const m = byKind('minBlockSize');
    expect(m[0]).toMatchObject({
      minBlockSize: 3,
      merges: [[1, 2, 3, 4]],
      effect: { segments: [5, 2], engineNodes: [7, 3], boundaryTransfers: [8, 3] },
    });
    expect(m[0]!.message).toMatch(/^minBlockSize 3 would move engine segments #2 \(2 compute nodes\), #4 \(2 compute nodes\) to the fallback/);
    // minBlockSize 4 would send every node to onnxruntime: fewer boundaries, but no advice.
    expect(m).toHaveLength(1);
  });

  it('a demoted block is recommended back with a smaller minBlockSize', () => {
    //   x -> a(O) -> b(O) -> c(X) -> d(O) -> e(O) -> f(O)      minBlockSize 3 demotes a, b
    const g = chainAroundUnsupported();
    const data = buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()) }));
    const rec = data.recommendations.find((r) => r.kind === 'minBlockSize' && r.minBlockSize === 2);
    expect(rec).toMatchObject({ nodes: ['a', 'b'], effect: { segments: [2, 3], engineNodes: [3, 5] } });
    expect(data.nodes.filter((n) => n.demoted).map((n) => n.name)).toEqual(['a', 'b']);
  });
});

describe('merges claimed by a recommendation', () => {
  const seg = (id: number, kind: Segment['kind'], nodes: string[]): Segment => ({ id, kind, nodes, inputs: [], outputs: [] });
  it('claims a merge only where every segment named moves whole into the new one', () => {
    //   before: E0[a b] F1[c] E2[d] F3[e] E4[f]
    //   after:  E[a b c d]  F[e]  E[f]           -> E0 and E2 merge (F1 is not an engine)
    const before = [
      seg(0, 'engine', ['a', 'b']),
      seg(1, 'fallback', ['c']),
      seg(2, 'engine', ['d']),
      seg(3, 'fallback', ['e']),
      seg(4, 'engine', ['f']),
    ];
    expect(
      mergesBetween(before, [seg(0, 'engine', ['a', 'b', 'c', 'd']), seg(1, 'fallback', ['e']), seg(2, 'engine', ['f'])], 'engine', true),
    ).toEqual([[0, 2]]);
    //   after:  E[a c d]  F[e]  E[b f]          -> E0 is split: "E0, E2 into one and E0, E4 into another" overlapped
    const split = [seg(0, 'engine', ['a', 'c', 'd']), seg(1, 'fallback', ['e']), seg(2, 'engine', ['b', 'f'])];
    expect(mergesBetween(before, split, 'engine', true)).toEqual([]);
  });
});

describe('text report', () => {
  const d = fixtureReport();
  const text = renderReport(d, 'text', { color: false });

  it('has the header, coverage, unsupported ops, every segment, transfers and recommendations', () => {
    expect(text).toContain('hybridrt partition report: fixture.onnx');
    expect(text).toContain('Coverage: 7/10 nodes on engines (70.0%), 7 supported by converters; 3 engine segments, 2 fallback segments');
    expect(text).toMatch(/NonZero x2\n\s+no converter for 'NonZero' \(opset 17\)\n\s+nodes: c, h/);
    expect(text).toMatch(/Relu x1\n\s+forced to fallback by fallbackNodes \('e'\)/);
    for (const head of [
      '#0 engine, 3 ops: Relu x3',
      '#1 fallback, 2 ops: NonZero x2',
      '#2 engine, 2 ops: Add, Relu',
      '#3 fallback, 1 op: Relu',
      '#4 engine, 2 ops: Add, Relu',
    ]) {
      expect(text).toContain(head);
    }
    expect(text).toMatch(/in\s+x\s+float32\[1,16,8,8\]\s+4\.00 KiB\s+graph input/);
    expect(text).toMatch(/out\s+b\s+float32\[1,16,8,8\]\s+4\.00 KiB\s+-> #1, graph output/);
    expect(text).toMatch(/out\s+a\s+float32\[1,16,8,8\]\s+4\.00 KiB\s+-> #2/);
    expect(text).toContain('Boundary transfers: 8 (32.0 KiB), of which 6 host<->device copies (24.0 KiB)');
    expect(text).toMatch(/a\s+#0 engine -> #2 engine\s+float32\[1,16,8,8\]\s+4\.00 KiB\s+no copy/);
    expect(text).toContain("a converter for 'NonZero' (2 nodes) would merge engine segments #0 and #2 into one engine");
    expect(text).toContain(
      "the forced fallback fallbackNodes 'e' (1 node, convertible) splits engines: dropping it would merge engine segments #2 and #4 into one engine",
    );
  });

  it('has no colour codes unless asked, and colour when asked', () => {
    expect(text).not.toMatch(/\u001b\[/);
    expect(renderReport(d, 'text', { color: true })).toMatch(/\u001b\[\d+m/);
  });

  it('cuts long lists and says how many are left', () => {
    const nodes: Array<[string, string, string[]]> = [];
    for (let i = 0; i < 30; i++) nodes.push([`n${i}`, 'O', [i ? `n${i - 1}` : 'x']]);
    const g = dag({ inputs: ['x'], outputs: nodes.map(([n]) => n), nodes });
    const t = renderReport(buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()) })), 'text', { color: false });
    expect(t).toContain('nodes: n0, n1, n2, n3, n4, n5 ... 24 more');
    expect(t).toContain('... 18 more');
  });
});

describe('DOT report', () => {
  const d = fixtureReport();
  const dot = renderReport(d, 'dot');

  it('clusters per segment, nodes coloured by segment, boundary edges with bytes', () => {
    expect(dot.startsWith('digraph "model" {')).toBe(true);
    for (let s = 0; s < 5; s++) expect(dot).toContain(`subgraph "cluster_${s}" {`);
    const fill = (n: string) => new RegExp(`"n:${n}" \\[[^\\]]*fillcolor="(#[0-9a-f]{6})"`).exec(dot)?.[1];
    expect(fill('a')).toBe(fill('b'));
    expect(fill('a')).toBe(fill('g1'));
    const colours = ['a', 'c', 'd', 'e', 'f'].map(fill);
    expect(new Set(colours).size).toBe(5);
    expect(dot).toMatch(/"n:c" \[[^\]]*color="#c62828", penwidth=2/); // unsupported outlined
    expect(dot).toContain('"n:a" -> "n:b";'); // inside a segment: plain
    expect(dot).toContain('"n:b" -> "n:c" [label="b\\n4.00 KiB", style=bold, penwidth=2, color="#c62828"];'); // a copy
    expect(dot).toContain('"n:a" -> "n:d" [label="a\\n4.00 KiB", style=bold, penwidth=2, color="#1565c0"];'); // engine to engine
    expect(dot).toContain('"in:x" -> "n:a";');
    expect(dot).toContain('"n:j" -> "out:j";');
  });

  it('quotes names safely', () => {
    expect(dotString('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });

  let hasDot = true;
  try {
    execFileSync('dot', ['-V'], { stdio: 'ignore' });
  } catch {
    hasDot = false;
  }
  itIf(hasDot, 'Graphviz accepts it, odd names included', 'Graphviz `dot` is not installed', () => {
    const g = dag({
      inputs: ['x"in\\'],
      outputs: ['y'],
      nodes: [
        ['we"ird\\name', 'O', ['x"in\\']],
        ['y', 'X', ['we"ird\\name']],
      ],
    });
    const odd = renderReport(buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()), minBlockSize: 1 })), 'dot');
    for (const src of [dot, odd]) {
      const svg = execFileSync('dot', ['-Tsvg'], { input: src }).toString();
      expect(svg).toContain('<svg');
    }
  });
});
