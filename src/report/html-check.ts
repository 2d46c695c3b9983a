// `rcupool check --format html`: the verdict, the rows worth a look (as the table and markdown
// show them), a chart of how far they moved, today's metrics by group, and what was run.
import type { CompareResult } from '../contract/result-types.js';
import { changeChart, type ChangeRow } from './charts/check-changes.js';
import { metricGroupCharts } from './charts/metric-groups.js';
import { baselineText, changeText, countsText, currentText, headline, legend, methodText, metricName, shownRows, thresholdText, verdictText, type CheckView } from './check-table.js';
import { chartFigures, definitionList, escapeHtml, renderHtmlPage, type HtmlSection } from './html.js';

function rowsTable(view: CheckView): string {
  const lines: string[] = [];
  for (const policy of view.report.policies) {
    if (policy.status !== 'compared') {
      lines.push(`<tr><th scope="row">${escapeHtml(policy.policy)}</th><td class="error" colspan="6">error: ${escapeHtml(policy.error ?? policy.status)}</td></tr>`);
      continue;
    }
    for (const row of shownRows(policy, view.all)) {
      const verdict = row.verdict === 'regressed' ? 'worst' : row.verdict === 'improved' ? 'best' : '';
      const cells = [metricName(row), baselineText(row), currentText(row), changeText(row), thresholdText(row)];
      lines.push(
        `<tr><th scope="row">${escapeHtml(policy.policy)}</th><td>${escapeHtml(cells[0]!)}</td>${cells
          .slice(1)
          .map((cell) => `<td class="num">${escapeHtml(cell)}</td>`)
          .join('')}<td class="${verdict}">${escapeHtml(verdictText(row.verdict))}</td></tr>`,
      );
    }
  }
  if (lines.length === 0) return '<p>No metric moved beyond its threshold.</p>';
  const head = ['policy', 'metric', 'baseline', 'now', 'change', 'threshold', 'verdict'].map((text, index) => `<th scope="col"${index >= 2 && index <= 5 ? ' class="num"' : ''}>${text}</th>`);
  return `<div class="scroll"><table><thead><tr>${head.join('')}</tr></thead><tbody>\n${lines.join('\n')}\n</tbody></table></div>`;
}

function changeRows(view: CheckView): ChangeRow[] {
  return view.report.policies.flatMap((policy) =>
    policy.status !== 'compared'
      ? []
      : shownRows(policy, view.all)
          .filter((row) => row.relativeChange !== null && Number.isFinite(row.relativeChange))
          .map((row) => ({ policy: policy.policy, metric: row.metric, changePercent: row.relativeChange! * 100, verdict: row.verdict === 'new' ? 'info' : row.verdict })),
  );
}

export async function renderCheckHtml(view: CheckView, current: CompareResult): Promise<string> {
  const outcome = view.report.incomplete ? 'ERROR' : view.report.counts.regressed > 0 ? (view.updated ? 'ACCEPTED' : 'REGRESSED') : 'OK';
  const verdictBody = [
    `<p><strong>${escapeHtml(outcome)}</strong>: ${escapeHtml(headline(view))} — ${escapeHtml(countsText(view.report))}.</p>`,
    rowsTable(view),
    ...[...legend(view), ...view.notes].map((note) => `<p class="muted">${escapeHtml(note)}</p>`),
    view.updated ? `<p>Baseline ${escapeHtml(view.baselineFile)} updated with these results.</p>` : '',
  ].join('\n');
  const sections: HtmlSection[] = [{ id: 'verdict', heading: 'Verdict', body: verdictBody }];
  const moved = changeRows(view);
  if (moved.length > 0) sections.push({ id: 'changes', heading: 'How far they moved', body: await chartFigures([changeChart(moved)]) });
  const groups = metricGroupCharts(current);
  if (groups.length > 0) sections.push({ id: 'metrics', heading: 'Metrics now, by group', body: await chartFigures(groups) });
  const entries: Array<[string, string]> = [
    ['baseline', `${escapeHtml(view.baselineFile)} <span class="muted">(written by rcupool ${escapeHtml(view.baselineTool)})</span>`],
    ['version now', `rcupool ${escapeHtml(view.tool)}`],
    ['scenario', escapeHtml(view.scenario)],
    ['seeds', escapeHtml(view.report.seeds.join(', '))],
  ];
  sections.push({
    id: 'details',
    heading: 'What was run',
    body: `<details open><summary>Scenario, seeds and version</summary>\n${definitionList(entries)}\n<pre>${escapeHtml(JSON.stringify(current.scenario, null, 2))}</pre>\n</details>`,
  });
  return renderHtmlPage({ title: `rcupool check: ${view.scenario}`, lead: `Against ${view.baselineFile}, ${methodText(view.report)}.`, sections });
}
