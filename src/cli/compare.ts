// `rcupool compare`: every chosen policy on one scenario and the same seeds; one report.
import { Command, InvalidArgumentError, Option } from 'commander';
import { colorEnabled, render, REPORT_FORMATS, type ReportFormat } from '../report/index.js';
import { compare } from '../runner/compare.js';
import { isMetricPath, METRIC_PATHS, type MetricPath } from '../contract/metrics.js';
import type { ColumnSelection } from '../report/columns.js';
import { DEFAULT_TABLE_WIDTH } from '../report/table.js';
import { didYouMean } from '../scenario/did-you-mean.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { emit, progressReporter } from './output.js';
import { addRunOptions, parseWholeNumber, resolveRun, type RunFlags } from './run-options.js';

export interface OutputFlags {
  format?: string;
  columns?: string;
  json?: boolean;
  out?: string;
  reference?: string;
  color?: boolean;
  quiet?: boolean;
  timelinePoints?: string;
}

/** --format once, from the known formats: a second --format would otherwise win silently. */
function formatOption(): Option {
  const option = new Option('-f, --format <format>', 'output format').argParser((value: string, previous?: string) => {
    if (previous !== undefined) throw new UsageError(`--format given twice (${previous}, then ${value}); give it once`);
    if (!(REPORT_FORMATS as readonly string[]).includes(value)) throw new InvalidArgumentError(`Allowed choices are ${REPORT_FORMATS.join(', ')}.`);
    return value;
  });
  option.argChoices = [...REPORT_FORMATS];
  return option;
}

export function addOutputOptions(command: Command): Command {
  return command
    .addOption(formatOption())
    .option('--json', 'same as --format json')
    .option('-o, --out <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--columns <list>', 'table and markdown columns: default, all, or metric names (e.g. failures.count,latencyUs.p50)')
    .option('--no-color', 'no colour in the table')
    .option('-q, --quiet', 'no progress or notes on stderr');
}

export function chosenFormat(flags: OutputFlags): ReportFormat {
  if (flags.json && flags.format && flags.format !== 'json') throw new UsageError(`--json and --format ${flags.format} disagree; use one of them`);
  return flags.json ? 'json' : ((flags.format as ReportFormat | undefined) ?? 'table');
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

/** Room for the table: the terminal's width, else $COLUMNS, else 120. */
export function outputWidth(toFile: boolean): number {
  if (!toFile && process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const fromEnv = Number(process.env.COLUMNS);
  return Number.isInteger(fromEnv) && fromEnv >= 40 ? fromEnv : DEFAULT_TABLE_WIDTH;
}

const EXAMPLES = `
Examples:
  rcupool compare                                   every built-in policy on the default scenario
  rcupool compare --scenario flood --seeds 5        five seeds, mean ± 95 % CI
  rcupool compare --policy upstream,mempool --param mempool.reservePages=64
  rcupool compare --policy ./my-policy.ts --reference upstream
  rcupool compare --json | node -e "..."            the JSON contract, for scripts
  rcupool compare --format markdown --out report.md
`;

export function compareCommand(): Command {
  const command = new Command('compare').summary('run policies side by side on one scenario and print a table').addHelpText('before', EXAMPLES);
  command.description('Runs each policy on the same simulated machine and workload (same seeds) and reports reserve, failures, latency and harm.');
  addRunOptions(command);
  addOutputOptions(command);
  command.option('--reference <policy>', 'add columns relative to this policy ("2.3× fewer failures than upstream")');
  command.action(async (flags: RunFlags & OutputFlags) => {
    const format = chosenFormat(flags);
    chosenColumns(flags); // a bad --columns is a usage error before anything runs
    const run = await resolveRun(flags);
    if (flags.reference && !run.policies.some(({ loaded }) => loaded.policy.name === flags.reference)) {
      throw new UsageError(`--reference ${flags.reference}: not one of the policies in this run (${run.policies.map(({ loaded }) => loaded.policy.name).join(', ')})`);
    }
    const timelinePoints = flags.timelinePoints ? parseWholeNumber('--timeline-points', flags.timelinePoints, 0) : 0;
    const result = await compare({ ...run, timelinePoints, onProgress: progressReporter(Boolean(flags.quiet)) });
    const color = colorEnabled(flags.out ? { isTTY: false } : process.stdout, process.env, flags.color);
    const columns = chosenColumns(flags);
    emit(render(format, result, { color, reference: flags.reference, columns, width: outputWidth(Boolean(flags.out)) }), flags.out);
    const failed = result.results.filter((entry) => entry.error);
    for (const entry of failed) process.stderr.write(`rcupool: policy ${entry.policy} failed: ${entry.error}\n`);
    process.exitCode = failed.length > 0 ? EXIT_USAGE : EXIT_OK;
  });
  return command;
}
