// The scenario format is declared once (src/scenario/schema.ts, TypeBox) and everything else is
// read from that declaration: the types, the loader's checks, `--set`, `explain --yaml` and
// schema/scenario.schema.json. These tests walk the declaration field by field and fail when any
// of them disagrees with it: a field one of them misses, a range one of them reads differently.
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { scenarioToYaml } from '../src/scenario/load.js';
import { applyOverrides } from '../src/scenario/overrides.js';
import { PRESET_NAMES, presetScenario } from '../src/scenario/presets.js';
import { docOf, fieldKind, fieldsOf, itemsOf, schemaRows, SCENARIO_SCHEMA, variantShapes, type Field } from '../src/scenario/schema.js';
import type { Scenario } from '../src/scenario/types.js';
import { applyLayer, checkScenario, ScenarioError } from '../src/scenario/validate.js';

type Segment = string | number;

interface Leaf {
  /** The declaration's path, as `explain` and the docs name it: `workload.phases[][kind=burst].burstMs`. */
  schemaPath: string;
  /** Where a preset has it: ["workload", "phases", 1, "burstMs"]. */
  path: Segment[];
  /** The scenario that gives it a value: a preset, or one of EXTRA_SCENARIOS. */
  scenario: Scenario;
  field: Field;
}

/** Every leaf of the declaration that a preset gives a value to, walking declaration and value together. */
function leavesOf(field: Field, value: unknown, schemaPath: string, path: Segment[], scenario: Scenario, out: Leaf[]): void {
  const kind = fieldKind(field);
  if (kind === 'array') {
    (value as unknown[]).forEach((item, index) => leavesOf(itemsOf(field), item, `${schemaPath}[]`, [...path, index], scenario, out));
  } else if (kind === 'variant') {
    const item = value as Record<string, unknown>;
    const shape = variantShapes(field)[item['kind'] as string]!;
    for (const [key, child] of Object.entries(fieldsOf(shape))) {
      if (item[key] !== undefined) leavesOf(child, item[key], `${schemaPath}[kind=${String(item['kind'])}].${key}`, [...path, key], scenario, out);
    }
  } else if (kind === 'object') {
    const object = value as Record<string, unknown>;
    for (const [key, child] of Object.entries(fieldsOf(field))) {
      if (object[key] !== undefined) leavesOf(child, object[key], schemaPath === '' ? key : `${schemaPath}.${key}`, [...path, key], scenario, out);
    }
  } else {
    out.push({ schemaPath, path, scenario, field });
  }
}

/** Fields no preset needs, as a scenario file would give them. */
const EXTRA_SCENARIOS: Scenario[] = [
  // pcp-drained's drains follow failed reclaim; a file may still schedule one.
  { ...presetScenario('pcp-drained'), events: [{ atMs: 5_000, kind: 'drainAllPages' }] },
];

/** One leaf per declared field: the first preset (or extra scenario) that has it. */
function declaredLeaves(): Leaf[] {
  const byPath = new Map<string, Leaf>();
  for (const scenario of [...PRESET_NAMES.map((name) => presetScenario(name)), ...EXTRA_SCENARIOS]) {
    const found: Leaf[] = [];
    leavesOf(SCENARIO_SCHEMA, scenario, '', [], scenario, found);
    for (const leaf of found) if (!byPath.has(leaf.schemaPath)) byPath.set(leaf.schemaPath, leaf);
  }
  return [...byPath.values()];
}

/** Values the declaration refuses for a field: below, at or above its bounds, a fraction, the wrong type. */
function refusedValues(field: Field): unknown[] {
  switch (fieldKind(field)) {
    case 'number': {
      const { minimum, exclusiveMinimum, maximum } = field as { minimum?: number; exclusiveMinimum?: number; maximum?: number };
      const values: unknown[] = [true];
      if (minimum !== undefined) values.push(minimum - 1);
      if (exclusiveMinimum !== undefined) values.push(exclusiveMinimum);
      if (maximum !== undefined) values.push(maximum + 1);
      if (field['type'] === 'integer') values.push((minimum ?? 0) + 0.5);
      return values;
    }
    case 'boolean':
      return ['yes'];
    case 'string':
      return [5];
    case 'enum':
      return ['nosuch'];
    default:
      return [];
  }
}

function withValue(scenario: Scenario, path: readonly Segment[], value: unknown): unknown {
  const copy = structuredClone(scenario) as unknown as Record<Segment, unknown>;
  let cursor = copy;
  for (const segment of path.slice(0, -1)) cursor = cursor[segment] as Record<Segment, unknown>;
  cursor[path[path.length - 1]!] = value;
  return copy;
}

