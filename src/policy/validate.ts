// Checks a policy module before any run starts, so a typo in a user's file costs one clear
// line, not a stack trace half-way through a comparison. The shape checked is the module's one
// declaration (POLICY_MODULE and PARAM_SPEC in module-schema.ts); this file adds the words of each fix
// and the rules between fields (a default inside its range, integer defaults, unique names).
import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { didYouMean } from '../shared/did-you-mean.js';
import { TEXT_LIMITS } from './api.js';
import { PolicyLoadError } from './load-error.js';
import { PARAM_SPEC, POLICY_MODULE, type ParamSpec, type ParamValues, type PolicyModule } from './module-schema.js';
import { describeThrown } from './thrown.js';

export { PolicyLoadError, TEXT_LIMITS };

function fail(origin: string, message: string): never {
  throw new PolicyLoadError(`${origin}: ${message}`);
}

/** The schema without its length limits: a text that is only too long gets the length message, not the field's fix. */
function withoutLengths<T extends TSchema>(schema: T): T {
  const copy: Record<string | symbol, unknown> = { ...(schema as Record<string | symbol, unknown>) };
  delete copy['maxLength'];
  if (schema['anyOf']) copy['anyOf'] = (schema['anyOf'] as TSchema[]).map(withoutLengths);
  if (schema['items']) copy['items'] = withoutLengths(schema['items'] as TSchema);
  return copy as T;
}

type Fix = (found: unknown) => string;

/** The text that breaks a length limit (a value whose only fault is length), and whether it is an entry of a list. */
function brokenLimit(schema: TSchema, value: unknown): { text: string; limit: number; entry: boolean } {
  const members = schema['anyOf'] as TSchema[] | undefined;
  if (members) return brokenLimit(members.find((member) => Value.Check(withoutLengths(member), value))!, value);
  const items = schema['items'] as TSchema | undefined;
  if (items && Array.isArray(value)) return { ...brokenLimit(items, value.find((item) => !Value.Check(items, item))), entry: true };
  return { text: value as string, limit: schema['maxLength'] as number, entry: false };
}

/**
 * Checks one field against its declared schema: `fix` words a wrong value ("name must be a word
 * of ..."), a text over its limit reads "<field> is N characters long; at most L".
 */
function checkField(origin: string, label: string, schema: TSchema, value: unknown, fix: Fix): void {
  if (Value.Check(schema, value)) return;
  if (!Value.Check(withoutLengths(schema), value)) fail(origin, `${label} ${fix(value)}`);
  const { text, limit, entry } = brokenLimit(schema, value);
  fail(origin, `${label}${entry ? ' entry' : ''} is ${text.length} characters long; at most ${limit}`);
}

const MODULE_FIXES: Record<keyof PolicyModule, Fix> = {
  name: (found) => `must be a word of letters, digits, "-", "_" or "." (got ${JSON.stringify(found)?.slice(0, 80)})`,
  summary: () => 'must be a one-line string saying what the policy does',
  source: () => 'must name the kernel commit or message the policy models',
  params: () => 'must be an array (use [] for none)',
  create: () => 'must be a function (kernel, params) => hooks',
};

const RANGE_LIST_FIX = 'as a list is for string params: a list of allowed strings';
const RANGE_BOUNDS_FIX = 'must be { min, max } finite numbers (min ≤ max) for a number param';

const PARAM_FIXES: Record<keyof ParamSpec, Fix> = {
  name: (found) => `must be a word of letters, digits and "_" like "reservePages" (got ${JSON.stringify(found)})`,
  // A NaN or infinite default would run, be written into a baseline as null, and fail only in `check`.
  default: (found) => (typeof found === 'number' ? `must be a finite number (got ${String(found)})` : `must be a number, string or boolean (got ${typeof found})`),
  unit: () => 'must be a string such as "pages" or "ms"',
  description: () => 'must be a string',
  integer: () => 'must be true or false',
  range: (found) => (Array.isArray(found) ? RANGE_LIST_FIX : RANGE_BOUNDS_FIX),
};

