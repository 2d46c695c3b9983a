// `rcupool check`'s judgement: is today's run of a policy worse than its baseline? Pure: two
// CompareResults and a set of thresholds in, one verdict per policy × metric out.
//
// A metric REGRESSES when both hold:
//   1. it moved in the worse direction by more than its threshold. A threshold has a relative
//      part and an absolute part and the change must exceed BOTH (i.e. their maximum), so a
//      tiny base cannot make a tiny change look huge: 0 → 1 failure is +1 failure, under the
//      absolute floor of 5, not "infinitely worse".
//   2. with two or more seeds, the change is significant at 95 %: the two-sided 95 %
//      confidence interval of the mean per-seed difference (paired Student t) excludes 0.
// Worse beyond the threshold but not significant is INCONCLUSIVE (not a failure); better
// beyond the threshold and significant is IMPROVED (better beyond it but not significant is
// inconclusive too); anything else is UNCHANGED.
//
// Why a paired test. Seeds are common random numbers: at one seed the baseline run and today's
// run see the very same arrivals, grace periods and other users, so most of the seed-to-seed
// spread (how lucky the workload was) is shared by both runs and cancels in the per-seed
// difference. A paired t-test on those differences keeps that cancellation; Welch's test would
// treat the two sets as independent, count the workload spread twice and miss real changes.
// It is also exact in the case CI meets most: unchanged code gives identical numbers per seed,
// every difference is 0, and nothing can be flagged by chance. Welch's test is used only as a
// fallback when the two results share fewer than two seeds (not the case for `rcupool check`,
// which reruns the baseline's seeds). With one seed there is no test: the threshold decides.
//
// Context violations (violations.*) are correctness bugs, not noisy quantities: the model
// refused a call that real kernel code must never make. Any increase regresses, significant
// or not (a violation on one seed is a violation).
//
// A metric the baseline lacks (recorded before rcupool had it) is NEW: shown with today's value,
// never judged, so adding a metric never fails an older baseline; `check --update` records it.
import { METRICS, metricValue, type MetricPath, type MetricSpec, type Metrics, type Threshold } from '../contract/metrics.js';
import type { JudgedMetric, MetricComparison, PolicyComparison, RegressionReport, TestKind, ThresholdSet, Verdict, VerdictCounts } from '../contract/check-result.js';
import type { CompareResult, Interval, PolicyResult } from '../contract/result-types.js';
import { confidenceInterval, mean, sampleVariance, tQuantile975 } from './statistics.js';

const JUDGED_SPECS = METRICS.filter((metric: MetricSpec) => metric.threshold !== 'none');
export const CHECKED_METRICS: readonly JudgedMetric[] = JUDGED_SPECS.map((metric) => metric.path as JudgedMetric);

/** Metrics shown for information only unless the user gives them a threshold. */
export const INFORMATIONAL_METRICS: ReadonlySet<JudgedMetric> = new Set(JUDGED_SPECS.filter((metric) => metric.threshold === 'off').map((metric) => metric.path as JudgedMetric));

/** Metrics where any increase beyond the threshold regresses without a significance test. */
export const NO_SIGNIFICANCE_NEEDED: ReadonlySet<JudgedMetric> = new Set(
  JUDGED_SPECS.filter((metric: MetricSpec) => metric.noSignificanceNeeded).map((metric) => metric.path as JudgedMetric),
);

/** The defaults, from the metric registry (src/contract/metrics.ts says why each is what it is). */
export const DEFAULT_THRESHOLDS: Readonly<ThresholdSet> = Object.freeze(
  Object.fromEntries(JUDGED_SPECS.map((metric) => [metric.path, metric.threshold as Threshold | 'off'])) as ThresholdSet,
);

// ---- --threshold parsing ----

/** A `--threshold` value that cannot be used; the message names the entry and what is expected. */
export class ThresholdError extends Error {
  override name = 'ThresholdError';
}

const THRESHOLD_SYNTAX = 'expected <metric>=<limit> with a limit like +10% (relative), +5 (absolute), +10%+5 (both) or off';

/** The metrics a key names: one metric, a group ("failures", "latencyUs") or "*" for all. */
function metricsForKey(key: string): JudgedMetric[] | undefined {
  // "*" leaves informational metrics alone: they get judged only when named.
  if (key === '*') return CHECKED_METRICS.filter((path) => !INFORMATIONAL_METRICS.has(path));
  if ((CHECKED_METRICS as readonly string[]).includes(key)) return [key as JudgedMetric];
  const group = CHECKED_METRICS.filter((path) => path.startsWith(`${key}.`));
  return group.length > 0 ? group : undefined;
}

