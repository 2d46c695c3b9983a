// The JSON Schema of `rcupool sweep --json`: schema/sweep.schema.json is the TypeBox declaration
// of src/contract/sweep-types.ts written out by `npm run schema`. Its metric definitions are
// compare's, so a metric added to the registry reaches both.
import { jsonSchemaFile } from './json-schema-file.js';
import { SWEEP_RESULT } from './sweep-types.js';

const SWEEP_DEFINITIONS = ['axis', 'policy', 'point', 'shard', 'front', 'metrics', 'interval', 'metricsInterval'] as const;

export function sweepJsonSchema(): Record<string, unknown> {
  return jsonSchemaFile(SWEEP_RESULT, SWEEP_DEFINITIONS);
}
