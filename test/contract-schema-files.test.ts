// The committed JSON Schema files are exactly what their generators in src/contract/ build:
// a metric added to the registry without `npm run schema` fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRIC_PATHS } from '../src/contract/metrics.js';
const JSON_DOC_PATH = new URL('../docs/json.md', import.meta.url);
import { jsonDocText, SCHEMA_FILES, schemaText } from '../src/contract/write-schemas.js';

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
