// `rcupool check` on a terminal: one row per policy × metric worth a look (baseline, now,
// change, threshold, verdict), a count line, then notes. The cell helpers here are shared
// with check-markdown.ts so both say the same thing.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { MetricComparison, PolicyComparison, RegressionReport, RowVerdict } from '../contract/check-result.js';
import { formatMeanWithInterval, formatNumber, formatRatio, formatUncertainty, halfWidth } from './format.js';

/** Everything a check report shows, decided by the CLI. */
export interface CheckView {
  report: RegressionReport;
  /** The baseline file as given. */
  baselineFile: string;
  /** rcupool version that wrote the baseline, and today's. */
  baselineTool: string;
  tool: string;
  scenario: string;
  /** Every row, not only the ones worth a look. */
  all: boolean;
  /** Sentences about the setup (a policy file changed, a param is new, ...). */
  notes: string[];
  /** Set after `--update` rewrote the baseline. */
  updated?: boolean;
}

/** Rows a reader must see by default: anything that moved beyond its threshold, and metrics the baseline lacks. */
export function isInteresting(row: MetricComparison): boolean {
  return row.verdict === 'regressed' || row.verdict === 'improved' || row.verdict === 'inconclusive' || row.verdict === 'new';
}

export function shownRows(policy: PolicyComparison, all: boolean): MetricComparison[] {
  return all ? policy.metrics : policy.metrics.filter(isInteresting);
}

/** failures.rate is a fraction in the JSON, shown in %; the rest as they are. */
function scaleOf(row: MetricComparison): number {
  return row.metric === 'failures.rate' ? 100 : 1;
}

/** The metric's JSON name (what `--threshold` takes), with the shown unit where the name lacks it. */
export function metricName(row: MetricComparison): string {
  return row.metric === 'failures.rate' ? 'failures.rate (%)' : row.metric;
}

export function baselineText(row: MetricComparison): string {
  if (row.baseline === null) return '—';
  return formatMeanWithInterval(row.baseline, row.baselineCi95, scaleOf(row));
}

export function currentText(row: MetricComparison): string {
  return formatMeanWithInterval(row.current, row.currentCi95, scaleOf(row));
}

function signed(value: number): string {
  if (value === 0) return '0';
  return `${value > 0 ? '+' : '−'}${formatNumber(Math.abs(value))}`;
}

/**
 * The change relative to the baseline, in the form a person reads at a glance: "+12 %" up to
 * ten-fold, then "×246,000" (a percentage with seven digits says less), and "from 0 to 1,204"
 * when there was nothing before.
 */
function relativeText(row: MetricComparison, baseline: number, scale: number): string {
  if (row.relativeChange === null) return `from 0 to ${formatNumber(row.current * scale)}`;
  if (row.relativeChange >= 9) return `×${formatRatio(row.current / baseline)}`;
  return `${signed(row.relativeChange * 100)} %`;
}

/** "+119 ± 27 (+1,050 %)": the mean difference, its 95 % half-width, and the relative change. */
export function changeText(row: MetricComparison): string {
  const scale = scaleOf(row);
  if (row.difference === null || row.baseline === null) return '—';
  if (row.difference === 0) return '0';
  const spread = row.differenceCi95 === undefined ? '' : ` ± ${formatUncertainty(halfWidth(row.differenceCi95) * scale)}`;
  return `${signed(row.difference * scale)}${spread} (${relativeText(row, row.baseline, scale)})`;
}

/** "+10 % and +5": both must be exceeded. failures.rate's absolute part in percentage points. */
export function thresholdText(row: MetricComparison): string {
  if (row.threshold === null) return row.metric === 'pagesAllocated' ? 'info only' : 'off';
  const { relative, absolute } = row.threshold;
  const parts: string[] = [];
  if (relative > 0) parts.push(`+${formatNumber(relative * 100)} %`);
  if (absolute > 0 || relative === 0) parts.push(row.metric === 'failures.rate' ? `+${formatNumber(absolute * 100)} pp` : `+${formatNumber(absolute)}`);
  return parts.join(' and ');
}

export function verdictText(verdict: RowVerdict): string {
  return verdict === 'info' ? '—' : verdict;
}

