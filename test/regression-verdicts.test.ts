// The judgement behind `rcupool check`: thresholds (relative and absolute), direction, the
// paired significance test over common seeds, and the four verdicts.
import { describe, expect, it } from 'vitest';
import type { MetricPath, Metrics } from '../src/contract/metrics.js';
import { CHECKED_METRICS, INFORMATIONAL_METRICS, compareMetric, compareResults, DEFAULT_THRESHOLDS, judge, parseThresholds, regressions, ThresholdError } from '../src/runner/regression.js';
import type { Threshold } from '../src/contract/metrics.js';
import type { JudgedMetric, MetricComparison } from '../src/contract/check-result.js';
import type { CompareResult, PolicyResult } from '../src/contract/result-types.js';
import { meanMetrics } from '../src/runner/statistics.js';
import { baseScenario } from '../src/scenario/base.js';
import { UPSTREAM_METRICS } from './fixtures/compare-result.js';

// ---- helpers ----

/** UPSTREAM_METRICS with some paths set. */
function metricsWith(values: Partial<Record<MetricPath, number>>): Metrics {
  const metrics = structuredClone(UPSTREAM_METRICS);
  for (const [path, value] of Object.entries(values)) {
    const keys = path.split('.');
    let node = metrics as unknown as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
    node[keys[keys.length - 1]!] = value;
  }
  return metrics;
}

/** A policy result whose `path` takes these per-seed values (the rest as UPSTREAM_METRICS). */
function policyRow(policy: string, path: MetricPath, values: number[]): PolicyResult {
  const perSeed = values.map((value) => metricsWith({ [path]: value }));
  const row: PolicyResult = { policy, source: 'builtin', params: {}, metrics: perSeed.length === 1 ? perSeed[0] : meanMetrics(perSeed) };
  if (perSeed.length > 1) row.perSeed = perSeed;
  return row;
}

function result(seeds: number[], rows: PolicyResult[]): CompareResult {
  return { schemaVersion: 2, tool: { name: 'rcupool', version: '0.1.0' }, scenario: baseScenario(), seeds, results: rows };
}

/** Compares one metric of one policy, baseline values vs current values on the same seeds. */
function verdictOf(path: JudgedMetric, before: number[], after: number[], thresholds = parseThresholds([])): MetricComparison {
  const seeds = before.map((_value, index) => index + 1);
  const report = compareResults(result(seeds, [policyRow('p', path, before)]), result(seeds, [policyRow('p', path, after)]), thresholds);
  return report.policies[0]!.metrics.find((row) => row.metric === path)!;
}

// ---- thresholds ----

