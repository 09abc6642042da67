/**
 * The HTML report at scale (issue 17, point 6), in headless Chromium on detection-shaped
 * graphs of 15, 150 and 1,500 nodes (detection.ts), checked by what the window shows:
 *   - the first view fits the whole graph (every node's box inside the drawing area, the
 *     drawing inside the window, the nodes still a few pixels tall) and centres it;
 *   - the colour key is in view and shows the marks the graph uses (its swatches have the
 *     computed colours of the graph's unsupported outline and boundary edges);
 *   - no two neighbouring segments share a colour (read from the drawn nodes);
 *   - the legend has every segment, wrapping, every entry in view;
 *   - clicking a segment in the legend opens its panel: ops, why it was cut, inputs and
 *     outputs with bytes, nodes; its nodes are brought into view; '#N' links open segment N.
 * Screenshots are read back: the drawing shows the segments' colours.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportData } from '../../src/report/index.js';
import { describeIf } from '../helpers/skip.js';
import { type Box, boxes, CHROMIUM_MISSING, HAS_CHROMIUM, inside, open, pixelStats, rgb, useChromium, WINDOW } from './browser.js';
import { detectionReport } from './detection.js';

const chromium = useChromium();

/** Bytes of the fixture's tensors (float32 [1, 8<<l, 32>>l, 32>>l]) as the report writes them. */
const SIZE_TEXT: Record<number, string> = { 32768: '32.0 KiB', 16384: '16.0 KiB', 8192: '8.00 KiB', 4096: '4.00 KiB', 2048: '2.00 KiB' };
function bytesText(d: ReportData, value: string): string {
  const shape = d.values[value]!.shape as number[];
  return SIZE_TEXT[shape.reduce((a, b) => a * b, 4)]!;
}

function union(list: Box[]): Box {
  return {
    left: Math.min(...list.map((b) => b.left)),
    top: Math.min(...list.map((b) => b.top)),
    right: Math.max(...list.map((b) => b.right)),
    bottom: Math.max(...list.map((b) => b.bottom)),
  };
}

async function box(page: Page, selector: string): Promise<Box> {
  const list = await boxes(page, selector);
  expect(list, selector).toHaveLength(1);
  return list[0]!;
}

/** The fill of each drawn segment, read from its nodes (all of a segment's nodes agree). */
async function drawnFills(page: Page): Promise<Map<number, string>> {
  const nodes = await page.$$eval('#graph-svg g.node', (els) =>
    els.map((e) => [Number(e.getAttribute('data-segment')), e.querySelector('rect')!.getAttribute('fill')!] as const),
  );
  const fills = new Map<number, string>();
  for (const [s, fill] of nodes) {
    expect(fills.get(s) ?? fill, `segment ${s}`).toBe(fill);
    fills.set(s, fill);
  }
  return fills;
}

