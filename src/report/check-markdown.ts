// `rcupool check --format markdown`: a PR comment. A headline with the outcome, the rows worth a
// look as a GFM table, the counts, what the verdicts mean, and notes about the setup.
import { escapeMarkdown } from './markdown.js';
import {
  baselineText,
  changeText,
  countsText,
  currentText,
  headline,
  legend,
  methodText,
  metricName,
  shownRows,
  thresholdText,
  verdictText,
  type CheckView,
} from './check-table.js';
import type { RowVerdict } from '../contract/check-result.js';

const MARK: Record<RowVerdict, string> = {
  regressed: '❌',
  improved: '✅',
  inconclusive: '❔',
  unchanged: '',
  info: '',
  new: '',
};

function line(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function verdictCell(verdict: RowVerdict): string {
  const text = verdictText(verdict);
  const mark = MARK[verdict];
  const body = verdict === 'regressed' ? `**${text}**` : text;
  return mark === '' ? body : `${mark} ${body}`;
}

export function renderCheckMarkdown(view: CheckView): string {
  const { report } = view;
  const failed = report.policies.some((policy) => policy.status !== 'compared');
  const icon = failed ? '⚠️' : report.counts.regressed > 0 && !view.updated ? '❌' : '✅';
  const out: string[] = [
    `### ${icon} rcupool check: ${headline(view)}`,
    '',
    escapeMarkdown(`Against ${view.baselineFile} (baseline by rcupool ${view.baselineTool}, now ${view.tool}) on scenario ${view.scenario}: ${methodText(report)}.`),
    '',
  ];
  const rows: string[] = [];
  for (const policy of report.policies) {
    const name = escapeMarkdown(policy.policy);
    if (policy.status !== 'compared') {
      rows.push(line([name, '', '', '', '', '', `⚠️ error: ${escapeMarkdown(policy.error ?? policy.status)}`]));
      continue;
    }
    for (const row of shownRows(policy, view.all)) {
      rows.push(line([name, `\`${metricName(row)}\``, baselineText(row), currentText(row), changeText(row), thresholdText(row), verdictCell(row.verdict)]));
    }
  }
  if (rows.length > 0) {
    out.push(line(['policy', 'metric', 'baseline', 'now', 'change', 'threshold', 'verdict']), line([':---', ':---', '---:', '---:', '---:', '---:', ':---']), ...rows, '');
  } else {
    out.push('No metric moved beyond its threshold.', '');
  }
  out.push(`**${countsText(report)}.**`, '');
  const notes = [...legend(view), ...view.notes, ...(view.updated ? [`Baseline ${view.baselineFile} updated with these results.`] : [])];
  if (notes.length > 0) out.push(...notes.map((note) => `- ${escapeMarkdown(note)}`), '');
  return out.join('\n');
}