function dotted(path: readonly Segment[]): string {
  return path.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`)).join('');
}

function setError(scenario: Scenario, arg: string): string {
  try {
    applyOverrides(scenario, [arg]);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  return '';
}

const fileSchema = JSON.parse(readFileSync(new URL('../schema/scenario.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ strict: false });
const fileCheck = ajv.compile(fileSchema);
// The declaration itself, read by a standard JSON Schema validator (Ajv ignores rcupool's extra keywords).
const declarationCheck = ajv.compile(JSON.parse(JSON.stringify(SCENARIO_SCHEMA)) as Record<string, unknown>);
const LEAVES = declaredLeaves();

describe('the scenario declaration (src/scenario/schema.ts)', () => {
  it.each(PRESET_NAMES)('preset %s is a resolved scenario to TypeBox, to Ajv reading the same declaration, to the loader and to the file schema', (name) => {
    const scenario = presetScenario(name);
    expect(Value.Check(SCENARIO_SCHEMA, scenario)).toBe(true);
    expect(declarationCheck(scenario), JSON.stringify(declarationCheck.errors)).toBe(true);
    expect(() => checkScenario(scenario, { where: () => name })).not.toThrow();
    expect(fileCheck(scenario), JSON.stringify(fileCheck.errors)).toBe(true);
  });

  it('has every declared field given by some preset or extra scenario, and explain lists exactly the declared fields', () => {
    const rows = schemaRows();
    const leafRows = rows.filter((row) => !row.inputOnly && !['object', 'list'].includes(row.type) && !row.type.startsWith('kind:')).map((row) => row.path);
    expect(LEAVES.map((leaf) => leaf.schemaPath).sort()).toEqual([...leafRows].sort());
    for (const leaf of LEAVES) expect(rows.find((row) => row.path === leaf.schemaPath)?.doc, leaf.schemaPath).toBe(docOf(leaf.field));
  });

  it('accepts every input-only shorthand it declares, in the file schema and in the loader alike', () => {
    // A file using each shorthand; a shorthand added to the declaration needs one here.
    const files: Record<string, Record<string, unknown>> = {
      extends: { extends: 'steady' },
      'machine.memory': { machine: { memory: '8GiB' } },
      'kernel.version': { kernel: { version: '6.1' } },
      'timing.load': { timing: { load: 'loaded' } },
      'events[][kind=load].change.load': { events: [{ kind: 'load', atMs: 5, change: { load: 'idle' } }] },
    };
    const shorthandRows = schemaRows().filter((row) => row.inputOnly);
    expect(Object.keys(files).sort()).toEqual(shorthandRows.map((row) => row.path).sort());
    for (const [path, file] of Object.entries(files)) {
      expect(fileCheck(file), `${path}: ${JSON.stringify(fileCheck.errors)}`).toBe(true);
      expect(() => applyLayer(presetScenario('default'), { input: file, where: () => 'test' }), path).not.toThrow();
    }
  });

  it('refuses a resolved key it does not declare, in TypeBox and in the loader alike', () => {
    const extra = withValue(presetScenario('default'), ['machine', 'numaNodes'], 2) as Scenario;
    expect(Value.Check(SCENARIO_SCHEMA, extra)).toBe(false);
    expect(() => checkScenario(extra, { where: () => 'test' })).toThrow('machine.numaNodes: expected a key of machine, found unknown key "numaNodes"');
  });
});

// One test per field (not per field and value: a few hundred tiny tests only add reporting).
it.each(LEAVES.map((leaf) => [leaf.schemaPath, leaf] as const))(
  'field %s: explain --yaml writes it with its meaning, --set takes it back, and TypeBox, Ajv, --set and the file schema refuse the same values',
  (_schemaPath, leaf) => {
    const scenario = leaf.scenario;
    const current = leaf.path.reduce<unknown>((value, segment) => (value as Record<Segment, unknown>)[segment], scenario);
    const at = dotted(leaf.path);
    const text = scenarioToYaml(scenario, { comments: true });
    expect(YAML.parseDocument(text).getIn(leaf.path)).toEqual(current);
    expect(text).toContain(docOf(leaf.field));
    expect(setError(scenario, `${at}=${JSON.stringify(current)}`)).toBe('');

    const refused = refusedValues(leaf.field);
    expect(refused.length).toBeGreaterThan(0);
    for (const value of refused) {
      const bad = withValue(scenario, leaf.path, value);
      const what = `${at} = ${JSON.stringify(value)}`;
      expect(Value.Check(SCENARIO_SCHEMA, bad), what).toBe(false);
      expect(declarationCheck(bad), what).toBe(false);
      expect(fileCheck(bad), what).toBe(false);
      expect(setError(scenario, `${at}=${JSON.stringify(value)}`), what).toMatch(new RegExp(`^--set [^:]+: ${at.replace(/[[\].]/g, '\\$&')}: expected `));
    }
  },
);
