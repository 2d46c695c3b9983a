// What every sweep report shares: the metric columns (compare's column definitions, or a
// generic one for any other metric asked for with --metrics), the leading varied-value cells,
// the run note and the one-line summary. Built from the result objects only.
import { isMetricPath, metricValue, type MetricPath, type Metrics } from '../contract/metrics.js';
import { RESULT_SCHEMA_VERSION, type CompareResult } from '../contract/result-types.js';
import { pointLabel, type SweepPointResult, type SweepResult } from '../contract/sweep-types.js';

export { pointLabel };
import { columnFor, hasMetrics, METRIC_COLUMNS, type MetricColumn } from './columns.js';
import { formatNumber } from './format.js';
import { runNote, seedNote } from './summary.js';

/** Shown in a varied-value cell when that axis does not apply to the point (another policy's param). */
export const NOT_VARIED = '—';

/** The column compare shows for this metric, or one built from its registry entry. */
export const metricColumn = columnFor;

/** A point that ran (hasMetrics() keeping the sweep point's type). */
export function ranPoint(point: SweepPointResult): point is SweepPointResult & { metrics: Metrics } {
  return hasMetrics(point);
}

export { isMetricPath };

/** The columns to show: those asked for, or compare's visible set. */
export function sweepColumns(result: SweepResult, requested?: readonly MetricPath[]): MetricColumn[] {
  if (requested && requested.length > 0) return requested.map(metricColumn);
  return METRIC_COLUMNS.filter((col) => col.inDefault).filter((col) => !col.onlyWhenNonZero || result.points.some((point) => hasMetrics(point) && metricValue(point.metrics, col.path) !== 0));
}

export function axisHeader(result: SweepResult, at: number): string {
  const axis = result.vary[at]!;
  return axis.unit ? `${axis.name} (${axis.unit})` : axis.name;
}

/** The varied values of one point, one cell per axis. */
export function axisCells(result: SweepResult, point: SweepPointResult): string[] {
  return result.vary.map((axis) => (axis.name in point.values ? String(point.values[axis.name]) : NOT_VARIED));
}

function asCompare(result: SweepResult): CompareResult {
  return { schemaVersion: RESULT_SCHEMA_VERSION, tool: result.tool, scenario: result.scenario, seeds: result.seeds, results: [] };
}

/** The scenario, seeds and version line, and the seeds note, as compare's reports write them. */
export function sweepNotes(result: SweepResult): string[] {
  const compare = asCompare(result);
  const scenarioAxes = result.vary.filter((axis) => axis.target === 'scenario').map((axis) => axis.name);
  const perPoint = scenarioAxes.length > 0 ? `Each point applies its ${scenarioAxes.join(', ')} to this scenario.` : undefined;
  return [runNote(compare), perPoint, seedNote(compare)].filter((note): note is string => note !== undefined);
}

/** One line: how big the sweep was and where the first shown metric was best and worst. */
export function summaryLine(result: SweepResult, columns: readonly MetricColumn[]): string {
  const runs = result.points.length * result.seeds.length;
  const failed = result.points.filter((point) => !hasMetrics(point)).length;
  const size = `${formatNumber(result.points.length)} points × ${result.seeds.length} seed${result.seeds.length === 1 ? '' : 's'} = ${formatNumber(runs)} runs`;
  const shard = result.shard ? ` (shard ${result.shard.index}/${result.shard.count} of ${formatNumber(result.shard.totalPoints)} points)` : '';
  const errors = failed > 0 ? `; ${failed} point${failed === 1 ? '' : 's'} failed` : '';
  const col = columns[0];
  const ran = result.points.filter(ranPoint);
  if (col === undefined || ran.length === 0) return `Sweep: ${size}${shard}${errors}.`;
  const shown = (point: (typeof ran)[number]) => metricValue(point.metrics, col.path) * col.scale;
  const low = ran.reduce((a, b) => (shown(b) < shown(a) ? b : a));
  const high = ran.reduce((a, b) => (shown(b) > shown(a) ? b : a));
  const unit = col.unit === 'count' ? '' : col.unit === '%' ? ' %' : ` ${col.unit}`;
  const spread =
    shown(low) === shown(high)
      ? `${col.label} ${formatNumber(shown(low))}${unit} at every point`
      : `${col.label} from ${formatNumber(shown(low))}${unit} (${pointLabel(low)}) to ${formatNumber(shown(high))}${unit} (${pointLabel(high)})`;
  return `Sweep: ${size}${shard}${errors}; ${spread}.`;
}
