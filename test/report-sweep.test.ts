// The sweep reports from result objects alone: the trade-off front (dominance), the scatter plot
// marks, the summary line, and the "—" of an axis that does not apply to a point.
import { describe, expect, it } from 'vitest';
import type { Metrics } from '../src/contract/metrics.js';
import { metricColumn, summaryLine } from '../src/report/sweep-columns.js';
import { scatterPlot, tradeOffFront } from '../src/report/sweep-front.js';
import { renderSweep } from '../src/report/sweep-render.js';
import type { SweepPointResult, SweepResult } from '../src/contract/sweep-types.js';
import { singleSeedResult, UPSTREAM_METRICS } from './fixtures/compare-result.js';

function metricsWith(reserve: number, rate: number): Metrics {
  const metrics = structuredClone(UPSTREAM_METRICS);
  metrics.reserve.avgPages = reserve;
  metrics.failures.rate = rate;
  return metrics;
}

function point(index: number, policy: string, values: SweepPointResult['values'], reserve: number, rate: number): SweepPointResult {
  return { index, values, policy, source: 'builtin', params: {}, metrics: metricsWith(reserve, rate) };
}

function sweep(points: SweepPointResult[]): SweepResult {
  const base = singleSeedResult();
  return {
    schemaVersion: 1,
    kind: 'sweep',
    tool: base.tool,
    scenario: base.scenario,
    seeds: [1],
    vary: [{ name: 'mempool.reservePages', target: 'param', policy: 'mempool', param: 'reservePages', spec: '0,10,20', values: [0, 10, 20], unit: 'pages' }],
    policies: [],
    points,
  };
}

const POINTS = [
  point(0, 'mempool', { 'mempool.reservePages': 0 }, 0, 0.02),
  point(1, 'mempool', { 'mempool.reservePages': 10 }, 80, 0.001),
  point(2, 'mempool', { 'mempool.reservePages': 20 }, 160, 0),
  // Beaten by reservePages=10 on both metrics.
  point(3, 'upstream', {}, 90, 0.005),
  // Ties reservePages=20 on failures but needs more pages: dominated too.
  point(4, 'other', {}, 200, 0),
];
const X = metricColumn('reserve.avgPages');
const Y = metricColumn('failures.rate');

describe('the trade-off front', () => {
  it('keeps exactly the points no other point beats on both metrics, lettered by x', () => {
    const front = tradeOffFront(sweep(POINTS), X, Y).filter((entry) => entry.onFront);
    expect(front.map((entry) => [entry.point.index, entry.mark])).toEqual([
      [0, 'A'],
      [1, 'B'],
      [2, 'C'],
    ]);
    expect(front[1]!.y).toBeCloseTo(0.1); // a rate is shown in %
  });

  it('plots front points as their letters and the rest as dots, with both axes titled with units', () => {
    const plot = scatterPlot(tradeOffFront(sweep(POINTS), X, Y), X, Y, 21, 5).join('\n');
    expect(plot).toContain('failure rate (%) ↑');
    expect(plot).toContain('→ reserve avg (pages)');
    expect(plot.match(/[ABC]/g)?.sort()).toEqual(['A', 'B', 'C']);
    expect(plot.match(/·/g)).toHaveLength(2 + 1); // two dominated points, and the legend's dot
  });
});

describe('sweep reports', () => {
  it('the summary names the size and where the first column is lowest and highest', () => {
    expect(summaryLine(sweep(POINTS), [X])).toBe('Sweep: 5 points × 1 seed = 5 runs; reserve avg from 0 pages (mempool reservePages=0) to 200 pages (other).');
  });

  it('a point the axis does not apply to shows "—" in the table and an empty CSV field', () => {
    const result = sweep(POINTS);
    expect(renderSweep('table', result, { color: false, metrics: ['reserve.avgPages'] })).toMatch(/│ —\s+│ upstream\s+│\s+90 │/);
    expect(renderSweep('csv', result, { color: false }).split('\r\n').find((line) => line.startsWith('3,'))).toMatch(/^3,,upstream,1,calls,/);
  });
});