describe('parseThresholds', () => {
  it('starts from the documented defaults: relative and absolute for every judged metric', () => {
    const thresholds = parseThresholds([]);
    expect(thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(thresholds['failures.count']).toEqual({ relative: 0.1, absolute: 5 });
    expect(thresholds['harm.oomKills']).toEqual({ relative: 0, absolute: 0 });
    expect(thresholds.pagesAllocated).toBe('off');
    expect(CHECKED_METRICS).not.toContain('calls');
    expect(CHECKED_METRICS).toContain('pagesAllocated');
  });

  it('reads +10% as relative and +5 as absolute, each replacing only its own part', () => {
    const thresholds = parseThresholds(['failures.count=+20%,reserve.peakPages=+3', 'latencyUs.p99=+15%+2']);
    expect(thresholds['failures.count']).toEqual({ relative: 0.2, absolute: 5 });
    expect(thresholds['reserve.peakPages']).toEqual({ relative: 0.1, absolute: 3 });
    expect(thresholds['latencyUs.p99']).toEqual({ relative: 0.15, absolute: 2 });
    expect(parseThresholds(['failures.count=5%, failures.count=+0'])['failures.count']).toEqual({ relative: 0.05, absolute: 0 });
  });

  it('takes groups and *, and the most specific key wins whatever the order', () => {
    const thresholds = parseThresholds(['failures.count=+1', 'failures=+50%', '*=+30%']);
    expect(thresholds['failures.count']).toEqual({ relative: 0.5, absolute: 1 });
    expect(thresholds['failures.rcuHead']).toEqual({ relative: 0.5, absolute: 5 });
    expect(thresholds['harm.pcpRefills']).toEqual({ relative: 0.3, absolute: 10 });
    // "*" leaves the informational metric alone; naming it turns it on.
    expect(thresholds.pagesAllocated).toBe('off');
    expect(parseThresholds(['pagesAllocated=+10%']).pagesAllocated).toEqual({ relative: 0.1, absolute: 0 });
  });

  it('turns metrics off', () => {
    const thresholds = parseThresholds(['latencyUs=off']);
    expect(thresholds['latencyUs.max']).toBe('off');
    expect(thresholds['latencyUs.p50']).toBe('off');
    expect(thresholds['failures.count']).not.toBe('off');
  });

  it('refuses what it cannot use, saying what is expected', () => {
    const message = (text: string) => {
      try {
        parseThresholds([text]);
      } catch (error) {
        expect(error).toBeInstanceOf(ThresholdError);
        return (error as Error).message;
      }
      throw new Error(`${text} was accepted`);
    };
    expect(message('failures.cuont=+10%')).toMatch(/unknown metric "failures\.cuont"/);
    expect(message('count=+10%')).toMatch(/did you mean "failures\.count"/);
    expect(message('failures.count=-10%')).toMatch(/never negative/);
    expect(message('failures.count=lots')).toMatch(/expected <metric>=<limit>/);
    expect(message('failures.count')).toMatch(/expected <metric>=<limit>/);
    expect(message('failures.count=+10%+20%')).toMatch(/relative limit is given twice/);
    expect(message('calls=+10%')).toMatch(/calls is not compared/);
  });
});

// ---- verdicts ----

describe('judge', () => {
  const ci = (low: number, high: number) => ({ low, high });

  it('regresses only beyond the limit and with an interval above 0', () => {
    expect(judge({ difference: 10, limit: 5, ci: ci(2, 18), requireSignificance: true }).verdict).toBe('regressed');
    expect(judge({ difference: 10, limit: 5, ci: ci(-2, 22), requireSignificance: true }).verdict).toBe('inconclusive');
    expect(judge({ difference: 4, limit: 5, ci: ci(3, 5), requireSignificance: true }).verdict).toBe('unchanged');
    expect(judge({ difference: 5, limit: 5, ci: ci(5, 5), requireSignificance: true }).verdict).toBe('unchanged');
  });

  it('mirrors for improvements', () => {
    expect(judge({ difference: -10, limit: 5, ci: ci(-18, -2), requireSignificance: true }).verdict).toBe('improved');
    expect(judge({ difference: -10, limit: 5, ci: ci(-22, 2), requireSignificance: true }).verdict).toBe('inconclusive');
  });

  it('decides by the threshold alone without a test (one seed) or when significance is not required', () => {
    expect(judge({ difference: 10, limit: 5, requireSignificance: true })).toEqual({ verdict: 'regressed', significant: null });
    expect(judge({ difference: 10, limit: 5, ci: ci(-2, 22), requireSignificance: false }).verdict).toBe('regressed');
    expect(judge({ difference: 10, limit: null, ci: ci(2, 18), requireSignificance: true }).verdict).toBe('info');
  });
});

describe('direction and thresholds', () => {
  it('higher is worse: more failures regress, fewer improve', () => {
    expect(verdictOf('failures.count', [100, 110, 90], [150, 160, 140]).verdict).toBe('regressed');
    expect(verdictOf('failures.count', [150, 160, 140], [100, 110, 90]).verdict).toBe('improved');
    expect(verdictOf('reserve.peakPages', [40, 40, 40], [48, 48, 48]).verdict).toBe('regressed');
    expect(verdictOf('latencyUs.p99', [10, 11, 12], [20, 21, 22]).verdict).toBe('regressed');
    expect(verdictOf('harm.belowMinMs', [100, 100, 100], [50, 50, 50]).verdict).toBe('improved');
  });

  it('0 → 1 failure is +1 failure, under the absolute floor, not "infinitely worse"', () => {
    const row = verdictOf('failures.count', [0], [1]);
    expect(row.relativeChange).toBeNull();
    expect(row.limit).toBe(5);
    expect(row.verdict).toBe('unchanged');
    expect(verdictOf('failures.count', [0, 0, 0], [1, 1, 1]).verdict).toBe('unchanged');
    // Beyond the absolute floor on every seed it is a regression.
    expect(verdictOf('failures.count', [0, 0, 0], [6, 7, 6]).verdict).toBe('regressed');
  });

  it('a change must exceed both the relative and the absolute part', () => {
    // 10 % of 1,000 = 100 > 5: the relative part decides.
    expect(verdictOf('failures.count', [1000, 1000, 1000], [1090, 1090, 1090]).verdict).toBe('unchanged');
    expect(verdictOf('failures.count', [1000, 1000, 1000], [1110, 1110, 1110]).verdict).toBe('regressed');
    // 10 % of 20 = 2 < 5: the absolute part decides.
    expect(verdictOf('failures.count', [20, 20, 20], [24, 24, 24]).verdict).toBe('unchanged');
    expect(verdictOf('failures.count', [20, 20, 20], [26, 26, 26]).verdict).toBe('regressed');
  });

  it('user thresholds apply, and off makes a metric informational', () => {
    expect(verdictOf('failures.count', [0, 0, 0], [1, 1, 1], parseThresholds(['failures.count=+0'])).verdict).toBe('regressed');
    const off = verdictOf('latencyUs.max', [10, 10, 10], [1000, 1000, 1000], parseThresholds(['latencyUs.max=off']));
    expect(off.verdict).toBe('info');
    expect(off.threshold).toBeNull();
    expect(verdictOf('pagesAllocated', [100, 100, 100], [900, 900, 900]).verdict).toBe('info');
  });

  it('context violations regress on any increase, even on one seed', () => {
    const row = verdictOf('violations.sleepInAtomic', [0, 0, 0], [1, 0, 0]);
    expect(row.significant).toBe(false);
    expect(row.verdict).toBe('regressed');
  });
});

describe('significance over seeds', () => {
  it('pairs per-seed differences: a consistent shift is significant even when seeds spread widely', () => {
    // The workload differs a lot from seed to seed (50..150) but every seed gets exactly 20 worse.
    const row = verdictOf('failures.count', [50, 150, 100], [70, 170, 120]);
    expect(row.test).toBe('paired-t');
    expect(row.differenceCi95).toEqual({ low: 20, high: 20 });
    expect(row.significant).toBe(true);
    expect(row.verdict).toBe('regressed');
  });

  it('Welch (when seeds are not shared) cannot see that shift through the seed-to-seed spread', () => {
    const before = result([1, 2, 3], [policyRow('p', 'failures.count', [50, 150, 100])]);
    const after = result([4, 5, 6], [policyRow('p', 'failures.count', [70, 170, 120])]);
    const row = compareResults(before, after).policies[0]!.metrics.find((entry) => entry.metric === 'failures.count')!;
    expect(row.test).toBe('welch-t');
    expect(row.significant).toBe(false);
    expect(row.verdict).toBe('inconclusive');
  });

  it('worse beyond the threshold but noisy across seeds is inconclusive', () => {
    // Mean +10.3 on 100 (beyond 10 % and 5), but one seed carries it all.
    const row = verdictOf('failures.count', [100, 100, 100], [135, 98, 98]);
    expect(row.difference).toBeCloseTo(31 / 3);
    expect(row.significant).toBe(false);
    expect(row.verdict).toBe('inconclusive');
  });

  it('better beyond the threshold but noisy is inconclusive too', () => {
    expect(verdictOf('failures.count', [100, 100, 100], [65, 102, 102]).verdict).toBe('inconclusive');
  });

  it('identical runs give exact zeros: unchanged, never flagged by chance', () => {
    const row = verdictOf('latencyUs.max', [3, 3000, 70], [3, 3000, 70]);
    expect(row.difference).toBe(0);
    expect(row.differenceCi95).toEqual({ low: 0, high: 0 });
    expect(row.verdict).toBe('unchanged');
  });

  it('with one seed there is no test and the threshold alone decides', () => {
    const row = verdictOf('failures.count', [100], [120]);
    expect(row.test).toBe('none');
    expect(row.significant).toBeNull();
    expect(row.verdict).toBe('regressed');
  });

  it('pairs on the common seeds only, in the baseline order', () => {
    const before = result([1, 2, 3], [policyRow('p', 'failures.count', [10, 20, 30])]);
    const after = result([3, 2, 4], [policyRow('p', 'failures.count', [30, 20, 999])]);
    const report = compareResults(before, after);
    const row = report.policies[0]!.metrics.find((entry) => entry.metric === 'failures.count')!;
    expect(report.seeds).toEqual([2, 3]);
    expect(row.seeds).toBe(2);
    expect(row.difference).toBe(0);
    expect(row.verdict).toBe('unchanged');
  });
});

describe('compareResults', () => {
  it('compares every policy and metric, counts verdicts and lists regressions', () => {
    const seeds = [1, 2, 3];
    const before = result(seeds, [policyRow('a', 'failures.count', [10, 12, 11]), policyRow('b', 'reserve.avgPages', [20, 21, 22])]);
    const after = result(seeds, [policyRow('a', 'failures.count', [40, 45, 41]), policyRow('b', 'reserve.avgPages', [20, 21, 22])]);
    const report = compareResults(before, after);
    expect(report.policies.map((entry) => entry.metrics.length)).toEqual([CHECKED_METRICS.length, CHECKED_METRICS.length]);
    expect(report.regressed).toBe(true);
    expect(report.incomplete).toBe(false);
    // Only the metric the fixture moves: failures.rate stays as it is in UPSTREAM_METRICS.
    expect(report.counts.regressed).toBe(1);
    expect(regressions(report).map(({ policy, row }) => `${policy}:${row.metric}`)).toEqual(['a:failures.count']);
    expect(report.counts.regressed + report.counts.improved + report.counts.inconclusive + report.counts.unchanged).toBe(2 * (CHECKED_METRICS.length - INFORMATIONAL_METRICS.size));
  });

  it('marks a policy whose run failed, or that exists on one side only, and the report incomplete', () => {
    const seeds = [1];
    const before = result(seeds, [policyRow('a', 'failures.count', [1]), policyRow('gone', 'failures.count', [1])]);
    const broken: PolicyResult = { policy: 'a', source: './a.ts', params: {}, error: 'policy returned page 7, which it does not own' };
    const after = result(seeds, [broken, policyRow('new', 'failures.count', [1])]);
    const report = compareResults(before, after);
    expect(report.policies.map((entry) => [entry.policy, entry.status])).toEqual([
      ['a', 'error'],
      ['gone', 'missing'],
      ['new', 'new'],
    ]);
    expect(report.policies[0]!.error).toMatch(/does not own/);
    expect(report.incomplete).toBe(true);
    expect(report.regressed).toBe(false);
  });

  it('reports means, intervals and the relative change of each side', () => {
    const row = compareMetric('reserve.avgPages', { baseline: [10, 12, 14], current: [20, 22, 24], paired: true }, { relative: 0.1, absolute: 1 } as Threshold);
    expect(row.baseline).toBe(12);
    expect(row.current).toBe(22);
    expect(row.relativeChange).toBeCloseTo(10 / 12);
    expect(row.limit).toBeCloseTo(1.2);
    expect(row.baselineCi95!.low).toBeLessThan(12);
    expect(row.currentCi95!.high).toBeGreaterThan(22);
  });
});
