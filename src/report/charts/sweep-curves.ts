// The charts of a sweep: for each numeric axis, a metric against the swept value (a line per
// policy, or per policy and the other axes' values), and with --front the two metrics against
// each other with the trade-off front marked. Built from the sweep result only.
import type { MetricPath } from '../../contract/metrics.js';
import type { SweepAxis, SweepPointResult, SweepResult } from '../../contract/sweep-types.js';
import type { MetricColumn } from '../columns.js';
import { axisHeader, metricColumn, pointLabel, ranPoint } from '../sweep-columns.js';
import { tradeOffFront } from '../sweep-front.js';
import { seriesColor } from './theme.js';
import { chartId, frontScatterSpec, lineChartSpec, linePanelsSpec, type LineLevel, type LinePanel, type LinePoint, type NamedChart } from './generic.js';
import { metricGroups, valueAt, type MetricLeaf } from './metric-groups.js';

type RanPoint = SweepPointResult & { metrics: NonNullable<SweepPointResult['metrics']> };

/** A log range (`1..1024:x2`) as --vary wrote it: its curves get a log x axis. */
export function isLogRange(axis: SweepAxis): boolean {
  return /\.\.[^:]*:x/.test(axis.spec);
}

/** The axes a curve can run along: numbers, at least two different ones. */
export function curveAxes(result: SweepResult): SweepAxis[] {
  return result.vary.filter((axis) => axis.values.every((value) => typeof value === 'number') && new Set(axis.values).size > 1);
}

/** What one metric of a point is, as a chart shows it (scaled: a rate in %). */
interface Measure {
  path: string;
  scale: number;
}

function measured(point: RanPoint, measure: Measure): { y: number; low?: number; high?: number } | undefined {
  const value = valueAt(point.metrics, measure.path);
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const interval = valueAt(point.ci95, measure.path) as { low: number; high: number } | undefined;
  const spread = interval && Number.isFinite(interval.low) && Number.isFinite(interval.high) ? { low: interval.low * measure.scale, high: interval.high * measure.scale } : {};
  return { y: value * measure.scale, ...spread };
}

/** The points along one axis and the flat levels of the points that no curve axis applies to. */
interface AxisView {
  axis: SweepAxis;
  /** A point with its series name (its policy, and any other axes' values). */
  onCurve: Array<{ point: RanPoint; series: string; x: number }>;
  flat: Array<{ point: RanPoint; series: string }>;
  seriesOrder: string[];
  /** Each series in its policy's colour (the same in every chart of the page); variants differ by dash. */
  seriesColors: string[];
}

/** The policies in the order their first point comes: their colours on every chart of the page. */
function policyOrder(result: SweepResult): string[] {
  return [...new Set(result.points.filter(ranPoint).map((point) => point.policy))];
}

function axisView(result: SweepResult, axis: SweepAxis, along: readonly SweepAxis[]): AxisView {
  const ran = result.points.filter(ranPoint);
  const onCurve = ran
    .filter((point) => axis.name in point.values)
    .map((point) => {
      const others = Object.fromEntries(Object.entries(point.values).filter(([name]) => name !== axis.name));
      return { point, series: pointLabel({ policy: point.policy, values: others }), x: point.values[axis.name] as number };
    });
  // A point on another axis's curve belongs to that axis's charts; one on none is a flat level everywhere.
  const flat = ran.filter((point) => !along.some((other) => other.name in point.values)).map((point) => ({ point, series: pointLabel(point) }));
  const entries = [...onCurve, ...flat].sort((a, b) => a.point.index - b.point.index);
  const seriesOrder = [...new Set(entries.map((entry) => entry.series))];
  const policies = policyOrder(result);
  const seriesColors = seriesOrder.map((series) => seriesColor(policies.indexOf(entries.find((entry) => entry.series === series)!.point.policy)));
  return { axis, onCurve, flat, seriesOrder, seriesColors };
}

function panelData(view: AxisView, measure: Measure): { points: LinePoint[]; levels: LineLevel[] } {
  const points = view.onCurve.flatMap(({ point, series, x }) => {
    const value = measured(point, measure);
    return value ? [{ series, x, ...value }] : [];
  });
  const levels = view.flat.flatMap(({ point, series }) => {
    const value = measured(point, measure);
    return value ? [{ series, y: value.y }] : [];
  });
  return { points, levels };
}

