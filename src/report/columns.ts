// The metric columns the table and markdown reports show, in order and grouped as DESIGN.md
// "Output (contract)" says (reserve · failures · latency · harm), with the callers that were
// blocked (stalls) apart from the calls that took a fallback (failures), plus the cell text and the
// best/worst ranking both reports share. CSV and JSON carry every metric instead.
import { metricValue, type MetricPath, type Metrics } from '../model/metrics-types.js';
import type { CompareResult, Interval, MetricsInterval, PolicyResult } from '../runner/result-types.js';
import { formatMeanWithInterval, formatNumber } from './format.js';

export type ColumnGroup = 'reserve' | 'failures' | 'stalls' | 'latency' | 'harm';
export type ColumnUnit = 'pages' | 'KiB' | '%' | 'count' | 'µs' | 'ms';

export interface MetricColumn {
  path: MetricPath;
  group: ColumnGroup;
  /** Header text that stands on its own (markdown has no group row). */
  label: string;
  /** Header text under its group in the table, where the group name gives the context; may break lines to keep columns narrow. */
  shortLabel: string;
  unit: ColumnUnit;
  /** Multiplier from the metric to the shown number (rate → %). */
  scale: number;
  /** Only `calls` is better when higher, and it is not a column; kept explicit for new columns. */
  lowerIsBetter: boolean;
  /** Shown only when some policy has a non-zero value (e.g. LMK kills need an lmkd scenario). */
  onlyWhenNonZero?: boolean;
}

function column(path: MetricPath, group: ColumnGroup, label: string, unit: ColumnUnit, extra: Partial<MetricColumn> = {}): MetricColumn {
  return { path, group, label, shortLabel: label, unit, scale: 1, lowerIsBetter: true, ...extra };
}

export const METRIC_COLUMNS: readonly MetricColumn[] = [
  column('reserve.avgPages', 'reserve', 'reserve avg', 'pages', { shortLabel: 'avg' }),
  column('reserve.peakPages', 'reserve', 'reserve peak', 'pages', { shortLabel: 'peak' }),
  column('inflight.peakPages', 'reserve', 'inflight peak', 'pages', { shortLabel: 'inflight\npeak' }),
  column('footprint.avgKiB', 'reserve', 'footprint avg', 'KiB', { shortLabel: 'footprint\navg' }),
  column('failures.count', 'failures', 'failures', 'count', { shortLabel: 'total' }),
  column('failures.rate', 'failures', 'failure rate', '%', { shortLabel: 'rate', scale: 100 }),
  column('failures.rcuHead', 'failures', 'rcu_head fallbacks', 'count', { shortLabel: 'rcu_head' }),
  column('failures.syncInline', 'failures', 'sync inline', 'count', { shortLabel: 'sync\ninline' }),
  column('violations.count', 'failures', 'violations', 'count'),
  column('stalls.count', 'stalls', 'stalled callers', 'count', { shortLabel: 'callers' }),
  column('stalls.p99Ms', 'stalls', 'stall p99', 'ms', { shortLabel: 'p99' }),
  column('stalls.totalMs', 'stalls', 'stalled total', 'ms', { shortLabel: 'total' }),
  column('latencyUs.p50', 'latency', 'latency p50', 'µs', { shortLabel: 'p50' }),
  column('latencyUs.p99', 'latency', 'latency p99', 'µs', { shortLabel: 'p99' }),
  column('latencyUs.max', 'latency', 'latency max', 'µs', { shortLabel: 'max' }),
  column('slowPathUs.p99', 'latency', 'slow path p99', 'µs', { shortLabel: 'slow path\np99' }),
  column('harm.otherAllocFailures', 'harm', 'other alloc failures', 'count', { shortLabel: 'other alloc\nfailures' }),
  column('harm.oomKills', 'harm', 'OOM kills', 'count', { shortLabel: 'OOM\nkills' }),
  column('harm.lmkKills', 'harm', 'LMK kills', 'count', { shortLabel: 'LMK\nkills', onlyWhenNonZero: true }),
  column('harm.pcpRefills', 'harm', 'PCP refills', 'count', { shortLabel: 'PCP\nrefills' }),
  column('harm.belowMinMs', 'harm', 'below MIN', 'ms', { shortLabel: 'below\nMIN' }),
  column('harm.kswapdWakeups', 'harm', 'kswapd wakeups', 'count', { shortLabel: 'kswapd\nwakeups' }),
];

/** The columns to show for this result: optional ones only when some policy has a value. */
export function visibleColumns(result: CompareResult): MetricColumn[] {
  return METRIC_COLUMNS.filter(
    (col) => !col.onlyWhenNonZero || result.results.some((row) => hasMetrics(row) && metricValue(row.metrics, col.path) !== 0),
  );
}

/** Consecutive runs of columns in one group, for the group header row. */
export function groupSpans(columns: readonly MetricColumn[]): { group: ColumnGroup; span: number }[] {
  const spans: { group: ColumnGroup; span: number }[] = [];
  for (const col of columns) {
    const last = spans.at(-1);
    if (last?.group === col.group) last.span += 1;
    else spans.push({ group: col.group, span: 1 });
  }
  return spans;
}

/** The interval of one metric path, mirroring metricValue() for MetricsInterval. */
export function metricInterval(ci95: MetricsInterval, path: MetricPath): Interval | undefined {
  let value: unknown = ci95;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value as Interval | undefined;
}

/** With several seeds the table shows "mean ± half-width" of the 95 % interval. */
export function isMultiSeed(result: CompareResult): boolean {
  return result.seeds.length > 1;
}

/** The text of one metric cell (the row must have metrics). */
export function cellText(row: PolicyResult & { metrics: Metrics }, col: MetricColumn, multiSeed: boolean): string {
  const mean = metricValue(row.metrics, col.path);
  const interval = multiSeed && row.ci95 !== undefined ? metricInterval(row.ci95, col.path) : undefined;
  return formatMeanWithInterval(mean, interval, col.scale);
}

export type Rank = 'best' | 'worst' | undefined;

/**
 * Best and worst cells of one column, by the value as shown (two cells that print the same
 * must not be told apart by a colour). Rows without metrics are skipped; ties all get the mark;
 * nothing is marked when every shown value is equal.
 */
export function rankColumn(rows: readonly PolicyResult[], col: MetricColumn): Rank[] {
  const shown = rows.map((row) => {
    if (!hasMetrics(row)) return undefined;
    const value = metricValue(row.metrics, col.path) * col.scale;
    return Number.isFinite(value) ? { value, text: formatNumber(value) } : undefined;
  });
  const present = shown.filter((cell): cell is { value: number; text: string } => cell !== undefined);
  if (present.length === 0) return rows.map(() => undefined);
  const low = present.reduce((a, b) => (b.value < a.value ? b : a)).text;
  const high = present.reduce((a, b) => (b.value > a.value ? b : a)).text;
  if (low === high) return rows.map(() => undefined);
  const [bestText, worstText] = col.lowerIsBetter ? [low, high] : [high, low];
  return shown.map((cell) => (cell === undefined ? undefined : cell.text === bestText ? 'best' : cell.text === worstText ? 'worst' : undefined));
}

/** A row that ran, narrowed so callers can read its metrics. */
export function hasMetrics(row: PolicyResult): row is PolicyResult & { metrics: Metrics } {
  return row.error === undefined && row.metrics !== undefined;
}
