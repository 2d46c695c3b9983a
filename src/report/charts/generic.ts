// Chart builders that know nothing about rcupool's results: bars per metric, a line per series
// over a varied value, a scatter with its trade-off front. Each returns a Vega-Lite spec with
// its data inline, so the same spec renders to SVG here and restyles anywhere else.
// `sweep` (sweep-curves.ts) calls linePanelsSpec and lineChartSpec (metrics against the varied
// value, a line per policy) and frontScatterSpec (two metrics, the non-dominated points marked).
import type { TopLevelSpec } from 'vega-lite';
import { CHART_CONFIG, seriesColor } from './theme.js';

/** A named chart: `id` is file-safe (the --vega-specs file name), `title` is what a reader sees. */
export interface NamedChart {
  id: string;
  title: string;
  spec: TopLevelSpec;
}

/** The colour scale that keeps a series (a policy) in the same colour in every chart. */
export function seriesScale(seriesOrder: readonly string[], colors?: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...seriesOrder], range: seriesOrder.map((_, index) => colors?.[index] ?? seriesColor(index)) };
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

/** A series that does not move along x (a point the swept value does not apply to): a flat dashed line. */
export interface LineLevel {
  series: string;
  y: number;
}

export interface LinePanel {
  /** The value axis title: the metric with its unit, "p99 (µs)". */
  yTitle: string;
  points: LinePoint[];
  levels?: LineLevel[];
}

interface LineAxes {
  xTitle: string;
  xLog?: boolean;
  seriesOrder: readonly string[];
  /** A colour per series of seriesOrder (e.g. its policy's, so variants of a policy share it); default: the palette in order. */
  seriesColors?: readonly string[];
  seriesTitle: string;
}

/**
 * The layers of one line panel: the 95 % band (where low/high are given), the flat levels, and
 * a line with points per series. The dash pattern repeats the colour's distinction, so series
 * stay apart in greyscale print.
 */
function lineLayers(panel: LinePanel, axes: LineAxes, shortLabels: boolean): unknown[] {
  const scale = seriesScale(axes.seriesOrder, axes.seriesColors);
  const x = { field: 'x', type: 'quantitative', title: axes.xTitle, scale: axes.xLog ? { type: 'log' } : { zero: false } };
  const levels = panel.levels ?? [];
  // An all-zero panel still gets an axis from 0 (vega would draw one NaN tick).
  const anyAboveZero = panel.points.some((point) => point.y > 0 || (point.high ?? 0) > 0) || levels.some((level) => level.y > 0);
  const y = { type: 'quantitative', title: panel.yTitle, ...(anyAboveZero ? {} : { scale: { domain: [0, 1] } }), ...(shortLabels ? { axis: { labelExpr: SHORT_NUMBER_LABEL, tickCount: 4 } } : {}) };
  // The legend shows a line per series (the band's faint fill would otherwise set its symbols).
  const color = { field: 'series', type: 'nominal', scale, title: axes.seriesTitle, legend: { symbolType: 'stroke', symbolStrokeWidth: 2, symbolOpacity: 1 } };
  const layers: unknown[] = [
    {
      transform: [{ filter: 'isValid(datum.low) && isValid(datum.high)' }],
      mark: { type: 'area', opacity: 0.2 },
      encoding: { x, y: { ...y, field: 'low' }, y2: { field: 'high' }, color },
    },
  ];
  if (levels.length > 0) {
    layers.push({
      data: { values: levels.map((level) => ({ ...level })) },
      mark: { type: 'rule', strokeDash: [2, 3], tooltip: true },
      encoding: { y: { ...y, field: 'y' }, color },
    });
  }
  layers.push({
    mark: { type: 'line', point: true, tooltip: true },
    encoding: {
      x,
      y: { ...y, field: 'y' },
      color,
      strokeDash: { field: 'series', type: 'nominal', sort: [...axes.seriesOrder], title: axes.seriesTitle },
    },
  });
  return layers;
}

/** A line per series of y against x (a metric against a swept value), with a 95 % band where given and flat levels. */
export function lineChartSpec(options: LineAxes & { title: string; subtitle?: string; yTitle: string; points: LinePoint[]; levels?: LineLevel[] }): TopLevelSpec {
  return {
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    config: CHART_CONFIG,
    width: 420,
    height: 220,
    data: { values: options.points.map((point) => ({ ...point })) },
    layer: lineLayers({ yTitle: options.yTitle, points: options.points, ...(options.levels ? { levels: options.levels } : {}) }, options, false),
  } as TopLevelSpec;
}

/** Small multiples of lineChartSpec: one panel per metric, all on the same x, one colour per series throughout. */
export function linePanelsSpec(options: LineAxes & { title: string; subtitle?: string; panels: LinePanel[]; columns?: number }): TopLevelSpec {
  return {
    title: { text: options.title, ...(options.subtitle ? { subtitle: options.subtitle } : {}) },
    config: CHART_CONFIG,
    columns: options.columns ?? 3,
    spacing: 16,
    concat: options.panels.map((panel) => ({
      // No panel title: its y axis names the metric and its unit (vega offsets concat titles by
      // how far each panel's marks stick out, so titles of one row would not line up).
      width: 220,
      height: 130,
      data: { values: panel.points.map((point) => ({ ...point })) },
      layer: lineLayers(panel, options, true),
    })),
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
          // Shape repeats colour in the one legend (same field and title); a legend: null on any
          // channel of the colour scale would drop that legend altogether.
          shape: { field: 'series', type: 'nominal', sort: [...options.seriesOrder], title: options.seriesTitle },
          fill: { condition: { test: 'datum.onFront', field: 'series', type: 'nominal', scale, title: options.seriesTitle }, value: 'transparent' },
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
