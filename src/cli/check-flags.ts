// What `rcupool check` does the same way for a compare baseline (check.ts) and a sweep baseline
// (sweep-baseline.ts): read the flags before anything runs, and after the run print the report
// and name on stderr what could not be compared or regressed, whatever the format.
import { availableParallelism } from 'node:os';
import type { RegressionReport, ThresholdSet } from '../contract/check-result.js';
import { baselineText, changeText, currentText, thresholdText } from '../report/check-table.js';
import { clipLine } from '../policy/thrown.js';
import { parseThresholds, regressions, ThresholdError } from '../runner/regression.js';
import { UsageError } from './usage-error.js';
import { chooseFormat } from './format-choice.js';
import { checkOutput, emit } from './output.js';
import { parseWholeNumber } from './run-options.js';

export interface CheckFlags {
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
  runTimeout?: string;
  runHeap?: string;
}

/** Format, thresholds and worker count from the flags; a bad one is a usage error before anything runs. */
export function checkSettings<F extends string>(flags: CheckFlags, formats: readonly F[]): { format: F; thresholds: ThresholdSet; jobs: number } {
  const format = chooseFormat(flags, formats);
  checkOutput(flags.out);
  let thresholds: ThresholdSet;
  try {
    thresholds = parseThresholds(flags.threshold);
  } catch (error) {
    if (error instanceof ThresholdError) throw new UsageError(error.message);
    throw error;
  }
  const jobs = flags.jobs === undefined ? availableParallelism() : parseWholeNumber('--jobs', flags.jobs, 1);
  return { format, thresholds, jobs };
}

/**
 * Writes the report (to --out or stdout), then one stderr line per row that could not be
 * compared and per regression, so a CI log says what failed without the report. `noun` is
 * what a row is: "policy" or "point".
 */
export function emitCheckReport(text: string, flags: CheckFlags, report: RegressionReport, options: { noun: string; updated: boolean }): void {
  emit(text, flags.out);
  for (const entry of report.policies) {
    if (entry.status !== 'compared') process.stderr.write(`${clipLine(`rcupool: ${options.noun} ${entry.policy} could not be compared: ${entry.error ?? entry.status}`)}\n`);
  }
  for (const { policy, row } of regressions(report)) {
    process.stderr.write(`rcupool: ${options.updated ? 'accepted' : 'regression'}: ${policy} ${row.metric} ${changeText(row)}: ${baselineText(row)} → ${currentText(row)}, threshold ${thresholdText(row)}\n`);
  }
}
