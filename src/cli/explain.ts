// `rcupool explain <policy>` and `rcupool explain scenario <name-or-file>`: what a policy does
// and which knobs it has; what a scenario simulates and why. `--yaml` prints a scenario fully
// resolved, as a file that loads back to the identical scenario; `--json` is for scripts.
import { Command } from 'commander';
import { watermarks, type Watermarks } from '../scenario/machines.js';
import type { ParamSpec } from '../policy/api.js';
import { loadPolicy, locatePolicy, type LoadedPolicy } from '../policy/loader.js';
import { formatNumber } from '../report/format.js';
import { isScenarioPath, resolveScenario, scenarioToYaml } from '../scenario/load.js';
import { SCENARIO_SCHEMA_MODELINE } from '../scenario/json-schema.js';
import { isPresetName } from '../scenario/presets.js';
import type { LatencySpec, RatePhase, Scenario, TimedEvent } from '../scenario/types.js';
import { formatDurationMs, formatPages, parseDurationMs } from '../scenario/units.js';
import { UsageError } from './usage-error.js';
import { alignColumns, jsonText, outputWidth, wrap } from './text.js';

const EXAMPLES = `
Examples:
  rcupool explain upstream                         what the policy does, its params and defaults
  rcupool explain ./my-policy.ts                   the same for your file (validated)
  rcupool explain scenario default                 machine, watermarks, workload, timing, events
  rcupool explain scenario flood --yaml > my.yaml  the fully resolved scenario as a file ...
  rcupool compare --scenario my.yaml               ... that runs exactly like --scenario flood
  rcupool explain scenario default --set workload.activeCpus=4 --duration 2s --yaml
`;

// ---- policies ----

export interface ParamDescription {
  name: string;
  default: number | string | boolean;
  unit: string;
  range: ParamSpec['range'] | null;
  integer: boolean;
  description: string;
}

function rangeText(param: ParamSpec): string {
  if (typeof param.default === 'boolean') return 'true/false';
  const range = param.range;
  if (range === undefined) return param.integer ? 'any whole number' : 'any';
  if (Array.isArray(range)) return range.join(' | ');
  const bounds = range as { min: number; max: number };
  return `${formatNumber(bounds.min)} … ${formatNumber(bounds.max)}${param.integer ? ', whole' : ''}`;
}