function subtitle(result: SweepResult, view: AxisView): string | undefined {
  const notes = [
    result.seeds.length > 1 ? `Means over ${result.seeds.length} seeds; band: 95 % confidence interval.` : undefined,
    view.flat.length > 0 ? 'Dotted flat lines: points this axis does not apply to.' : undefined,
    isLogRange(view.axis) ? 'Log x axis (the sweep used a log range).' : undefined,
  ].filter((note): note is string => note !== undefined);
  return notes.length > 0 ? notes.join(' ') : undefined;
}

function leafPanel(view: AxisView, leaf: MetricLeaf): LinePanel {
  return { yTitle: `${leaf.name} (${leaf.unit})`, ...panelData(view, leaf) };
}

function columnChart(result: SweepResult, view: AxisView, col: MetricColumn): NamedChart {
  const note = subtitle(result, view);
  const title = `${col.label} against ${view.axis.name}`;
  return {
    id: chartId('sweep', view.axis.name, col.path),
    title,
    spec: lineChartSpec({
      title,
      ...(note ? { subtitle: note } : {}),
      xTitle: axisHeader(result, result.vary.indexOf(view.axis)),
      xLog: isLogRange(view.axis),
      yTitle: `${col.label} (${col.unit})`,
      ...panelData(view, col),
      seriesOrder: view.seriesOrder,
      seriesColors: view.seriesColors,
      seriesTitle: 'policy',
    }),
  };
}

export interface AxisCharts {
  axis: SweepAxis;
  charts: NamedChart[];
}

/**
 * For each axis a curve can run along: one chart per chosen metric (`metrics`), or by default
 * one chart per metric group with a panel per metric of the group (as compare's bar charts).
 */
export function sweepCurveCharts(result: SweepResult, metrics?: readonly MetricPath[]): AxisCharts[] {
  const along = curveAxes(result);
  const groups = metricGroups({ results: result.points });
  return along.map((axis) => ({ axis, charts: axisCharts(result, axis, along, groups, metrics) }));
}

function axisCharts(result: SweepResult, axis: SweepAxis, along: readonly SweepAxis[], groups: ReturnType<typeof metricGroups>, metrics?: readonly MetricPath[]): NamedChart[] {
  const view = axisView(result, axis, along);
  if (metrics && metrics.length > 0) return metrics.map((path) => columnChart(result, view, metricColumn(path)));
  const note = subtitle(result, view);
  return groups.map(({ group, leaves }) => ({
    id: chartId('sweep', axis.name, group),
    title: `${group} against ${axis.name}`,
    spec: linePanelsSpec({
      title: `${group} against ${axis.name}`,
      ...(note ? { subtitle: note } : {}),
      xTitle: axisHeader(result, result.vary.indexOf(axis)),
      xLog: isLogRange(axis),
      panels: leaves.map((leaf) => leafPanel(view, leaf)),
      seriesOrder: view.seriesOrder,
      seriesColors: view.seriesColors,
      seriesTitle: 'policy',
    }),
  }));
}

/** `--front x,y`: every point that ran, the front's points filled and lettered as in the front table. */
export function sweepFrontChart(result: SweepResult, front: readonly [MetricPath, MetricPath]): NamedChart {
  const [xCol, yCol] = [metricColumn(front[0]), metricColumn(front[1])];
  const points = tradeOffFront(result, xCol, yCol);
  const seriesOrder = policyOrder(result);
  const title = `Trade-off: ${xCol.label} and ${yCol.label}`;
  const better = `${xCol.lowerIsBetter ? 'lower' : 'higher'} ${xCol.label} and ${yCol.lowerIsBetter ? 'lower' : 'higher'} ${yCol.label} are better`;
  return {
    id: chartId('sweep', 'front'),
    title,
    spec: frontScatterSpec({
      title,
      subtitle: `Filled and lettered: the front (no other point is as good on both and better on one); ${better}.${result.seeds.length > 1 ? ` Means over ${result.seeds.length} seeds.` : ''}`,
      xTitle: `${xCol.label} (${xCol.unit})`,
      yTitle: `${yCol.label} (${yCol.unit})`,
      points: points.map((entry) => ({ series: entry.point.policy, label: entry.mark ?? '', x: entry.x, y: entry.y, onFront: entry.onFront })),
      seriesOrder,
      seriesTitle: 'policy',
    }),
  };
}
