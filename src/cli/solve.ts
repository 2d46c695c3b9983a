// `rcupool solve --minimize KNOB --subject-to 'metric<limit'`: the smallest value of a policy
// param (or scenario field) that meets the constraints with 95 % confidence over the seeds.
import { Command } from 'commander';
import { formatNumber } from '../report/format.js';
import { builtinPolicyNames } from '../policy/loader.js';
import { parseConstraints, solveMinimum, SolveError, judgeProbe, type Constraint, type Probe, type SolveOutcome, type SolveSettings } from '../runner/solve.js';
import { GridError } from '../runner/grid.js';
import { resolveAxes, runSweep, type SweepPlan } from '../runner/sweep.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT_OK, UsageError } from './usage-error.js';
import { emit } from './output.js';
import { addRunOptions, parseParamFlags, resolveRun, type RunFlags } from './run-options.js';
import { asUsage, progressBar } from './sweep.js';
import { alignColumns, jsonText } from './text.js';

interface SolveFlags extends RunFlags {
  minimize: string;
  subjectTo: string;
  range?: string;
  step?: string;
  gridProbes: string;
  json?: boolean;
  out?: string;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  rcupool solve --scenario pcp-drained --minimize mempool.reservePages --subject-to 'failures.rate<0.001' --range 0..400
  rcupool solve --minimize mempool.reservePages --subject-to 'failures.rate<0.1%,latencyUs.p99<=1' --seeds 10 --json
  rcupool solve --policy upstream --minimize workload.activeCpus --subject-to 'failures.count>0' --range 1..8 --step 1

A constraint holds with 95 % confidence: for <, the upper end of the metric's 95 % interval over the seeds is
below the limit (for >, the lower end above it). Exit codes: 0 found, 1 no value in the range meets the
constraints, 2 bad input or a failed run.
`;

function parseNumberFlag(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`${flag} ${text}: expected a number`);
  return value;
}

/** Exit code when no value in the range meets the constraints. */
const EXIT_NOTHING_MEETS = 1;

function settingsFor(flags: SolveFlags, integerParam: boolean | undefined, specRange: { min: number; max: number } | undefined): SolveSettings {
  let low: number;
  let high: number;
  if (flags.range !== undefined) {
    const match = /^\s*([^.]+|[-+]?\d*\.\d+)\s*\.\.\s*(.+)$/.exec(flags.range);
    if (!match) throw new UsageError(`--range ${flags.range}: expected low..high, e.g. --range 0..400`);
    low = parseNumberFlag('--range', match[1]!);
    high = parseNumberFlag('--range', match[2]!);
    if (low > high) throw new UsageError(`--range ${flags.range}: the low end is above the high end`);
  } else if (specRange) {
    ({ min: low, max: high } = specRange);
  } else {
    throw new UsageError(`--minimize ${flags.minimize}: give the values to search with --range low..high (the field declares no range)`);
  }
  const integer = integerParam ?? (flags.step !== undefined && Number.isInteger(Number(flags.step)) && Number.isInteger(low) && Number.isInteger(high));
  const step = flags.step !== undefined ? parseNumberFlag('--step', flags.step) : integer ? 1 : (high - low) / 1000;
  if (!(step > 0) && high > low) throw new UsageError(`--step ${flags.step}: must be more than 0`);
  const gridProbes = Number(flags.gridProbes);
  if (!Number.isInteger(gridProbes) || gridProbes < 2 || gridProbes > 100) throw new UsageError(`--grid-probes ${flags.gridProbes}: expected a whole number from 2 to 100`);
  return { low, high, step: integer ? Math.max(1, Math.round(step)) : step, integer, gridProbes };
}

/** A knob value as it was run (not rounded for reading: 0.59375 must not show as 0.594). */
function knobText(value: number): string {
  return String(Number(value.toPrecision(10)));
}

function checkText(check: Probe['checks'][number], constraint: Constraint, seeds: number): string {
  const interval = seeds > 1 ? ` (95 % interval ${formatNumber(check.low)}..${formatNumber(check.high)})` : '';
  return `${constraint.metric} ${formatNumber(check.mean)}${interval}, ${check.holds ? '' : 'not '}${constraint.op} ${formatNumber(constraint.limit)}`;
}

function textReport(flags: SolveFlags, outcome: SolveOutcome, constraints: readonly Constraint[], plan: SweepPlan, unit: string): string {
  const seeds = plan.seeds.length;
  const want = constraints.map((constraint) => constraint.text).join(' and ');
  const confidence = seeds > 1 ? `with 95 % confidence over ${seeds} seeds (${plan.seeds.join(', ')})` : `on 1 seed (${plan.seeds[0]}; no confidence interval: add --seeds 5)`;
  const lines: string[] = [];
  const probeAt = (value: number | null) => outcome.probes.find((probe) => probe.value === value);
  if (outcome.answer === null) {
    lines.push(`No value of ${flags.minimize} from ${knobText(outcome.probes[0]!.value)} to ${knobText(outcome.probes.at(-1)!.value)}${unit} meets ${want} ${confidence} on scenario ${plan.scenario.name}.`);
  } else {
    lines.push(`${flags.minimize} = ${knobText(outcome.answer)}${unit}: the smallest value that meets ${want} ${confidence} on scenario ${plan.scenario.name}.`);
    const at = probeAt(outcome.answer)!;
    const below = probeAt(outcome.failsAt);
    lines.push(
      below
        ? `Bracket: ${knobText(below.value)} fails (${below.checks.map((check, index) => checkText(check, constraints[index]!, seeds)).join('; ')}), ${knobText(at.value)} holds (${at.checks.map((check, index) => checkText(check, constraints[index]!, seeds)).join('; ')}).`
        : `Bracket: ${knobText(at.value)} is the low end of the range and holds (${at.checks.map((check, index) => checkText(check, constraints[index]!, seeds)).join('; ')}).`,
    );
  }
  if (outcome.monotone) {
    lines.push(`Monotone: yes: all ${outcome.probes.length} probes fail below the answer and hold from it up, as bisection assumes.`);
  } else {
    const { holdsAt, failsAt } = outcome.counterexample!;
    lines.push(
      `Monotone: NO: ${knobText(holdsAt)} holds but the larger ${knobText(failsAt)} fails, so bisection's assumption does not hold; the answer is the first crossing found and others may lie between probes (sweep the range to see it).`,
    );
  }
  const header = ['value', 'holds', ...constraints.map((constraint) => `${constraint.metric} (mean${seeds > 1 ? '; 95 % interval' : ''})`)];
  const rows = outcome.probes.map((probe) => [
    knobText(probe.value),
    probe.feasible ? 'yes' : 'no',
    ...probe.checks.map((check) => (seeds > 1 ? `${formatNumber(check.mean)}; ${formatNumber(check.low)}..${formatNumber(check.high)}` : formatNumber(check.mean))),
  ]);
  lines.push('', ...alignColumns([header, ...rows]));
  lines.push('', `${outcome.probes.length} probes × ${seeds} seed${seeds === 1 ? '' : 's'} = ${outcome.probes.length * seeds} runs, rcupool ${TOOL_VERSION}.`);
  return lines.join('\n') + '\n';
}

