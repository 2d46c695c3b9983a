// `rcupool compare`: every chosen policy on one scenario and the same seeds; one report.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { isMetricPath, METRIC_PATHS, type MetricPath } from '../contract/metrics.js';
import { watermarks } from '../scenario/machines.js';
import type { NamedChart } from '../report/charts/generic.js';
import { specFileText } from '../report/charts/render.js';
import { colorEnabled } from '../report/color.js';
import type { ColumnSelection } from '../report/columns.js';
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js';
import type { CompareCharts } from '../report/index.js';
import { compare } from '../runner/compare.js';
import { startSpareThread, type SpareThread } from '../runner/worker-pool.js';
import type { CompareResult } from '../contract/result-types.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
import { chooseFormat, formatOption } from './format-choice.js';
import { emit, progressReporter, writeAtomically } from './output.js';
import { addRunOptions, parseRunLimits, parseWholeNumber, resolveRun, type RunFlags } from './run-options.js';

export interface OutputFlags {
  format?: string;
  columns?: string;
  json?: boolean;
  out?: string;
  reference?: string;
  color?: boolean;
  quiet?: boolean;
  timelinePoints?: string;
  vegaSpecs?: string;
}


export function addOutputOptions(command: Command): Command {
  return command
    .addOption(formatOption(REPORT_FORMATS))
    .option('--json', 'same as --format json')
    .option('-o, --out <file>', 'write the report to a file (atomically) instead of stdout; without --format, .json, .md, .csv and .html pick the format')
    .option('--columns <list>', 'table and markdown columns: default, all, or metric names (e.g. failures.count,latencyUs.p50)')
    .option('--vega-specs <dir>', 'also write the Vega-Lite spec of every chart of the HTML report to this folder (one .vl.json each)')
    .option('--no-color', 'no colour in the table')
    .option('-q, --quiet', 'no progress or notes on stderr');
}

export function chosenFormat(flags: OutputFlags): ReportFormat {
  return chooseFormat(flags, REPORT_FORMATS);
}

/** Timeline samples per run for the HTML page's timelines (the terminal `run --timeline` default). */
export const HTML_TIMELINE_POINTS = 100;

/** Whether this run's report needs the charts (the page, or their specs). */
export function wantsCharts(format: ReportFormat, flags: OutputFlags): boolean {
  return format === 'html' || flags.vegaSpecs !== undefined;
}

/** Writes each chart's spec as DIR/<id>.vl.json (the folder is made when missing). */
export function writeVegaSpecs(dir: string, charts: readonly NamedChart[]): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--vega-specs ${dir}: cannot make the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a writable path`);
  }
  for (const chart of charts) writeAtomically(join(dir, `${chart.id}.vl.json`), specFileText(chart.spec));
}

/**
 * The exporters and the table width, loaded only once a report is wanted: their modules and
 * packages are most of what a command would otherwise load before its first run starts.
 */
export function loadReportCode() {
  return Promise.all([import('../report/index.js'), import('./table-width.js')]).then(([report, width]) => ({ ...report, ...width }));
}

/** Builds the page's charts and writes their specs to `dir`; returns them for the page. */
export async function writeChartSpecs(dir: string, result: CompareResult): Promise<CompareCharts> {
  const { compareCharts } = await import('../report/index.js');
  const charts = compareCharts(result, watermarks(result.scenario.machine));
  writeVegaSpecs(dir, [...charts.metricGroups, ...charts.timelines]);
  return charts;
}

/** The report text in any format; the charts are built once, for the page and for --vega-specs. */
export async function reportText(
  format: ReportFormat,
  result: CompareResult,
  flags: OutputFlags,
  options: { color: boolean; reference?: string; columns?: ColumnSelection; width?: number; command: string },
): Promise<string> {
  const charts = flags.vegaSpecs !== undefined ? await writeChartSpecs(flags.vegaSpecs, result) : undefined;
  const { renderReport } = await import('../report/index.js');
  return renderReport(format, result, { ...options, watermarks: watermarks(result.scenario.machine), charts });
}

/** `--columns default|all|a,b,c`: metric names as in the JSON, checked against the registry. */
export function chosenColumns(flags: OutputFlags): ColumnSelection {
  const text = (flags.columns ?? 'default').trim();
  if (text === 'default' || text === 'all') return text;
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError('--columns: give default, all, or metric names separated by commas');
  for (const name of names) {
    if (!isMetricPath(name)) throw new UsageError(`--columns ${name}: not a metric${didYouMean(name, METRIC_PATHS)} (names as in --json, e.g. failures.count)`);
  }
  return names as MetricPath[];
}

const EXAMPLES = `
Examples:
  rcupool compare                                   every built-in policy on the default scenario
  rcupool compare --scenario flood --seeds 5        five seeds, mean ± 95 % CI
  rcupool compare --policy upstream,mempool --param mempool.reservePages=64
  rcupool compare --policy ./my-policy.ts --reference upstream
  rcupool compare --json | node -e "..."            the JSON contract, for scripts
  rcupool compare --format markdown --out report.md
  rcupool compare --out report.html                 one self-contained page: table, charts, timelines