function closestKey(key: string): string {
  const groups = [...new Set(CHECKED_METRICS.filter((path) => path.includes('.')).map((path) => path.split('.')[0]))];
  const candidates = [...CHECKED_METRICS, ...groups];
  const lower = key.toLowerCase();
  const hit = candidates.find((name) => name.toLowerCase() === lower) ?? candidates.find((name) => name.toLowerCase().endsWith(`.${lower}`));
  return hit === undefined ? '' : `; did you mean "${hit}"?`;
}

interface ParsedLimit {
  relative?: number;
  absolute?: number;
  off?: boolean;
}

function parseLimit(entry: string, text: string): ParsedLimit {
  const trimmed = text.trim();
  if (/^off$/i.test(trimmed)) return { off: true };
  if (trimmed.startsWith('-')) {
    throw new ThresholdError(`--threshold ${entry}: a limit is how much WORSE a metric may get, so it is never negative (check knows which direction is worse); write +${trimmed.slice(1)}`);
  }
  const term = /\+?\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*/gy;
  const limit: ParsedLimit = {};
  let consumed = 0;
  for (let match = term.exec(trimmed); match !== null && match[0] !== ''; match = term.exec(trimmed)) {
    const value = Number(match[1]);
    const part = match[2] === '%' ? 'relative' : 'absolute';
    if (limit[part] !== undefined) throw new ThresholdError(`--threshold ${entry}: the ${part} limit is given twice; ${THRESHOLD_SYNTAX}`);
    limit[part] = part === 'relative' ? value / 100 : value;
    consumed = term.lastIndex;
    if (consumed >= trimmed.length) break;
  }
  if (trimmed === '' || consumed !== trimmed.length) throw new ThresholdError(`--threshold ${entry}: ${THRESHOLD_SYNTAX}`);
  return limit;
}

/**
 * `--threshold` values (repeatable, comma-separated) on top of the defaults. A limit replaces
 * only the part it gives: `failures.count=+20%` keeps the absolute floor of 5. A key is a
 * metric, a group (`latencyUs`) or `*`; the most specific key wins, then the later entry.
 * Giving an informational metric (pagesAllocated) a limit makes it judged.
 */
export function parseThresholds(values: readonly string[], defaults: Readonly<ThresholdSet> = DEFAULT_THRESHOLDS): ThresholdSet {
  const result = { ...defaults } as ThresholdSet;
  const entries = values.flatMap((value) => value.split(',')).map((entry) => entry.trim()).filter(Boolean);
  const parsed = entries.map((entry, order) => {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw new ThresholdError(`--threshold ${entry}: ${THRESHOLD_SYNTAX}`);
    const key = entry.slice(0, equals).trim();
    if (key === 'calls') throw new ThresholdError(`--threshold ${entry}: calls is not compared (it measures the workload, not the policy)`);
    const metrics = metricsForKey(key);
    if (metrics === undefined) {
      throw new ThresholdError(`--threshold ${entry}: unknown metric "${key}"${closestKey(key)} (metrics are the JSON names, e.g. failures.count, reserve.peakPages, latencyUs.p99; a group such as harm; or *)`);
    }
    const specificity = key === '*' ? 0 : metrics.length === 1 && key === metrics[0] ? 2 : 1;
    return { metrics, limit: parseLimit(entry, entry.slice(equals + 1)), specificity, order };
  });
  parsed.sort((a, b) => a.specificity - b.specificity || a.order - b.order);
  for (const { metrics, limit } of parsed) {
    for (const metric of metrics) {
      if (limit.off) {
        result[metric] = 'off';
        continue;
      }
      const current = result[metric];
      const base = current === 'off' ? (defaults[metric] === 'off' ? { relative: 0, absolute: 0 } : (defaults[metric] as Threshold)) : current;
      result[metric] = { relative: limit.relative ?? base.relative, absolute: limit.absolute ?? base.absolute };
    }
  }
  return result;
}

// ---- comparing ----

/** Per-seed values of one policy, keyed by seed. */
function perSeedValues(result: PolicyResult, seeds: readonly number[]): Map<number, Metrics> {
  const bySeed = new Map<number, Metrics>();
  if (result.perSeed !== undefined && result.perSeed.length === seeds.length) {
    seeds.forEach((seed, index) => bySeed.set(seed, result.perSeed![index]!));
  } else if (result.metrics !== undefined && seeds.length === 1) {
    bySeed.set(seeds[0]!, result.metrics);
  }
  return bySeed;
}

interface Samples {
  baseline: number[];
  current: number[];
  paired: boolean;
}

