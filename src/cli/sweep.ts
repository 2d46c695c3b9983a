// `rcupool sweep`: a grid over policy params and scenario fields (--vary), every point on the same
// seeds, one report; `--shard i/n` runs a share of the points for `rcupool merge`.
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import type { MetricPath } from '../contract/metrics.js';
import { colorEnabled } from '../report/index.js';
import { isMetricPath, summaryLine, sweepColumns } from '../report/sweep-columns.js';
import { allSweepCharts, renderSweepHtml, sweepCharts } from '../report/html-sweep.js';
import { renderSweep, SWEEP_FORMATS, type SweepFormat, type SweepRenderOptions } from '../report/sweep-render.js';
import { GridError, parseAxes } from '../runner/grid.js';
import { parseShard } from '../runner/shard.js';
import { countPoints, MAX_SWEEP_RUNS, resolveAxes, runSweep, type SweepPlan } from '../runner/sweep.js';
import type { SweepResult } from '../contract/sweep-types.js';
import { writeVegaSpecs } from './compare.js';
import { EXIT_OK, EXIT_USAGE, UsageError } from './usage-error.js';
import { chooseFormat, formatOption } from './format-choice.js';
import { emit } from './output.js';
import { addRunOptions, parseParamFlags, resolveRun, type RunFlags } from './run-options.js';

export interface SweepOutputFlags {
  format?: string;
  json?: boolean;
  out?: string;
  color?: boolean;
  quiet?: boolean;
  metrics?: string;
  front?: string;
  vegaSpecs?: string;
}

interface SweepFlags extends RunFlags, SweepOutputFlags {
  vary: string[];
  shard?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const EXAMPLES = `
Examples:
  rcupool sweep --policy mempool --scenario pcp-drained --vary mempool.reservePages=0..400:25
  rcupool sweep --scenario embedded --vary workload.headlessShare=0,0.1,0.5 --vary machine.preset=embedded,phone
  rcupool sweep --policy mempool --vary mempool.reservePages=1..1024:x2 --seeds 5 --format csv > sweep.csv
  rcupool sweep --vary mempool.reservePages=0..200:25 --front reserve.avgPages,failures.rate
  rcupool sweep --policy upstream,mempool --vary mempool.reservePages=1..256:x4 --format html --out sweep.html
  rcupool sweep ... --json --shard 0/4 > shard-0.json    then: rcupool merge shard-*.json

Values: a list (a,b,c), a range a..b:step (both ends included), or a log range a..b:xK.
A name <policy>.<param> varies that policy only; any other name is a scenario field as --set takes it.
`;

export function addSweepOutputOptions(command: Command): Command {
  return command
    .addOption(formatOption(SWEEP_FORMATS))
    .option('--json', 'same as --format json')
    .option('-o, --out <file>', 'write the report to a file (atomically) instead of stdout')
    .option('--metrics <names>', 'metric columns for table and markdown, and the HTML curves; comma-separated JSON names (default: compare\'s columns; HTML: every metric group)')
    .option('--front <x,y>', 'show the trade-off front of two metrics (table, scatter plot), e.g. reserve.avgPages,failures.rate')
    .option('--vega-specs <dir>', 'also write the Vega-Lite spec of every chart of the HTML page to this folder (one .vl.json each)')
    .option('--no-color', 'no colour in the table')
    .option('-q, --quiet', 'no progress or notes on stderr');
}

function metricList(flag: string, text: string): MetricPath[] {
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of names) {
    if (!isMetricPath(name)) throw new UsageError(`${flag} ${text}: unknown metric "${name}" (metrics are the JSON names, e.g. failures.rate, reserve.avgPages, latencyUs.p99)`);
  }
  if (names.length === 0) throw new UsageError(`${flag}: give at least one metric name`);
  return names as MetricPath[];
}

/** Format and render options from the output flags; bad values are usage errors. */
export function sweepRenderChoice(flags: SweepOutputFlags): { format: SweepFormat; options: SweepRenderOptions } {
  const format: SweepFormat = chooseFormat(flags, SWEEP_FORMATS);
  const color = colorEnabled(flags.out ? { isTTY: false } : process.stdout, process.env, flags.color);
  const options: SweepRenderOptions = { color };
  if (flags.metrics !== undefined) options.metrics = metricList('--metrics', flags.metrics);
  if (flags.front !== undefined) {
    const pair = metricList('--front', flags.front);
    if (pair.length !== 2 || pair[0] === pair[1]) throw new UsageError(`--front ${flags.front}: expected two different metrics x,y, e.g. --front reserve.avgPages,failures.rate`);
    if (format === 'csv') throw new UsageError('--front: the front is shown in table, markdown, json and html; CSV has every point (drop --front or choose another --format)');
    options.front = [pair[0]!, pair[1]!];
  }
  return { format, options };
}

/**
 * The report in any format. The HTML page's charts are built once, for the page and for
 * --vega-specs (which works with every format, as compare's does).
 */
export async function sweepReportText(format: SweepFormat, result: SweepResult, options: SweepRenderOptions, vegaSpecs?: string): Promise<string> {
  if (format !== 'html' && vegaSpecs === undefined) return renderSweep(format, result, options);
  const charts = sweepCharts(result, options);
  if (vegaSpecs !== undefined) writeVegaSpecs(vegaSpecs, allSweepCharts(charts));
  return format === 'html' ? renderSweepHtml(result, options, charts) : renderSweep(format, result, options);
}

