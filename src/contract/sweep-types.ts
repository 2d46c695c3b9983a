// Result objects of `rcupool sweep`: what reports, `merge`, `baseline` and `check` see.
// Declared once, with TypeBox: the types are Static<> of these schemas, schema/sweep.schema.json
// is SWEEP_RESULT written out (sweep-schema.ts) and a document read back is checked against it
// (result-check.ts). Points carry compare's metric objects, so the registry reaches both.
import { Type, type Static } from '@sinclair/typebox';
import type { ParamValues } from '../policy/api.js';
import { BASELINE_POLICY, PARAM_VALUE } from './baseline-policy.js';
import { BASELINE_VERSION } from './baseline-types.js';
import { POLICY_RESULT_FIELDS, RAN_OR_FAILED, scenarioCore, SEEDS, TOOL } from './result-types.js';

export type AxisValue = Static<typeof PARAM_VALUE>;

const nonEmpty = (description?: string) => Type.String({ minLength: 1, ...(description === undefined ? {} : { description }) });
const index = (description?: string) => Type.Integer({ minimum: 0, ...(description === undefined ? {} : { description }) });

/** One varied knob, resolved: which policy's param or which scenario field, and its values. */
export const SWEEP_AXIS = Type.Object(
  {
    name: nonEmpty('As given to --vary: <policy>.<param> or a scenario field path.'),
    target: Type.Union([Type.Literal('param'), Type.Literal('scenario')]),
    /** For a param axis: the policy it belongs to and the param's name. */
    policy: Type.Optional(nonEmpty()),
    param: Type.Optional(nonEmpty()),
    spec: Type.String({ description: 'The values part of --vary as written.' }),
    /** The values in run order, typed as the param or the resolved scenario field holds them. */
    values: Type.Array(PARAM_VALUE, { minItems: 1 }),
    /** The unit of a param axis (from the policy's params), or of a scenario field when its name says it. */
    unit: Type.Optional(Type.String()),
  },
  { additionalProperties: false, definition: 'axis' },
);
export type SweepAxis = Static<typeof SWEEP_AXIS>;

/** One point of the grid for one policy: a PolicyResult (no timeline) plus where it sits in the grid. */
export const SWEEP_POINT = Type.Object(
  {
    index: index("Position in the unsharded sweep's point list."),
    values: Type.Unsafe<Record<string, AxisValue>>(Type.Object({}, { additionalProperties: PARAM_VALUE, description: 'Values of the axes that apply to this point, by axis name.' })),
    ...POLICY_RESULT_FIELDS,
  },
  { additionalProperties: false, ...RAN_OR_FAILED, definition: 'point' },
);
export type SweepPointResult = Static<typeof SWEEP_POINT>;

/** Which share of the points a `--shard i/n` run holds. */
export const SHARD = Type.Object(
  { index: index(), count: Type.Integer({ minimum: 1 }), points: Type.Array(index()), totalPoints: index() },
  { additionalProperties: false, definition: 'shard' },
);
export type ShardInfo = Static<typeof SHARD>;

/** With `--front a,b`: the two metrics and the indices of the non-dominated points. */
export const FRONT = Type.Object(
  { metrics: Type.Tuple([Type.String(), Type.String()]), points: Type.Array(index()) },
  { additionalProperties: false, definition: 'front' },
);

export const SWEEP_RESULT = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    kind: Type.Literal('sweep'),
    tool: TOOL,
    scenario: scenarioCore('The resolved scenario (docs/scenarios.md); only its core fields are pinned here.'),
    seeds: SEEDS,
    vary: Type.Array(SWEEP_AXIS, { minItems: 1 }),
    /** The policies as run before any param axis (kind, location, params, --param overrides, sha256). */
    policies: Type.Array(BASELINE_POLICY, { minItems: 1 }),
    points: Type.Array(SWEEP_POINT),
    shard: Type.Optional(SHARD),
    front: Type.Optional(FRONT),
    baselineVersion: Type.Optional(Type.Literal(BASELINE_VERSION, { description: 'Only in a sweep baseline (`rcupool baseline --vary`).' })),
  },
  {
    title: 'rcupool sweep --json',
    description:
      'A sweep: every point of a --vary grid, each with the metrics, perSeed and ci95 objects of `compare --json` (same definitions, copied from compare.schema.json). Shards (`sweep --shard i/n`) add `shard`; `rcupool merge` removes it. Non-finite numbers are written as null and fail validation on purpose.',
    additionalProperties: false,
  },
);
export type SweepResult = Static<typeof SWEEP_RESULT>;

/** Params of one point (the policy's params with its axes' values on top). */
export type PointParams = ParamValues;

/** "mempool reservePages=25, machine.preset=phone": a point in words (its policy's own params without the policy prefix). */
export function pointLabel(point: Pick<SweepPointResult, 'policy' | 'values'>): string {
  const values = Object.entries(point.values).map(([name, value]) => `${name.startsWith(`${point.policy}.`) ? name.slice(point.policy.length + 1) : name}=${String(value)}`);
  return values.length > 0 ? `${point.policy} ${values.join(', ')}` : point.policy;
}
