// Result objects: what the runner hands to reports and to `check`. Reports see only these.
// Declared once, with TypeBox: the TypeScript types below are Static<> of these schemas,
// schema/compare.schema.json is COMPARE_RESULT written out (compare-schema.ts), and a document
// read back is checked against it (result-check.ts). The metric objects are built from the
// metric registry, so a metric added there reaches the types, the schema and the checks.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { METRICS, type MetricSpec, type Metrics } from './metrics.js';
import { PARAM_VALUE } from './baseline-policy.js';
import { RESULT_SCHEMA_VERSION } from './schema-version.js';
import type { Scenario } from '../scenario/types.js';
import type { ParamValues } from '../policy/api.js';

export { RESULT_SCHEMA_VERSION };

/** Lower and upper bound of a 95 % confidence interval (Student t over seeds). */
export const INTERVAL = Type.Object({ low: Type.Number(), high: Type.Number() }, { additionalProperties: false, definition: 'interval' });
export type Interval = Static<typeof INTERVAL>;

/** Same shape as Metrics, each number replaced by its interval. */
export type MetricsInterval = { [K in keyof Metrics]: Metrics[K] extends number ? Interval : { [J in keyof Metrics[K]]: Interval } };

/**
 * Metrics-shaped object schema: one leaf per registry path, grouped as in the JSON (top-level
 * paths first). `optional`: every leaf and group may be absent (a baseline recorded before a
 * metric existed).
 */
function metricsObject(leaf: (metric: MetricSpec) => TSchema, optional = false) {
  const maybe = (schema: TSchema) => (optional ? Type.Optional(schema) : schema);
  const top: Record<string, TSchema> = {};
  const groups = new Map<string, Record<string, TSchema>>();
  for (const metric of METRICS as readonly MetricSpec[]) {
    const [head, name] = metric.path.split('.') as [string, string | undefined];
    if (name === undefined) top[head] = maybe(leaf(metric));
    else {
      if (!groups.has(head)) groups.set(head, {});
      groups.get(head)![name] = maybe(leaf(metric));
    }
  }
  const properties: Record<string, TSchema> = { ...top };
  for (const [group, members] of groups) properties[group] = maybe(Type.Object(members, { additionalProperties: false }));
  return Type.Object(properties, { additionalProperties: false });
}

const UNIT_WORDS: Record<string, string> = { calls: 'calls', pages: 'pages', fraction: 'a fraction (0–1)', count: 'a count', 'µs': 'µs', ms: 'ms' };

function metricLeaf(metric: MetricSpec): TSchema {
  return Type.Number({ minimum: 0, ...(metric.isFraction ? { maximum: 1 } : {}), description: `${metric.description} Unit: ${UNIT_WORDS[metric.unit]}.` });
}

/** The registry's Metrics type, checked by a schema built from the same registry entries. */
export const METRICS_SCHEMA = Type.Unsafe<Metrics>({ ...metricsObject(metricLeaf), definition: 'metrics' });
export const METRICS_INTERVAL = Type.Unsafe<MetricsInterval>({ ...metricsObject(() => INTERVAL), definition: 'metricsInterval' });
/** The same, as a baseline may have recorded them: a metric it predates is absent (`check` shows it as new). */
export const RECORDED_METRICS = Type.Unsafe<Metrics>({ ...metricsObject(metricLeaf, true), definition: 'recordedMetrics' });
export const RECORDED_METRICS_INTERVAL = Type.Unsafe<MetricsInterval>({ ...metricsObject(() => INTERVAL, true), definition: 'recordedMetricsInterval' });

const nonNegative = (description?: string) => Type.Number({ minimum: 0, ...(description === undefined ? {} : { description }) });

