/**
 * The HTML report in a real browser: Debian's headless Chromium driven by playwright-core.
 * The page is loaded from a file with every network request refused; the tests check that
 * the SVG has one element per node with its segment's colour, that clicking a node shows its
 * details, that the summary is on top, that names are text and never markup, that a graph of
 * thousands of nodes draws, and that a screenshot of the graph is not blank.
 */
import { registryVerdict } from '../../converters/verdict.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { partition } from '../../src/partition/index.js';
import { buildReport, renderReport, type ReportData } from '../../src/report/index.js';
import { describeIf } from '../helpers/skip.js';
import { dag, testRegistry } from '../partition/helpers.js';
import { fixtureReport } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
// Callbacks given to page.evaluate run in the page, where `globalThis` is the window; the
// project's TypeScript has no DOM library, hence `(globalThis as any)` there.
const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
const CHROMIUM_MISSING = `${CHROMIUM} not found; install Debian's chromium package, as .ci/run does`;

let browser: Browser;
let dir: string;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hybridrt-html-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens the report's page; fails the test on page errors or any request leaving file://. */
async function open(d: ReportData, name: string, timeout = 30_000): Promise<{ page: Page; errors: string[] }> {
  const file = path.join(dir, `${name}.html`);
  fs.writeFileSync(file, renderReport(d, 'html'));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route('**/*', (route) =>
    route.request().url().startsWith('file://') ? route.continue() : (errors.push(`network: ${route.request().url()}`), route.abort()),
  );
  await page.goto(`file://${file}`);
  await page.waitForSelector('body[data-ready]', { timeout });
  expect(await page.getAttribute('body', 'data-ready')).toBe('true');
  return { page, errors };
}

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
    const rgb = (hex: string) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
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

    const shot = path.join(dir, 'fixture.png');
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
    const shot = path.join(dir, 'large.png');
    await page.locator('#graph').screenshot({ path: shot });
    expect((await pixelStats(page, shot, [])).nonWhite).toBeGreaterThan(0.01);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

/** Share of non-white pixels, and how many of `colours` (hex) appear, read in the browser. */
async function pixelStats(page: Page, png: string, colours: string[]): Promise<{ nonWhite: number; segmentColours: number }> {
  const data = fs.readFileSync(png).toString('base64');
  const other = await page.context().browser()!.newPage();
  try {
    await other.setContent(`<img id="i" src="data:image/png;base64,${data}">`);
    await other.waitForFunction(() => (globalThis as any).document.getElementById('i').complete);
    return await other.evaluate((palette) => {
      const img = (globalThis as any).document.getElementById('i');
      const c = (globalThis as any).document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set<string>();
      let nonWhite = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i]! < 245 || px[i + 1]! < 245 || px[i + 2]! < 245) nonWhite++;
        const hex = '#' + [px[i]!, px[i + 1]!, px[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('');
        if (palette.includes(hex)) seen.add(hex);
      }
      return { nonWhite: nonWhite / (px.length / 4), segmentColours: seen.size };
    }, colours);
  } finally {
    await other.close();
  }
}