function colourVerdict(chalk: ChalkInstance, verdict: RowVerdict): string {
  const text = verdictText(verdict);
  if (verdict === 'regressed') return chalk.red.bold(text);
  if (verdict === 'improved') return chalk.green(text);
  if (verdict === 'inconclusive') return chalk.yellow(text);
  return text;
}

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** "3 seeds (1, 2, 3), paired t-test at 95 %" — how the verdicts were reached. */
export function methodText(report: RegressionReport): string {
  const seeds = `${plural(report.seeds.length, 'seed')} (${report.seeds.join(', ')})`;
  if (report.seeds.length < 2) return `${seeds}: no significance test with one seed, thresholds alone decide`;
  return `${seeds}, paired t-test on per-seed differences at 95 %`;
}

/** "1 regressed, 2 improved, 0 inconclusive, 40 unchanged." */
export function countsText(report: RegressionReport): string {
  const { regressed, improved, inconclusive, unchanged } = report.counts;
  return `${regressed} regressed, ${improved} improved, ${inconclusive} inconclusive, ${unchanged} unchanged`;
}

/** Sentences under the table: what the verdicts mean, when they need explaining. */
export function legend(view: CheckView): string[] {
  const lines: string[] = [];
  const shown = view.report.policies.flatMap((policy) => shownRows(policy, view.all));
  if (shown.some((row) => row.verdict === 'inconclusive')) {
    lines.push('inconclusive: beyond the threshold but not significant at 95 % over these seeds; not a failure. More seeds in the baseline (rcupool baseline --seeds 10) can settle it.');
  }
  if (shown.some((row) => row.verdict === 'regressed' || row.verdict === 'improved')) {
    const spread = view.report.seeds.length >= 2 ? ', ± the 95 % half-width of the mean per-seed difference' : '';
    lines.push(`change: now − baseline${spread}; a verdict needs the change beyond both parts of the threshold.`);
  }
  if (shown.some((row) => row.verdict === 'new')) {
    lines.push('new: the baseline was recorded before rcupool had this metric; shown, never judged. `rcupool check --update` records it.');
  }
  return lines;
}

export function headline(view: CheckView): string {
  const { report } = view;
  const errors = report.policies.filter((policy) => policy.status !== 'compared').length;
  if (errors > 0) return `could not compare ${plural(errors, 'policy', 'policies')}`;
  if (report.counts.regressed > 0 && view.updated) return `baseline updated, ${plural(report.counts.regressed, 'regression')} accepted`;
  if (report.counts.regressed > 0) return `${plural(report.counts.regressed, 'regression')}`;
  return 'no regressions';
}

export function renderCheckTable(view: CheckView, options: { color: boolean }): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const { report } = view;
  const table = new Table({
    head: ['policy', 'metric', 'baseline', 'now', 'change', 'threshold', 'verdict'].map((text) => chalk.bold(text)),
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'left'],
    style: { head: [], border: [] },
  });
  let rows = 0;
  for (const policy of report.policies) {
    if (policy.status !== 'compared') {
      table.push([policy.policy, { colSpan: 6, content: chalk.red(`error: ${policy.error ?? policy.status}`) }]);
      rows++;
      continue;
    }
    for (const row of shownRows(policy, view.all)) {
      table.push([policy.policy, metricName(row), baselineText(row), currentText(row), changeText(row), thresholdText(row), colourVerdict(chalk, row.verdict)]);
      rows++;
    }
  }
  const compared = report.policies.filter((policy) => policy.status === 'compared');
  const judged = compared.reduce((sum, policy) => sum + policy.metrics.filter((row) => row.verdict !== 'info' && row.verdict !== 'new').length, 0);
  const lines = [`rcupool check against ${view.baselineFile} (baseline by rcupool ${view.baselineTool}, now ${view.tool}): scenario ${view.scenario}, ${methodText(report)}.`];
  // One rule under the header, none between rows: many short rows read better as one block.
  if (rows > 0) lines.push(table.toString().split('\n').filter((text, index) => !text.startsWith('├') || index === 2).join('\n'));
  else lines.push(`No metric moved beyond its threshold (${plural(judged, 'metric')} of ${plural(compared.length, 'policy', 'policies')} checked; --all shows them).`);
  const outcome = report.incomplete ? 'ERROR' : report.counts.regressed > 0 ? (view.updated ? 'ACCEPTED' : 'REGRESSED') : 'OK';
  const verdictLine = `${outcome}: ${countsText(report)}.`;
  lines.push(report.counts.regressed > 0 ? chalk.red.bold(verdictLine) : verdictLine);
  lines.push(...legend(view), ...view.notes);
  if (view.updated) lines.push(`Baseline ${view.baselineFile} updated with these results.`);
  return lines.join('\n') + '\n';
}
