// The sweep reports: table (cli-table3), markdown, long-form CSV and JSON. One entry point so
// `sweep` and `merge` print the same bytes for the same result. The HTML page (html-sweep.ts)
// renders its charts asynchronously, so the CLI sends `html` there and the rest here.
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { METRIC_PATHS, metricValue, type MetricPath } from '../contract/metrics.js';
import type { SweepPointResult, SweepResult } from '../contract/sweep-types.js';
import { cellText, hasMetrics, metricInterval, type MetricColumn } from './columns.js';
import { numberField, record } from './csv.js';
import { finiteOrNull } from './json.js';
import { escapeMarkdown } from './markdown.js';
import { axisCells, axisHeader, metricColumn, summaryLine, sweepColumns, sweepNotes } from './sweep-columns.js';
import { frontHeader, frontNote, frontRows, scatterPlot, tradeOffFront } from './sweep-front.js';

export const SWEEP_FORMATS = ['table', 'json', 'markdown', 'csv', 'html'] as const;
export type SweepFormat = (typeof SWEEP_FORMATS)[number];
export type SweepTextFormat = Exclude<SweepFormat, 'html'>;

export interface SweepRenderOptions {
  color: boolean;
  /** Metric columns for table and markdown, and the HTML page's curves (default: compare's columns; the page: every metric group). */
  metrics?: MetricPath[];
  /** Two metrics: show the trade-off front instead of every point. */
  front?: [MetricPath, MetricPath];
}

/** One row of the sweep table: the varied values, the policy, a cell per metric column. */
export function pointCells(result: SweepResult, point: SweepPointResult, columns: readonly MetricColumn[]): string[] {
  const lead = [...axisCells(result, point), point.policy];
  if (!hasMetrics(point)) return [...lead, `error: ${point.error ?? 'no metrics'}`, ...Array<string>(Math.max(0, columns.length - 1)).fill('')];
  return [...lead, ...columns.map((col) => cellText(point, col, result.seeds.length > 1))];
}

/** The sweep table's header: each axis and metric column with its unit in parentheses. */
export function headers(result: SweepResult, columns: readonly MetricColumn[]): string[] {
  return [...result.vary.map((_axis, at) => axisHeader(result, at)), 'policy', ...columns.map((col) => `${col.label} (${col.unit})`)];
}

function frontSection(result: SweepResult, front: [MetricPath, MetricPath]): { header: string[]; rows: string[][]; plot: string[]; note: string } {
  const [xCol, yCol] = front.map(metricColumn) as [MetricColumn, MetricColumn];
  const points = tradeOffFront(result, xCol, yCol);
  return { header: frontHeader(xCol, yCol), rows: frontRows(points), plot: scatterPlot(points, xCol, yCol), note: frontNote(points, xCol, yCol) };
}

function renderTable(result: SweepResult, options: SweepRenderOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const columns = sweepColumns(result, options.metrics);
  const summary = summaryLine(result, columns);
  // Compact (no line between rows): a sweep has many rows of few columns.
  const table = new Table({ style: { head: [], border: [], compact: true } });
  if (options.front) {
    const front = frontSection(result, options.front);
    table.push(front.header.map((text) => chalk.bold(text)), ...front.rows.map((cells) => cells.map((text, at) => ({ content: text, hAlign: at < 2 ? 'left' : 'right' }) as Table.Cell)));
    return [table.toString(), '', ...front.plot, '', front.note, ...sweepNotes(result), summary].join('\n') + '\n';
  }
  const leading = result.vary.length + 1;
  table.push(headers(result, columns).map((text, at) => ({ content: chalk.bold(text.replace(' (', '\n(')), hAlign: at < leading ? 'left' : 'right', vAlign: 'bottom' }) as Table.Cell));
  for (const point of result.points) table.push(pointCells(result, point, columns).map((text, at) => ({ content: text, hAlign: at < leading ? 'left' : 'right' }) as Table.Cell));
  return [table.toString(), '', ...sweepNotes(result), summary].join('\n') + '\n';
}

function markdownLine(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function renderMarkdown(result: SweepResult, options: SweepRenderOptions): string {
  const columns = sweepColumns(result, options.metrics);
  const notes = [...sweepNotes(result), summaryLine(result, columns)].map(escapeMarkdown);
  if (options.front) {
    const front = frontSection(result, options.front);
    const table = [front.header, front.header.map((_cell, at) => (at < 2 ? ':---' : '---:')), ...front.rows].map((cells) => markdownLine(cells.map(escapeMarkdown)));
    return [...table, '', '```text', ...front.plot, '```', '', escapeMarkdown(front.note), '', ...notes.flatMap((note) => [note, ''])].join('\n').trimEnd() + '\n';
  }
  const leading = result.vary.length + 1;
  const head = headers(result, columns);
  const lines = [head, head.map((_cell, at) => (at < leading ? ':---' : '---:')), ...result.points.map((point) => pointCells(result, point, columns))].map((cells) =>
    markdownLine(cells.map(escapeMarkdown)),
  );
  return [...lines, '', ...notes.flatMap((note) => [note, ''])].join('\n').trimEnd() + '\n';
}

/**
 * Long form, one value per record, for pandas (`pd.read_csv`) and R: point, one column per axis
 * (empty where the axis does not apply), policy, seed, metric, value. With several seeds each
 * point also has `mean` records carrying the 95 % interval in ci95Low/ci95High.
 */
function renderCsv(result: SweepResult): string {
  const header = record(['point', ...result.vary.map((axis) => axis.name), 'policy', 'seed', 'metric', 'value', 'ci95Low', 'ci95High', 'error']);
  const lines: string[] = [header];
  for (const point of result.points) {
    const lead = [String(point.index), ...result.vary.map((axis) => (axis.name in point.values ? String(point.values[axis.name]) : '')), point.policy];
    if (!hasMetrics(point)) {
      lines.push(record([...lead, '', '', '', '', '', point.error ?? 'no metrics']));
      continue;
    }
    const multiSeed = result.seeds.length > 1 && point.perSeed !== undefined;
    if (multiSeed) {
      for (const path of METRIC_PATHS) {
        const interval = point.ci95 ? metricInterval(point.ci95, path) : undefined;
        lines.push(record([...lead, 'mean', path, numberField(metricValue(point.metrics, path)), interval ? numberField(interval.low) : '', interval ? numberField(interval.high) : '', '']));
      }
    }
    const perSeed = multiSeed ? point.perSeed! : [point.metrics];
    perSeed.forEach((metrics, at) => {
      for (const path of METRIC_PATHS) lines.push(record([...lead, String(result.seeds[at]), path, numberField(metricValue(metrics, path)), '', '', '']));
    });
  }
  return lines.join('');
}

/** The document `merge` reads back; schema/sweep.schema.json. Non-finite numbers become null (and fail the schema). */
export function renderSweepJson(result: SweepResult): string {
  return JSON.stringify(result, finiteOrNull, 2) + '\n';
}

export function renderSweep(format: SweepTextFormat, result: SweepResult, options: SweepRenderOptions): string {
  switch (format) {
    case 'table':
      return renderTable(result, options);
    case 'markdown':
      return renderMarkdown(result, options);
    case 'csv':
      return renderCsv(result);
    case 'json': {
      if (!options.front) return renderSweepJson(result);
      const [xCol, yCol] = options.front.map(metricColumn) as [MetricColumn, MetricColumn];
      const onFront = tradeOffFront(result, xCol, yCol).filter((entry) => entry.onFront).map((entry) => entry.point.index).sort((a, b) => a - b);
      return renderSweepJson({ ...result, front: { metrics: options.front, points: onFront } });
    }
  }
}
