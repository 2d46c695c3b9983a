// `npm run schema`: writes the JSON Schema files under schema/ from the contracts in code, so
// each output format is declared once. test/contract-schema-files.test.ts fails when a
// committed file and its generator disagree.
import { writeFileSync } from 'node:fs';
import { compareJsonSchema } from './compare-schema.js';

/** File under schema/ → its schema object. */
export const SCHEMA_FILES: Record<string, () => Record<string, unknown>> = {
  'compare.schema.json': compareJsonSchema,
};

export function schemaText(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  for (const [file, build] of Object.entries(SCHEMA_FILES)) {
    writeFileSync(new URL(`../../../schema/${file}`, import.meta.url), schemaText(build()));
    process.stdout.write(`schema/${file}\n`);
  }
}
