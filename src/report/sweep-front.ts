// `sweep --front a,b`: the trade-off front. A point is on it when no other point is at least as
// good on both metrics and better on one (Pareto non-dominated; "good" per the column's
// direction). Shown as a table of the front, letters A, B, … tying it to a scatter plot where
// every other point is a dot.
import { metricValue } from '../contract/metrics.js';
import type { SweepPointResult, SweepResult } from '../contract/sweep-types.js';
import type { MetricColumn } from './columns.js';
import { formatNumber } from './format.js';
import { pointLabel, ranPoint } from './sweep-columns.js';

export interface FrontPoint {
  point: SweepPointResult;
  /** The two metrics as shown (scaled: a rate in %). */
  x: number;
  y: number;
  onFront: boolean;
  /** A, B, … for front points in order of x; undefined off the front. */
  mark?: string;
}

/** Every point that ran, with its place relative to the front; front points first, by x then y. */
export function tradeOffFront(result: SweepResult, xCol: MetricColumn, yCol: MetricColumn): FrontPoint[] {
  const cost = (col: MetricColumn, value: number) => (col.lowerIsBetter ? value : -value);
  const ran = result.points.filter(ranPoint).map((point) => ({
    point,
    x: metricValue(point.metrics, xCol.path) * xCol.scale,
    y: metricValue(point.metrics, yCol.path) * yCol.scale,
    onFront: false,
  }));
  for (const candidate of ran) {
    const [cx, cy] = [cost(xCol, candidate.x), cost(yCol, candidate.y)];
    candidate.onFront = !ran.some((other) => {
      const [ox, oy] = [cost(xCol, other.x), cost(yCol, other.y)];
      return ox <= cx && oy <= cy && (ox < cx || oy < cy);
    });
  }
  const front: FrontPoint[] = ran.filter((entry) => entry.onFront).sort((a, b) => a.x - b.x || a.y - b.y || a.point.index - b.point.index);
  front.forEach((entry, at) => (entry.mark = at < 26 ? String.fromCharCode(65 + at) : '*'));
  return [...front, ...ran.filter((entry) => !entry.onFront)];
}

function axisTitle(col: MetricColumn): string {
  return `${col.label} (${col.unit})`;
}

/**
 * A character scatter plot: x to the right, y up, front points as their letters, the others as
 * "·". Where several points share a cell, a front point wins.
 */
export function scatterPlot(points: readonly FrontPoint[], xCol: MetricColumn, yCol: MetricColumn, width = 56, height = 14): string[] {
  if (points.length === 0) return [];
  const xs = points.map((entry) => entry.x);
  const ys = points.map((entry) => entry.y);
  const [xMin, xMax, yMin, yMax] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const column = (x: number) => (xMax === xMin ? Math.floor(width / 2) : Math.round(((x - xMin) / (xMax - xMin)) * (width - 1)));
  const row = (y: number) => (yMax === yMin ? Math.floor(height / 2) : height - 1 - Math.round(((y - yMin) / (yMax - yMin)) * (height - 1)));
  const grid = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  // Off-front dots first, then the front, so a letter is never hidden by a dot; two front points in one cell show as "*".
  for (const entry of [...points].reverse()) {
    const cell = grid[row(entry.y)]!;
    const at = column(entry.x);
    if (!entry.onFront) cell[at] = cell[at] === ' ' ? '·' : cell[at]!;
    else cell[at] = cell[at] === ' ' || cell[at] === '·' ? entry.mark! : '*';
  }
  const yLabels = new Map([
    [0, formatNumber(yMax)],
    [height - 1, formatNumber(yMin)],
  ]);
  const labelWidth = Math.max(...[...yLabels.values()].map((label) => label.length));
  const lines = [`${' '.repeat(labelWidth)}  ${axisTitle(yCol)} ↑`];
  grid.forEach((cells, at) => lines.push(`${(yLabels.get(at) ?? '').padStart(labelWidth)} ┤${cells.join('').trimEnd()}`));
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(width)}`);
  const low = formatNumber(xMin);
  const high = formatNumber(xMax);
  lines.push(`${' '.repeat(labelWidth + 2)}${low}${' '.repeat(Math.max(1, width - low.length - high.length))}${high}`);
  lines.push(`${' '.repeat(labelWidth + 2)}→ ${axisTitle(xCol)}; letters: the front (table above), *: several of it in one cell, ·: dominated points`);
  return lines;
}

/** The front as rows for a table: mark, point, x, y. */
export function frontRows(points: readonly FrontPoint[]): string[][] {
  return points.filter((entry) => entry.onFront).map((entry) => [entry.mark!, pointLabel(entry.point), formatNumber(entry.x), formatNumber(entry.y)]);
}

export function frontHeader(xCol: MetricColumn, yCol: MetricColumn): string[] {
  return ['', 'point', axisTitle(xCol), axisTitle(yCol)];
}

/** "5 of 40 points are on the front of reserve avg and failure rate." */
export function frontNote(points: readonly FrontPoint[], xCol: MetricColumn, yCol: MetricColumn): string {
  const onFront = points.filter((entry) => entry.onFront).length;
  return `${onFront} of ${points.length} points are on the trade-off front of ${xCol.label} and ${yCol.label} (none of them is beaten on both; ${xCol.lowerIsBetter ? 'lower' : 'higher'} ${xCol.label}, ${yCol.lowerIsBetter ? 'lower' : 'higher'} ${yCol.label} is better).`;
}