/** One sample of one policy's state over time (for `run --timeline`). */
export const TIMELINE_POINT = Type.Object(
  {
    timeMs: nonNegative(),
    freePages: nonNegative(),
    reservePages: nonNegative(),
    inflightPages: nonNegative(),
    failures: nonNegative('Fallback calls since the previous point.'),
    lowestFreePages: nonNegative('Lowest free pages since the previous point (the dip a point sample could miss).'),
    belowMinMs: nonNegative('ms with free pages under MIN since the previous point; the points add up to harm.belowMinMs.'),
    peakInflightPages: nonNegative('Highest pages in flight since the previous point; their maximum is inflight.peakPages.'),
  },
  { additionalProperties: false, definition: 'timelinePoint' },
);
export type TimelinePoint = Static<typeof TIMELINE_POINT>;

export const PARAM_VALUES = Type.Unsafe<ParamValues>(Type.Object({}, { additionalProperties: PARAM_VALUE, expected: 'an object' }));

/** The fields a run that failed does not have; a run that did not fail has `metrics`. */
export const RAN_ONLY = ['metrics', 'perSeed', 'ci95'] as const;

/** JSON Schema keywords for "a policy either ran (metrics present) or failed (error present, no metrics/perSeed/ci95)". */
export const RAN_OR_FAILED = {
  description: 'A policy either ran (metrics present) or failed (error present, no metrics/perSeed/ci95).',
  if: { required: ['error'] },
  then: { not: { anyOf: RAN_ONLY.map((field) => ({ required: [field] })) } },
  else: { required: ['metrics'] },
};

/** The fields of one policy's result; a sweep point has them too (without the timeline). */
export const POLICY_RESULT_FIELDS = {
  policy: Type.String({ minLength: 1 }),
  source: Type.String({ minLength: 1, description: '"builtin" or the policy file path as given.' }),
  fileHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'sha256 of a user policy file.' })),
  params: PARAM_VALUES,
  /** Mean over seeds (the only seed's metrics when there is one). */
  metrics: Type.Optional(METRICS_SCHEMA),
  /** Present with more than one seed. */
  perSeed: Type.Optional(Type.Array(METRICS_SCHEMA, { minItems: 1 })),
  ci95: Type.Optional(METRICS_INTERVAL),
  /** Set when a run of this policy failed (bad policy, broken invariant); metrics, perSeed and ci95 are then absent. */
  error: Type.Optional(Type.String({ minLength: 1 })),
};

export const POLICY_RESULT = Type.Object(
  { ...POLICY_RESULT_FIELDS, timeline: Type.Optional(Type.Array(TIMELINE_POINT)) },
  { additionalProperties: false, ...RAN_OR_FAILED, definition: 'policyResult' },
);
export type PolicyResult = Static<typeof POLICY_RESULT>;

export const TOOL = Type.Object({ name: Type.Literal('rcupool'), version: Type.String({ minLength: 1 }) }, { additionalProperties: false });

/** The resolved scenario a result carries; only its core fields are pinned (src/scenario/ owns the format). */
export function scenarioCore(description: string) {
  return Type.Unsafe<Scenario>(
    Type.Object(
      { name: Type.String(), durationMs: Type.Number({ exclusiveMinimum: 0 }), machine: Type.Object({}), kernel: Type.Object({}), workload: Type.Object({}) },
      { description },
    ),
  );
}

export const SEEDS = Type.Array(Type.Integer(), { minItems: 1 });

export const COMPARE_RESULT = Type.Object(
  {
    schemaVersion: Type.Literal(RESULT_SCHEMA_VERSION),
    tool: TOOL,
    scenario: scenarioCore('The resolved scenario (docs/scenarios.md); only its core fields are pinned here.'),
    seeds: SEEDS,
    results: Type.Array(POLICY_RESULT),
  },
  {
    title: 'rcupool compare --json',
    description: 'One comparison of kvfree_rcu() page-supply policies. Non-finite numbers are written as null and therefore fail validation on purpose.',
    additionalProperties: false,
  },
);
export type CompareResult = Static<typeof COMPARE_RESULT>;
