// The JSON Schema of `rcupool compare --json`, built here so the metric parts come from the
// metric registry: schema/compare.schema.json is this object, written by `npm run schema`
// (a test checks the committed file equals it).
import { METRICS, type MetricSpec } from './metrics.js';

type JsonSchema = Record<string, unknown>;

/**
 * The version of the --json document's shape: 2 since the stalls, footprint, slow-path and GP
 * metrics (and failures no longer counting stalled callers as anything but fallbacks).
 */
export const RESULT_SCHEMA_VERSION = 2;

/** Metrics-shaped schema: one leaf per registry path, grouped as in the JSON. */
function metricsShape(leaf: (metric: MetricSpec) => JsonSchema, groupDescription: (group: string) => string | undefined): JsonSchema {
  const top: Record<string, JsonSchema> = {};
  const groups = new Map<string, Record<string, JsonSchema>>();
  for (const metric of METRICS as readonly MetricSpec[]) {
    const [head, name] = metric.path.split('.') as [string, string | undefined];
    if (name === undefined) top[head] = leaf(metric);
    else {
      if (!groups.has(head)) groups.set(head, {});
      groups.get(head)![name] = leaf(metric);
    }
  }
  const properties: Record<string, JsonSchema> = { ...top };
  for (const [group, members] of groups) {
    const description = groupDescription(group);
    properties[group] = {
      type: 'object',
      additionalProperties: false,
      required: Object.keys(members),
      properties: members,
      ...(description ? { description } : {}),
    };
  }
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}

const UNIT_WORDS: Record<string, string> = { calls: 'calls', pages: 'pages', fraction: 'a fraction (0–1)', count: 'a count', 'µs': 'µs', ms: 'ms' };

function metricLeaf(metric: MetricSpec): JsonSchema {
  return {
    type: 'number',
    minimum: 0,
    ...(metric.isFraction ? { maximum: 1 } : {}),
    description: `${metric.description} Unit: ${UNIT_WORDS[metric.unit]}.`,
  };
}

export function compareJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'rcupool compare --json',
    description: 'One comparison of kvfree_rcu() page-supply policies. Non-finite numbers are written as null and therefore fail validation on purpose.',
    type: 'object',
    additionalProperties: false,
    required: ['schemaVersion', 'tool', 'scenario', 'seeds', 'results'],
    properties: {
      schemaVersion: { const: RESULT_SCHEMA_VERSION },
      tool: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'version'],
        properties: { name: { const: 'rcupool' }, version: { type: 'string', minLength: 1 } },
      },
      scenario: {
        type: 'object',
        description: 'The resolved scenario (docs/scenarios.md); only its core fields are pinned here.',
        required: ['name', 'durationMs', 'machine', 'kernel', 'workload'],
        properties: {
          name: { type: 'string' },
          durationMs: { type: 'number', exclusiveMinimum: 0 },
          machine: { type: 'object' },
          kernel: { type: 'object' },
          workload: { type: 'object' },
        },
      },
      seeds: { type: 'array', minItems: 1, items: { type: 'integer' } },
      results: { type: 'array', items: { $ref: '#/definitions/policyResult' } },
    },
    definitions: {
      metrics: metricsShape(metricLeaf, () => undefined),
      interval: {
        type: 'object',
        additionalProperties: false,
        required: ['low', 'high'],
        properties: { low: { type: 'number' }, high: { type: 'number' } },
      },
      metricsInterval: metricsShape(() => ({ $ref: '#/definitions/interval' }), () => undefined),
      timelinePoint: {
        type: 'object',
        additionalProperties: false,
        required: ['timeMs', 'freePages', 'reservePages', 'inflightPages', 'failures', 'lowestFreePages', 'belowMinMs', 'peakInflightPages'],
        properties: {
          timeMs: { type: 'number', minimum: 0 },
          freePages: { type: 'number', minimum: 0 },
          reservePages: { type: 'number', minimum: 0 },
          inflightPages: { type: 'number', minimum: 0 },
          failures: { type: 'number', minimum: 0, description: 'Fallback calls since the previous point.' },
          lowestFreePages: { type: 'number', minimum: 0, description: 'Lowest free pages since the previous point.' },
          belowMinMs: { type: 'number', minimum: 0, description: 'ms with free pages under MIN since the previous point; the points add up to harm.belowMinMs.' },
          peakInflightPages: { type: 'number', minimum: 0, description: 'Highest pages in flight since the previous point.' },
        },
      },
      policyResult: {
        type: 'object',
        additionalProperties: false,
        required: ['policy', 'source', 'params'],
        properties: {
          policy: { type: 'string', minLength: 1 },
          source: { type: 'string', minLength: 1, description: '"builtin" or the policy file path as given.' },
          fileHash: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'sha256 of a user policy file.' },
          params: { type: 'object', additionalProperties: { anyOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }] } },
          metrics: { $ref: '#/definitions/metrics' },
          perSeed: { type: 'array', minItems: 1, items: { $ref: '#/definitions/metrics' } },
          ci95: { $ref: '#/definitions/metricsInterval' },
          error: { type: 'string', minLength: 1 },
          timeline: { type: 'array', items: { $ref: '#/definitions/timelinePoint' } },
        },
        description: 'A policy either ran (metrics present) or failed (error present, no metrics/perSeed/ci95).',
        if: { required: ['error'] },
        then: { not: { anyOf: [{ required: ['metrics'] }, { required: ['perSeed'] }, { required: ['ci95'] }] } },
        else: { required: ['metrics'] },
      },
    },
  };
}
