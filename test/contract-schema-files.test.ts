// The committed JSON Schema files are exactly what their generators in src/contract/ build:
// a metric added to the registry without `npm run schema` fails here.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { METRIC_PATHS } from '../src/contract/metrics.js';
import { jsonDocText, SCHEMA_FILES, schemaText } from '../src/contract/write-schemas.js';
import { SCENARIO_SCHEMA_MODELINE, SCENARIO_SCHEMA_PATH } from '../src/scenario/json-schema.js';
import { scenarioToYaml } from '../src/scenario/load.js';
import { PRESET_NAMES, presetScenario } from '../src/scenario/presets.js';
import { rcupool } from './helpers/cli.js';

const JSON_DOC_PATH = new URL('../docs/json.md', import.meta.url);

describe('schema/ files', () => {
  it.each(Object.keys(SCHEMA_FILES))('%s equals its generated schema (run `npm run schema` after changing a contract)', (file) => {
    const committed = readFileSync(new URL(`../schema/${file}`, import.meta.url), 'utf8');
    expect(committed).toBe(schemaText(SCHEMA_FILES[file]!()));
  });

  it('docs/json.md has the generated metric table', () => {
    const committed = readFileSync(JSON_DOC_PATH, 'utf8');
    expect(committed).toBe(jsonDocText(committed));
  });

  it('the compare schema has a described leaf for every registry metric', () => {
    const metrics = (SCHEMA_FILES['compare.schema.json']!() as any).definitions.metrics;
    for (const path of METRIC_PATHS) {
      const [head, leaf] = path.split('.');
      const node = leaf === undefined ? metrics.properties[head!] : metrics.properties[head!].properties[leaf];
      expect(node?.type, path).toBe('number');
      expect(node.description, path).toMatch(/Unit: /);
    }
  });
});

describe('schema/scenario.schema.json', () => {
  const schema = JSON.parse(readFileSync(new URL('../schema/scenario.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const errorsOf = (document: unknown) => (validate(document) ? '' : JSON.stringify(validate.errors));
  const fixture = (name: string) => readFileSync(new URL(`./fixtures/scenarios/${name}`, import.meta.url), 'utf8');

  it.each(PRESET_NAMES)('accepts preset %s written as a file (explain --yaml)', (name) => {
    expect(errorsOf(YAML.parse(scenarioToYaml(presetScenario(name), { comments: true })))).toBe('');
  });

  it('accepts short files with units as text and shorthands (extends, load)', () => {
    expect(errorsOf(YAML.parse(fixture('phases.yaml')))).toBe('');
    expect(errorsOf(JSON.parse(fixture('valid.json')))).toBe('');
  });

  it('rejects an unknown key, a wrong type, an unknown kind and an incomplete list item', () => {
    expect(errorsOf({ workload: { activeCPUs: 2 } })).toMatch(/additionalProperties/);
    expect(errorsOf({ kernel: { preemptRt: 'yes' } })).toMatch(/boolean/);
    expect(errorsOf({ events: [{ kind: 'reboot', atMs: 5 }] })).not.toBe('');
    expect(errorsOf({ workload: { phases: [{ kind: 'constant', durationMs: 100 }] } })).toMatch(/callsPerSecPerCpu/);
    expect(errorsOf({ durationMs: -5 })).not.toBe('');
  });

  it('is the file the package ships and `explain scenario --yaml` names on its first line', () => {
    expect(SCENARIO_SCHEMA_PATH).toMatch(/^\.\/node_modules\/rcupool\/(schema\/scenario\.schema\.json)$/);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; files: string[] };
    expect(pkg.name).toBe('rcupool');
    expect(pkg.files).toContain('schema/');
    const yaml = rcupool(['explain', 'scenario', 'steady', '--yaml']);
    expect(yaml.status, yaml.stderr).toBe(0);
    expect(yaml.stdout.split('\n')[0]).toBe(SCENARIO_SCHEMA_MODELINE);
    expect(SCENARIO_SCHEMA_MODELINE).toBe(`# yaml-language-server: $schema=${SCENARIO_SCHEMA_PATH}`);
  });
});