function jsonReport(flags: SolveFlags, outcome: SolveOutcome, constraints: readonly Constraint[], plan: SweepPlan, settings: SolveSettings): string {
  return jsonText({
    schemaVersion: 1,
    kind: 'solve',
    tool: { name: 'rcupool', version: TOOL_VERSION },
    scenario: plan.scenario,
    seeds: plan.seeds,
    policy: plan.policies[0]!.loaded.policy.name,
    minimize: flags.minimize,
    subjectTo: constraints.map(({ metric, op, limit }) => ({ metric, op, limit })),
    confidence: plan.seeds.length > 1 ? 0.95 : null,
    range: { low: settings.low, high: settings.high, step: settings.step, integer: settings.integer },
    answer: outcome.answer,
    failsAt: outcome.failsAt,
    monotone: outcome.monotone,
    ...(outcome.counterexample ? { counterexample: outcome.counterexample } : {}),
    probes: outcome.probes,
  });
}

export function solveCommand(): Command {
  const command = new Command('solve').summary('find the smallest value of a param that meets a constraint with 95 % confidence (bisection)').addHelpText('before', EXAMPLES);
  command.description(
    'Bisects one numeric policy param or scenario field for the smallest value whose runs meet every --subject-to constraint with 95 % confidence over the seeds. ' +
      'A first pass of probes over the whole range checks that feasibility is monotone, as bisection assumes, and the report says when it is not.',
  );
  addRunOptions(command);
  const seeds = command.options.find((option) => option.long === '--seeds');
  if (seeds) seeds.defaultValue = '5';
  command
    .requiredOption('--minimize <name>', 'the knob: <policy>.<param> or a numeric scenario field')
    .requiredOption('--subject-to <constraints>', "e.g. 'failures.rate<0.001' (several: comma-separated, all must hold; a limit may end in %)")
    .option('--range <low..high>', "values to search (default: the param's declared range)")
    .option('--step <n>', 'resolution of the answer (default 1 for whole-number params, else range/1000)')
    .option('--grid-probes <n>', 'probes spread over the range before bisecting (they check monotonicity)', '9')
    .option('--json', 'the answer, bracket and every probe as JSON')
    .option('-o, --out <file>', 'write the report to a file (atomically) instead of stdout')
    .option('-q, --quiet', 'no progress on stderr');
  command.action(async (flags: SolveFlags) => {
    const constraints = (() => {
      try {
        return parseConstraints(flags.subjectTo);
      } catch (error) {
        if (error instanceof SolveError) throw new UsageError(error.message);
        throw error;
      }
    })();
    const prefix = flags.minimize.slice(0, flags.minimize.lastIndexOf('.'));
    if (flags.policy === undefined && builtinPolicyNames().includes(prefix)) flags.policy = [prefix];
    if (flags.policy === undefined) throw new UsageError(`--minimize ${flags.minimize}: name the one policy to run with --policy`);
    const run = await resolveRun(flags);
    if (run.policies.length !== 1) throw new UsageError(`--policy: solve runs one policy; got ${run.policies.map(({ loaded }) => loaded.policy.name).join(', ')}`);
    const given = parseParamFlags(flags.param);
    const policies = run.policies.map((entry) => ({ ...entry, overridden: Object.keys(given.get(entry.loaded.policy.name) ?? {}) }));
    const policy = policies[0]!.loaded.policy;
    const param = flags.minimize.startsWith(`${policy.name}.`) ? policy.params.find((spec) => spec.name === flags.minimize.slice(policy.name.length + 1)) : undefined;
    if (param && typeof param.default !== 'number') throw new UsageError(`--minimize ${flags.minimize}: not a numeric param (it is a ${typeof param.default})`);
    const specRange = param?.range && !Array.isArray(param.range) ? (param.range as { min: number; max: number }) : undefined;
    const base: SweepPlan = { scenario: run.scenario, seeds: run.seeds, policies, axes: [], checkInvariants: run.checkInvariants };
    const settings = settingsFor(flags, param ? Boolean(param.integer) : undefined, specRange);
    // Resolving the range ends checks the name and both values before any run.
    try {
      resolveAxes([{ name: flags.minimize, spec: flags.range ?? '', texts: [String(settings.low), String(settings.high)] }], run.scenario, policies);
    } catch (error) {
      if (!(error instanceof GridError)) throw error;
      const flag = flags.range === undefined ? `--minimize ${flags.minimize}` : `--minimize ${flags.minimize} --range ${flags.range}`;
      throw new UsageError(`${flag}: ${error.message.replace(/^--vary [^:]*: /, '')}`);
    }
    // Grid probes, then at most log2(grid gap / step) bisection probes: the bar's total.
    const bisectSteps = Math.max(0, Math.ceil(Math.log2((settings.high - settings.low) / (settings.gridProbes - 1) / settings.step)));
    const expectedRuns = (settings.gridProbes + bisectSteps) * run.seeds.length;
    const progress = progressBar(Boolean(flags.quiet), 'solve');
    let done = 0;
    const evaluate = async (values: number[], stage: Probe['stage']): Promise<Probe[]> => {
      const axisSpec = { name: flags.minimize, spec: values.join(','), texts: values.map(String) };
      const plan: SweepPlan = { ...base, axes: asUsage(() => resolveAxes([axisSpec], run.scenario, policies)) };
      const start = done;
      const result = await runSweep(plan, { jobs: run.jobs, onProgress: (finished) => progress.onProgress?.((done = start + finished), Math.max(done, expectedRuns)) });
      return result.points.map((point, at) => judgeProbe(values[at]!, point, constraints, stage));
    };
    let outcome: SolveOutcome;
    try {
      outcome = await solveMinimum(settings, evaluate);
    } catch (error) {
      if (error instanceof SolveError) throw new UsageError(`solve: ${error.message}`);
      throw error;
    } finally {
      progress.stop();
    }
    const unit = param?.unit ? ` ${param.unit}` : '';
    emit(flags.json ? jsonReport(flags, outcome, constraints, base, settings) : textReport(flags, outcome, constraints, base, unit), flags.out);
    process.exitCode = outcome.answer === null ? EXIT_NOTHING_MEETS : EXIT_OK;
  });
  return command;
}
