// `sweep --format html`: the page parses, names no http(s) URL, holds the table format's rows, one
// SVG per expected chart (a chart per metric group along each numeric axis, the front only with
// --front) with axis titles that carry units, a log x axis for a log range, the 95 % band with
// several seeds, and what was run; the same result gives the same bytes. Then end to end
// through the built CLI: the page, --vega-specs, merge, and the flags that cannot make a page.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_PATHS, type Metrics } from '../src/contract/metrics.js';
import type { MetricsInterval } from '../src/contract/result-types.js';
import { SERIES_COLORS } from '../src/report/charts/theme.js';
import { renderSweepHtml, sweepCharts } from '../src/report/html-sweep.js';
import { renderSweep } from '../src/report/sweep-render.js';
import type { SweepAxis, SweepPointResult, SweepResult } from '../src/contract/sweep-types.js';
import { E2E_TIMEOUT_MS } from './helpers/cli.js';
import { rcupoolAsync as rcupool } from './helpers/cli-async.js';
import { attr, axisTitles, elements, figures, parseHtml, textOf, type Element } from './helpers/html.js';
import { singleSeedResult, UPSTREAM_METRICS } from './fixtures/compare-result.js';

/** One chart per metric group of the registry (top-level numbers are the "totals" group). */
const GROUPS = [...new Set(METRIC_PATHS.map((path) => (path.includes('.') ? path.split('.')[0]!.toLowerCase() : 'totals')))];
const UNIT_IN_PARENTHESES = /\((pages|pages per CPU|calls|count|objects|%|µs|ms|KiB)\)$/;

const RESERVE_AXIS: SweepAxis = { name: 'mempool.reservePages', target: 'param', policy: 'mempool', param: 'reservePages', spec: '1..16:x4', values: [1, 4, 16], unit: 'pages' };

function metricsWith(reserve: number, rate: number): Metrics {
  const metrics = structuredClone(UPSTREAM_METRICS);
  metrics.reserve.avgPages = reserve;
  metrics.failures.rate = rate;
  return metrics;
}

/** A ±10 % interval around every metric, as several seeds would give. */
function intervalOf(metrics: Metrics): MetricsInterval {
  const around = (value: unknown): unknown =>
    typeof value === 'number' ? { low: value * 0.9, high: value * 1.1 } : Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, around(inner)]));
  return around(metrics) as MetricsInterval;
}

function point(index: number, policy: string, values: SweepPointResult['values'], reserve: number, rate: number, seeds: number): SweepPointResult {
  const metrics = metricsWith(reserve, rate);
  return { index, values, policy, source: 'builtin', params: {}, metrics, ...(seeds > 1 ? { ci95: intervalOf(metrics) } : {}) };
}

/** mempool along a log range of reservePages (fewer failures for more pages), upstream not on the axis, one failed point. */
function sweep(options: { seeds?: number; axis?: SweepAxis } = {}): SweepResult {
  const seeds = options.seeds ?? 1;
  const axis = options.axis ?? RESERVE_AXIS;
  const base = singleSeedResult();
  const [a, b, c] = axis.values as number[];
  return {
    schemaVersion: 1,
    kind: 'sweep',
    tool: base.tool,
    scenario: base.scenario,
    seeds: Array.from({ length: seeds }, (_, at) => at + 1),
    vary: [axis],
    policies: [
      { name: 'mempool', kind: 'builtin', location: 'mempool', params: { reservePages: 64 }, paramOverrides: {} },
      { name: 'upstream', kind: 'builtin', location: 'upstream', params: { cachePages: 5 }, paramOverrides: {} },
    ],
    points: [
      point(0, 'mempool', { [axis.name]: a! }, 8, 0.02, seeds),
      point(1, 'mempool', { [axis.name]: b! }, 32, 0.001, seeds),
      point(2, 'mempool', { [axis.name]: c! }, 128, 0, seeds),
      point(3, 'upstream', {}, 90, 0.005, seeds),
      { index: 4, values: { [axis.name]: 64 }, policy: 'mempool', source: 'builtin', params: {}, error: 'invariant broken at 12 ms' },
    ],
  };
}

const FRONT = ['reserve.avgPages', 'failures.rate'] as const;

function svgOf(figure: Element): Element {
  const svgs = [...elements(figure)].filter((node) => node.tagName === 'svg');
  expect(svgs).toHaveLength(1);
  return svgs[0]!;
}

