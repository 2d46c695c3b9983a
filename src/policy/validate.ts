// Checks a policy module before any run starts, so a typo in a user's file costs one clear
// line, not a stack trace half-way through a comparison.
import { didYouMean } from '../shared/did-you-mean.js';
import type { ParamSpec, ParamValues, PolicyModule } from './api.js';
import { describeThrown } from './thrown.js';

export class PolicyLoadError extends Error {
  override name = 'PolicyLoadError';
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;

/** Longest text a policy may declare, per field: these end up in table rows, JSON and baselines. */
export const TEXT_LIMITS = { name: 64, summary: 300, source: 300, unit: 32, description: 500, stringValue: 200 } as const;

function checkLength(origin: string, field: string, text: string, limit: number): void {
  if (text.length > limit) fail(origin, `${field} is ${text.length} characters long; at most ${limit}`);
}

function fail(origin: string, message: string): never {
  throw new PolicyLoadError(`${origin}: ${message}`);
}

function validateParam(origin: string, spec: unknown, index: number): ParamSpec {
  const where = `params[${index}]`;
  if (typeof spec !== 'object' || spec === null) fail(origin, `${where} must be an object with name, default, unit and description`);
  const param = spec as Record<string, unknown>;
  // Param names must fit `--param <policy>.<name>=<value>`: letters, digits and "_".
  if (typeof param.name !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(param.name)) {
    fail(origin, `${where}.name must be a word of letters, digits and "_" like "reservePages" (got ${JSON.stringify(param.name)})`);
  }
  checkLength(origin, `${where}.name`, param.name, TEXT_LIMITS.name);
  const field = `params "${param.name}"`;
  const kind = typeof param.default;
  if (kind !== 'number' && kind !== 'string' && kind !== 'boolean') fail(origin, `${field}.default must be a number, string or boolean (got ${kind})`);
  // A NaN or infinite default would run, be written into a baseline as null, and fail only in `check`.
  if (kind === 'number' && !Number.isFinite(param.default)) fail(origin, `${field}.default must be a finite number (got ${String(param.default)})`);
  if (kind === 'string') checkLength(origin, `${field}.default`, param.default as string, TEXT_LIMITS.stringValue);
  if (typeof param.unit !== 'string') fail(origin, `${field}.unit must be a string such as "pages" or "ms"`);
  checkLength(origin, `${field}.unit`, param.unit, TEXT_LIMITS.unit);
  if (param.description !== undefined && typeof param.description !== 'string') fail(origin, `${field}.description must be a string`);
  if (typeof param.description === 'string') checkLength(origin, `${field}.description`, param.description, TEXT_LIMITS.description);
  if (param.integer !== undefined && typeof param.integer !== 'boolean') fail(origin, `${field}.integer must be true or false`);
  if (param.integer === true && kind === 'number' && !Number.isInteger(param.default)) fail(origin, `${field}.default ${String(param.default)} must be a whole number (integer: true)`);
  const range = param.range;
  let copiedRange: ParamSpec['range'];
  if (range !== undefined) {
    if (Array.isArray(range)) {
      if (kind !== 'string' || !range.every((value) => typeof value === 'string')) fail(origin, `${field}.range as a list is for string params: a list of allowed strings`);
      if (!(range as unknown[]).includes(param.default)) fail(origin, `${field}.default ${JSON.stringify(param.default)} is not one of its range ${JSON.stringify(range).slice(0, 80)}`);
      for (const value of range as string[]) checkLength(origin, `${field}.range entry`, value, TEXT_LIMITS.stringValue);
      copiedRange = [...(range as string[])];
    } else {
      const bounds = range as Record<string, unknown>;
      if (kind !== 'number' || typeof bounds.min !== 'number' || typeof bounds.max !== 'number' || !Number.isFinite(bounds.min) || !Number.isFinite(bounds.max) || bounds.min > bounds.max) {
        fail(origin, `${field}.range must be { min, max } finite numbers (min ≤ max) for a number param`);
      }
      if ((param.default as number) < bounds.min || (param.default as number) > bounds.max) fail(origin, `${field}.default ${param.default} is outside its range ${bounds.min}..${bounds.max}`);
      copiedRange = { min: bounds.min, max: bounds.max };
    }
  }
  // Only the declared fields: the spec is copied between threads and into baselines.
  const copy: ParamSpec = { name: param.name, default: param.default as ParamSpec['default'], unit: param.unit, description: (param.description as string | undefined) ?? '' };
  if (copiedRange !== undefined) copy.range = copiedRange;
  if (param.integer !== undefined) copy.integer = param.integer as boolean;
  return copy;
}

/** Validates the default export of a policy module; `origin` names the file or built-in. */
export function validatePolicyModule(candidate: unknown, origin: string): PolicyModule {
  try {
    return validateModuleFields(candidate, origin);
  } catch (error) {
    if (error instanceof PolicyLoadError) throw error;
    // A getter that throws, a Proxy whose traps throw: reading the module is part of its code.
    throw new PolicyLoadError(`${origin}: reading the exported policy object threw: ${describeThrown(error)}`);
  }
}

function validateModuleFields(candidate: unknown, origin: string): PolicyModule {
  if (typeof candidate !== 'object' || candidate === null) {
    fail(origin, 'must default-export a policy object: export default definePolicy({ name, summary, source, params, create })');
  }
  const policy = candidate as Record<string, unknown>;
  const name = policy.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) fail(origin, `name must be a word of letters, digits, "-", "_" or "." (got ${JSON.stringify(name)?.slice(0, 80)})`);
  checkLength(origin, 'name', name, TEXT_LIMITS.name);
  const summary = policy.summary;
  if (typeof summary !== 'string' || summary.trim() === '') fail(origin, 'summary must be a one-line string saying what the policy does');
  checkLength(origin, 'summary', summary, TEXT_LIMITS.summary);
  const source = policy.source;
  if (typeof source !== 'string' || source.trim() === '') fail(origin, 'source must name the kernel commit or message the policy models');
  checkLength(origin, 'source', source, TEXT_LIMITS.source);
  const declared = policy.params;
  if (!Array.isArray(declared)) fail(origin, 'params must be an array (use [] for none)');
  const create = policy.create;
  if (typeof create !== 'function') fail(origin, 'create must be a function (kernel, params) => hooks');
  const params = declared.map((spec, index) => validateParam(origin, spec, index));
  const seen = new Set<string>();
  for (const param of params) {
    if (seen.has(param.name)) fail(origin, `params "${param.name}" is declared twice`);
    seen.add(param.name);
  }
  // Read once, above: a getter must not answer differently later. create keeps its `this`.
  return { name, summary, source, params, create: (kernel, values) => (create as PolicyModule['create']).call(policy, kernel, values) };
}

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
