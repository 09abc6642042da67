/**
 * Headless Chromium for the HTML report's tests: Debian's /usr/bin/chromium driven by
 * playwright-core. `useChromium()` starts one browser for a test file; `open` loads a report's
 * page from a file with every network request refused and fails on page errors; `boxes` reads
 * element boxes as the window shows them; `pixelStats` reads a screenshot back.
 *
 * Callbacks given to page.evaluate run in the page, where `globalThis` is the window; the
 * project's TypeScript has no DOM library, hence `(globalThis as any)` there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { renderReport, type ReportData } from '../../src/report/index.js';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);
export const CHROMIUM_MISSING = `${CHROMIUM} not found; install Debian's chromium package, as .ci/run does`;

/** The window the tests look through. */
export const VIEWPORT = { width: 1280, height: 900 };

export interface Chromium {
  browser(): Browser;
  /** A folder for this file's pages and screenshots. */
  dir(): string;
}

/** One browser for the calling test file, closed after it. */
export function useChromium(): Chromium {
  let browser: Browser | undefined;
  let dir = '';
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
  return { browser: () => browser!, dir: () => dir };
}

/** Opens the report's page; fails the test on page errors or any request leaving file://. */
export async function open(c: Chromium, d: ReportData, name: string, timeout = 30_000): Promise<{ page: Page; errors: string[] }> {
  const file = path.join(c.dir(), `${name}.html`);
  fs.writeFileSync(file, renderReport(d, 'html'));
  const page = await c.browser().newPage({ viewport: VIEWPORT });
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

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The boxes of every element matching `selector`, in window coordinates. */
export async function boxes(page: Page, selector: string): Promise<Box[]> {
  return page.$$eval(selector, (els) =>
    els.map((e) => {
      const r = (e as any).getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    }),
  );
}

/** Whether `inner` lies inside `outer`, give or take `slack` pixels. */
export function inside(inner: Box, outer: Box, slack = 0.5): boolean {
  return (
    inner.left >= outer.left - slack && inner.top >= outer.top - slack && inner.right <= outer.right + slack && inner.bottom <= outer.bottom + slack
  );
}

/** The window as a box. */
export const WINDOW: Box = { left: 0, top: 0, right: VIEWPORT.width, bottom: VIEWPORT.height };

/** '#a5d6a7' as the browser reports a computed colour: 'rgb(165, 214, 167)'. */
export function rgb(hex: string): string {
  return `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
}

/** Share of non-white pixels, and how many of `colours` (hex) appear, read in the browser. */
export async function pixelStats(page: Page, png: string, colours: string[]): Promise<{ nonWhite: number; segmentColours: number }> {
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
