/**
 * What the text report and the HTML segment panel say of a segment (segment-view.ts): why it
 * was cut, and its boundary tensors with bytes and where they go. Expected answers are read
 * off the fixture's drawing (fixture.ts):
 *
 *   E0[a b g1] F1[c h] E2[d i] F3[e] E4[f j]
 *   transfers: b, g1 0->1; c, h 1->2; a 0->2 (no copy); d 2->3; e 3->4; i 2->4 (no copy)
 */
import { registryVerdict } from '../../converters/verdict.js';
import { describe, expect, it } from 'vitest';
import { partition } from '../../src/partition/index.js';
import { buildReport, renderReport } from '../../src/report/index.js';
import { segmentViews } from '../../src/report/segment-view.js';
import { chainAroundUnsupported, dag, testRegistry } from '../partition/helpers.js';
import { fixtureReport } from './fixture.js';

const NONZERO = "no converter for 'NonZero' (opset 17)";

describe('why a segment was cut', () => {
  const views = segmentViews(fixtureReport());

  it('a fallback segment: its nodes and why an engine may not run them', () => {
    expect(views[1]!.cut).toEqual([`NonZero x2: ${NONZERO}`]);
    expect(views[3]!.cut).toEqual(["Relu: forced to fallback by fallbackNodes ('e')"]);
  });

  it('an engine segment: the fallbacks around it, then the engines it shares a tensor with', () => {
    expect(views[0]!.cut).toEqual([
      'before fallback #1 (NonZero x2), which reads b, g1',
      'feeds engine #2 a without a copy; fallback #1 runs between the two',
    ]);
    expect(views[2]!.cut).toEqual([
      'after fallback #1 (NonZero x2), which feeds it c, h',
      'engine #0 feeds it a without a copy; fallback #1 runs between the two',
      'before fallback #3 (Relu), which reads d',
      'feeds engine #4 i without a copy; fallback #3 runs between the two',
    ]);
    expect(views[4]!.cut).toEqual([
      'after fallback #3 (Relu), which feeds it e',
      'engine #2 feeds it i without a copy; fallback #3 runs between the two',
    ]);
  });

  it('a block demoted by minBlockSize says so, beside the unsupported node it sits with', () => {
    //   x -> a(O) -> b(O) -> c(X) -> d(O) -> e(O) -> f(O)      minBlockSize 3: F[a b c] E[d e f]
    const g = chainAroundUnsupported();
    const v = segmentViews(buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()) }), { recommendations: false }));
    expect(v[0]!.cut).toEqual(['Relu x2: its engine block had 2 compute nodes, fewer than minBlockSize 3', `NonZero: ${NONZERO}`]);
    expect(v[1]!.cut).toEqual(['after fallback #0 (Relu x2, NonZero), which feeds it c']);
  });

  it('a graph wholly on one engine', () => {
    const g = dag({
      inputs: ['x'],
      outputs: ['c'],
      nodes: [
        ['a', 'O', ['x']],
        ['b', 'O', ['a']],
        ['c', 'O', ['b']],
      ],
    });
    const v = segmentViews(buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()) }), { recommendations: false }));
    expect(v.map((s) => s.cut)).toEqual([['the whole graph runs on this engine']]);
  });

  it('boundary tensors with type, bytes and where they come from or go', () => {
    const t = { type: 'float32[1,16,8,8]', bytes: '4.00 KiB' };
    expect(views[2]!.inputs).toEqual([
      { name: 'c', ...t, where: '<- #1' },
      { name: 'a', ...t, where: '<- #0' },
      { name: 'h', ...t, where: '<- #1' },
    ]);
    expect(views[0]!.outputs).toEqual([
      { name: 'a', ...t, where: '-> #2' },
      { name: 'b', ...t, where: '-> #1, graph output' },
      { name: 'g1', ...t, where: '-> #1' },
    ]);
  });

  it('the text report prints the cut under each segment', () => {
    const text = renderReport(fixtureReport(), 'text', { color: false });
    expect(text).toMatch(/#1 fallback, 2 ops: NonZero x2\n\s+nodes: c, h\n\s+cut: NonZero x2: no converter for 'NonZero' \(opset 17\)\n/);
    expect(text).toMatch(
      /#2 engine, 2 ops: Add, Relu\n\s+nodes: d, i\n\s+cut: after fallback #1 \(NonZero x2\), which feeds it c, h\n\s+engine #0 feeds it a without a copy/,
    );
  });
});