/** A progress bar with runs done/total and ETA on stderr, only when a person watches both streams. */
export function progressBar(quiet: boolean, what: string): { onProgress?: (done: number, total: number) => void; stop: () => void } {
  if (quiet || !process.stderr.isTTY || !process.stdout.isTTY) return { stop: () => undefined };
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress: (done, total) => {
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          { format: `${what} [{bar}] {value}/{total} runs | ETA {eta_formatted}`, stream: process.stderr, clearOnComplete: true, hideCursor: true, etaBuffer: 50 },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}

/** Turns a runner GridError into the CLI's usage error (exit 2). */
export function asUsage<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof GridError) throw new UsageError(error.message);
    throw error;
  }
}

/** The sweep plan from the command line: the run flags of compare plus the --vary axes. */
export async function resolveSweepPlan(flags: RunFlags & { vary: string[] }): Promise<{ plan: SweepPlan; jobs: number }> {
  if (flags.vary.length === 0) throw new UsageError('--vary: give at least one axis, e.g. --vary mempool.reservePages=0..400:25');
  const specs = asUsage(() => parseAxes(flags.vary));
  const run = await resolveRun(flags);
  const given = parseParamFlags(flags.param);
  const policies = run.policies.map((entry) => ({ ...entry, overridden: Object.keys(given.get(entry.loaded.policy.name) ?? {}) }));
  const axes = asUsage(() => resolveAxes(specs, run.scenario, policies));
  const plan: SweepPlan = { scenario: run.scenario, seeds: run.seeds, policies, axes, checkInvariants: run.checkInvariants };
  const runs = countPoints(plan) * plan.seeds.length;
  if (runs > MAX_SWEEP_RUNS) throw new UsageError(`--vary: ${runs.toLocaleString('en-US')} runs; at most ${MAX_SWEEP_RUNS.toLocaleString('en-US')} (fewer values, fewer seeds, or split it with --shard)`);
  return { plan, jobs: run.jobs };
}

/** Writes failed points to stderr; exit 2 when any failed, like compare. */
export function reportFailedPoints(result: SweepResult): number {
  const failed = result.points.filter((point) => point.error !== undefined);
  for (const point of failed.slice(0, 5)) process.stderr.write(`rcupool: point ${point.index} (${point.policy}) failed: ${point.error}\n`);
  if (failed.length > 5) process.stderr.write(`rcupool: … and ${failed.length - 5} more points failed\n`);
  return failed.length > 0 ? EXIT_USAGE : EXIT_OK;
}

export function sweepCommand(): Command {
  const command = new Command('sweep').summary('run a grid of policy params and scenario fields (--vary) and report every point').addHelpText('before', EXAMPLES);
  command.description(
    'Runs every combination of the --vary values for the chosen policies on the same seeds (common random numbers) and reports one row per point: ' +
      'the varied values, the policy, then the compare metrics.',
  );
  addRunOptions(command);
  command.addOption(new Option('--vary <name=values>', 'an axis: <policy>.<param> or a scenario field, = a list, a..b:step or a..b:xK (repeatable)').argParser(collect).default([], 'none'));
  command.option('--shard <i/n>', 'run only shard i of n (0 ≤ i < n), balanced by expected cost; combine the --json outputs with `rcupool merge`');
  addSweepOutputOptions(command);
  command.action(async (flags: SweepFlags) => {
    const { format, options } = sweepRenderChoice(flags);
    let shard: { index: number; count: number } | undefined;
    if (flags.shard !== undefined) {
      const parsed = parseShard(flags.shard);
      if (typeof parsed === 'string') throw new UsageError(parsed);
      if (format !== 'json') throw new UsageError(`--shard ${flags.shard}: write shards with --json (merge reads JSON; it prints any format afterwards)`);
      if (options.front) throw new UsageError(`--front: a shard holds only some of the points; give --front to \`rcupool merge\` instead`);
      if (flags.vegaSpecs !== undefined) throw new UsageError(`--vega-specs: a shard holds only some of the points; give --vega-specs to \`rcupool merge\` instead`);
      shard = parsed;
    }
    const { plan, jobs } = await resolveSweepPlan(flags);
    // A folder that cannot be made fails now, not after the sweep has run.
    if (flags.vegaSpecs !== undefined) writeVegaSpecs(flags.vegaSpecs, []);
    const progress = progressBar(Boolean(flags.quiet), 'sweep');
    let result: SweepResult;
    try {
      result = await runSweep(plan, { jobs, ...(shard ? { shard } : {}), ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) });
    } finally {
      progress.stop();
    }
    emit(await sweepReportText(format, result, options, flags.vegaSpecs), flags.out);
    // Table and markdown end with the summary; a person watching JSON, CSV or HTML go by gets it on stderr.
    if ((format === 'json' || format === 'csv' || format === 'html' || flags.out) && !flags.quiet && process.stderr.isTTY) {
      process.stderr.write(`rcupool: ${summaryLine(result, sweepColumns(result, options.metrics))}\n`);
    }
    process.exitCode = reportFailedPoints(result);
  });
  return command;
}