function interval(values: number[]): Interval | undefined {
  return values.length >= 2 ? confidenceInterval(values) : undefined;
}

/** The difference's interval and significance, or none without enough seeds. */
function testDifference(samples: Samples): { test: TestKind; ci?: Interval } {
  const { baseline, current } = samples;
  if (samples.paired && baseline.length >= 2) {
    const differences = current.map((value, index) => value - baseline[index]!);
    return { test: 'paired-t', ci: confidenceInterval(differences) };
  }
  if (!samples.paired && baseline.length >= 2 && current.length >= 2) {
    const va = sampleVariance(baseline) / baseline.length;
    const vb = sampleVariance(current) / current.length;
    const se = Math.sqrt(va + vb);
    const difference = mean(current) - mean(baseline);
    // Welch–Satterthwaite degrees of freedom, rounded down (conservative).
    const df = se === 0 ? baseline.length + current.length - 2 : (va + vb) ** 2 / (va ** 2 / (baseline.length - 1) + vb ** 2 / (current.length - 1));
    const half = tQuantile975(Math.max(1, Math.floor(df))) * se;
    return { test: 'welch-t', ci: { low: difference - half, high: difference + half } };
  }
  return { test: 'none' };
}

/** The verdict of one metric, given its numbers. Exported for tests. */
export function judge(options: {
  difference: number;
  limit: number | null;
  ci?: Interval;
  requireSignificance: boolean;
}): { verdict: Verdict; significant: boolean | null } {
  const { difference, limit, ci } = options;
  const worseSignificant = ci === undefined ? null : ci.low > 0;
  const betterSignificant = ci === undefined ? null : ci.high < 0;
  const significant = ci === undefined ? null : Boolean(worseSignificant || betterSignificant);
  if (limit === null) return { verdict: 'info', significant };
  if (difference > limit) {
    if (!options.requireSignificance || worseSignificant !== false) return { verdict: 'regressed', significant };
    return { verdict: 'inconclusive', significant };
  }
  if (difference < -limit) {
    if (!options.requireSignificance || betterSignificant !== false) return { verdict: 'improved', significant };
    return { verdict: 'inconclusive', significant };
  }
  return { verdict: 'unchanged', significant };
}

export function compareMetric(metric: JudgedMetric, samples: Samples, threshold: Threshold | 'off'): MetricComparison {
  const baseline = mean(samples.baseline);
  const current = mean(samples.current);
  const difference = current - baseline;
  const active = threshold === 'off' ? null : threshold;
  const limit = active === null ? null : Math.max(active.absolute, active.relative * Math.abs(baseline));
  const { test, ci } = testDifference(samples);
  const { verdict, significant } = judge({ difference, limit, ci, requireSignificance: !NO_SIGNIFICANCE_NEEDED.has(metric) });
  const comparison: MetricComparison = {
    metric,
    baseline,
    current,
    difference,
    relativeChange: baseline === 0 ? null : difference / Math.abs(baseline),
    threshold: active,
    limit,
    seeds: samples.baseline.length,
    test,
    significant,
    verdict,
  };
  if (ci !== undefined) comparison.differenceCi95 = ci;
  const baselineCi = interval(samples.baseline);
  const currentCi = interval(samples.current);
  if (baselineCi !== undefined) comparison.baselineCi95 = baselineCi;
  if (currentCi !== undefined) comparison.currentCi95 = currentCi;
  return comparison;
}

/** Whether every recorded value of `metric` is there (a baseline older than the metric has none). */
function recorded(result: PolicyResult, metric: JudgedMetric): boolean {
  return [result.metrics!, ...(result.perSeed ?? [])].every((metrics) => typeof metricValue(metrics, metric) === 'number');
}

/** The row of a metric the baseline lacks: today's value, no verdict. */
function newMetric(metric: JudgedMetric, current: number[], threshold: Threshold | 'off'): MetricComparison {
  const row: MetricComparison = {
    metric,
    baseline: null,
    current: mean(current),
    difference: null,
    relativeChange: null,
    threshold: threshold === 'off' ? null : threshold,
    limit: null,
    seeds: current.length,
    test: 'none',
    significant: null,
    verdict: 'new',
  };
  const currentCi = interval(current);
  if (currentCi !== undefined) row.currentCi95 = currentCi;
  return row;
}

