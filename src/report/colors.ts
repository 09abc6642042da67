/**
 * Segment fill colours, shared by the DOT and HTML reports: greens and blues for engines,
 * oranges and reds for fallbacks, and never the same colour for two neighbouring segments.
 * Neighbours are segments that exchange a tensor (a boundary transfer) or follow each other in
 * order (the legend's order). Colouring is greedy in segment order: each segment takes the next
 * colour of its kind's palette in turn, skipping those its coloured neighbours already have.
 * Where a segment has more same-kind neighbours than its palette has colours (a concat of many
 * detection heads), further shades of the kind's hue range are made until one is free (after
 * MAX_SHADES of them, a neighbour's colour is reused rather than searching on).
 */
import type { SegmentKind } from '../partition/types.js';

const PALETTES: Record<SegmentKind, readonly string[]> = {
  engine: ['#a5d6a7', '#90caf9', '#80cbc4', '#b39ddb', '#c5e1a5', '#81d4fa'],
  fallback: ['#ffcc80', '#ef9a9a', '#ffe082', '#f48fb1', '#bcaaa4', '#ffab91'],
};

/** Hue ranges (degrees) for shades beyond the palette: green to violet, and red to amber. */
const HUES: Record<SegmentKind, [number, number]> = { engine: [95, 265], fallback: [-25, 45] };

/** The first colours of a kind's palette (what the HTML key shows where a kind is absent). */
export function paletteOf(kind: SegmentKind): readonly string[] {
  return PALETTES[kind];
}

function hex(h: number, s: number, l: number): string {
  // HSL to RGB (CSS Color 4's formula), h in degrees, s and l in [0, 1].
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** The k-th shade past a kind's palette: hues spread by the golden ratio over its range,
 * lightness by its square (0.62 to 0.86), so that shades run out only after thousands. */
function shade(kind: SegmentKind, k: number): string {
  const [lo, hi] = HUES[kind];
  const h = lo + ((k * 0.618034) % 1) * (hi - lo);
  return hex((h + 360) % 360, 0.65, 0.62 + 0.24 * ((k * 0.381966) % 1));
}

/** Shades tried before a segment takes a colour a neighbour has (more neighbours than that). */
const MAX_SHADES = 4096;

/** One colour per segment, by segment id. */
export function segmentColors(
  segments: ReadonlyArray<{ id: number; kind: SegmentKind }>,
  transfers: ReadonlyArray<{ from: number; to: number }>,
): string[] {
  const neighbours = segments.map((s) => new Set([s.id - 1, s.id + 1]));
  for (const t of transfers) {
    neighbours[t.from]?.add(t.to);
    neighbours[t.to]?.add(t.from);
  }
  const colors: string[] = [];
  const seen: Record<SegmentKind, number> = { engine: 0, fallback: 0 };
  for (const s of segments) {
    const taken = new Set([...neighbours[s.id]!].map((n) => colors[n]).filter((c) => c !== undefined));
    const palette = PALETTES[s.kind];
    const start = seen[s.kind]++;
    let color: string | undefined;
    for (let i = 0; i < palette.length && color === undefined; i++) {
      const c = palette[(start + i) % palette.length]!;
      if (!taken.has(c)) color = c;
    }
    for (let k = 1; color === undefined && k <= MAX_SHADES; k++) {
      const c = shade(s.kind, k);
      if (!taken.has(c)) color = c;
    }
    colors[s.id] = color ?? palette[start % palette.length]!;
  }
  return colors;
}
