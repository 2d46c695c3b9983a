// Merging one layer of input (a file, the --set overrides, --duration) onto a resolved scenario,
// checking every value against the declaration in schema.ts on the way: TypeBox's Value.Check
// decides whether a value fits, this file finds the field to name and words the message. Errors
// are one line:
//   <where>: <dotted.path>: expected <what>, found <what>[; did you mean "<key>"?]
// where <where> is "file.yaml:12", "--set a.b=c" or "--duration".
import { describeFound, parseCount, parseDuration, parseSizeKbytes, parseSizePages, UnitError } from './units.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { Value } from '@sinclair/typebox/value';
import { describeRange, docOf, enumValues, fieldKind, fieldsOf, isInteger, isRequired, itemsOf, SCENARIO_SCHEMA, unitOf, variantShapes, type Field, type Scenario, type Unit } from './schema.js';
import { SHORTHAND_HANDLERS } from './shorthands.js';
import { totalPhaseMs } from './timeline.js';

/** Bad scenario input. The message is one line and complete; the CLI prints it and exits 2. */
export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export type PathSegment = string | number;

/** `workload.phases[1].durationMs`; the empty path is "(top level)". */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? segment : `.${segment}`;
  }
  return text === '' ? '(top level)' : text;
}

export interface Layer {
  input: unknown;
  /** Where a value at `path` came from, for the front of the message: "my.yaml:12", "--set x=1". */
  where(path: readonly PathSegment[]): string;
}