function comparePolicy(before: PolicyResult, after: PolicyResult, baselineSeeds: readonly number[], currentSeeds: readonly number[], thresholds: ThresholdSet): PolicyComparison {
  const policy = before.policy;
  if (before.error !== undefined || before.metrics === undefined) {
    return { policy, status: 'error', error: `the baseline run failed: ${before.error ?? 'no metrics'}`, metrics: [] };
  }
  if (after.error !== undefined || after.metrics === undefined) return { policy, status: 'error', error: after.error ?? 'no metrics', metrics: [] };
  const beforeBySeed = perSeedValues(before, baselineSeeds);
  const afterBySeed = perSeedValues(after, currentSeeds);
  const common = baselineSeeds.filter((seed) => beforeBySeed.has(seed) && afterBySeed.has(seed));
  const paired = common.length >= 2 || (common.length === 1 && (beforeBySeed.size < 2 || afterBySeed.size < 2));
  const metrics = CHECKED_METRICS.map((metric) => {
    const value = (metrics: Metrics) => metricValue(metrics, metric);
    const samples: Samples = paired
      ? { baseline: common.map((seed) => value(beforeBySeed.get(seed)!)), current: common.map((seed) => value(afterBySeed.get(seed)!)), paired: true }
      : {
          baseline: beforeBySeed.size > 0 ? [...beforeBySeed.values()].map(value) : [value(before.metrics!)],
          current: afterBySeed.size > 0 ? [...afterBySeed.values()].map(value) : [value(after.metrics!)],
          paired: false,
        };
    if (!recorded(before, metric)) return newMetric(metric, samples.current, thresholds[metric]);
    return compareMetric(metric, samples, thresholds[metric]);
  });
  const broken = metrics.map(nonFiniteReason).find((reason) => reason !== undefined);
  // Fail closed: a verdict computed from an overflowed or NaN number would read "unchanged".
  if (broken !== undefined) return { policy, status: 'error', error: broken, metrics: [] };
  return { policy, status: 'compared', metrics };
}

/** Why a comparison cannot be judged (a value, its mean or its interval is not finite), naming the metric. */
function nonFiniteReason(row: MetricComparison): string | undefined {
  if (row.baseline === null || row.difference === null) return Number.isFinite(row.current) ? undefined : `${row.metric}: today's run gives no finite value (${String(row.current)})`;
  const intervals = [row.differenceCi95, row.baselineCi95, row.currentCi95].filter((interval): interval is Interval => interval !== undefined);
  if (!Number.isFinite(row.baseline)) return `${row.metric}: the baseline values give no finite mean (${String(row.baseline)}); record the baseline again`;
  if (!Number.isFinite(row.current)) return `${row.metric}: today's run gives no finite value (${String(row.current)})`;
  if (!Number.isFinite(row.difference) || (row.limit !== null && !Number.isFinite(row.limit))) return `${row.metric}: the change is not a finite number`;
  if (intervals.some((interval) => !Number.isFinite(interval.low) || !Number.isFinite(interval.high))) return `${row.metric}: its 95 % interval is not finite (values too large to compare)`;
  return undefined;
}

/** Judges `current` against `baseline`, policy by policy (matched by name, in the baseline's order). */
export function compareResults(baseline: CompareResult, current: CompareResult, thresholds: ThresholdSet = { ...DEFAULT_THRESHOLDS }): RegressionReport {
  const policies: PolicyComparison[] = [];
  for (const before of baseline.results) {
    const after = current.results.find((entry) => entry.policy === before.policy);
    if (after === undefined) policies.push({ policy: before.policy, status: 'missing', error: 'not in the current run', metrics: [] });
    else policies.push(comparePolicy(before, after, baseline.seeds, current.seeds, thresholds));
  }
  for (const after of current.results) {
    if (!baseline.results.some((entry) => entry.policy === after.policy)) {
      policies.push({ policy: after.policy, status: 'new', error: 'not in the baseline', metrics: [] });
    }
  }
  const counts: VerdictCounts = { regressed: 0, improved: 0, inconclusive: 0, unchanged: 0 };
  for (const entry of policies) for (const row of entry.metrics) if (row.verdict !== 'info' && row.verdict !== 'new') counts[row.verdict]++;
  const seeds = baseline.seeds.filter((seed) => current.seeds.includes(seed));
  return {
    seeds,
    thresholds,
    policies,
    counts,
    regressed: counts.regressed > 0,
    incomplete: policies.some((entry) => entry.status !== 'compared'),
  };
}

/** The regressed rows, for messages ("mine: failures.count"). */
export function regressions(report: RegressionReport): Array<{ policy: string; row: MetricComparison }> {
  return report.policies.flatMap((entry) => entry.metrics.filter((row) => row.verdict === 'regressed').map((row) => ({ policy: entry.policy, row })));
}
