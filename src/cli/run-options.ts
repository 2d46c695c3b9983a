// The flags shared by compare, run, baseline and check: which scenario, policies, seeds and
// params — parsed and validated into a CompareRequest before anything runs.
import { availableParallelism } from 'node:os';
import { Option, type Command } from 'commander';
import type { ParamValues } from '../policy/api.js';
import { loadPolicies, type LoadedPolicy } from '../policy/loader.js';
import { DEFAULT_RUN_LIMITS, type RunLimits } from '../runner/limits.js';
import { parseDurationMs } from '../scenario/units.js';
import type { Scenario } from '../scenario/types.js';
import { UsageError } from './usage-error.js';
import { checkOutput } from './output.js';
import { policySpecs } from './policy-specs.js';
import { resolveParams } from '../policy/params.js';

export interface RunFlags {
  policy?: string[];
  scenario: string;
  seed: string;
  seeds: string;
  duration?: string;
  param: string[];
  set: string[];
  jobs?: string;
  checkInvariants?: boolean;
  runTimeout?: string;
  runHeap?: string;
  /** Where the report goes (compare, run, baseline): checked before anything runs. */
  out?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addRunOptions(command: Command): Command {
  return command
    .option('-p, --policy <names-or-files>', 'policy name or file (repeatable or comma-separated; default: every built-in)', collect)
    .option('-s, --scenario <name-or-file>', 'scenario preset or .yaml/.json file', 'default')
    .option('--seed <n>', 'first seed', '1')
    .option('--seeds <n>', 'number of seeds, starting at --seed', '1')
    .option('--duration <time>', 'arrival window, e.g. 30s or 500ms (overrides the scenario)')
    .addOption(new Option('--param <policy.name=value>', 'set a policy param (repeatable)').argParser(collect).default([], 'none'))
    .addOption(new Option('--set <path=value>', 'override a scenario field, e.g. workload.headlessShare=0.5 (repeatable)').argParser(collect).default([], 'none'))
    .option('-j, --jobs <n>', 'worker threads (default: cores)')
    .option('--check-invariants', 'check page conservation, page counts and every tracked page, each as often as 16 visits per event pay for, and all at the end')
    .option('--run-timeout <time>', `wall-time budget per run (and per policy file load), e.g. 30s, or off (default ${DEFAULT_RUN_LIMITS.timeoutMs / 1000}s)`)
    .option('--run-heap <MiB>', `heap limit per run's thread, in MiB (default ${DEFAULT_RUN_LIMITS.heapLimitMb})`)
    .addOption(new Option('--timeline-points <n>').hideHelp());
}

export function parseWholeNumber(flag: string, text: string, minimum: number): number {
  const value = Number(text);
  if (!/^\s*-?\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value < minimum) {
    throw new UsageError(`${flag} ${text}: expected a whole number ≥ ${minimum}`);
  }
  return value;
}

/** `--param a.b=c` grouped by policy name. */
export function parseParamFlags(values: string[]): Map<string, Record<string, string>> {
  const byPolicy = new Map<string, Record<string, string>>();
  for (const text of values) {
    const match = /^([^=]+)\.([A-Za-z0-9_]+)=(.*)$/.exec(text);
    if (!match) throw new UsageError(`--param ${text}: expected <policy>.<name>=<value>, e.g. --param mempool.reservePages=64`);
    const [, policy, name, value] = match;
    const params = byPolicy.get(policy) ?? {};
    params[name] = value;
    byPolicy.set(policy, params);
  }
  return byPolicy;
}

export interface ResolvedRun {
  scenario: Scenario;
  policies: Array<{ loaded: LoadedPolicy; params: ParamValues }>;
  seeds: number[];
  jobs: number;
  checkInvariants: boolean;
  limits: RunLimits;
}

/** `--run-timeout` and `--run-heap`: the budgets of every run (see docs/hardening.md). */
export function parseRunLimits(flags: { runTimeout?: string; runHeap?: string }): RunLimits {
  const limits: RunLimits = { ...DEFAULT_RUN_LIMITS };
  if (flags.runTimeout !== undefined) {
    const text = flags.runTimeout.trim();
    if (/^off$/i.test(text)) limits.timeoutMs = Infinity;
    else {
      let ms = Number.NaN;
      try {
        ms = /^[\d.]+$/.test(text) ? Number.NaN : parseDurationMs(text);
      } catch {
        // reported below
      }
      if (!(ms > 0) || !Number.isFinite(ms)) throw new UsageError(`--run-timeout ${flags.runTimeout}: expected a duration with a unit, e.g. 60s or 500ms, or off`);
      limits.timeoutMs = ms;
    }
  }
  if (flags.runHeap !== undefined) limits.heapLimitMb = parseWholeNumber('--run-heap', flags.runHeap, 16);
  return limits;
}

/**
 * A preset as it is needs neither checks nor reordering (presets are built valid and in schema
 * order: test/scenario-presets.test.ts pins both), so it skips YAML and TypeBox, a few hundred
 * modules that would delay the first run; anything else goes through the checks.
 */
async function scenarioFor(nameOrPath: string, overrides: readonly string[], durationMs: number | undefined): Promise<Scenario> {
  if (overrides.length === 0 && durationMs === undefined) {
    const { isPresetName, presetScenario } = await import('../scenario/presets.js');
    if (isPresetName(nameOrPath)) return presetScenario(nameOrPath);
  }
  const { resolveScenario } = await import('../scenario/load.js');
  return resolveScenario(nameOrPath, overrides, durationMs);
}

export async function resolveRun(flags: RunFlags): Promise<ResolvedRun> {
  const firstSeed = parseWholeNumber('--seed', flags.seed, 0);
  const seedCount = parseWholeNumber('--seeds', flags.seeds, 1);
  if (seedCount > 1000) throw new UsageError(`--seeds ${flags.seeds}: at most 1000 (30 already give tight intervals)`);
  const jobs = flags.jobs === undefined ? availableParallelism() : parseWholeNumber('--jobs', flags.jobs, 1);
  let durationMs: number | undefined;
  if (flags.duration !== undefined) {
    // A bare number would be read as ms; on the command line people mean seconds as often as not.
    if (/^\s*[\d.]+\s*$/.test(flags.duration)) {
      throw new UsageError(`--duration ${flags.duration}: give a unit, e.g. ${flags.duration}s or ${flags.duration}ms`);
    }
    try {
      durationMs = parseDurationMs(flags.duration);
    } catch {
      throw new UsageError(`--duration ${flags.duration}: expected a duration such as 30s, 500ms or 2m`);
    }
    if (!(durationMs > 0)) throw new UsageError(`--duration ${flags.duration}: must be longer than 0`);
    // A day of simulated calls is already billions of events; beyond that runs only exhaust memory.
    if (durationMs > 86_400_000) throw new UsageError(`--duration ${flags.duration}: at most 24h`);
  }
  const limits = parseRunLimits(flags);
  checkOutput(flags.out);
  const scenario = await scenarioFor(flags.scenario, flags.set, durationMs);
  const loaded = await loadPolicies(policySpecs(flags), process.cwd(), limits);
  const paramFlags = parseParamFlags(flags.param);
  for (const name of paramFlags.keys()) {
    if (!loaded.some(({ policy }) => policy.name === name)) {
      throw new UsageError(`--param ${name}.…: no policy named "${name}" in this run (running: ${loaded.map(({ policy }) => policy.name).join(', ')})`);
    }
  }
  const policies = loaded.map((entry) => ({ loaded: entry, params: resolveParams(entry.policy, paramFlags.get(entry.policy.name) ?? {}) }));
  const seeds = Array.from({ length: seedCount }, (_, index) => firstSeed + index);
  return { scenario, policies, seeds, jobs, checkInvariants: Boolean(flags.checkInvariants), limits };
}
