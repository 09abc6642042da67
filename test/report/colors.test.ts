/**
 * Segment colours: no two neighbouring segments (they exchange a tensor, or follow each other
 * in order) share one, engines stay in greens and blues and fallbacks in oranges and reds,
 * also where a segment has more same-kind neighbours than a palette has colours.
 */
import { registryVerdict } from '../../converters/verdict.js';
import { describe, expect, it } from 'vitest';
import { partition } from '../../src/partition/index.js';
import { segmentColors } from '../../src/report/colors.js';
import { buildReport, type ReportData } from '../../src/report/index.js';
import { dag, testRegistry } from '../partition/helpers.js';
import { detectionReport } from './detection.js';
import { fixtureReport } from './fixture.js';

/** Hue in degrees of '#rrggbb', worked out here (not with the code under test). */
function hue(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 0;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

const isEngineHue = (h: number) => h >= 80 && h <= 270;
const isFallbackHue = (h: number) => h <= 60 || h >= 300;

function checkNeighbours(d: ReportData, colors: string[]): void {
  expect(colors).toHaveLength(d.segments.length);
  for (const t of d.transfers) expect([t.from, t.to, colors[t.from]]).not.toEqual([t.from, t.to, colors[t.to]]);
  for (let i = 1; i < d.segments.length; i++) expect(colors[i]).not.toBe(colors[i - 1]);
  for (const s of d.segments) {
    expect(colors[s.id]).toMatch(/^#[0-9a-f]{6}$/);
    expect(s.kind === 'engine' ? isEngineHue(hue(colors[s.id]!)) : isFallbackHue(hue(colors[s.id]!))).toBe(true);
  }
}

describe('segment colours', () => {
  it('differ between the fixture segments that exchange tensors', () => {
    const d = fixtureReport();
    const colors = segmentColors(d.segments, d.transfers);
    checkNeighbours(d, colors);
    // E0 -> E2 (a) and E2 -> E4 (i) are engine-to-engine neighbours.
    expect(colors[0]).not.toBe(colors[2]);
    expect(colors[2]).not.toBe(colors[4]);
  });

  it('differ between neighbours in detection-shaped graphs of 15, 150 and 1,500 nodes', () => {
    for (const size of [15, 150, 1500]) {
      const d = detectionReport(size);
      checkNeighbours(d, segmentColors(d.segments, d.transfers));
    }
  });

  it('find a further shade where every palette colour is taken by a neighbour', () => {
    //   x -> a0 -> X1 -> a1 -> X2 -> ... -> X8 -> a8 -> z(a0 .. a8)     minBlockSize 1
    // E0[a0] F1[X1] E2[a1] ... E16[a8 z]: z reads every engine segment, 8 of them, which
    // take the 6 engine colours in turn, so E16 needs a colour of its own.
    const nodes: Array<[string, string, string[]]> = [['a0', 'O', ['x']]];
    for (let k = 1; k <= 8; k++) nodes.push([`X${k}`, 'X', [`a${k - 1}`]], [`a${k}`, 'O', [`X${k}`]]);
    nodes.push(['z', 'O', Array.from({ length: 9 }, (_, k) => `a${k}`)]);
    const g = dag({ inputs: ['x'], outputs: ['z'], nodes });
    const d = buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()), minBlockSize: 1 }), { recommendations: false });
    expect(d.segments.map((s) => s.kind[0]).join('')).toBe('efefefefefefefefe');
    const last = d.segments[16]!;
    expect(last.nodes).toEqual(['a8', 'z']);
    const colors = segmentColors(d.segments, d.transfers);
    checkNeighbours(d, colors);
    const engineNeighbours = new Set(d.transfers.filter((t) => t.to === 16 && d.segments[t.from]!.kind === 'engine').map((t) => colors[t.from]));
    expect(engineNeighbours.size).toBe(6);
    expect(engineNeighbours.has(colors[16])).toBe(false);
  });
});
