// `rcupool baseline --vary ...` records a sweep; `rcupool check` on such a file reruns it and
// judges every point × metric the way it judges a compare baseline. baseline.ts and check.ts
// hand over here with one line each; the judging is regression.ts's, unchanged.
import { renderCheckJson } from '../report/check-json.js';
import { renderCheckMarkdown } from '../report/check-markdown.js';
import { renderCheckTable, type CheckView } from '../report/check-table.js';
import { colorEnabled } from '../report/index.js';
import { renderSweep } from '../report/sweep-render.js';
import { BaselineError } from '../runner/baseline-file.js';
import { compareSweeps, makeSweepBaseline, planFromSweepBaseline, readSweepBaseline, serializeSweepBaseline } from '../runner/sweep-baseline.js';
import { runSweep } from '../runner/sweep.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, UsageError } from './usage-error.js';
import { checkSettings, emitCheckReport, type CheckFlags } from './check-flags.js';
import { writeAtomically } from './output.js';
import type { RunFlags } from './run-options.js';
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

/** The check formats a sweep baseline has (no page yet): --format html is refused rather than printed as a table. */
const SWEEP_CHECK_FORMATS: readonly string[] = ['table', 'markdown', 'json'];

export async function checkSweepBaseline(flags: CheckFlags): Promise<void> {
  const { format, thresholds, jobs } = checkSettings(flags, SWEEP_CHECK_FORMATS);
  if (!SWEEP_CHECK_FORMATS.includes(format)) throw new UsageError(`--format ${format}: not available for a sweep baseline (${flags.baseline}); choose ${SWEEP_CHECK_FORMATS.join(', ')}`);
  if (flags.policy !== undefined) throw new UsageError(`--policy: not available for a sweep baseline (${flags.baseline}); its policies are rerun from their recorded locations`);
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
  const text = format === 'json' ? renderCheckJson(view) : format === 'markdown' ? renderCheckMarkdown(view) : renderCheckTable(view, { color });
  emitCheckReport(text, flags, report, { noun: 'point', updated });
  if (report.incomplete) process.exitCode = EXIT_USAGE;
  else process.exitCode = report.regressed && !updated ? EXIT_REGRESSION : EXIT_OK;
}
