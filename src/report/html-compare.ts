// `compare` and `run` as an HTML page: the comparison table, a chart per metric group, the
// per-policy timelines on one time axis, and what was run (scenario, seeds, version).
import type { CompareResult, PolicyResult } from '../contract/result-types.js';
import { metricGroupCharts } from './charts/metric-groups.js';
import type { NamedChart } from './charts/generic.js';
import { timelineCharts, type WatermarkLevels } from './charts/timelines.js';
import { cellText, groupSpans, hasMetrics, isMultiSeed, rankColumn, visibleColumns, type MetricColumn } from './columns.js';
import { chartFigures, definitionList, escapeHtml, policyItem, renderHtmlPage, runDetails, type HtmlSection } from './html.js';
import { findReference, referenceNote, relativeLines } from './reference.js';
import { describeAll, runNote, seedNote } from './summary.js';

export interface CompareHtmlOptions {
  /** The scenario machine's watermarks, for the free-pages panels (the CLI computes them). */
  watermarks: WatermarkLevels;
  reference?: string;
  /** Which command made the page ("compare", "run"): the title says it. */
  command?: string;
}

export interface CompareCharts {
  metricGroups: NamedChart[];
  timelines: NamedChart[];
}

/** Every chart of the page, as Vega-Lite specs (what --vega-specs writes). */
export function compareCharts(result: CompareResult, watermarks: WatermarkLevels): CompareCharts {
  return { metricGroups: metricGroupCharts(result), timelines: timelineCharts(result, watermarks) };
}

function tableHtml(result: CompareResult, reference: ReturnType<typeof findReference>): string {
  const columns = visibleColumns(result);
  const multiSeed = isMultiSeed(result);
  const ranks = columns.map((col) => rankColumn(result.results, col));
  const withRelative = reference.kind === 'found';
  const groupRow = `<tr><th></th>${groupSpans(columns)
    .map(({ group, span }) => `<th class="group" colspan="${span}">${escapeHtml(group)}</th>`)
    .join('')}${withRelative ? '<th></th>' : ''}</tr>`;
  const header = (col: MetricColumn) =>
    `<th class="num" scope="col" title="${escapeHtml(col.label)} (${escapeHtml(col.path)})">${col.shortLabel.split('\n').map(escapeHtml).join('<br>')}<br><span class="muted">${escapeHtml(col.unit)}</span></th>`;
  const nameRow = `<tr><th scope="col">policy</th>${columns.map(header).join('')}${withRelative ? `<th scope="col">vs ${escapeHtml(reference.name)}</th>` : ''}</tr>`;
  const body = result.results.map((row, rowIndex) => policyRow(row, rowIndex, columns, ranks, multiSeed, withRelative ? relativeLines(row, reference) : undefined));
  return `<div class="scroll"><table>\n<thead>${groupRow}\n${nameRow}</thead>\n<tbody>\n${body.join('\n')}\n</tbody></table></div>`;
}

function policyRow(row: PolicyResult, rowIndex: number, columns: readonly MetricColumn[], ranks: ReturnType<typeof rankColumn>[], multiSeed: boolean, relative: string[] | undefined): string {
  const name = `<th scope="row">${escapeHtml(row.policy)}</th>`;
  if (!hasMetrics(row)) {
    return `<tr>${name}<td class="error" colspan="${columns.length + (relative ? 1 : 0)}">error: ${escapeHtml(row.error ?? 'no metrics')}</td></tr>`;
  }
  const cells = columns.map((col, colIndex) => {
    const rank = ranks[colIndex]?.[rowIndex];
    // The mark is text as well as colour, so it survives print, greyscale and colour blindness.
    const mark = rank === 'best' ? ' ✓' : rank === 'worst' ? ' ✗' : '';
    return `<td class="num${rank ? ` ${rank}` : ''}"${rank ? ` title="${rank} in this column"` : ''}>${escapeHtml(cellText(row, col, multiSeed))}${mark}</td>`;
  });
  const extra = relative ? `<td>${relative.map(escapeHtml).join('<br>')}</td>` : '';
  return `<tr>${name}${cells.join('')}${extra}</tr>`;
}

function detailsHtml(result: CompareResult, multiSeedTimelines: boolean): string {
  const scenario = result.scenario;
  const run = runDetails(result.tool, scenario);
  const policies = result.results.map((row) => policyItem(row.policy, { builtin: row.source === 'builtin', location: row.source, sha256: row.fileHash }, row.params));
  const entries: Array<[string, string]> = [
    ['version', run.version],
    ['scenario', run.scenario],
    ...(scenario.claim ? ([['claim', escapeHtml(scenario.claim)]] as Array<[string, string]>) : []),
    ['seeds', escapeHtml(result.seeds.join(', ')) + (multiSeedTimelines ? ' <span class="muted">(timelines: the first seed)</span>' : '')],
    ['machine', run.machine],
    ['policies', `<ul>${policies.join('')}</ul>`],
  ];
  return (
    '<details open><summary>Scenario, seeds and version</summary>\n' +
    definitionList(entries) +
    `\n<p class="muted">The resolved scenario, as the run used it:</p><pre>${escapeHtml(JSON.stringify(scenario, null, 2))}</pre>\n</details>`
  );
}

/** The whole page; `charts` from compareCharts() (the CLI builds them once for --vega-specs too). */
export async function renderCompareHtml(result: CompareResult, options: CompareHtmlOptions, charts = compareCharts(result, options.watermarks)): Promise<string> {
  const reference = findReference(result, options.reference);
  const notes = [seedNote(result), referenceNote(reference)].filter((note): note is string => note !== undefined);
  const legend = 'In each column ✓ marks the best value and ✗ the worst (lower is better); nothing is marked when all are equal.';
  const sections: HtmlSection[] = [
    {
      id: 'table',
      heading: 'Comparison',
      body: [tableHtml(result, reference), `<p class="muted">${escapeHtml(legend)}</p>`, ...notes.map((note) => `<p>${escapeHtml(note)}</p>`), `<ul>${describeAll(result).map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`].join('\n'),
    },
  ];
  if (charts.metricGroups.length > 0) {
    sections.push({ id: 'metrics', heading: 'Metrics by group', body: await chartFigures(charts.metricGroups) });
  }
  if (charts.timelines.length > 0) {
    const intro = `<p class="muted">Each policy over the arrival window on the same axes${result.seeds.length > 1 ? ` (seed ${result.seeds[0]}, the first of ${result.seeds.length})` : ''}: free pages against the watermarks, the policy's reserve, pages in flight, and the calls that found no page.</p>`;
    sections.push({ id: 'timelines', heading: 'Over time', body: intro + '\n' + (await chartFigures(charts.timelines)) });
  }
  sections.push({ id: 'details', heading: 'What was run', body: detailsHtml(result, result.seeds.length > 1 && charts.timelines.length > 0) });
  return renderHtmlPage({ title: `rcupool ${options.command ?? 'compare'}: ${result.scenario.name}`, lead: runNote(result), sections });
}
