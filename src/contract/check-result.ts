// What `rcupool check` found, as the reports see it: one row per policy × metric with the
// numbers and a verdict. src/runner/regression.ts computes it; src/report/check-*.ts show it.
import type { MetricPath, Threshold } from './metrics.js';
import type { Interval } from './result-types.js';

export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'info';

/** A row's verdict: a judged one, or 'new' for a metric the baseline does not have. */
export type RowVerdict = Verdict | 'new';

/** Every metric `check` reports. `calls` measures the workload, not the policy, and is left out. */
export type JudgedMetric = Exclude<MetricPath, 'calls'>;

/** Per metric: a threshold, or 'off' (shown but never judged). */
export type ThresholdSet = Record<JudgedMetric, Threshold | 'off'>;

export type TestKind = 'paired-t' | 'welch-t' | 'none';

export interface MetricComparison {
  metric: JudgedMetric;
  /** Mean over the seeds compared (the common seeds when both results have per-seed values); null when the baseline lacks the metric. */
  baseline: number | null;
  current: number;
  /** current − baseline; null when the baseline lacks the metric. */
  difference: number | null;
  /** difference / |baseline|; null when the baseline is 0. */
  relativeChange: number | null;
  /** null for a metric that is off or informational. */
  threshold: Threshold | null;
  /** How far the metric may move: max(absolute, relative × |baseline|). */
  limit: number | null;
  /** Seeds compared on each side (paired: the common seeds). */
  seeds: number;
  test: TestKind;
  /** 95 % interval of the difference (with a test). */
  differenceCi95?: Interval;
  /** 95 % intervals of each side's mean (two seeds or more). */
  baselineCi95?: Interval;
  currentCi95?: Interval;
  /** Whether the difference is significant at 95 %; null without a test. */
  significant: boolean | null;
  verdict: RowVerdict;
}

export interface PolicyComparison {
  policy: string;
  /** 'error': a run failed (today or in the baseline); 'missing': in the baseline only; 'new': today only. */
  status: 'compared' | 'error' | 'missing' | 'new';
  error?: string;
  metrics: MetricComparison[];
}

export interface VerdictCounts {
  regressed: number;
  improved: number;
  inconclusive: number;
  unchanged: number;
}

export interface RegressionReport {
  /** Paired on the common seeds, in the baseline's seed order. */
  seeds: number[];
  thresholds: ThresholdSet;
  policies: PolicyComparison[];
  counts: VerdictCounts;
  /** Any metric regressed. */
  regressed: boolean;
  /** Some policy could not be compared (a failed run, or a policy on one side only). */
  incomplete: boolean;
}