describeIf(HAS_CHROMIUM, 'HTML report at scale in headless Chromium', CHROMIUM_MISSING, () => {
  for (const size of [15, 150, 1500]) {
    describe(`a ${size}-node detection model`, () => {
      const d = detectionReport(size);
      let page: Page;
      let errors: string[];

      beforeAll(async () => {
        expect(d.nodes).toHaveLength(size);
        ({ page, errors } = await open(chromium, d, `detection-${size}`, 90_000));
      }, 120_000);
      afterAll(async () => {
        await page?.close();
      });

      it('first view: the whole graph fits the drawing area, centred, the drawing in the window', async () => {
        const area = await box(page, '#graph-svg');
        expect(inside(area, WINDOW)).toBe(true);
        expect(area.bottom - area.top).toBeGreaterThan(250);
        const nodes = await boxes(page, '#graph-svg g.node');
        expect(nodes).toHaveLength(size);
        const io = await boxes(page, '#graph-svg g.io');
        expect(io).toHaveLength(d.model.inputs.length + d.model.outputs.length);
        const edges = await boxes(page, '#graph-svg path.edge');
        expect(edges.length).toBeGreaterThanOrEqual(size);
        for (const b of [...nodes, ...io, ...edges]) expect(inside(b, area), JSON.stringify(b)).toBe(true);
        // Centred: the margins left and right (and above and below) of what is drawn agree.
        const all = union([...nodes, ...io, ...edges]);
        const [w, h] = [area.right - area.left, area.bottom - area.top];
        expect(Math.abs(all.left - area.left - (area.right - all.right))).toBeLessThan(0.05 * w + 2);
        expect(Math.abs(all.top - area.top - (area.bottom - all.bottom))).toBeLessThan(0.08 * h + 2);
        // Fitted: the graph fills the area one way, or is drawn at full size (34 px boxes).
        const heights = nodes.map((b) => b.bottom - b.top).sort((a, b) => a - b);
        const fills = Math.max((all.right - all.left) / w, (all.bottom - all.top) / h);
        expect(fills > 0.8 || heights[0]! >= 33).toBe(true);
        // Still visible: boxes a few pixels tall even at 1,500 nodes (the layout is folded).
        expect(heights[Math.floor(heights.length / 2)]).toBeGreaterThanOrEqual(3);
        // The screenshot shows the segments' colours.
        const shot = path.join(chromium.dir(), `detection-${size}.png`);
        await page.locator('#graph-svg').screenshot({ path: shot });
        const used = [...new Set((await drawnFills(page)).values())];
        const stats = await pixelStats(page, shot, used);
        expect(stats.segmentColours).toBeGreaterThanOrEqual(Math.ceil(0.9 * used.length));
      });

      it('the colour key is in view and shows the marks the graph draws', async () => {
        expect(await page.isVisible('#key')).toBe(true);
        expect(inside(await box(page, '#key'), WINDOW)).toBe(true);
        const text = (await page.textContent('#key'))!;
        for (const words of ['engine segment', 'fallback segment', 'unsupported node', 'minBlockSize', 'host↔device copy', 'no copy']) {
          expect(text).toContain(words);
        }
        for (const b of await boxes(page, '#key [data-key]')) expect(inside(b, WINDOW)).toBe(true);
        const css = (selector: string, prop: string) =>
          page.$eval(selector, (e, p) => (globalThis as any).getComputedStyle(e).getPropertyValue(p) as string, prop);
        expect(await css('#key [data-key=unsupported] .sw', 'border-top-color')).toBe(await css('#graph-svg g.node.unsupported rect', 'stroke'));
        expect(await css('#key [data-key=copy] .line', 'border-top-color')).toBe(await css('#graph-svg path.edge.boundary.copy', 'stroke'));
        if (d.transfers.some((t) => t.copy === 'none')) {
          expect(await css('#key [data-key=boundary] .line', 'border-top-color')).toBe(
            await css('#graph-svg path.edge.boundary:not(.copy)', 'stroke'),
          );
        }
        // The kinds' swatches are striped with colours the segments of that kind have.
        const fills = await drawnFills(page);
        for (const kind of ['engine', 'fallback'] as const) {
          const swatch = await css(`#key [data-key=${kind}] .sw`, 'background-image');
          const first = d.segments.find((s) => s.kind === kind)!;
          expect(swatch).toContain(rgb(fills.get(first.id)!));
        }
      });

      it('no two neighbouring segments share a colour', async () => {
        const fills = await drawnFills(page);
        expect(fills.size).toBe(d.segments.length);
        for (const t of d.transfers) expect(fills.get(t.from), `#${t.from} -> #${t.to}`).not.toBe(fills.get(t.to));
        for (let i = 1; i < d.segments.length; i++) expect(fills.get(i), `#${i - 1}, #${i}`).not.toBe(fills.get(i - 1));
      });

      it('the legend shows every segment, wrapping, each entry in view and in its colour', async () => {
        const ids = await page.$$eval('[data-legend-segment]', (els) => els.map((e) => Number(e.getAttribute('data-legend-segment'))));
        expect(ids).toEqual(d.segments.map((s) => s.id));
        const legend = await box(page, '#legend');
        const entries = await boxes(page, '[data-legend-segment]');
        for (const b of entries) {
          expect(inside(b, legend)).toBe(true);
          expect(inside(b, WINDOW)).toBe(true);
        }
        expect(legend.bottom).toBeLessThanOrEqual((await box(page, '#graph-svg')).top);
        if (size >= 150) expect(new Set(entries.map((b) => Math.round(b.top))).size).toBeGreaterThan(1);
        const backgrounds = await page.$$eval('[data-legend-segment]', (els) =>
          els.map((e) => (globalThis as any).getComputedStyle(e).backgroundColor as string),
        );
        const fills = await drawnFills(page);
        backgrounds.forEach((bg, i) => expect(bg).toBe(rgb(fills.get(i)!)));
      });

      it('clicking a segment opens its panel: ops, why it was cut, boundary tensors with bytes, nodes', async () => {
        const fallback = d.segments.find((s) => s.kind === 'fallback')!;
        await page.click(`[data-legend-segment="${fallback.id}"]`);
        expect(await page.getAttribute('#details', 'data-panel')).toBe('segment');
        const panel = (await page.textContent('#details'))!;
        expect(panel).toContain(`Segment #${fallback.id} (fallback)`);
        expect(panel).toContain('Why it was cut');
        expect(panel).toContain("no converter for 'NonZero' (opset 17)");
        const rows = (selector: string) =>
          page.$$eval(`#details ${selector} tr`, (trs) => trs.map((tr) => Array.from((tr as any).cells as any[], (c) => c.textContent as string)));
        const ins = await rows('table.seg-inputs');
        expect(ins.map((r) => r[0])).toEqual(fallback.inputs.map((t) => t.name));
        for (const r of ins) expect(r[2]).toBe(bytesText(d, r[0]!));
        const outs = await rows('table.seg-outputs');
        expect(outs.map((r) => r[0])).toEqual(fallback.outputs.map((t) => t.name));
        for (const r of outs) expect(r[2]).toBe(bytesText(d, r[0]!));
        const listed = await page.$$eval('#details .seg-nodes [data-node-link]', (els) => els.map((e) => e.textContent));
        expect(listed).toEqual(fallback.nodes);
        // Its nodes are lit and in view.
        const area = await box(page, '#graph-svg');
        const lit = await boxes(page, '#graph-svg g.node.lit');
        expect(lit).toHaveLength(fallback.nodes.length);
        for (const b of lit) expect(inside(b, area)).toBe(true);
        expect(inside(await box(page, '#details h2'), WINDOW)).toBe(true);

        // An engine segment after it: the fallbacks it borders are named, as links.
        const engine = d.segments[fallback.id + 1]!;
        expect(engine.kind).toBe('engine');
        await page.click(`[data-legend-segment="${engine.id}"]`);
        const cut = await page.$$eval('#details ul.cut li', (lis) => lis.map((li) => li.textContent!));
        const borders = new Set(d.transfers.flatMap((t) => (t.to === engine.id ? [t.from] : t.from === engine.id ? [t.to] : [])));
        for (const id of borders) {
          const kind = d.segments[id]!.kind;
          expect(
            cut.some((l) => l.includes(`${kind} #${id}`)),
            `${kind} #${id} in ${JSON.stringify(cut)}`,
          ).toBe(true);
        }
        await page.click(`#details ul.cut a[data-seg="${fallback.id}"]`);
        expect(await page.textContent('#details h2')).toContain(`Segment #${fallback.id} (fallback)`);
        expect(errors).toEqual([]);
      });
    });
  }
});
