// A policy's parameter values: its defaults, overlaid with `--param` values checked against
// the param's spec. Apart from validate.ts (which checks whole modules with the schema) so
// that a run without `--param` never loads the schema library.
import { didYouMean } from '../shared/did-you-mean.js';
import { PolicyLoadError } from './load-error.js';
import type { ParamValues, PolicyModule } from './module-schema.js';

/** Parses one `--param` value against its spec: type, integer and range. */
export function parseParamValue(policy: PolicyModule, name: string, text: string): number | string | boolean {
  const spec = policy.params.find((param) => param.name === name);
  const known = policy.params.map((param) => param.name);
  if (!spec) {
    const hint = known.length > 0 ? ` (params: ${known.join(', ')})` : ' (it has no params)';
    throw new PolicyLoadError(`--param ${policy.name}.${name}: unknown param${didYouMean(name, known)}${hint}`);
  }
  const where = `--param ${policy.name}.${name}=${text}`;
  if (typeof spec.default === 'boolean') {
    const lower = text.toLowerCase();
    if (['true', '1', 'on', 'yes'].includes(lower)) return true;
    if (['false', '0', 'off', 'no'].includes(lower)) return false;
    throw new PolicyLoadError(`${where}: expected true or false`);
  }
  if (typeof spec.default === 'number') {
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value)) throw new PolicyLoadError(`${where}: expected a number (${spec.unit})`);
    if (spec.integer && !Number.isInteger(value)) throw new PolicyLoadError(`${where}: expected a whole number (${spec.unit})`);
    const range = spec.range;
    if (range && !Array.isArray(range)) {
      const bounds = range as { min: number; max: number };
      if (value < bounds.min || value > bounds.max) throw new PolicyLoadError(`${where}: out of range ${bounds.min}..${bounds.max} ${spec.unit}`);
    }
    return value;
  }
  if (Array.isArray(spec.range) && !spec.range.includes(text)) {
    throw new PolicyLoadError(`${where}: expected one of ${spec.range.join(', ')}${didYouMean(text, spec.range)}`);
  }
  return text;
}

/** Defaults overlaid with `--param` values (given as text). */
export function resolveParams(policy: PolicyModule, overrides: Record<string, string>): ParamValues {
  const values: ParamValues = {};
  for (const param of policy.params) values[param.name] = param.default;
  for (const [name, text] of Object.entries(overrides)) values[name] = parseParamValue(policy, name, text);
  return values;
}