function fail(layer: Pick<Layer, 'where'>, path: readonly PathSegment[], expected: string, found: string): never {
  throw new ScenarioError(`${layer.where(path)}: ${formatPath(path)}: expected ${expected}, found ${found}`);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- numbers ----

const NOUN: Record<Unit, string> = {
  ms: 'a duration in ms',
  us: 'a duration in µs',
  ns: 'a duration in ns',
  pages: 'a whole number of pages',
  kbytes: 'a whole number of KiB',
  perSec: 'a rate per second',
  share: 'a share',
  probability: 'a probability',
  count: 'a number',
  ratio: 'a factor',
};

function describeNumber(field: Field): string {
  const unit = unitOf(field);
  const noun = isInteger(field) && unit === 'count' ? 'a whole number' : NOUN[unit];
  const range = describeRange(field, false);
  return range === '' ? noun : `${noun} ${range.startsWith('≥') || range.startsWith('>') ? range : `from ${range}`}`;
}

/** "50%" → 0.5; plain numbers as they are. */
function parseShare(value: unknown): number {
  if (typeof value === 'string' && /^\s*[\d.]+\s*%\s*$/.test(value)) return Number(value.trim().slice(0, -1).trim()) / 100;
  return parseCount(value);
}

function parseNumber(field: Field, input: unknown): number {
  const unit = unitOf(field);
  switch (unit) {
    case 'ms':
    case 'us':
    case 'ns':
      return parseDuration(input, unit);
    case 'pages':
      return parseSizePages(input);
    case 'kbytes':
      return parseSizeKbytes(input);
    case 'share':
    case 'probability':
      return parseShare(input);
    default:
      return parseCount(input);
  }
}

/** TypeBox's check of a value against its field (type, integer, range, keys, list length). */
function conforms(field: Field, value: unknown): boolean {
  return Value.Check(field, value);
}

function resolveNumber(field: Field, input: unknown, path: readonly PathSegment[], layer: Layer): number {
  let value: number;
  try {
    value = parseNumber(field, input);
  } catch (error) {
    if (error instanceof UnitError) return fail(layer, path, error.expected, error.found);
    throw error;
  }
  if (!conforms(field, value)) {
    const converted = typeof input === 'string' ? ` (= ${value})` : '';
    return fail(layer, path, describeNumber(field), `${describeFound(input)}${converted}`);
  }
  return value;
}

// ---- the generic walk ----

function resolveField(field: Field, inherited: unknown, input: unknown, path: PathSegment[], layer: Layer): unknown {
  switch (fieldKind(field)) {
    case 'number':
      return resolveNumber(field, input, path, layer);
    case 'boolean':
      return typeof input === 'boolean' ? input : fail(layer, path, 'true or false', describeFound(input));
    case 'string':
      return typeof input === 'string' ? input : fail(layer, path, `a string, quoted${field.example ? ` (e.g. ${field.example})` : ''}`, describeFound(input));
    case 'enum': {
      const values = enumValues(field);
      if (typeof input === 'string' && values.includes(input)) return input;
      return fail(layer, path, `one of ${values.join(', ')}`, `${describeFound(input)}${typeof input === 'string' ? didYouMean(input, values) : ''}`);
    }
    case 'array':
      return resolveArray(field, input, path, layer);
    case 'variant':
      return resolveVariant(field, input, path, layer);
    case 'object':
      return resolveObject(field, isMapping(inherited) ? inherited : undefined, input, path, layer);
  }
}

function minItemsOf(field: Field): number {
  return (field['minItems'] as number | undefined) ?? 0;
}

/** Lists replace what they inherit: each item is complete on its own. */
function resolveArray(field: Field, input: unknown, path: PathSegment[], layer: Layer): unknown[] {
  if (!Array.isArray(input)) return fail(layer, path, `a list (${docOf(field)})`, describeFound(input));
  if (input.length < minItemsOf(field)) return fail(layer, path, `a list of at least ${minItemsOf(field)} item(s)`, describeFound(input));
  return input.map((item, index) => resolveField(itemsOf(field), undefined, item, [...path, index], layer));
}

function resolveVariant(field: Field, input: unknown, path: PathSegment[], layer: Layer): Record<string, unknown> {
  const shapes = variantShapes(field);
  const kinds = Object.keys(shapes);
  if (!isMapping(input)) return fail(layer, path, `a mapping with kind: ${kinds.join(' | ')}`, describeFound(input));
  const kind = input['kind'];
  const shape = typeof kind === 'string' && Object.hasOwn(shapes, kind) ? shapes[kind] : undefined;
  if (shape === undefined) {
    const hint = typeof kind === 'string' ? didYouMean(kind, kinds) : '';
    return fail(layer, [...path, 'kind'], `one of ${kinds.join(', ')}`, `${describeFound(kind)}${hint}`);
  }
  const { kind: _kind, ...rest } = input;
  return { kind, ...resolveObject(shape, undefined, rest, path, layer, ['kind']) };
}

function resolveObject(
  field: Field,
  inherited: Record<string, unknown> | undefined,
  input: unknown,
  path: PathSegment[],
  layer: Layer,
  extraKeys: readonly string[] = [],
): Record<string, unknown> {
  const fields = fieldsOf(field);
  const shorthands = field.shorthands ?? {};
  const known = [...extraKeys, ...Object.keys(fields), ...Object.keys(shorthands)];
  if (!isMapping(input)) return fail(layer, path, `a mapping (${docOf(field)})`, describeFound(input));
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(fields, key) && !Object.hasOwn(shorthands, key)) {
      fail(layer, [...path, key], `a key of ${path.length === 0 ? 'a scenario' : formatPath(path)} (${known.join(', ')})`, `unknown key ${JSON.stringify(key)}${didYouMean(key, known)}`);
    }
  }
  const childPath = (key: string): PathSegment[] => (key === '' ? path : [...path, key]);
  const ctx = { fail: (key: string, expected: string, found: string): never => fail(layer, childPath(key), expected, found) };
  const handler = field.shorthandHandler === undefined ? undefined : SHORTHAND_HANDLERS[field.shorthandHandler];

  // Rebase keys first: a machine preset or load level decides what the other fields merge onto.
  const values: Record<string, unknown> = {};
  for (const key of handler?.rebaseKeys ?? []) {
    if (Object.hasOwn(input, key)) values[key] = resolveField(shorthands[key] ?? fields[key]!, undefined, input[key], [...path, key], layer);
  }
  const rebased = handler ? handler.rebase(inherited, values, ctx) : inherited;

  const merged: Record<string, unknown> = { ...rebased };
  for (const [key, child] of Object.entries(fields)) {
    if (Object.hasOwn(input, key)) merged[key] = Object.hasOwn(values, key) ? values[key] : resolveField(child, rebased?.[key], input[key], [...path, key], layer);
    else if (merged[key] === undefined && isRequired(field, key)) fail(layer, [...path, key], `${describeExpected(child)} (required here)`, 'nothing');
  }
  return handler ? handler.finish(merged, { rebased, input, values }, ctx) : merged;
}

