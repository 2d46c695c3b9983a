// Chart builders that know nothing about rcupool's results: bars per metric, a line per series
// over a varied value, a scatter with its trade-off front. Each returns a Vega-Lite spec with
// its data inline, so the same spec renders to SVG here and restyles anywhere else.
// `sweep` calls lineChartSpec (a metric against the varied value, a line per policy) and
// frontScatterSpec (two metrics, the non-dominated points marked); see docs/html-report.md.
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, seriesColor } from './theme.js';

/** A named chart: `id` is file-safe (the --vega-specs file name), `title` is what a reader sees. */
export interface NamedChart {
  id: string;
  title: string;
  spec: TopLevelSpec;
}

/** The colour scale that keeps a series (a policy) in the same colour in every chart. */
export function seriesScale(seriesOrder: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...seriesOrder], range: seriesOrder.map((_, index) => seriesColor(index)) };
}

/** "a.b/c d" → "a-b-c-d": ids become file names. */
export function chartId(...parts: string[]): string {
  return parts
    .join('-')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}

export interface BarRow {
  series: string;
  value: number;
  /** 95 % interval, drawn as a whisker when present. */
  low?: number;
  high?: number;
}

export interface BarPanel {
  title: string;
  /** The value axis title, with its unit: "p99 (µs)". */
  axisTitle: string;
  rows: BarRow[];
}

/** Axis labels as "0", "0.5", "500k", "1.2M": per value, so a 0 never reads "0k" nor 0.4 "400m". */
export const SHORT_NUMBER_LABEL = "abs(datum.value) < 1000 ? format(datum.value, ',~g') : format(datum.value, '~s')";

/**
 * Small multiples: one horizontal bar chart per panel, each with its own value scale; the
 * series names label the first panel of each row only, the rest line up with it.
 */
export function barPanelsSpec(options: { title: string; subtitle?: string; panels: BarPanel[]; seriesOrder: readonly string[]; seriesTitle: string; columns?: number }): TopLevelSpec {
  const scale = seriesScale(options.seriesOrder);
  const columns = options.columns ?? 4;
  const rowHeight = 16;
  return {
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    config: CHART_CONFIG,
    columns,
    spacing: 14,
    concat: options.panels.map((panel, index) => {
      const labelled = index % columns === 0;
      // An all-zero panel still gets an axis from 0 (vega would draw one NaN tick).
      const domainMax = panel.rows.some((row) => row.value > 0 || (row.high ?? 0) > 0) ? {} : { domain: [0, 1] };
      return {
        title: { text: panel.title, fontSize: 11 },
        width: 130,
        height: Math.max(1, options.seriesOrder.length) * rowHeight,
        data: { values: panel.rows.map((row) => ({ ...row })) },
        encoding: {
          y: {
            field: 'series',
            type: 'nominal',
            sort: [...options.seriesOrder],
            title: labelled ? options.seriesTitle : null,
            axis: labelled ? {} : { labels: false, ticks: false, title: null },
          },
        },
        layer: [
          {
            mark: { type: 'bar', tooltip: true },
            encoding: {
              x: { field: 'value', type: 'quantitative', title: panel.axisTitle, scale: domainMax, axis: { labelExpr: SHORT_NUMBER_LABEL, tickCount: 4 } },
              color: { field: 'series', type: 'nominal', scale, legend: null },
            },
          },
          {
            transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
            mark: { type: 'rule', color: 'currentColor' },
            encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
          },
        ],
      };
    }),
  } as TopLevelSpec;
}

export interface LinePoint {
  series: string;
  x: number;
  y: number;
  low?: number;
  high?: number;
}

/** A line per series of y against x (a metric against a swept value), with a 95 % band where given. */
export function lineChartSpec(options: {
  title: string;
  subtitle?: string;
  xTitle: string;
  yTitle: string;
  points: LinePoint[];
  seriesOrder: readonly string[];
  seriesTitle: string;
  xLog?: boolean;
}): TopLevelSpec {
  const scale = seriesScale(options.seriesOrder);
  const x = { field: 'x', type: 'quantitative', title: options.xTitle, scale: options.xLog ? { type: 'log' } : { zero: false } };
  return {
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    config: CHART_CONFIG,
    width: 420,
    height: 220,
    data: { values: options.points.map((point) => ({ ...point })) },
    layer: [
      {
        transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
        mark: { type: 'area', opacity: 0.2 },
        encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: { field: 'series', type: 'nominal', scale, legend: null } },
      },
      {
        mark: { type: 'line', point: true, tooltip: true },
        encoding: {
          x,
          y: { field: 'y', type: 'quantitative', title: options.yTitle },
          color: { field: 'series', type: 'nominal', scale, title: options.seriesTitle },
          strokeDash: { field: 'series', type: 'nominal', sort: [...options.seriesOrder], legend: null },
        },
      },
    ],
  } as TopLevelSpec;
}

export interface ScatterPoint {
  series: string;
  /** Shown next to the point when it is on the front (e.g. the swept value). */
  label: string;
  x: number;
  y: number;
  /** No other point is at least as good on both axes and better on one. */
  onFront: boolean;
}

/**
 * Two costs against each other (lower is better on both), a point per configuration; the
 * front is drawn as a step line through the non-dominated points, which are filled and labelled.
 */
export function frontScatterSpec(options: { title: string; subtitle?: string; xTitle: string; yTitle: string; points: ScatterPoint[]; seriesOrder: readonly string[]; seriesTitle: string }): TopLevelSpec {
  const scale = seriesScale(options.seriesOrder);
  const x = { field: 'x', type: 'quantitative', title: options.xTitle, scale: { zero: false } };
  const y = { field: 'y', type: 'quantitative', title: options.yTitle, scale: { zero: false } };
  return {
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    config: CHART_CONFIG,
    width: 420,
    height: 260,
    data: { values: options.points.map((point) => ({ ...point })) },
    layer: [
      {
        transform: [{ filter: 'datum.onFront' }],
        mark: { type: 'line', interpolate: 'step-after', color: 'currentColor', strokeDash: [4, 3], opacity: 0.6 },
        encoding: { x, y, order: { field: 'x', type: 'quantitative' } },
      },
      {
        mark: { type: 'point', size: 60, tooltip: true },
        encoding: {
          x,
          y,
          color: { field: 'series', type: 'nominal', scale, title: options.seriesTitle },
          shape: { field: 'series', type: 'nominal', sort: [...options.seriesOrder], legend: null },
          fill: { condition: { test: 'datum.onFront', field: 'series', type: 'nominal', scale, legend: null }, value: 'transparent' },
        },
      },
      {
        transform: [{ filter: 'datum.onFront' }],
        mark: { type: 'text', dx: 6, dy: -6, align: 'left', fontSize: 10, color: 'currentColor' },
        encoding: { x, y, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

/** The points no other point dominates (both coordinates lower is better). */
export function paretoFront<T extends { x: number; y: number }>(points: readonly T[]): Set<T> {
  const front = new Set<T>();
  for (const point of points) {
    const dominated = points.some((other) => other !== point && other.x <= point.x && other.y <= point.y && (other.x < point.x || other.y < point.y));
    if (!dominated) front.add(point);
  }
  return front;
}
