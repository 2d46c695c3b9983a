// The metric columns the table and markdown reports show (the registry's metrics that have a
// column, grouped reserve · failures · latency · harm), plus the cell text and the best/worst
// ranking both reports share. CSV and JSON carry every metric instead.
import { COLUMN_GROUPS, METRICS, metricSpec, metricValue, type ColumnGroup, type MetricPath, type MetricSpec, type Metrics, type MetricUnit } from '../contract/metrics.js';
import type { CompareResult, Interval, MetricsInterval, PolicyResult } from '../contract/result-types.js';
import { formatMeanWithInterval, formatNumber } from './format.js';

export type ColumnUnit = MetricUnit | '%';
export type { ColumnGroup };

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
  inDefault: boolean;
}

/** Which columns a report shows: the default set, every column, or metrics named by path. */
export type ColumnSelection = 'default' | 'all' | readonly MetricPath[];

/** The group a metric without a column of its own is shown under, from its path. */
function groupOf(path: string): ColumnGroup {
  if (path.startsWith('stalls')) return 'stalls';
  if (path.startsWith('latency') || path.startsWith('slowPath') || path.startsWith('irqsOff')) return 'latency';
  if (path.startsWith('harm')) return 'harm';
  if (path.startsWith('reserve') || path.startsWith('inflight') || path.startsWith('footprint') || path === 'pagesAllocated') return 'reserve';
  return 'failures';
}

function columnOf(metric: MetricSpec): MetricColumn {
  const column = metric.column;
  return {
    path: metric.path as MetricPath,
    group: column?.group ?? groupOf(metric.path),
    label: column?.label ?? metric.path,
    shortLabel: column?.shortLabel ?? column?.label ?? metric.path.split('.').at(-1)!,
    unit: column?.shownUnit ?? metric.unit,
    scale: column?.shownUnit === '%' ? 100 : column?.shownUnit === 'ms' && metric.unit === 'µs' ? 1e-3 : 1,
    lowerIsBetter: metric.better !== 'higher',
    onlyWhenNonZero: column?.onlyWhenNonZero ?? false,
    inDefault: column?.inDefault ?? false,
  };
}

/** The column of any metric: its own, or one built from the registry entry (label = its path). */
export function columnFor(path: MetricPath): MetricColumn {
  return columnOf(metricSpec(path));
}

/** The registry's metrics that have a column, in registry order. */
export const METRIC_COLUMNS: readonly MetricColumn[] = (METRICS as readonly MetricSpec[])
  .filter((metric) => metric.column)
  .map(columnOf)
  .sort((a, b) => COLUMN_GROUPS.indexOf(a.group) - COLUMN_GROUPS.indexOf(b.group));

/**
 * The columns to show for this result: the selection, with optional ones only when some policy
 * has a value. Named metrics come in the order given, grouped where neighbours share a group.
 */
export function visibleColumns(result: CompareResult, selection: ColumnSelection = 'default'): MetricColumn[] {
  const chosen =
    selection === 'all'
      ? METRIC_COLUMNS
      : selection === 'default'
        ? METRIC_COLUMNS.filter((col) => col.inDefault)
        : selection.map((path) => columnOf(metricSpec(path)));
  const shown = (col: MetricColumn) => result.results.some((row) => hasMetrics(row) && metricValue(row.metrics, col.path) !== 0);
  return chosen.filter((col) => !col.onlyWhenNonZero || typeof selection !== 'string' || shown(col));
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