function defaultText(value: number | string | boolean): string {
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

export function describePolicyModule({ policy, location }: LoadedPolicy) {
  return {
    name: policy.name,
    summary: policy.summary,
    source: policy.source,
    origin: location.kind === 'builtin' ? 'builtin' : location.spec,
    params: policy.params.map(
      (param): ParamDescription => ({
        name: param.name,
        default: param.default,
        unit: param.unit,
        range: param.range ?? null,
        integer: param.integer ?? false,
        description: param.description,
      }),
    ),
  };
}

export function policyText(loaded: LoadedPolicy, width: number): string {
  const { policy, location } = loaded;
  const lines = [`${policy.name} (${location.kind === 'builtin' ? 'built-in' : location.spec})`, ''];
  lines.push(...wrap(policy.summary, width, '  '), '');
  lines.push(...wrap(`Models: ${policy.source}`, width, '  '), '');
  if (policy.params.length === 0) {
    lines.push('No params.');
  } else {
    lines.push(`Params (set with --param ${policy.name}.<name>=<value>):`, '');
    const rows = [['name', 'default', 'unit', 'range', 'description'], ...policy.params.map((param) => [param.name, defaultText(param.default), param.unit, rangeText(param), param.description])];
    lines.push(...alignColumns(rows).map((line) => `  ${line}`));
    const example = policy.params[0]!;
    lines.push('', `Example: rcupool compare --policy ${location.kind === 'builtin' ? policy.name : location.spec} --param ${policy.name}.${example.name}=${defaultText(example.default).replace(/,/g, '')}`);
  }
  return lines.join('\n') + '\n';
}

// ---- scenarios ----

function percent(share: number): string {
  return `${formatNumber(share * 100)} %`;
}

function perSecond(rate: number): string {
  return `${formatNumber(rate)} calls/s`;
}

function phaseText(phase: RatePhase): string {
  switch (phase.kind) {
    case 'constant':
      return `constant ${perSecond(phase.callsPerSecPerCpu)} per CPU`;
    case 'ramp':
      return `ramp from ${perSecond(phase.fromCallsPerSecPerCpu)} to ${perSecond(phase.toCallsPerSecPerCpu)} per CPU`;
    case 'burst':
      return (
        `bursts of ${perSecond(phase.burstCallsPerSecPerCpu)} per CPU for ${formatDurationMs(phase.burstMs)} ` +
        `every ${formatDurationMs(phase.periodMs)}, ${perSecond(phase.baseCallsPerSecPerCpu)} in between`
      );
  }
}

function latencyText(spec: LatencySpec): string {
  const us = (value: number) => formatDurationMs(value / 1000);
  return `median ${us(spec.medianUs)}, p99 ${us(spec.p99Us)}, max ${us(spec.maxUs)}`;
}

function gpText(gp: Scenario['timing']['gp']): string {
  return `median ${formatDurationMs(gp.medianMs)}, p99 ${formatDurationMs(gp.p99Ms)}; stalls ${formatNumber(gp.stallProbability)} per GP, ${formatDurationMs(gp.stallMinMs)}–${formatDurationMs(gp.stallMaxMs)}`;
}

function eventText(event: TimedEvent): string {
  switch (event.kind) {
    case 'drainAllPages':
      return 'drain_all_pages(): every PCP list back to buddy';
    case 'stealSharedReserve':
      return `another subsystem takes up to ${formatNumber(event.pages)} pages from every shared reserve and keeps them ${formatDurationMs(event.holdMs)}`;
    case 'load': {
      const parts: string[] = [];
      if (event.change.gp) parts.push(`GPs ${gpText(event.change.gp).split(';')[0]}`);
      if (event.change.workqueues) parts.push(`highpri worker wake-up ${latencyText(event.change.workqueues.highpri)}`);
      return `load changes: ${parts.join('; ') || 'nothing'}`;
    }
  }
}

/** Pages ATOMIC allocations may go down to (the allocator's own arithmetic, ≈ 37.5 % of MIN). */
function atomicFloor(minPages: number): number {
  const half = minPages - Math.floor(minPages / 2);
  return half - Math.floor(half / 4);
}

export function scenarioSummary(scenario: Scenario) {
  const marks: Watermarks = watermarks(scenario.machine);
  const freeAtStart = scenario.machine.managedPages - scenario.others.anonInitialPages - scenario.others.pageCachePages;
  return { watermarks: marks, atomicFloorPages: atomicFloor(marks.minPages), freePagesAtStart: freeAtStart };
}

export function scenarioText(scenario: Scenario, origin: string, width: number): string {
  const { machine, kernel, workload, others, timing, killers } = scenario;
  const { watermarks: marks, atomicFloorPages, freePagesAtStart } = scenarioSummary(scenario);
  const lines: string[] = [`Scenario ${scenario.name} (${origin})`, ''];
  lines.push(...wrap(scenario.description, width, '  '), '');
  if (scenario.claim) lines.push('Claim', ...wrap(scenario.claim, width, '  '), '');

  lines.push(`Machine: ${machine.preset}, ${machine.cpus} CPUs, ${formatPages(machine.managedPages)} managed`);
  lines.push(
    ...alignColumns([
      ['  watermarks', `MIN ${formatNumber(marks.minPages)} · LOW ${formatNumber(marks.lowPages)} · HIGH ${formatNumber(marks.highPages)} pages (min_free_kbytes ${formatNumber(machine.minFreeKbytes)}, watermark_scale_factor ${machine.watermarkScaleFactor})`],
      ['  GFP_ATOMIC floor', `${formatNumber(atomicFloorPages)} pages`],
      ['  PCP', `batch ${formatNumber(machine.pcpBatch)}, high ${formatNumber(machine.pcpHigh)} pages per CPU`],
      ['  free at start', `${formatNumber(freePagesAtStart)} pages (managed − ${formatNumber(others.anonInitialPages)} anonymous − ${formatNumber(others.pageCachePages)} page cache)`],
    ]),
  );
  lines.push(
    `Kernel: ${kernel.preemptRt ? 'PREEMPT_RT' : '!PREEMPT_RT'}, ${kernel.preemptCount ? 'PREEMPT_COUNT' : 'no PREEMPT_COUNT'}, HZ ${kernel.hz}, ${kernel.ptrsPerPage} pointers per page, drain delay ${formatDurationMs(kernel.drainDelayMs)}, ` +
      `flood re-arm ${kernel.floodRearm ? 'on' : 'off'}, per-page GP snapshots ${kernel.perPageGpSnapshots ? 'on' : 'off'}`,
    '',
  );

  lines.push(`Duration: ${formatDurationMs(scenario.durationMs)} of kvfree_rcu() calls, then the run drains until every object is freed`);
  lines.push(`Workload: ${workload.activeCpus} of ${machine.cpus} CPUs call kvfree_rcu()`);
  const callers = workload.callers;
  if (callers.mode === 'closed') {
    const budget = callers.callsPerThread > 0 ? `${formatNumber(callers.callsPerThread)} calls each` : 'until the window ends';
    lines.push(`  closed callers: ${callers.threadsPerCpu} thread(s) per CPU back to back, ${formatNumber(callers.thinkNs)} ns between calls, ${budget}`);
  } else {
    let startMs = 0;
    const phaseRows = workload.phases.map((phase) => {
      const row = [`  ${formatDurationMs(startMs)} – ${formatDurationMs(startMs + phase.durationMs)}`, phaseText(phase)];
      startMs += phase.durationMs;
      return row;
    });
    lines.push(...alignColumns(phaseRows));
  }
  lines.push(
    ...wrap(
      `headless ${percent(workload.headlessShare)} of calls; two-argument calls ${percent(workload.context.sleepable)} sleepable, ` +
        `${percent(workload.context.atomic)} atomic, ${percent(workload.context.atomicRaw)} under a raw spinlock; ` +
        `${percent(workload.allocatorLockShare)} hold an allocator lock`,
      width,
      '  ',
    ),
    '',
  );

  const anon = [formatNumber(others.anonInitialPages), ...others.anonSteps.map((step) => `${formatNumber(step.targetPages)} (from ${formatDurationMs(step.atMs)} over ${formatDurationMs(step.rampMs)})`)];
  lines.push('Other users:');
  lines.push(
    ...wrap(
      `${formatNumber(others.backgroundAllocsPerSecPerCpu)} allocations/s per CPU, held ${formatDurationMs(others.backgroundLifetimeMs)}, ` +
        `${percent(others.backgroundAtomicShare)} GFP_ATOMIC; anonymous pages ${anon.join(' → ')}; page cache ${formatNumber(others.pageCachePages)} pages`,
      width,
      '  ',
    ),
  );
  lines.push(
    ...wrap(
      `killers: OOM victim frees ${formatNumber(killers.oomVictimPages)} pages; ` +
        (killers.lmkThresholdPages > 0
          ? `low-memory killer below ${formatNumber(killers.lmkThresholdPages)} free pages for ${formatDurationMs(killers.lmkDelayMs)} (victim ${formatNumber(killers.lmkVictimPages)} pages)`
          : 'no low-memory killer'),
      width,
      '  ',
    ),
    '',
  );

  lines.push('Timing:');
  lines.push(
    ...alignColumns([
      ['  grace periods', gpText(timing.gp)],
      ['  highpri worker', `wake-up ${latencyText(timing.workqueues.highpri)}`],
      ['  normal worker', `wake-up ${latencyText(timing.workqueues.normal)}`],
      ['  kswapd', `${formatNumber(timing.kswapd.reclaimPagesPerSec)} pages/s, wakes in ${formatDurationMs(timing.kswapd.wakeUs / 1000)}`],
    ]),
  );
  if (scenario.events.length > 0) {
    lines.push('', 'Events:');
    lines.push(...alignColumns(scenario.events.map((event) => [`  at ${formatDurationMs(event.atMs)}`, eventText(event)])));
  }
  const again = origin === 'preset' ? scenario.name : '<file>';
  lines.push('', `Every field: rcupool explain scenario ${again} --yaml`);
  return lines.join('\n') + '\n';
}

// ---- the command ----

interface ExplainFlags {
  yaml?: boolean;
  json?: boolean;
  set: string[];
  duration?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function durationOverride(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  let ms: number;
  try {
    ms = parseDurationMs(text);
  } catch {
    throw new UsageError(`--duration ${text}: expected a duration such as 30s, 500ms or 2m`);
  }
  if (!(ms > 0)) throw new UsageError(`--duration ${text}: must be longer than 0`);
  return ms;
}

async function explainPolicy(spec: string, flags: ExplainFlags): Promise<void> {
  if (flags.yaml) throw new UsageError(`--yaml is for scenarios (rcupool explain scenario <name> --yaml); for a policy use --json`);
  if (flags.set.length > 0 || flags.duration !== undefined) throw new UsageError('--set and --duration are for scenarios (rcupool explain scenario <name> ...)');
  const loaded = await loadPolicy(locatePolicy(spec));
  process.stdout.write(flags.json ? jsonText(describePolicyModule(loaded)) : policyText(loaded, outputWidth()));
}

function explainScenario(nameOrFile: string, flags: ExplainFlags): void {
  if (flags.yaml && flags.json) throw new UsageError('--yaml and --json disagree; use one of them');
  const scenario = resolveScenario(nameOrFile, flags.set, durationOverride(flags.duration), `explain scenario ${nameOrFile}`);
  if (flags.yaml) {
    process.stdout.write(`${SCENARIO_SCHEMA_MODELINE}\n${scenarioToYaml(scenario, { comments: true })}`);
    return;
  }
  if (flags.json) {
    process.stdout.write(jsonText({ ...scenarioSummary(scenario), scenario }));
    return;
  }
  const origin = isScenarioPath(nameOrFile) ? `file ${nameOrFile}` : isPresetName(nameOrFile) ? 'preset' : nameOrFile;
  const changed = flags.set.length > 0 || flags.duration !== undefined ? ' with --set/--duration applied' : '';
  process.stdout.write(scenarioText(scenario, origin + changed, outputWidth()));
}

export function explainCommand(): Command {
  const command = new Command('explain')
    .summary('explain a policy (params, defaults, ranges) or a scenario (machine, watermarks, workload)')
    .description(
      'rcupool explain <policy>: what the policy does, what it models and its params.\n' +
        'rcupool explain scenario <name-or-file>: what the scenario simulates and why; --yaml prints every field, loadable again with --scenario.',
    )
    .usage('<policy> | scenario <name-or-file> [options]')
    .addHelpText('before', EXAMPLES)
    .argument('[target]', 'a policy name or file, or the word "scenario"')
    .argument('[scenario]', 'after "scenario": a preset name or a .yaml/.json file')
    .option('--yaml', 'scenario only: print the fully resolved scenario as YAML (a loadable scenario file)')
    .option('--json', 'one JSON document on stdout')
    .option('--set <path=value>', 'scenario only: override a field first, as in compare (repeatable)', collect, [])
    .option('--duration <time>', 'scenario only: change the duration first, as in compare');
  command.action(async (target: string | undefined, scenarioName: string | undefined, flags: ExplainFlags) => {
    if (target === undefined) throw new UsageError('explain what? give a policy (rcupool explain upstream) or a scenario (rcupool explain scenario default)');
    if (target === 'scenario') {
      if (scenarioName === undefined) throw new UsageError('explain scenario: which one? give a preset name (rcupool list scenarios) or a scenario file');
      explainScenario(scenarioName, flags);
      return;
    }
    if (target === 'policy') {
      if (scenarioName === undefined) throw new UsageError('explain policy: which one? give a built-in name (rcupool list policies) or a policy file');
      await explainPolicy(scenarioName, flags);
      return;
    }
    if (scenarioName !== undefined) {
      throw new UsageError(`explain ${target} ${scenarioName}: expected one policy, or "scenario <name>" (e.g. rcupool explain scenario ${scenarioName})`);
    }
    await explainPolicy(target, flags);
  });
  return command;
}