function describeExpected(field: Field): string {
  switch (fieldKind(field)) {
    case 'number':
      return describeNumber(field);
    case 'boolean':
      return 'true or false';
    case 'string':
      return 'a string';
    case 'enum':
      return `one of ${enumValues(field).join(', ')}`;
    case 'array':
      return 'a list';
    case 'variant':
      return `a mapping with kind: ${Object.keys(variantShapes(field)).join(' | ')}`;
    case 'object':
      return `a mapping (${docOf(field)})`;
  }
}

// ---- whole-scenario checks ----

/**
 * Words the first thing TypeBox finds wrong with a resolved value (presets are checked the same
 * way). Value.Check decides; this walk only finds the field to name and says what it expected.
 */
function checkValue(field: Field, value: unknown, path: PathSegment[], layer: Pick<Layer, 'where'>): void {
  if (conforms(field, value)) return;
  switch (fieldKind(field)) {
    case 'array':
      if (!Array.isArray(value) || value.length < minItemsOf(field)) return fail(layer, path, describeExpected(field), describeFound(value));
      value.forEach((item, index) => checkValue(itemsOf(field), item, [...path, index], layer));
      break;
    case 'variant': {
      const shapes = variantShapes(field);
      const kind = isMapping(value) ? value['kind'] : undefined;
      const shape = typeof kind === 'string' && Object.hasOwn(shapes, kind) ? shapes[kind] : undefined;
      if (!shape) return fail(layer, [...path, 'kind'], describeExpected(field), describeFound(isMapping(value) ? value['kind'] : value));
      checkObject(shape, value as Record<string, unknown>, path, layer, ['kind']);
      break;
    }
    case 'object':
      if (!isMapping(value)) return fail(layer, path, describeExpected(field), describeFound(value));
      checkObject(field, value, path, layer);
      break;
    default:
      return fail(layer, path, describeExpected(field), describeFound(value));
  }
  // The walk found nothing to name although TypeBox objects: say what TypeBox says rather than let it pass.
  const error = Value.Errors(field, value).First()!;
  fail(layer, [...path, ...pointerPath(error.path)], `what the scenario format declares (${error.message})`, describeFound(error.value));
}

/** "/workload/phases/0" → ["workload", "phases", 0]. */
function pointerPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function checkObject(field: Field, value: Record<string, unknown>, path: PathSegment[], layer: Pick<Layer, 'where'>, extraKeys: readonly string[] = []): void {
  const fields = fieldsOf(field);
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(fields, key) && !extraKeys.includes(key)) fail(layer, [...path, key], `a key of ${formatPath(path)}`, `unknown key ${JSON.stringify(key)}`);
  }
  for (const [key, child] of Object.entries(fields)) {
    if (value[key] === undefined && !isRequired(field, key)) continue;
    checkValue(child, value[key], [...path, key], layer);
  }
}

/** The rules of rcupool's own keywords (ascending, sumToOne), which JSON Schema cannot say; on a value TypeBox accepted. */
function checkKeywords(field: Field, value: unknown, path: PathSegment[], layer: Pick<Layer, 'where'>): void {
  switch (fieldKind(field)) {
    case 'array':
      (value as unknown[]).forEach((item, index) => checkKeywords(itemsOf(field), item, [...path, index], layer));
      return;
    case 'variant': {
      const item = value as Record<string, unknown>;
      checkKeywords(variantShapes(field)[item['kind'] as string]!, item, path, layer);
      return;
    }
    case 'object':
      break;
    default:
      return;
  }
  const object = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(fieldsOf(field))) {
    if (object[key] !== undefined) checkKeywords(child, object[key], [...path, key], layer);
  }
  for (const group of field.ascending ?? []) {
    for (let i = 1; i < group.length; i++) {
      const lower = object[group[i - 1]!] as number;
      const upper = object[group[i]!] as number;
      if (upper < lower) fail(layer, [...path, group[i]!], `at least ${group[i - 1]} (${lower})`, String(upper));
    }
  }
  if (field.sumToOne) {
    const sum = field.sumToOne.reduce((total, key) => total + (object[key] as number), 0);
    if (Math.abs(sum - 1) > 1e-9) fail(layer, path, `${field.sumToOne.join(' + ')} = 1`, `a sum of ${Number(sum.toPrecision(12))}`);
  }
}

