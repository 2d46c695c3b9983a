// Means and 95 % confidence intervals over seeds (Student t), per metric.
import { METRIC_PATHS, metricValue, type Metrics } from '../contract/metrics.js';
import type { Interval, MetricsInterval } from '../contract/result-types.js';

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074,
  2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile975(degreesOfFreedom: number): number {
  if (degreesOfFreedom < 1) return Infinity;
  if (degreesOfFreedom <= 30) return T_975[degreesOfFreedom - 1];
  // Cornish–Fisher expansion around the normal quantile: within 1e-4 of the table beyond 30.
  const z = 1.959963984540054;
  const v = degreesOfFreedom;
  return z + (z ** 3 + z) / (4 * v) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * v ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * v ** 3);
}

export function mean(values: number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length > 0 ? sum / values.length : 0;
}

export function sampleVariance(values: number[]): number {
  if (values.length < 2) return 0;
  // Identical values have no spread; summing them can still leave a rounding residue in the mean
  // (3 × 0.05 / 3 = 0.05000000000000001) that would print as "± 0.000000000000000021".
  if (values.every((value) => value === values[0])) return 0;
  const average = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - average) ** 2;
  return sum / (values.length - 1);
}

export function confidenceInterval(values: number[]): Interval {
  const average = mean(values);
  if (values.length < 2) return { low: average, high: average };
  const halfWidth = tQuantile975(values.length - 1) * Math.sqrt(sampleVariance(values) / values.length);
  return { low: average - halfWidth, high: average + halfWidth };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/** Per-metric mean over seeds, in the same shape as Metrics. */
export function meanMetrics(perSeed: Metrics[]): Metrics {
  const result: Record<string, unknown> = {};
  for (const path of METRIC_PATHS) setPath(result, path, mean(perSeed.map((metrics) => metricValue(metrics, path))));
  return result as unknown as Metrics;
}

export function intervalMetrics(perSeed: Metrics[]): MetricsInterval {
  const result: Record<string, unknown> = {};
  for (const path of METRIC_PATHS) setPath(result, path, confidenceInterval(perSeed.map((metrics) => metricValue(metrics, path))));
  return result as unknown as MetricsInterval;
}
