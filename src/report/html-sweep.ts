// `rcupool sweep --format html` (and `merge`): the sweep table (the rows of the table format),
// the curves along each numeric axis, the trade-off front with --front, and what was run.
import type { MetricPath } from '../contract/metrics.js';
import type { SweepAxis, SweepResult } from '../contract/sweep-types.js';
import { chartId, type NamedChart } from './charts/generic.js';
import { isLogRange, sweepCurveCharts, sweepFrontChart, type AxisCharts } from './charts/sweep-curves.js';
import { hasMetrics, type MetricColumn } from './columns.js';
import { formatNumber } from './format.js';
import { chartFigures, definitionList, escapeHtml, policyItem, renderHtmlPage, runDetails, type HtmlSection } from './html.js';
import { metricColumn, summaryLine, sweepColumns, sweepNotes } from './sweep-columns.js';
import { frontHeader, frontNote, frontRows, tradeOffFront } from './sweep-front.js';
import { headers, pointCells, type SweepRenderOptions } from './sweep-render.js';

export interface SweepCharts {
  /** Per numeric axis, its curves. */
  curves: AxisCharts[];
  front?: NamedChart;
}

/** Every chart of the page, as Vega-Lite specs (what --vega-specs writes). */
export function sweepCharts(result: SweepResult, options: Pick<SweepRenderOptions, 'metrics' | 'front'>): SweepCharts {
  return { curves: sweepCurveCharts(result, options.metrics), ...(options.front ? { front: sweepFrontChart(result, options.front) } : {}) };
}

export function allSweepCharts(charts: SweepCharts): NamedChart[] {
  return [...charts.curves.flatMap((entry) => entry.charts), ...(charts.front ? [charts.front] : [])];
}

/** "reserve avg (pages)" → "reserve avg<br>(pages)" in a header cell, the unit muted. */
function headerCell(text: string, numeric: boolean): string {
  const open = text.lastIndexOf(' (');
  const label = open > 0 ? `${escapeHtml(text.slice(0, open))}<br><span class="muted">${escapeHtml(text.slice(open + 1))}</span>` : escapeHtml(text);
  return `<th scope="col"${numeric ? ' class="num"' : ''}>${label}</th>`;
}

function sweepTable(result: SweepResult, columns: readonly MetricColumn[]): string {
  const leading = result.vary.length + 1;
  const head = headers(result, columns).map((text, at) => headerCell(text, at >= leading));
  const rows = result.points.map((point) => {
    const cells = pointCells(result, point, columns);
    const lead = cells.slice(0, leading).map((text, at) => (at === leading - 1 ? `<th scope="row">${escapeHtml(text)}</th>` : `<td>${escapeHtml(text)}</td>`));
    if (!hasMetrics(point)) return `<tr>${lead.join('')}<td class="error" colspan="${columns.length}">${escapeHtml(cells[leading]!)}</td></tr>`;
    return `<tr>${lead.join('')}${cells
      .slice(leading)
      .map((text) => `<td class="num">${escapeHtml(text)}</td>`)
      .join('')}</tr>`;
  });
  return `<div class="scroll"><table>\n<thead><tr>${head.join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table></div>`;
}

function frontTable(result: SweepResult, front: readonly [MetricPath, MetricPath]): { table: string; note: string } {
  const [xCol, yCol] = [metricColumn(front[0]), metricColumn(front[1])];
  const points = tradeOffFront(result, xCol, yCol);
  const head = frontHeader(xCol, yCol).map((text, at) => (at < 2 ? `<th scope="col">${escapeHtml(text)}</th>` : headerCell(text, true)));
  const rows = frontRows(points).map(([mark, label, x, y]) => `<tr><th scope="row">${escapeHtml(mark!)}</th><td>${escapeHtml(label!)}</td><td class="num">${escapeHtml(x!)}</td><td class="num">${escapeHtml(y!)}</td></tr>`);
  return { table: `<div class="scroll"><table>\n<thead><tr>${head.join('')}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody></table></div>`, note: frontNote(points, xCol, yCol) };
}