/** Rules that tie fields in different parts of the scenario together. */
function checkCrossFields(s: Scenario, layer: Pick<Layer, 'where'>): void {
  const { machine, workload, others } = s;
  if (workload.activeCpus > machine.cpus) {
    fail(layer, ['workload', 'activeCpus'], `at most machine.cpus (${machine.cpus})`, String(workload.activeCpus));
  }
  const phaseMs = totalPhaseMs(workload.phases);
  if (Math.abs(phaseMs - s.durationMs) > 1e-6) {
    fail(layer, ['workload', 'phases'], `phase durations adding up to durationMs (${s.durationMs} ms)`, `${Number(phaseMs.toPrecision(12))} ms`);
  }
  workload.phases.forEach((phase, index) => {
    if (phase.kind === 'burst' && phase.burstMs > phase.periodMs) {
      fail(layer, ['workload', 'phases', index, 'burstMs'], `at most periodMs (${phase.periodMs})`, String(phase.burstMs));
    }
  });
  others.anonSteps.forEach((step, index) => {
    const previous = others.anonSteps[index - 1];
    if (previous && step.atMs < previous.atMs) {
      fail(layer, ['others', 'anonSteps', index, 'atMs'], `steps in time order (at least ${previous.atMs})`, String(step.atMs));
    }
    if (step.targetPages > machine.managedPages) {
      fail(layer, ['others', 'anonSteps', index, 'targetPages'], `at most machine.managedPages (${machine.managedPages})`, String(step.targetPages));
    }
  });
  const heldAtStart = others.anonInitialPages + others.pageCachePages;
  if (heldAtStart > machine.managedPages) {
    fail(
      layer,
      ['others', 'anonInitialPages'],
      `anonInitialPages + pageCachePages at most machine.managedPages (${machine.managedPages}; a preset made for this machine may fit better)`,
      String(heldAtStart),
    );
  }
  // PREEMPT_RT selects PREEMPT_COUNT (kernel/Kconfig.preempt: PREEMPT_RT -> PREEMPTION -> PREEMPT_COUNT).
  if (s.kernel.preemptRt && !s.kernel.preemptCount) fail(layer, ['kernel', 'preemptCount'], 'true on a PREEMPT_RT kernel (PREEMPT_RT selects PREEMPT_COUNT)', 'false');
  if (machine.pcpBatch > machine.pcpHigh) fail(layer, ['machine', 'pcpBatch'], `at most machine.pcpHigh (${machine.pcpHigh})`, String(machine.pcpBatch));
  if (machine.minFreeKbytes / 4 >= machine.managedPages) {
    fail(layer, ['machine', 'minFreeKbytes'], `less than the managed memory (${machine.managedPages * 4} KiB)`, String(machine.minFreeKbytes));
  }
}

/** Throws a ScenarioError for the first thing wrong with a resolved scenario. */
export function checkScenario(s: Scenario, layer: Pick<Layer, 'where'>): void {
  checkValue(SCENARIO_SCHEMA, s, [], layer);
  checkKeywords(SCENARIO_SCHEMA, s, [], layer);
  checkCrossFields(s, layer);
}

/** `inherited` with one layer of input merged in, fully checked. */
export function applyLayer(inherited: Scenario, layer: Layer): Scenario {
  const resolved = resolveObject(SCENARIO_SCHEMA, inherited as unknown as Record<string, unknown>, layer.input, [], layer) as unknown as Scenario;
  checkScenario(resolved, layer);
  return resolved;
}
