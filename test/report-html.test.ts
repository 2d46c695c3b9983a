// The HTML report as a file: it parses, names no http(s) URL and loads nothing from outside,
// holds one SVG per expected chart (a chart per metric group, a timeline per policy) with
// axis titles that carry units, uses the colour-blind-safe palette, and styles dark mode and print.
import { beforeAll, describe, expect, it } from 'vitest';
import { SERIES_COLORS } from '../src/report/charts/theme.js';
import { frontScatterSpec, lineChartSpec, paretoFront } from '../src/report/charts/generic.js';
import { renderSvg } from '../src/report/charts/render.js';
import { metricGroups } from '../src/report/charts/metric-groups.js';
import { renderCompareHtml } from '../src/report/html-compare.js';
import type { CompareResult, TimelinePoint } from '../src/contract/result-types.js';
import { multiSeedResult, singleSeedResult, USER_POLICY_NAME } from './fixtures/compare-result.js';
import { attr, axisTitles, elements, figures, parseHtml, textOf, type Element } from './helpers/html.js';

const MARKS = { minPages: 1_000, lowPages: 1_250, highPages: 1_500 };
const POINTS = 40;

/** A made-up timeline: free pages sink under MIN mid-run while fallbacks start. */
function timeline(scale: number, stalls: boolean): TimelinePoint[] {
  return Array.from({ length: POINTS + 1 }, (_, index) => {
    const dip = Math.abs(index - POINTS / 2) < 5;
    const point: TimelinePoint = {
      timeMs: (index * 300) / POINTS,
      freePages: dip ? 900 : 4_000 - index * 20,
      lowestFreePages: dip ? 880 : 3_990 - index * 20,
      reservePages: dip ? 0 : 40 * scale,
      inflightPages: 100 + index,
      peakInflightPages: 110 + index,
      failures: dip && index > 0 ? Math.round(50 * scale) : 0,
      belowMinMs: dip && index > 0 ? 7.5 : 0,
    };
    return stalls ? ({ ...point, stalls: dip ? 3 : 0 } as TimelinePoint) : point;
  });
}

function withTimelines(result: CompareResult, stalls = false): CompareResult {
  result.scenario = { ...result.scenario, durationMs: 300, events: [{ atMs: 120, kind: 'drainAllPages' }] };
  result.results.forEach((row, index) => {
    if (row.metrics) row.timeline = timeline(index + 1, stalls);
  });
  return result;
}

async function page(result: CompareResult): Promise<{ html: string; root: Element }> {
  const html = await renderCompareHtml(result, { watermarks: MARKS });
  return { html, root: parseHtml(html) };
}

function svgOf(figure: Element): Element {
  const svgs = [...elements(figure)].filter((node) => node.tagName === 'svg');
  expect(svgs).toHaveLength(1);
  return svgs[0]!;
}

// Rendering is the slow part (vega lays out every chart): each page once, shared by the tests.
let single: { html: string; root: Element };
let multi: { html: string; root: Element };
beforeAll(async () => {
  single = await page(withTimelines(singleSeedResult()));
  multi = await page(withTimelines(multiSeedResult()));
}, 120_000);

