// The HTML report in a real browser: headless Chromium opens the file from disk, renders it
// with no console error and no request beyond the file itself, shows every chart with a size,
// and a screenshot is not blank. Dark mode and print change the colours. One page, one screenshot;
// then a sweep's page, which must load as cleanly and lay out its curves and front.
// RCUPOOL_SCREENSHOT=docs/report.png also keeps the screenshot (how the README's was made).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_PATHS } from '../src/contract/metrics.js';
import { chromiumPath } from './helpers/browser.js';
import { E2E_TIMEOUT_MS } from './helpers/cli.js';
import { rcupoolAsync } from './helpers/cli-async.js';

/** Two policies on a scenario that dips under MIN and has timed events: every panel has something to show. */
const RUN = ['compare', '--policy', 'upstream,lockless-pcp', '--scenario', 'default', '--duration', '1s'];
const SWEEP = ['sweep', '--policy', 'upstream,mempool', '--scenario', 'steady', '--duration', '100ms', '--vary', 'mempool.reservePages=1..16:x4', '--seeds', '2', '--front', 'reserve.avgPages,failures.rate'];

/** Console errors and warnings, page errors, and any request beyond the file, as lines. */
function watch(page: Page, problems: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warn') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) problems.push(`request: ${request.url()}`);
  });
}

let folder: string;
let browser: Browser | undefined;
let page: Page;
const problems: string[] = [];
let screenshot: Buffer;

beforeAll(async () => {
  const executablePath = chromiumPath();
  folder = mkdtempSync(join(tmpdir(), 'rcupool-browser-'));
  const [made, swept] = await Promise.all([rcupoolAsync([...RUN, '--out', join(folder, 'report.html')]), rcupoolAsync([...SWEEP, '--format', 'html', '--out', join(folder, 'sweep.html')])]);
  expect(made.status, made.stderr).toBe(0);
  expect(swept.status, swept.stderr).toBe(0);
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  watch(page, problems);
  await page.setViewport({ width: 1280, height: 1000, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(join(folder, 'report.html')).href, { waitUntil: 'load' });
  // The screenshot shows the timelines, the part a terminal cannot draw side by side.
  await page.evaluate(() => document.getElementById('timelines')?.scrollIntoView());
  screenshot = Buffer.from(await page.screenshot({ type: 'png' }));
  if (process.env.RCUPOOL_SCREENSHOT) writeFileSync(process.env.RCUPOOL_SCREENSHOT, screenshot);
}, E2E_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('the HTML report in headless Chromium', { timeout: E2E_TIMEOUT_MS }, () => {
  it('loads with no console error and asks for nothing beyond the file', () => {
    expect(problems).toEqual([]);
  });

  it('lays out every chart with a size', async () => {
    const sizes = await page.$$eval('figure.chart svg', (svgs) => svgs.map((svg) => svg.getBoundingClientRect()).map(({ width, height }) => ({ width, height })));
    const groups = new Set(METRIC_PATHS.map((path) => (path.includes('.') ? path.split('.')[0] : 'totals')));
    expect(sizes).toHaveLength(groups.size + 2); // a chart per metric group and a timeline per policy
    for (const size of sizes) expect(size.width * size.height).toBeGreaterThan(10_000);
  });

  it('takes a screenshot that is not blank: many pixels differ from the background, in several colours', async () => {
    const stats = await page.evaluate(async (base64: string) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const key = (offset: number) => (data[offset]! << 16) | (data[offset + 1]! << 8) | data[offset + 2]!;
      const background = key(0);
      const colours = new Set<number>();
      let differing = 0;
      for (let offset = 0; offset < data.length; offset += 4) {
        const colour = key(offset);
        colours.add(colour);
        if (colour !== background) differing++;
      }
      return { width: bitmap.width, height: bitmap.height, share: differing / (data.length / 4), colours: colours.size };
    }, screenshot.toString('base64'));
    expect(stats.width).toBe(1280);
    expect(stats.share).toBeGreaterThan(0.03);
    expect(stats.colours).toBeGreaterThan(20);
  });

  it('turns dark with prefers-color-scheme: dark and light again for print', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    expect(await background()).toBe('rgb(22, 24, 27)');
    const text = await page.evaluate(() => getComputedStyle(document.querySelector('figure.chart svg')!).color);
    expect(text).toBe('rgb(230, 230, 230)');
    await page.emulateMediaType('print');
    expect(await background()).toBe('rgb(255, 255, 255)');
  });

  it('opens a sweep page as cleanly: every curve and the front laid out with a size', async () => {
    const sweepPage = await browser!.newPage();
    const sweepProblems: string[] = [];
    watch(sweepPage, sweepProblems);
    await sweepPage.goto(pathToFileURL(join(folder, 'sweep.html')).href, { waitUntil: 'load' });
    const charts = await sweepPage.$$eval('figure.chart', (figures) => figures.map((figure) => ({ id: figure.id, area: figure.querySelector('svg')!.getBoundingClientRect().width * figure.querySelector('svg')!.getBoundingClientRect().height })));
    expect(sweepProblems).toEqual([]);
    const groups = new Set(METRIC_PATHS.map((path) => (path.includes('.') ? path.split('.')[0] : 'totals')));
    expect(charts).toHaveLength(groups.size + 1); // a curve chart per metric group, and the front
    expect(charts.map((chart) => chart.id)).toContain('chart-sweep-front');
    for (const chart of charts) expect(chart.area, chart.id).toBeGreaterThan(10_000);
    await sweepPage.close();
  });
});
