/**
 * The HTML report in a real browser (test/report/browser.ts): the SVG has one element per node
 * with its segment's colour, clicking a node shows its details, the summary is on top, names
 * are text and never markup, a graph of thousands of nodes draws, and a screenshot of the
 * graph is not blank. The report at scale (first view, key, legend, segment panel) is
 * html-scale.test.ts.
 */
import { registryVerdict } from '../../converters/verdict.js';
import path from 'node:path';
import { expect, it } from 'vitest';
import { partition } from '../../src/partition/index.js';
import { buildReport } from '../../src/report/index.js';
import { describeIf } from '../helpers/skip.js';
import { dag, testRegistry } from '../partition/helpers.js';
import { CHROMIUM_MISSING, HAS_CHROMIUM, open as openPage, pixelStats, rgb, useChromium } from './browser.js';
import { fixtureReport } from './fixture.js';

const chromium = useChromium();
const open = (d: Parameters<typeof openPage>[1], name: string, timeout?: number) => openPage(chromium, d, name, timeout);
const dir = () => chromium.dir();

describeIf(HAS_CHROMIUM, 'HTML report in headless Chromium', CHROMIUM_MISSING, () => {
  it("draws one element per node in its segment's colour, with details on click", async () => {
    const d = fixtureReport();
    const { page, errors } = await open(d, 'fixture');
    expect(await page.textContent('#summary')).toContain('70.0%');
    const nodes = await page.$$eval('svg g.node', (els) =>
      els.map((e) => ({
        name: e.getAttribute('data-node'),
        segment: Number(e.getAttribute('data-segment')),
        fill: e.querySelector('rect')!.getAttribute('fill'),
      })),
    );
    expect(nodes.map((n) => n.name).sort()).toEqual(d.nodes.map((n) => n.name).sort());
    // Every node has its segment's colour (the legend's), and the five segments differ.
    const legend = await page.$$eval('[data-legend-segment]', (els) =>
      els.map((e) => (globalThis as any).getComputedStyle(e).backgroundColor as string),
    );
    for (const n of nodes) {
      expect(n.segment).toBe(d.nodes.find((x) => x.name === n.name)!.segment);
      expect(rgb(n.fill!)).toBe(legend[n.segment]);
    }
    expect(new Set(legend).size).toBe(5);
    expect(await page.locator('svg g.node.unsupported').count()).toBe(3); // c, h, and the forced e
    expect(await page.locator('svg path.edge.boundary').count()).toBe(8);

    await page.locator('svg g.node[data-node="c"]').click();
    const details = await page.textContent('#details');
    expect(details).toContain('NonZero — segment #1 (fallback)');
    expect(details).toContain("Reason: no converter for 'NonZero' (opset 17)");
    expect(await page.locator('svg g.node.selected').getAttribute('data-node')).toBe('c');

    const shot = path.join(dir(), 'fixture.png');
    await page.locator('#graph').screenshot({ path: shot });
    const stats = await pixelStats(page, shot, [...new Set(nodes.map((n) => n.fill!))]);
    // Not blank: a good share of non-white pixels, and the segments' colours among them.
    expect(stats.nonWhite).toBeGreaterThan(0.03);
    expect(stats.segmentColours).toBeGreaterThanOrEqual(4);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows names as text, never as markup', async () => {
    const evil = '</script><img src=x onerror="window.pwned=1">';
    const g = dag({
      inputs: ['x'],
      outputs: [evil],
      nodes: [
        ['a', 'O', ['x']],
        [evil, 'X', ['a']],
      ],
    });
    const d = buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()), minBlockSize: 1 }), { file: '<b>model</b>.onnx' });
    const { page, errors } = await open(d, 'evil');
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as any).pwned)).toBeUndefined();
    expect(await page.textContent('h1')).toContain('<b>model</b>.onnx');
    expect(await page.locator('svg g.node').count()).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws a graph of 3,000 nodes', async () => {
    // A deep chain with skip connections every few nodes and an unsupported node every 40.
    const nodes: Array<[string, string, string[]]> = [];
    for (let i = 0; i < 3000; i++) {
      const ins = [i ? `n${i - 1}` : 'x'];
      if (i % 5 === 0 && i >= 6) ins.push(`n${i - 6}`);
      nodes.push([`n${i}`, i % 40 === 39 ? 'X' : 'O', ins]);
    }
    const g = dag({ inputs: ['x'], outputs: ['n2999'], nodes });
    const d = buildReport(g, partition(g, { verdict: registryVerdict(testRegistry()) }), { file: 'large.onnx', recommendations: false });
    const { page, errors } = await open(d, 'large', 110_000);
    expect(await page.locator('svg g.node').count()).toBe(3000);
    await page.fill('#search', 'n1500');
    await page.press('#search', 'Enter');
    expect(await page.textContent('#details h2')).toBe('n1500');
    const shot = path.join(dir(), 'large.png');
    await page.locator('#graph').screenshot({ path: shot });
    expect((await pixelStats(page, shot, [])).nonWhite).toBeGreaterThan(0.01);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});
