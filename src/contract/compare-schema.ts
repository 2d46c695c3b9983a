// The JSON Schema of `rcupool compare --json`: schema/compare.schema.json is the TypeBox
// declaration of src/contract/result-types.ts written out by `npm run schema` (a test checks
// the committed file equals it).
import { jsonSchemaFile } from './json-schema-file.js';
import { COMPARE_RESULT, RESULT_SCHEMA_VERSION } from './result-types.js';

export { RESULT_SCHEMA_VERSION };

/** The order of the file's `definitions`: the building blocks first, the result that uses them last. */
export const RESULT_DEFINITIONS = ['metrics', 'interval', 'metricsInterval', 'timelinePoint', 'policyResult'] as const;

export function compareJsonSchema(): Record<string, unknown> {
  return jsonSchemaFile(COMPARE_RESULT, RESULT_DEFINITIONS);
}
