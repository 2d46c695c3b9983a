// `rcupool list policies|scenarios`: what there is to run. Policies: the built-ins plus any
// `--policy` files given (loaded and validated, so a broken file shows here too). Scenarios:
// the named presets. `--json` for scripts.
import { Argument, Command } from 'commander';
import { builtinPolicyNames, loadPolicy, locatePolicy, type LoadedPolicy } from '../policy/loader.js';
import { PolicyLoadError } from '../policy/load-error.js';
import { listPresets, type PresetSummary } from '../scenario/presets.js';
import { formatDurationMs } from '../scenario/units.js';
import { policySpecs } from './policy-specs.js';
import { jsonText, outputWidth, wrap } from './text.js';

const EXAMPLES = `
Examples:
  rcupool list                                     policies and scenarios
  rcupool list policies                            the built-in policies
  rcupool list policies --policy ./mine.ts         the built-ins and your file (validated)
  rcupool list scenarios --json | jq -r '.scenarios[].name'
`;

export interface PolicyListEntry {
  name: string;
  summary: string;
  /** The kernel commit or message the policy models. */
  source: string;
  /** "builtin" or the file path as given (as `source` in compare's JSON results). */
  origin: string;
}

/** Built-ins first (sorted), then the `--policy` files in the order given; a built-in named in --policy is not repeated. */
export async function policiesToList(extraSpecs: readonly string[]): Promise<LoadedPolicy[]> {
  const builtins = builtinPolicyNames();
  const specs = [...builtins, ...extraSpecs.filter((spec) => !builtins.includes(spec))];
  const loaded: LoadedPolicy[] = [];
  const seen = new Map<string, string>();
  for (const spec of specs) {
    const entry = await loadPolicy(locatePolicy(spec));
    const earlier = seen.get(entry.policy.name);
    if (earlier !== undefined) throw new PolicyLoadError(`${spec}: policy name "${entry.policy.name}" is already used by ${earlier}; give it another name`);
    seen.set(entry.policy.name, spec);
    loaded.push(entry);
  }
  return loaded;
}

export function policyEntry({ policy, location }: LoadedPolicy): PolicyListEntry {
  return { name: policy.name, summary: policy.summary, source: policy.source, origin: location.kind === 'builtin' ? 'builtin' : location.spec };
}

function machineText(entry: PresetSummary): string {
  const cpus = entry.activeCpus === entry.cpus ? `${entry.cpus} CPUs` : `${entry.activeCpus} of ${entry.cpus} CPUs calling`;
  return `${entry.machine}, ${cpus}, ${formatDurationMs(entry.durationMs)}`;
}

export function policiesText(entries: readonly PolicyListEntry[], width: number): string[] {
  const nameWidth = Math.max(...entries.map((entry) => entry.name.length), 4);
  const lines = [`Policies (${entries.length}); details: rcupool explain <name>`, ''];
  for (const entry of entries) {
    const origin = entry.origin === 'builtin' ? 'built-in' : entry.origin;
    lines.push(`${entry.name.padEnd(nameWidth)}  ${origin}`);
    lines.push(...wrap(entry.summary, width, '    '));
    lines.push(...wrap(`models: ${entry.source}`, width, '    '));
  }
  return lines;
}

export function scenariosText(entries: readonly PresetSummary[], width: number): string[] {
  const nameWidth = Math.max(...entries.map((entry) => entry.name.length));
  const lines = [`Scenarios (${entries.length}); details: rcupool explain scenario <name>`, ''];
  for (const entry of entries) {
    lines.push(`${entry.name.padEnd(nameWidth)}  ${machineText(entry)}`);
    lines.push(...wrap(entry.description, width, '    '));
    if (entry.claim) lines.push(...wrap(`claim: ${entry.claim}`, width, '    '));
  }
  return lines;
}

interface ListFlags {
  policy?: string[];
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function listCommand(): Command {
  const command = new Command('list')
    .summary('list the built-in policies and the scenario presets')
    .description('Lists policies (built-ins plus any --policy files, each loaded and validated) and scenario presets.')
    .addHelpText('before', EXAMPLES)
    .addArgument(new Argument('[what]', 'what to list (default: both)').choices(['policies', 'scenarios']))
    .option('-p, --policy <files>', 'also list these policy files (repeatable or comma-separated)', collect)
    .option('--json', 'one JSON document on stdout: { "policies": [...], "scenarios": [...] }');
  command.action(async (what: 'policies' | 'scenarios' | undefined, flags: ListFlags) => {
    const showPolicies = what !== 'scenarios';
    const showScenarios = what !== 'policies';
    const extra = flags.policy === undefined ? [] : policySpecs(flags);
    const policies = showPolicies ? (await policiesToList(extra)).map(policyEntry) : undefined;
    const scenarios = showScenarios ? listPresets() : undefined;
    if (flags.json) {
      process.stdout.write(jsonText({ ...(policies ? { policies } : {}), ...(scenarios ? { scenarios } : {}) }));
      return;
    }
    const width = outputWidth();
    const blocks: string[][] = [];
    if (policies) blocks.push(policiesText(policies, width));
    if (scenarios) blocks.push(scenariosText(scenarios, width));
    process.stdout.write(blocks.map((lines) => lines.join('\n')).join('\n\n') + '\n');
  });
  return command;
}
