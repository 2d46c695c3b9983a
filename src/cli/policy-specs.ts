// `--policy a,b --policy ./c.ts` as a list of names and files, shared by list and the run
// commands; kept apart from run-options.ts so `rcupool list` loads no runner, scenario files or YAML.
import { builtinPolicyNames } from '../policy/loader.js';
import { UsageError } from './usage-error.js';

export function policySpecs(flags: { policy?: string[] }): string[] {
  const specs = (flags.policy ?? []).flatMap((value) => value.split(',')).map((spec) => spec.trim()).filter(Boolean);
  const repeated = specs.find((spec, index) => specs.indexOf(spec) !== index);
  if (repeated !== undefined) throw new UsageError(`--policy ${repeated}: given twice; name each policy once`);
  return specs.length > 0 ? specs : builtinPolicyNames();
}
