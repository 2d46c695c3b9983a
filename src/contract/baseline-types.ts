// The baseline file `rcupool baseline` writes and `rcupool check` reads, declared once with
// TypeBox: the BaselineFile type is Static<> of BASELINE_FILE, schema/baseline.schema.json is it
// written out (`npm run schema`), and src/runner/baseline-file.ts checks a file read back against
// it before the checks between fields (seeds that agree, one result per policy) that a schema
// cannot say. `result` is what `compare --json` printed, except that a metric the baseline
// predates is absent rather than wrong.
import { Type, type Static } from '@sinclair/typebox';
import { BASELINE_POLICY } from './baseline-policy.js';
import { jsonSchemaFile } from './json-schema-file.js';
import {
  POLICY_RESULT_FIELDS,
  RECORDED_METRICS,
  RECORDED_METRICS_INTERVAL,
  RESULT_SCHEMA_VERSION,
  SEEDS,
  TOOL,
  scenarioCore,
  type CompareResult,
} from './result-types.js';

/** This file's layout; `check` refuses another. */
export const BASELINE_VERSION = 1;

const BASELINE_RESULT = Type.Object(
  {
    schemaVersion: Type.Literal(RESULT_SCHEMA_VERSION),
    tool: TOOL,
    scenario: scenarioCore('The scenario as it ran.'),
    seeds: SEEDS,
    results: Type.Array(
      Type.Object(
        {
          ...POLICY_RESULT_FIELDS,
          metrics: Type.Optional(RECORDED_METRICS),
          perSeed: Type.Optional(Type.Array(RECORDED_METRICS, { minItems: 1 })),
          ci95: Type.Optional(RECORDED_METRICS_INTERVAL),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'What `compare --json` printed for this configuration, without timelines (`jq .result`).' },
);

export const BASELINE_FILE = Type.Object(
  {
    baselineVersion: Type.Literal(BASELINE_VERSION, { description: "This file's layout." }),
    schemaVersion: Type.Literal(RESULT_SCHEMA_VERSION, { description: 'The layout of `result` (the `compare --json` document).' }),
    tool: TOOL,
    scenario: scenarioCore('The fully resolved scenario `check` runs again (checked field by field as a scenario file is).'),
    seeds: Type.Array(Type.Integer({ minimum: 0, expected: 'a whole number ≥ 0' }), { minItems: 1, expected: 'a non-empty list', description: 'The seeds `check` runs again.' }),
    policies: Type.Array(BASELINE_POLICY, { minItems: 1, expected: 'a non-empty list', description: 'The policies `check` runs again, in order.' }),
    result: Type.Unsafe<CompareResult>(BASELINE_RESULT),
  },
  {
    title: 'rcupool baseline',
    description: 'A recorded comparison that `rcupool check` runs again and judges against (docs/ci.md). No timestamp: an unchanged rerun writes the same bytes.',
    additionalProperties: false,
  },
);
export type BaselineFile = Static<typeof BASELINE_FILE>;

/** schema/baseline.schema.json. */
export function baselineJsonSchema(): Record<string, unknown> {
  return jsonSchemaFile(BASELINE_FILE, ['recordedMetrics', 'interval', 'recordedMetricsInterval', 'policy']);
}
