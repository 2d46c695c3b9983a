// `rcupool check --baseline FILE`: rerun the baseline's configuration with today's code and
// policy files, judge every metric (src/runner/regression.ts) and report. Exit 1 on a
// regression, 0 otherwise, 2 when the baseline cannot be used or a policy cannot run.
import { Command } from 'commander';
import type { ParamValues, PolicyModule } from '../policy/api.js';
import { loadPolicies, loadPolicy, locatePolicy } from '../policy/loader.js';
import { parseParamValue } from '../policy/params.js';
import { renderCheckJson } from '../report/check-json.js';
import { renderCheckMarkdown } from '../report/check-markdown.js';
import { renderCheckHtml } from '../report/html-check.js';
import { renderCheckTable, type CheckView } from '../report/check-table.js';
import { colorEnabled } from '../report/index.js';
import { BaselineError, makeBaseline, readBaseline, serializeBaseline, type BaselineFile, type LoadedBaseline, type RunPolicy } from '../runner/baseline-file.js';
import { compare } from '../runner/compare.js';
import { DEFAULT_RUN_LIMITS, type RunLimits } from '../runner/limits.js';
import { compareResults } from '../runner/regression.js';
import type { BaselinePolicy } from '../contract/baseline-policy.js';
import { TOOL_VERSION } from '../version.js';
import { EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, isUserError, UsageError } from './errors.js';
import { checkSettings, emitCheckReport, type CheckFlags } from './check-flags.js';
import { formatOption } from './format-choice.js';
import { checkOutput, progressReporter, writeOutput } from './output.js';
import { parseRunLimits } from './run-options.js';
import { checkSweepBaseline } from './sweep-baseline.js';
import { isSweepBaselineFile } from '../runner/sweep-baseline.js';

const CHECK_FORMATS = ['table', 'markdown', 'json', 'html'] as const;

const collect = (value: string, previous: string[] = []) => [...previous, value];

const EXAMPLES = `
Examples:
  rcupool check --baseline rcupool-baseline.json
  rcupool check --baseline rcupool-baseline.json --policy ./my-policy.ts        today's version of that file
  rcupool check --baseline rcupool-baseline.json --threshold failures.count=+20%,latencyUs.max=off
  rcupool check --baseline rcupool-baseline.json --format markdown > check.md   a PR comment
  rcupool check --baseline rcupool-baseline.json --update                       accept a deliberate change

Thresholds: <metric>=<limit>, metric as in the JSON (failures.count, reserve.peakPages, latencyUs.p99, ...),
a group (failures, latencyUs, harm, ...) or *; limit +10% (relative), +5 (absolute, in the metric's
unit), +10%+5 (both) or off. A metric regresses when it is worse by more than both parts and, with
two or more seeds, the paired difference is significant at 95 %. See the README, "Use in CI", for the defaults.

Exit codes: 0 no regression (inconclusive is not one), 1 a regression, 2 unreadable or
incompatible baseline, bad flags, or a policy that cannot run.
`;


