// Result objects: what the runner hands to reports and to `check`. Reports see only these.
import { RESULT_SCHEMA_VERSION } from './compare-schema.js';
import type { Metrics } from './metrics.js';
import type { Scenario } from '../scenario/types.js';
import type { ParamValues } from '../policy/api.js';

/** Lower and upper bound of a 95 % confidence interval (Student t over seeds). */
export interface Interval {
  low: number;
  high: number;
}

/** Same shape as Metrics, each number replaced by its interval. */
export type MetricsInterval = { [K in keyof Metrics]: Metrics[K] extends number ? Interval : { [J in keyof Metrics[K]]: Interval } };

/** One sample of one policy's state over time (for `run --timeline`). */
export interface TimelinePoint {
  timeMs: number;
  freePages: number;
  reservePages: number;
  inflightPages: number;
  /** Fallback calls since the previous point. */
  failures: number;
  /** Lowest free pages since the previous point (the dip a point sample could miss). */
  lowestFreePages: number;
  /** ms with free pages under MIN since the previous point; the points add up to harm.belowMinMs. */
  belowMinMs: number;
  /** Highest pages in flight since the previous point; their maximum is inflight.peakPages. */
  peakInflightPages: number;
}

export interface PolicyResult {
  policy: string;
  /** Where the module came from: "builtin" or the file path as given. */
  source: string;
  /** sha256 of a user policy file's contents; absent for built-ins. */
  fileHash?: string;
  params: ParamValues;
  /** Mean over seeds (the only seed's metrics when there is one). */
  metrics?: Metrics;
  /** Present with more than one seed. */
  perSeed?: Metrics[];
  ci95?: MetricsInterval;
  /** Set when a run of this policy failed (bad policy, broken invariant); metrics, perSeed and ci95 are then absent. */
  error?: string;
  timeline?: TimelinePoint[];
}

/** The layout version of a CompareResult (declared in src/contract/compare-schema.ts); baselines record it and `check` refuses older ones. */
export { RESULT_SCHEMA_VERSION };

export interface CompareResult {
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: 'rcupool'; version: string };
  scenario: Scenario;
  seeds: number[];
  results: PolicyResult[];
}