/** How many shapes the data marks of one kind ("area", "rule", "line") drew in an SVG (axes' rules not counted). */
function markShapes(svg: Element, kind: string): number {
  return [...elements(svg)]
    .filter((node) => node.tagName === 'g' && ['role-mark', `mark-${kind}`].every((name) => (attr(node, 'class') ?? '').split(' ').includes(name)))
    .reduce((sum, group) => sum + [...elements(group)].filter((node) => ['path', 'line'].includes(node.tagName ?? '')).length, 0);
}

function sectionIds(root: Element): string[] {
  return [...elements(root)].filter((node) => node.tagName === 'section').map((node) => attr(node, 'id') ?? '');
}

// vega lays out every chart, the slow part: each page once, shared by the tests.
let single: { html: string; root: Element };
let multi: { html: string; root: Element };
beforeAll(async () => {
  const singleHtml = await renderSweepHtml(sweep(), { color: false });
  const multiHtml = await renderSweepHtml(sweep({ seeds: 3 }), { color: false, front: [...FRONT] });
  single = { html: singleHtml, root: parseHtml(singleHtml) };
  multi = { html: multiHtml, root: parseHtml(multiHtml) };
}, 120_000);

describe('the sweep HTML page', { timeout: 60_000 }, () => {
  it('holds one SVG per metric group along the swept axis, and the front only with --front', () => {
    const curves = GROUPS.map((group) => `chart-sweep-mempool-reservepages-${group}`);
    expect([...figures(single.root).keys()].sort()).toEqual([...curves].sort());
    expect([...figures(multi.root).keys()].sort()).toEqual([...curves, 'chart-sweep-front'].sort());
    for (const { root } of [single, multi]) {
      for (const figure of figures(root).values()) svgOf(figure);
      expect([...elements(root)].filter((node) => node.tagName === 'svg')).toHaveLength(figures(root).size);
    }
    expect(sectionIds(single.root)).toEqual(['table', 'curves-mempool-reservepages', 'details']);
    expect(sectionIds(multi.root)).toEqual(['table', 'curves-mempool-reservepages', 'front', 'details']);
  });

  it('titles every axis with its unit: the swept param on x, each metric on y; the front with both metrics', () => {
    for (const [id, figure] of figures(multi.root)) {
      const titles = axisTitles(svgOf(figure));
      if (id === 'chart-sweep-front') {
        expect(titles.sort()).toEqual(['failure rate (%)', 'reserve avg (pages)']);
        continue;
      }
      const yTitles = titles.filter((title) => title !== 'mempool.reservePages (pages)');
      expect(titles.length - yTitles.length, id).toBeGreaterThan(0);
      expect(yTitles.length, id).toBeGreaterThan(0);
      for (const title of yTitles) expect(title, id).toMatch(UNIT_IN_PARENTHESES);
    }
    expect(axisTitles(svgOf(figures(single.root).get('chart-sweep-mempool-reservepages-failures')!))).toEqual(expect.arrayContaining(['rate (%)', 'count (calls)']));
  });

  it('draws a line per policy on the axis, a flat level for a point the axis does not apply to, and a log x axis for a log range', () => {
    const reserve = svgOf(figures(single.root).get('chart-sweep-mempool-reservepages-reserve')!);
    expect(markShapes(reserve, 'line')).toBeGreaterThan(0);
    expect(markShapes(reserve, 'rule')).toBeGreaterThan(0); // upstream's level
    expect(textOf(reserve)).toContain('upstream');
    const logScale = (result: SweepResult) => JSON.stringify(sweepCharts(result, {}).curves[0]!.charts[0]!.spec).includes('"type":"log"');
    expect(logScale(sweep())).toBe(true);
    expect(logScale(sweep({ axis: { ...RESERVE_AXIS, spec: '0,10,20', values: [0, 10, 20] } }))).toBe(false);
  });

  it('shows the 95 % interval as a band with several seeds, and none with one', () => {
    const band = (root: Element) => markShapes(svgOf(figures(root).get('chart-sweep-mempool-reservepages-reserve')!), 'area');
    expect(band(multi.root)).toBeGreaterThan(0);
    expect(band(single.root)).toBe(0);
  });

  it('has the rows of the table format, a failed point as its error', () => {
    const result = sweep();
    const tableLines = renderSweep('table', result, { color: false })
      .split('\n')
      .filter((line) => line.startsWith('│'));
    const rowsOf = (lines: string[]) => lines.map((line) => line.split('│').slice(1, -1).map((cell) => cell.trim()).filter(Boolean));
    const expected = rowsOf(tableLines.slice(2)); // two header lines: label, then unit
    const table = [...elements(single.root)].find((node) => node.tagName === 'table')!;
    const body = [...elements(table)].find((node) => node.tagName === 'tbody')!;
    const rows = [...elements(body)].filter((node) => node.tagName === 'tr').map((row) => [...elements(row)].filter((node) => node.tagName === 'td' || node.tagName === 'th').map(textOf).filter(Boolean));
    expect(rows).toEqual(expected);
    expect(rows.at(-1)).toContain('error: invariant broken at 12 ms');
  });

  it('with --front, lists the front lettered as the chart labels it', () => {
    const section = [...elements(multi.root)].find((node) => node.tagName === 'section' && attr(node, 'id') === 'front')!;
    const table = [...elements(section)].find((node) => node.tagName === 'tbody')!;
    const marks = [...elements(table)].filter((node) => node.tagName === 'tr').map((row) => textOf([...elements(row)].find((node) => node.tagName === 'th')!));
    expect(marks).toEqual(['A', 'B', 'C']); // upstream (90 pages, 0.5 %) is beaten by reservePages=4
    const labels = [...elements(svgOf(figures(multi.root).get('chart-sweep-front')!))]
      .filter((node) => node.tagName === 'g' && /\bmark-text role-mark\b/.test(attr(node, 'class') ?? ''))
      .flatMap((group) => [...elements(group)].filter((node) => node.tagName === 'text').map(textOf));
    expect(labels.sort()).toEqual(['A', 'B', 'C']);
    expect(textOf(section)).toContain('3 of 4 points are on the trade-off front');
  });

  it('names no http(s) URL and loads nothing; ids are unique', () => {
    const { html, root } = multi;
    expect(html).not.toMatch(/https?:/i);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((match) => match[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const reference of [...html.matchAll(/url\(([^)]*)\)/g)].map((match) => match[1]!)) expect(ids).toContain(reference.replace(/^#/, ''));
    for (const node of elements(root)) {
      expect(['script', 'link', 'img', 'iframe', 'object', 'embed', 'image', 'use']).not.toContain(node.tagName);
      for (const name of ['src', 'href', 'xlink:href']) {
        const value = attr(node, name);
        if (value !== undefined) expect(value, `${node.tagName} ${name}`).toMatch(/^#/);
      }
    }
    expect(html).toContain('@media (prefers-color-scheme: dark)');
    expect(html).toContain('@media print');
  });

  it('draws in the Okabe-Ito palette only, a policy in the same colour on every chart', () => {
    const svgPart = multi.html.slice(multi.html.indexOf('<svg'));
    const colors = new Set([...svgPart.matchAll(/ (?:fill|stroke)="([^"]+)"/g)].map((match) => match[1]!.toUpperCase()));
    const allowed = new Set([...SERIES_COLORS, 'none', 'transparent'].map((color) => color.toUpperCase()));
    for (const color of colors) expect(allowed, color).toContain(color);
    // mempool's first point comes first: the first colour, upstream the second, in curves and front alike.
    for (const figure of figures(multi.root).values()) {
      const legend = [...elements(svgOf(figure))].filter((node) => node.tagName === 'g' && (attr(node, 'class') ?? '').includes('role-legend-symbol'));
      const strokes = legend.flatMap((group) => [...elements(group)].map((node) => attr(node, 'stroke') ?? attr(node, 'fill')).filter((color) => color?.startsWith('#')));
      expect(strokes.slice(0, 2), attr(figure, 'id')).toEqual([SERIES_COLORS[0], SERIES_COLORS[1]]);
    }
  });

  it('says what was run: version, scenario, seeds, the varied field as written, the policies', () => {
    const details = textOf([...elements(multi.root)].find((node) => node.tagName === 'details')!);
    for (const text of ['rcupool 0.1.0', '1, 2, 3', 'mempool.reservePages', 'param reservePages of policy mempool, in pages', '1..16:x4', '(1, 4, 16)', 'a log range', 'reservePages=64', '"durationMs"']) {
      expect(details).toContain(text);
    }
  });

  it('draws one chart per chosen metric with --metrics, titled with its unit', async () => {
    const charts = sweepCharts(sweep(), { metrics: ['latencyUs.p99', 'failures.rate'] }).curves[0]!.charts;
    expect(charts.map((chart) => chart.id)).toEqual(['sweep-mempool-reservepages-latencyus-p99', 'sweep-mempool-reservepages-failures-rate']);
    const html = await renderSweepHtml(sweep(), { color: false, metrics: ['failures.rate'] });
    const figure = figures(parseHtml(html)).get('chart-sweep-mempool-reservepages-failures-rate')!;
    expect(axisTitles(svgOf(figure)).sort()).toEqual(['failure rate (%)', 'mempool.reservePages (pages)']);
  });

  it('draws no curve when no axis has two numbers, and says so', async () => {
    const result = sweep({ axis: { name: 'machine.preset', target: 'scenario', spec: 'phone,embedded,server', values: ['phone', 'embedded', 'server'] } });
    const root = parseHtml(await renderSweepHtml(result, { color: false }));
    expect(figures(root).size).toBe(0);
    expect(textOf(root)).toContain('no curve to draw');
  });

  it('is byte-identical for the same result', async () => {
    expect(await renderSweepHtml(sweep({ seeds: 3 }), { color: false, front: [...FRONT] })).toBe(multi.html);
  });
});

describe('rcupool sweep --format html', { timeout: E2E_TIMEOUT_MS }, () => {
  const SWEEP = ['sweep', '--scenario', 'steady', '--duration', '100ms', '--policy', 'upstream,mempool', '--vary', 'mempool.reservePages=1..16:x4', '--jobs', '1'];
  let folder: string;
  const at = (file: string) => join(folder, file);

  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'rcupool-sweep-html-'));
  });
  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('writes the page with its curves and front, and --vega-specs a spec per chart of it', async () => {
    const made = await rcupool([...SWEEP, '--seeds', '2', '--front', 'reserve.avgPages,failures.rate', '--format', 'html', '--out', at('sweep.html'), '--vega-specs', at('specs')]);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout).toBe('');
    const html = readFileSync(at('sweep.html'), 'utf8');
    const ids = [...figures(parseHtml(html)).keys()];
    expect(ids.sort()).toEqual([...GROUPS.map((group) => `chart-sweep-mempool-reservepages-${group}`), 'chart-sweep-front'].sort());
    expect(html).not.toMatch(/https?:/i);
    expect(readdirSync(at('specs')).sort()).toEqual(ids.map((id) => `${id.replace(/^chart-/, '')}.vl.json`).sort());
    const spec = JSON.parse(readFileSync(at('specs/sweep-mempool-reservepages-reserve.vl.json'), 'utf8')) as Record<string, unknown>;
    expect(spec.$schema).toMatch(/vega-lite\/v6\.json$/);
    expect(JSON.stringify(spec)).toContain('"type":"log"');
  });

  it('prints the page on stdout; merged shards give the same bytes', async () => {
    const whole = await rcupool([...SWEEP, '--format', 'html']);
    expect(whole.status, whole.stderr).toBe(0);
    expect(whole.stdout.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(figures(parseHtml(whole.stdout)).has('chart-sweep-front')).toBe(false);
    for (const index of [0, 1]) {
      const shard = await rcupool([...SWEEP, '--json', '--shard', `${index}/2`]);
      expect(shard.status, shard.stderr).toBe(0);
      writeFileSync(at(`shard-${index}.json`), shard.stdout);
    }
    const merged = await rcupool(['merge', at('shard-1.json'), at('shard-0.json'), '--format', 'html']);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
  });

  it('refuses html and --vega-specs for a shard, in one line naming the flag', async () => {
    const html = await rcupool([...SWEEP, '--format', 'html', '--shard', '0/2']);
    expect(html.status).toBe(2);
    expect(html.stderr).toMatch(/^rcupool: --shard 0\/2: write shards with --json[^\n]*\n$/);
    const specs = await rcupool([...SWEEP, '--json', '--shard', '0/2', '--vega-specs', at('shard-specs')]);
    expect(specs.status).toBe(2);
    expect(specs.stderr).toMatch(/^rcupool: --vega-specs: a shard holds only some of the points[^\n]*\n$/);
  });

  it('check of a sweep baseline refuses --format html in one line rather than printing a table', async () => {
    const made = await rcupool(['baseline', '--out', at('sweep-baseline.json'), ...SWEEP.slice(1), '--quiet']);
    expect(made.status, made.stderr).toBe(0);
    const result = await rcupool(['check', '--baseline', at('sweep-baseline.json'), '--format', 'html']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^rcupool: --format html: not available for a sweep baseline \(.*sweep-baseline\.json\); choose table, markdown, json\n$/);
  });

  it('--vega-specs into a path that cannot be a folder is one line and exit 2', async () => {
    writeFileSync(at('a-file'), '');
    const result = await rcupool([...SWEEP, '--format', 'html', '--vega-specs', at('a-file/specs')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: --vega-specs .*a-file\/specs: cannot make the folder \(ENOTDIR\); give a writable path\n$/);
  });
});