/** A policy failure with the baseline's context in front, still a user error (exit 2). */
function inContext(prefix: string, error: unknown): Error {
  if (isUserError(error)) return new UsageError(`${prefix}: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Today's defaults with the baseline's `--param` values on top. Defaults are part of the policy,
 * so a default changed in the file since the baseline is part of what check tests; notes say so.
 */
function paramsFor(file: string, recorded: BaselinePolicy, policy: PolicyModule, notes: string[]): ParamValues {
  const values: ParamValues = {};
  for (const spec of policy.params) values[spec.name] = spec.default;
  for (const [name, value] of Object.entries(recorded.paramOverrides)) {
    if (!policy.params.some((spec) => spec.name === name)) {
      notes.push(`${policy.name}: param ${name} (set to ${String(value)} in the baseline) no longer exists; ignored.`);
      continue;
    }
    try {
      values[name] = parseParamValue(policy, name, String(value));
    } catch (error) {
      throw inContext(`baseline ${file}: policy ${recorded.name}, param ${name}=${String(value)}`, new UsageError((error as Error).message.replace(/^--param [^:]*: /, '')));
    }
  }
  for (const spec of policy.params) {
    if (spec.name in recorded.paramOverrides) continue;
    if (!(spec.name in recorded.params)) notes.push(`${policy.name}: param ${spec.name} is new since the baseline; it runs with its default (${String(spec.default)}).`);
    else if (recorded.params[spec.name] !== spec.default) {
      notes.push(`${policy.name}: param ${spec.name} defaults to ${String(spec.default)} now (the baseline ran with ${String(recorded.params[spec.name])}).`);
    }
  }
  for (const name of Object.keys(recorded.params)) {
    if (!(name in recorded.paramOverrides) && !policy.params.some((spec) => spec.name === name)) notes.push(`${policy.name}: param ${name} no longer exists.`);
  }
  return values;
}

/** The baseline's policies, each from its recorded location or from a matching --policy file. */
async function policiesToRun(file: string, baseline: BaselineFile, specs: string[], notes: string[], limits: RunLimits): Promise<RunPolicy[]> {
  const replacements = specs.length > 0 ? await loadPolicies(specs, process.cwd(), limits) : [];
  const names = baseline.policies.map((entry) => entry.name);
  for (const replacement of replacements) {
    if (!names.includes(replacement.policy.name)) {
      throw new UsageError(
        `--policy ${replacement.location.spec}: it defines policy "${replacement.policy.name}", which is not in baseline ${file} (${names.join(', ')}); ` +
          '--policy replaces a baseline policy of the same name (add a policy by writing a new baseline)',
      );
    }
  }
  const chosen: RunPolicy[] = [];
  for (const recorded of baseline.policies) {
    let loaded = replacements.find((entry) => entry.policy.name === recorded.name);
    if (loaded) {
      notes.push(`${recorded.name}: from ${loaded.location.spec} (--policy) instead of ${recorded.location}.`);
    } else {
      try {
        loaded = await loadPolicy(locatePolicy(recorded.location), limits);
      } catch (error) {
        const hint = recorded.kind === 'file' ? ' (paths are relative to the directory check runs in; --policy FILE says where it is now)' : '';
        throw inContext(`baseline ${file}: policy ${recorded.name} from ${recorded.location}${hint}`, error);
      }
      if (loaded.policy.name !== recorded.name) {
        throw new UsageError(`baseline ${file}: ${recorded.location} now defines policy "${loaded.policy.name}", not "${recorded.name}"; rename it back, or write a new baseline`);
      }
      if (recorded.kind === 'file' && loaded.fileHash !== recorded.sha256) {
        notes.push(`${recorded.name}: ${recorded.location} changed since the baseline (sha256 ${recorded.sha256?.slice(0, 12)}… → ${loaded.fileHash?.slice(0, 12)}…).`);
      }
    }
    chosen.push({ loaded, params: paramsFor(file, recorded, loaded.policy, notes), overridden: Object.keys(recorded.paramOverrides) });
  }
  return chosen;
}

function readOrExplain(file: string): LoadedBaseline {
  try {
    return readBaseline(file);
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(error.message);
    throw error;
  }
}

export function checkCommand(): Command {
  const command = new Command('check').summary('rerun a baseline with today\'s code and fail on a regression (for CI)').addHelpText('after', EXAMPLES);
  command.description(
    'Reruns exactly the configuration recorded by `rcupool baseline` (scenario, seeds, policies and params) with today\'s code and policy files, ' +
      'then compares every metric with the baseline: regressed, improved, unchanged or inconclusive.',
  );
  command
    .requiredOption('-b, --baseline <file>', 'the baseline written by `rcupool baseline`')
    .option('-p, --policy <files>', 'run this file instead of the baseline policy with the same name (repeatable or comma-separated)', collect)
    .option('-t, --threshold <metric=limit>', 'override a threshold, e.g. failures.count=+20% or latencyUs=off (repeatable or comma-separated)', collect, [])
    .addOption(formatOption(CHECK_FORMATS))
    .option('--json', 'same as --format json')
    .option('-o, --out <file>', 'write the report to a file (atomically) instead of stdout; without --format, .json, .md and .html pick the format')
    .option('-a, --all', 'show every metric, not only those beyond their threshold')
    .option('--update', 'rewrite the baseline with today\'s results (after a deliberate change); exits 0 even when metrics regressed')
    .option('-j, --jobs <n>', 'worker threads (default: cores)')
    .option('--run-timeout <time>', `wall-time budget per run, e.g. 30s, or off (default ${DEFAULT_RUN_LIMITS.timeoutMs / 1000}s)`)
    .option('--run-heap <MiB>', `heap limit per run's thread, in MiB (default ${DEFAULT_RUN_LIMITS.heapLimitMb})`)
    .option('--no-color', 'no colour in the table')
    .option('-q, --quiet', 'no progress or notes on stderr');
  command.action(async (flags: CheckFlags) => {
    if (isSweepBaselineFile(flags.baseline)) return checkSweepBaseline(flags);
    const { format, thresholds, jobs } = checkSettings(flags, CHECK_FORMATS);
    const limits = parseRunLimits(flags);
    const { baseline, filledScenarioFields } = readOrExplain(flags.baseline);
    if (flags.update) checkOutput(flags.baseline, '--update');
    const notes: string[] = [];
    if (filledScenarioFields.length > 0) {
      notes.push(`Scenario fields new since the baseline run with the default preset's values: ${filledScenarioFields.join(', ')}.`);
    }
    if (baseline.tool.version !== TOOL_VERSION) {
      notes.push(`The baseline was written by rcupool ${baseline.tool.version}; this is ${TOOL_VERSION} (built-in policies and the model are today's).`);
    }
    const specs = (flags.policy ?? []).flatMap((value) => value.split(',')).map((spec) => spec.trim()).filter(Boolean);
    const policies = await policiesToRun(flags.baseline, baseline, specs, notes, limits);

    const current = await compare({ scenario: baseline.scenario, seeds: baseline.seeds, policies, jobs, limits, onProgress: progressReporter(Boolean(flags.quiet)) });
    const report = compareResults(baseline.result, current, thresholds);

    let updated = false;
    if (flags.update && !report.incomplete) {
      writeOutput(flags.baseline, serializeBaseline(makeBaseline({ scenario: baseline.scenario, seeds: baseline.seeds, policies }, current)), '--update');
      updated = true;
    }
    const view: CheckView = {
      report,
      baselineFile: flags.baseline,
      baselineTool: baseline.tool.version,
      tool: TOOL_VERSION,
      scenario: baseline.scenario.name,
      all: Boolean(flags.all),
      notes,
      updated,
    };
    const color = colorEnabled(flags.out ? { isTTY: false } : process.stdout, process.env, flags.color);
    const text = format === 'html' ? await renderCheckHtml(view, current) : format === 'json' ? renderCheckJson(view) : format === 'markdown' ? renderCheckMarkdown(view) : renderCheckTable(view, { color });
    emitCheckReport(text, flags, report, { noun: 'policy', updated });
    if (report.incomplete) {
      if (flags.update) process.stderr.write(`rcupool: baseline ${flags.baseline} not updated: every policy must run\n`);
      process.exitCode = EXIT_USAGE;
    } else if (report.regressed && !updated) {
      process.exitCode = EXIT_REGRESSION;
    } else {
      if (updated && !flags.quiet) process.stderr.write(`rcupool: baseline ${flags.baseline} updated\n`);
      process.exitCode = EXIT_OK;
    }
  });
  return command;
}
