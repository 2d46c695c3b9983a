// `rcupool baseline --vary ...` records a sweep; `rcupool check` on such a file reruns it and
// judges every point × metric the way it judges a compare baseline. baseline.ts and check.ts
// hand over here with one line each; the judging is regression.ts's, unchanged.
import { availableParallelism } from 'node:os';
import { renderCheckJson } from '../report/check-json.js';
import { renderCheckMarkdown } from '../report/check-markdown.js';
import { baselineText, changeText, currentText, renderCheckTable, thresholdText, type CheckView } from '../report/check-table.js';
import { colorEnabled } from '../report/index.js';
import { renderSweep } from '../report/sweep-render.js';
import { BaselineError } from '../runner/baseline-file.js';
import { parseThresholds, regressions, ThresholdError } from '../runner/regression.js';
import { compareSweeps, makeSweepBaseline, planFromSweepBaseline, readSweepBaseline, serializeSweepBaseline } from '../runner/sweep-baseline.js';
import { runSweep } from '../runner/sweep.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, UsageError } from './errors.js';
import { chooseFormat } from './format-choice.js';
import { checkOutput, emit, writeAtomically } from './output.js';
import { parseWholeNumber, type RunFlags } from './run-options.js';
import { progressBar, reportFailedPoints, resolveSweepPlan } from './sweep.js';

export interface SweepBaselineFlags extends RunFlags {
  out: string;
  vary: string[];
  color?: boolean;
  quiet?: boolean;
}

export async function recordSweepBaseline(flags: SweepBaselineFlags): Promise<void> {
  const { plan, jobs } = await resolveSweepPlan(flags);
  const progress = progressBar(Boolean(flags.quiet), 'baseline');
  const result = await runSweep(plan, { jobs, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) }).finally(() => progress.stop());
  process.stdout.write(renderSweep('table', result, { color: colorEnabled(process.stdout, process.env, flags.color) }));
  if (reportFailedPoints(result) !== EXIT_OK) {
    process.stderr.write('rcupool: no baseline written: a baseline needs every point to run\n');
    process.exitCode = EXIT_USAGE;
    return;
  }
  writeAtomically(flags.out, serializeSweepBaseline(makeSweepBaseline(result)));
  if (!flags.quiet) process.stderr.write(`rcupool: wrote sweep baseline ${flags.out}: ${result.points.length} points on scenario ${plan.scenario.name}, seeds ${plan.seeds.join(', ')}\n`);
  process.exitCode = EXIT_OK;
}

export interface SweepCheckFlags {
  baseline: string;
  policy?: string[];
  threshold: string[];
  format?: string;
  json?: boolean;
  out?: string;
  all?: boolean;
  update?: boolean;
  jobs?: string;
  color?: boolean;
  quiet?: boolean;
}

/** The check formats a sweep baseline has (no page yet): --format html is refused rather than printed as a table. */
const SWEEP_CHECK_FORMATS: readonly string[] = ['table', 'markdown', 'json'];

export async function checkSweepBaseline(flags: SweepCheckFlags): Promise<void> {
  const format = chooseFormat(flags, SWEEP_CHECK_FORMATS);
  if (!SWEEP_CHECK_FORMATS.includes(format)) throw new UsageError(`--format ${format}: not available for a sweep baseline (${flags.baseline}); choose ${SWEEP_CHECK_FORMATS.join(', ')}`);
  checkOutput(flags.out);
  if (flags.policy !== undefined) throw new UsageError(`--policy: not available for a sweep baseline (${flags.baseline}); its policies are rerun from their recorded locations`);
  let thresholds;
  try {
    thresholds = parseThresholds(flags.threshold);
  } catch (error) {
    if (error instanceof ThresholdError) throw new UsageError(error.message);
    throw error;
  }
  const jobs = flags.jobs === undefined ? availableParallelism() : parseWholeNumber('--jobs', flags.jobs, 1);
  const notes: string[] = [];
  let baseline;
  let plan;
  try {
    baseline = readSweepBaseline(flags.baseline);
    plan = await planFromSweepBaseline(flags.baseline, baseline, notes);
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
  if (baseline.tool.version !== TOOL_VERSION) notes.push(`The baseline was written by rcupool ${baseline.tool.version}; this is ${TOOL_VERSION}.`);
  const progress = progressBar(Boolean(flags.quiet), 'check');
  const current = await runSweep(plan, { jobs, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) }).finally(() => progress.stop());
  const report = compareSweeps(baseline, current, thresholds);
  let updated = false;
  if (flags.update && !report.incomplete) {
    writeAtomically(flags.baseline, serializeSweepBaseline(makeSweepBaseline(current)));
    updated = true;
  }
  const view: CheckView = { report, baselineFile: flags.baseline, baselineTool: baseline.tool.version, tool: TOOL_VERSION, scenario: plan.scenario.name, all: Boolean(flags.all), notes, updated };
  const color = colorEnabled(flags.out ? { isTTY: false } : process.stdout, process.env, flags.color);
  emit(format === 'json' ? renderCheckJson(view) : format === 'markdown' ? renderCheckMarkdown(view) : renderCheckTable(view, { color }), flags.out);
  for (const point of report.policies) {
    if (point.status !== 'compared') process.stderr.write(`rcupool: point ${point.policy} could not be compared: ${point.error ?? point.status}\n`);
  }
  for (const { policy, row } of regressions(report)) {
    process.stderr.write(`rcupool: ${updated ? 'accepted' : 'regression'}: ${policy} ${row.metric} ${changeText(row)}: ${baselineText(row)} → ${currentText(row)}, threshold ${thresholdText(row)}\n`);
  }
  if (report.incomplete) process.exitCode = EXIT_USAGE;
  else process.exitCode = report.regressed && !updated ? EXIT_REGRESSION : EXIT_OK;
}