type ParamRule = (origin: string, field: string, param: Partial<ParamSpec>) => void;

/** The rules between a param's fields, each run once its field has its declared shape (the fields before it are read). */
const PARAM_RULES: Partial<Record<keyof ParamSpec, ParamRule>> = {
  integer(origin, field, { integer, default: value }) {
    if (integer === true && typeof value === 'number' && !Number.isInteger(value)) fail(origin, `${field}.default ${String(value)} must be a whole number (integer: true)`);
  },
  range(origin, field, { range, default: value }) {
    if (range === undefined) return;
    if (Array.isArray(range)) {
      if (typeof value !== 'string') fail(origin, `${field}.range ${RANGE_LIST_FIX}`);
      if (!range.includes(value)) fail(origin, `${field}.default ${JSON.stringify(value)} is not one of its range ${JSON.stringify(range).slice(0, 80)}`);
      return;
    }
    const bounds = range as { min: number; max: number };
    if (typeof value !== 'number' || bounds.min > bounds.max) fail(origin, `${field}.range ${RANGE_BOUNDS_FIX}`);
    if (value < bounds.min || value > bounds.max) fail(origin, `${field}.default ${value} is outside its range ${bounds.min}..${bounds.max}`);
  },
};

function validateParam(origin: string, spec: unknown, index: number): ParamSpec {
  const where = `params[${index}]`;
  if (typeof spec !== 'object' || spec === null) fail(origin, `${where} must be an object with name, default, unit and description`);
  const given = spec as Record<string, unknown>;
  // Each declared field read once, in declaration order (a getter must not answer differently later).
  const read: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(PARAM_SPEC.properties)) {
    const raw = given[key];
    const value = key === 'description' && raw === undefined ? '' : raw;
    if (value === undefined && !(PARAM_SPEC.required as string[]).includes(key)) continue;
    const field = `params "${read['name'] as string}"`;
    checkField(origin, key === 'name' ? `${where}.name` : `${field}.${key}`, schema, value, PARAM_FIXES[key as keyof ParamSpec]);
    read[key] = value;
    PARAM_RULES[key as keyof ParamSpec]?.(origin, field, read);
  }
  const param = read as ParamSpec;
  // Only the declared fields, in the order they have always had: the spec is copied between threads and into baselines.
  const copy: ParamSpec = { name: param.name, default: param.default, unit: param.unit, description: param.description };
  if (param.range !== undefined) copy.range = Array.isArray(param.range) ? [...(param.range as string[])] : { min: (param.range as { min: number }).min, max: (param.range as { max: number }).max };
  if (param.integer !== undefined) copy.integer = param.integer;
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

/** `params` as the module declares it, items unchecked: they are checked one by one, after `create`. */
const PARAMS_LIST: TSchema = { ...POLICY_MODULE.properties.params, items: Type.Unknown() };

function validateModuleFields(candidate: unknown, origin: string): PolicyModule {
  if (typeof candidate !== 'object' || candidate === null) {
    fail(origin, 'must default-export a policy object: export default definePolicy({ name, summary, source, params, create })');
  }
  const policy = candidate as Record<string, unknown>;
  const read: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(POLICY_MODULE.properties)) {
    const value = policy[key];
    checkField(origin, key, key === 'params' ? PARAMS_LIST : schema, value, MODULE_FIXES[key as keyof PolicyModule]);
    read[key] = value;
  }
  const params = (read['params'] as unknown[]).map((spec, index) => validateParam(origin, spec, index));
  const seen = new Set<string>();
  for (const param of params) {
    if (seen.has(param.name)) fail(origin, `params "${param.name}" is declared twice`);
    seen.add(param.name);
  }
  const create = read['create'] as PolicyModule['create'];
  const { name, summary, source } = read as Pick<PolicyModule, 'name' | 'summary' | 'source'>;
  // create keeps its `this`.
  return { name, summary, source, params, create: (kernel, values) => create.call(policy, kernel, values) };
}
