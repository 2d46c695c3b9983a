// The metric columns the table and markdown reports show (the registry's metrics that have a
// column, grouped reserve · failures · latency · harm), plus the cell text and the best/worst
// ranking both reports share. CSV and JSON carry every metric instead.
import { METRICS, metricValue, type ColumnGroup, type MetricPath, type MetricSpec, type Metrics, type MetricUnit } from '../contract/metrics.js';
import type { CompareResult, Interval, MetricsInterval, PolicyResult } from '../runner/result-types.js';
import { formatMeanWithInterval, formatNumber } from './format.js';

export type ColumnUnit = MetricUnit | '%';

export interface MetricColumn {
  path: MetricPath;
  group: ColumnGroup;
  /** Header text that stands on its own (markdown has no group row). */
  label: string;
  /** Header text under its group in the table, where the group name gives the context. */
  shortLabel: string;
  unit: ColumnUnit;
  /** Multiplier from the metric to the shown number (rate → %). */
  scale: number;
  lowerIsBetter: boolean;
  onlyWhenNonZero: boolean;
}

/** The registry's metrics that have a column, in registry order. */
export const METRIC_COLUMNS: readonly MetricColumn[] = METRICS.flatMap((metric: MetricSpec) => {
  const column = metric.column;
  if (!column) return [];
  return [
    {
      path: metric.path as MetricPath,
      group: column.group,
      label: column.label,
      shortLabel: column.shortLabel ?? column.label,
      unit: column.shownUnit ?? metric.unit,
      scale: column.shownUnit === '%' ? 100 : 1,
      lowerIsBetter: metric.better !== 'higher',
      onlyWhenNonZero: column.onlyWhenNonZero ?? false,
    },
  ];
});

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
