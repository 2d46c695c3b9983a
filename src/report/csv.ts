// RFC 4180 CSV for spreadsheets and scripts: every metric, full precision, one row per policy
// per seed. Columns: policy, seed, every METRIC_PATHS entry (dotted), error.
import { METRIC_PATHS, metricValue, type Metrics } from '../contract/metrics.js';
import type { CompareResult, PolicyResult } from '../contract/result-types.js';

/** RFC 4180 §2: records end in CRLF. */
const RECORD_END = '\r\n';

/** Quotes a field when it holds a comma, quote, CR or LF; inner quotes are doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Full precision for machines, the same digits as --json (the shortest text that reads back as
 * the same double, up to 17 significant digits), so a script joining CSV and JSON sees equal
 * numbers. A non-finite number becomes an empty field rather than "NaN".
 */
export function numberField(value: number): string {
  return Number.isFinite(value) ? String(value) : '';
}

export function record(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + RECORD_END;
}

function metricsRecord(policy: string, seed: string, metrics: Metrics): string {
  return record([policy, seed, ...METRIC_PATHS.map((path) => numberField(metricValue(metrics, path))), '']);
}

/**
 * One seed: one row per policy with that seed. Several seeds: a `mean` row, then one row per
 * seed. A failed policy: one row with an empty seed, empty metrics and the message in `error`.
 */
function policyRecords(row: PolicyResult, seeds: readonly number[]): string[] {
  if (row.error !== undefined || row.metrics === undefined) {
    return [record([row.policy, '', ...METRIC_PATHS.map(() => ''), row.error ?? 'no metrics'])];
  }
  if (seeds.length <= 1) return [metricsRecord(row.policy, String(seeds[0] ?? ''), row.metrics)];
  const perSeed = (row.perSeed ?? []).map((metrics, index) => metricsRecord(row.policy, String(seeds[index] ?? ''), metrics));
  return [metricsRecord(row.policy, 'mean', row.metrics), ...perSeed];
}

export function renderCsv(result: CompareResult): string {
  const header = record(['policy', 'seed', ...METRIC_PATHS, 'error']);
  return header + result.results.flatMap((row) => policyRecords(row, result.seeds)).join('');
}