`;

/** `early`: the first runs' thread, if main() started it already (else the action starts one). */
export function compareCommand(early?: SpareThread): Command {
  const command = new Command('compare').summary('run policies side by side on one scenario and print a table').addHelpText('before', EXAMPLES);
  command.description('Runs each policy on the same simulated machine and workload (same seeds) and reports reserve, failures, latency and harm.');
  addRunOptions(command);
  addOutputOptions(command);
  command.option('--reference <policy>', 'add columns relative to this policy ("2.3× fewer failures than upstream")');
  command.action(async (flags: RunFlags & OutputFlags) => {
    const format = chosenFormat(flags);
    chosenColumns(flags); // a bad --columns is a usage error before anything runs
    // The first run's thread starts now (if main() has not), while this thread reads the scenario and the policies.
    const spare = early ?? spareThreadFor(flags);
    try {
      const run = await resolveRun(flags);
      if (flags.reference && !run.policies.some(({ loaded }) => loaded.policy.name === flags.reference)) {
        throw new UsageError(`--reference ${flags.reference}: not one of the policies in this run (${run.policies.map(({ loaded }) => loaded.policy.name).join(', ')})`);
      }
      // The page draws timelines; other formats sample none unless asked (they cost a few events).
      const defaultPoints = wantsCharts(format, flags) ? HTML_TIMELINE_POINTS : 0;
      const timelinePoints = flags.timelinePoints ? parseWholeNumber('--timeline-points', flags.timelinePoints, 0) : defaultPoints;
      // Loaded while the runs go: this thread only waits for them.
      const reportCode = loadReportCode();
      reportCode.catch(() => undefined);
      const result = await compare({ ...run, timelinePoints, onProgress: progressReporter(Boolean(flags.quiet)), spare });
      const color = colorEnabled(flags.out ? { isTTY: false } : process.stdout, process.env, flags.color);
      const columns = chosenColumns(flags);
      const width = (await reportCode).tableWidth(Boolean(flags.out));
      emit(await reportText(format, result, flags, { color, reference: flags.reference, columns, width, command: 'compare' }), flags.out);
      reportFailures(result);
    } finally {
      spare?.close();
    }
  });
  return command;
}

/** A thread for the first runs, unless --run-heap or --run-timeout is wrong: resolveRun reports that in its turn, after the flags it checks first. */
function spareThreadFor(flags: RunFlags): SpareThread | undefined {
  try {
    return startSpareThread(parseRunLimits(flags));
  } catch {
    return undefined;
  }
}

/** A failed policy is named on stderr and makes the exit code 2; the others' rows are still reported. */
function reportFailures(result: CompareResult): void {
  const failed = result.results.filter((entry) => entry.error);
  for (const entry of failed) process.stderr.write(`rcupool: policy ${entry.policy} failed: ${entry.error}\n`);
  process.exitCode = failed.length > 0 ? EXIT_USAGE : EXIT_OK;
}