function axisText(axis: SweepAxis): string {
  const what = axis.target === 'param' ? `param ${axis.param ?? axis.name} of policy ${axis.policy ?? '?'}` : 'scenario field';
  const values = axis.values.map((value) => (typeof value === 'number' ? formatNumber(value) : String(value))).join(', ');
  const unit = axis.unit ? `, in ${axis.unit}` : '';
  const log = isLogRange(axis) ? '; a log range' : '';
  return `<li><code>${escapeHtml(axis.name)}</code> — ${escapeHtml(what)}${escapeHtml(unit)}: <code>${escapeHtml(axis.spec)}</code> (${escapeHtml(values)})${escapeHtml(log)}</li>`;
}

function detailsHtml(result: SweepResult): string {
  const scenario = result.scenario;
  const run = runDetails(result.tool, scenario);
  const policies = result.policies.map((policy) => policyItem(policy.name, policy.kind === 'builtin' ? { builtin: true, location: policy.location } : { builtin: false, location: policy.location, sha256: policy.sha256 }, policy.params));
  const entries: Array<[string, string]> = [
    ['version', run.version],
    ['scenario', run.scenario],
    ['seeds', escapeHtml(result.seeds.join(', '))],
    ['machine', run.machine],
    ['varied', `<ul>${result.vary.map(axisText).join('')}</ul>`],
    ['policies', `<ul>${policies.join('')}</ul>`],
  ];
  return (
    '<details open><summary>Scenario, seeds, version and the varied fields</summary>\n' +
    definitionList(entries) +
    `\n<p class="muted">The resolved scenario every point starts from (scenario axes are applied on top, as --set):</p><pre>${escapeHtml(JSON.stringify(scenario, null, 2))}</pre>\n</details>`
  );
}

async function curveSections(result: SweepResult, curves: readonly AxisCharts[]): Promise<HtmlSection[]> {
  if (curves.length === 0) {
    return [{ id: 'curves', heading: 'Sweep curves', body: '<p>No axis of this sweep has two or more numbers, so there is no curve to draw; the table has every point.</p>' }];
  }
  const sections: HtmlSection[] = [];
  for (const { axis, charts } of curves) {
    const split = result.points.some((point) => axis.name in point.values && Object.keys(point.values).length > 1);
    const intro = `<p class="muted">Each metric against ${escapeHtml(axis.name)}: a line per policy${split ? ' and value of the other axes that apply to it' : ''}.</p>`;
    sections.push({ id: chartId('curves', axis.name), heading: `Along ${axis.name}`, body: intro + '\n' + (await chartFigures(charts)) });
  }
  return sections;
}

/** The whole page; `charts` from sweepCharts() (the CLI builds them once for --vega-specs too). */
export async function renderSweepHtml(result: SweepResult, options: SweepRenderOptions, charts = sweepCharts(result, options)): Promise<string> {
  const columns = sweepColumns(result, options.metrics);
  const summary = summaryLine(result, columns);
  const sections: HtmlSection[] = [
    {
      id: 'table',
      heading: 'Sweep',
      body: [sweepTable(result, columns), ...sweepNotes(result).map((note) => `<p>${escapeHtml(note)}</p>`), `<p>${escapeHtml(summary)}</p>`].join('\n'),
    },
    ...(await curveSections(result, charts.curves)),
  ];
  if (options.front && charts.front) {
    const front = frontTable(result, options.front);
    sections.push({ id: 'front', heading: 'Trade-off front', body: [front.table, await chartFigures([charts.front]), `<p>${escapeHtml(front.note)}</p>`].join('\n') });
  }
  sections.push({ id: 'details', heading: 'What was run', body: detailsHtml(result) });
  return renderHtmlPage({ title: `rcupool sweep: ${result.scenario.name}`, lead: summary, sections });
}