describe('HTML report', { timeout: 60_000 }, () => {
  it('holds one SVG per metric group and per policy timeline, and no other', async () => {
    const result = withTimelines(singleSeedResult());
    const { root } = single;
    const groups = metricGroups(result).map(({ group }) => `chart-metrics-${group.toLowerCase()}`);
    expect(groups).toEqual(expect.arrayContaining(['chart-metrics-reserve', 'chart-metrics-failures', 'chart-metrics-latencyus', 'chart-metrics-harm']));
    const ran = result.results.filter((row) => row.metrics).map((row) => row.policy);
    const timelines = ['chart-timeline-upstream', 'chart-timeline-lockless-pcp', 'chart-timeline-mine-v2'];
    expect(ran).toHaveLength(timelines.length);
    const found = figures(root);
    expect([...found.keys()].sort()).toEqual([...groups, ...timelines].sort());
    for (const figure of found.values()) svgOf(figure);
    expect([...elements(root)].filter((node) => node.tagName === 'svg')).toHaveLength(found.size);
  });

  it('names no http(s) URL and loads nothing: no script, stylesheet link, image or font', async () => {
    const { html, root } = multi;
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    // url() only for the SVGs' own clip paths, and every id they name is on the page once.
    const references = [...html.matchAll(/url\(([^)]*)\)/g)].map((match) => match[1]!);
    for (const reference of references) expect(reference).toMatch(/^#[\w-]+$/);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const reference of references) expect(ids).toContain(reference.slice(1));
    for (const node of elements(root)) {
      expect(['script', 'link', 'img', 'iframe', 'object', 'embed', 'image', 'use']).not.toContain(node.tagName);
      for (const name of ['src', 'href', 'xlink:href']) {
        const value = attr(node, name);
        if (value !== undefined) expect(value, `${node.tagName} ${name}`).toMatch(/^#/);
      }
    }
  });

  it('gives every chart axis titles with units: time and pages on the timelines, a unit under each metric', async () => {
    const { root } = single;
    for (const [id, figure] of figures(root)) {
      const titles = axisTitles(svgOf(figure));
      expect(titles.length, id).toBeGreaterThan(0);
      if (id.startsWith('chart-timeline-')) {
        expect(titles).toContain('time (ms)');
        expect(titles).toContain('free pages, lowest per interval (pages)');
        expect(titles).toContain("reserve, idle in the policy's reserves (pages)");
        expect(titles).toContain('pages in flight, highest per interval (pages)');
        expect(titles).toContain('fallbacks: calls that found no page (per 7.5 ms)');
      } else {
        const valueAxes = titles.filter((title) => title !== 'policy');
        expect(valueAxes.length, id).toBeGreaterThan(0);
        for (const title of valueAxes) expect(['pages', 'calls', 'count', 'objects', '%', 'µs', 'ms', 'KiB'], `${id}: ${title}`).toContain(title);
      }
    }
  });

  it('marks MIN, LOW and HIGH and the scenario events on the timelines', async () => {
    const { root } = single;
    const text = textOf(svgOf(figures(root).get('chart-timeline-upstream')!));
    for (const label of ['MIN 1,000', 'LOW 1,250', 'HIGH 1,500', 'drain_all_pages()']) expect(text).toContain(label);
  });

  it('adds a stalls panel when the timeline samples carry stalls', async () => {
    const { root } = await page(withTimelines(singleSeedResult(), true));
    expect(axisTitles(svgOf(figures(root).get('chart-timeline-upstream')!))).toContain('stalls: callers blocked (per 7.5 ms)');
    expect(axisTitles(svgOf(figures(single.root).get('chart-timeline-upstream')!)).some((title) => title.startsWith('stalls'))).toBe(false);
  });

  it('builds the metric charts from whatever metrics exist: a new group gets its chart', async () => {
    const result = withTimelines(singleSeedResult());
    for (const row of result.results) if (row.metrics) Object.assign(row.metrics, { footprint: { peakKiB: 12, avgKiB: 8 } });
    const { root } = await page(result);
    const figure = figures(root).get('chart-metrics-footprint');
    expect(figure).toBeDefined();
    expect(axisTitles(svgOf(figure!))).toContain('KiB');
  });

  it('has the comparison table with units, escapes names, and says what was run', async () => {
    const { root } = multi;
    const tables = [...elements(root)].filter((node) => node.tagName === 'table');
    expect(tables).toHaveLength(1);
    const table = textOf(tables[0]!);
    for (const unit of ['pages', 'count', '%', 'µs', 'ms']) expect(table).toContain(unit);
    expect(table).toContain(USER_POLICY_NAME);
    expect(table).toContain('error: policy returned page 17');
    expect(table).toMatch(/± /);
    const details = [...elements(root)].find((node) => node.tagName === 'details');
    expect(details).toBeDefined();
    const detailText = textOf(details!);
    expect(detailText).toContain('rcupool 0.1.0');
    expect(detailText).toContain('1, 2, 3');
    expect(detailText).toContain('"durationMs": 300');
  });

  it('draws series only in the Okabe-Ito palette, and styles dark mode and print', async () => {
    const { html } = single;
    const svgPart = html.slice(html.indexOf('<svg'));
    const colors = new Set([...svgPart.matchAll(/ (?:fill|stroke)="([^"]+)"/g)].map((match) => match[1]!.toUpperCase()));
    const allowed = new Set([...SERIES_COLORS, '#999999', 'none', 'transparent'].map((color) => color.toUpperCase()));
    for (const color of colors) expect(allowed, color).toContain(color);
    expect([...colors].filter((color) => color.startsWith('#')).length).toBeGreaterThan(2);
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('@media print');
  });

  it('is byte-identical for the same result', async () => {
    const again = await page(withTimelines(singleSeedResult()));
    expect(again.html).toBe(single.html);
  });
});

describe('chart builders a sweep can call', { timeout: 60_000 }, () => {
  it('lineChartSpec draws a line per series with its axis titles', async () => {
    const points = ['upstream', 'mempool'].flatMap((series, index) => [8, 16, 32].map((x) => ({ series, x, y: x * (index + 1), low: x * (index + 1) - 1, high: x * (index + 1) + 1 })));
    const svg = parseHtml(await renderSvg(lineChartSpec({ title: 'failures', xTitle: 'reservePages (pages)', yTitle: 'failures (count)', points, seriesOrder: ['upstream', 'mempool'], seriesTitle: 'policy' })));
    expect(axisTitles(svg)).toEqual(expect.arrayContaining(['reservePages (pages)', 'failures (count)']));
    expect([...elements(svg)].filter((node) => attr(node, 'aria-roledescription') === 'line mark')).toHaveLength(2);
  });

  it('frontScatterSpec labels the non-dominated points only', async () => {
    const raw = [
      { series: 'mempool', label: '8', x: 8, y: 100 },
      { series: 'mempool', label: '16', x: 16, y: 40 },
      { series: 'mempool', label: '32', x: 32, y: 45 },
      { series: 'upstream', label: '5', x: 5, y: 120 },
    ];
    const front = paretoFront(raw);
    expect([...front].map((point) => point.label).sort()).toEqual(['16', '5', '8']);
    const points = raw.map((point) => ({ ...point, onFront: front.has(point) }));
    const svg = parseHtml(await renderSvg(frontScatterSpec({ title: 'trade-off', xTitle: 'reserve avg (pages)', yTitle: 'failures (count)', points, seriesOrder: ['upstream', 'mempool'], seriesTitle: 'policy' })));
    expect(axisTitles(svg)).toEqual(expect.arrayContaining(['reserve avg (pages)', 'failures (count)']));
    const textMarks = [...elements(svg)].filter((node) => node.tagName === 'g' && /\bmark-text role-mark\b/.test(attr(node, 'class') ?? ''));
    const labels = textMarks.flatMap((group) => [...elements(group)].filter((node) => node.tagName === 'text').map(textOf));
    expect(labels).toEqual(expect.arrayContaining(['16', '5', '8']));
    expect(labels).not.toContain('32');
  });
});
