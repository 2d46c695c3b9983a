// Result objects of `rcupool sweep`: what reports, `merge`, `baseline` and `check` see.
import type { ParamValues } from '../policy/api.js';
import type { Scenario } from '../scenario/types.js';
import type { BaselinePolicy } from './baseline-policy.js';
import type { PolicyResult } from './result-types.js';

export type AxisValue = number | string | boolean;

/** One varied knob, resolved: which policy's param or which scenario field, and its values. */
export interface SweepAxis {
  /** As given to --vary: "mempool.reservePages", "workload.headlessShare". */
  name: string;
  target: 'param' | 'scenario';
  /** For a param axis: the policy it belongs to and the param's name. */
  policy?: string;
  param?: string;
  /** The values part of --vary as written ("0..400:25"). */
  spec: string;
  /** The values in run order, typed as the param or the resolved scenario field holds them. */
  values: AxisValue[];
  /** The unit of a param axis (from the policy's params), or of a scenario field when its name says it. */
  unit?: string;
}

/** One point of the grid for one policy: a PolicyResult plus where it sits in the grid. */
export interface SweepPointResult extends PolicyResult {
  /** Position in the unsharded sweep's point list (0-based); shards keep it, merge sorts on it. */
  index: number;
  /** The values of the axes that apply to this point (scenario axes, and this policy's param axes). */
  values: Record<string, AxisValue>;
}

/** Which share of the points a `--shard i/n` run holds. */
export interface ShardInfo {
  index: number;
  count: number;
  /** Indices of the points of this shard, ascending. */
  points: number[];
  /** Points in the whole sweep. */
  totalPoints: number;
}

export interface SweepResult {
  schemaVersion: 1;
  kind: 'sweep';
  tool: { name: 'rcupool'; version: string };
  /** The resolved scenario every point starts from (scenario axes are applied on top, as --set). */
  scenario: Scenario;
  seeds: number[];
  vary: SweepAxis[];
  /** The policies as run before any param axis (kind, location, params, --param overrides, sha256). */
  policies: BaselinePolicy[];
  points: SweepPointResult[];
  /** Present only in the output of a `--shard i/n` run. */
  shard?: ShardInfo;
  /** With `--front a,b`: the two metrics and the indices of the non-dominated points. */
  front?: { metrics: [string, string]; points: number[] };
}

/** Params of one point (the policy's params with its axes' values on top). */
export type PointParams = ParamValues;

/** "mempool reservePages=25, machine.preset=phone": a point in words (its policy's own params without the policy prefix). */
export function pointLabel(point: Pick<SweepPointResult, 'policy' | 'values'>): string {
  const values = Object.entries(point.values).map(([name, value]) => `${name.startsWith(`${point.policy}.`) ? name.slice(point.policy.length + 1) : name}=${String(value)}`);
  return values.length > 0 ? `${point.policy} ${values.join(', ')}` : point.policy;
}
