// `rcupool solve`: the smallest value of one knob for which every constraint holds with 95 %
// confidence, by bisection.
//
// Bisection assumes feasibility is monotone: once the knob is large enough the constraints hold,
// and they keep holding above. That is checked, not trusted: before bisecting, a coarse grid of
// probes spans the whole range, and after it every probe (grid and bisection) is looked at in
// order; a value that holds below one that fails breaks the assumption and is reported with both
// values. The answer is then the first crossing found, and the report says others may exist.
//
// "With 95 % confidence": a constraint metric < limit holds when the upper end of the metric's
// 95 % confidence interval over the seeds (Student t) is below the limit (> limit: the lower
// end above it). With one seed there is no interval and the value itself decides.
import { METRIC_PATHS, metricValue, type MetricPath, type Metrics } from '../contract/metrics.js';
import type { PolicyResult } from '../contract/result-types.js';
import { confidenceInterval } from './statistics.js';

export type Comparison = '<' | '<=' | '>' | '>=';

export interface Constraint {
  metric: MetricPath;
  op: Comparison;
  limit: number;
  /** As written. */
  text: string;
}

/** A bad --subject-to or --range; the CLI turns it into a usage error. */
export class SolveError extends Error {
  override name = 'SolveError';
}

/** `failures.rate<0.001`, several joined by "," (all must hold); a limit may end in % (0.1% = 0.001). */
export function parseConstraints(text: string): Constraint[] {
  const parts = text.split(',').map((part) => part.trim()).filter(Boolean);
  if (parts.length === 0) throw new SolveError(`--subject-to: give a constraint such as 'failures.rate<0.001'`);
  return parts.map((part) => {
    const match = /^([A-Za-z][\w.]*)\s*(<=|>=|<|>)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(%?)$/.exec(part);
    if (!match) throw new SolveError(`--subject-to ${part}: expected <metric><op><number> with op <, <=, > or >=, e.g. 'failures.rate<0.001' or 'latencyUs.p99<=5'`);
    const [, metric, op, number, percent] = match;
    if (!(METRIC_PATHS as readonly string[]).includes(metric!)) {
      throw new SolveError(`--subject-to ${part}: unknown metric "${metric}" (metrics are the JSON names, e.g. failures.rate, reserve.avgPages, latencyUs.p99)`);
    }
    return { metric: metric as MetricPath, op: op as Comparison, limit: Number(number) / (percent ? 100 : 1), text: part };
  });
}

export interface ConstraintCheck {
  metric: MetricPath;
  mean: number;
  /** The 95 % interval over seeds (low = high = mean with one seed). */
  low: number;
  high: number;
  holds: boolean;
}

export interface Probe {
  value: number;
  feasible: boolean;
  checks: ConstraintCheck[];
  /** 'grid' probes span the range before bisection; 'bisect' probes narrow the bracket. */
  stage: 'grid' | 'bisect';
}

function holds(constraint: Constraint, low: number, high: number): boolean {
  switch (constraint.op) {
    case '<':
      return high < constraint.limit;
    case '<=':
      return high <= constraint.limit;
    case '>':
      return low > constraint.limit;
    case '>=':
      return low >= constraint.limit;
  }
}

/** Judges one probe's result (a policy run on every seed). Throws when the run failed. */
export function judgeProbe(value: number, result: PolicyResult, constraints: readonly Constraint[], stage: Probe['stage']): Probe {
  if (result.error !== undefined || result.metrics === undefined) throw new SolveError(`the run at ${value} failed: ${result.error ?? 'no metrics'}`);
  const perSeed: Metrics[] = result.perSeed ?? [result.metrics];
  const checks = constraints.map((constraint) => {
    const { low, high } = confidenceInterval(perSeed.map((metrics) => metricValue(metrics, constraint.metric)));
    return { metric: constraint.metric, mean: metricValue(result.metrics!, constraint.metric), low, high, holds: holds(constraint, low, high) };
  });
  return { value, feasible: checks.every((check) => check.holds), checks, stage };
}

export interface SolveSettings {
  low: number;
  high: number;
  /** Stop when the bracket is this narrow (1 for an integer knob). */
  step: number;
  integer: boolean;
  /** Probes in the first pass over the range, ends included. */
  gridProbes: number;
}

export interface SolveOutcome {
  /** The smallest value found to hold; null when none in the range does. */
  answer: number | null;
  /** The largest value found to fail below the answer (null when the answer is the range's low end). */
  failsAt: number | null;
  monotone: boolean;
  /** The first pair that breaks monotonicity: holds at `holdsAt` but fails at the larger `failsAt`. */
  counterexample?: { holdsAt: number; failsAt: number };
  /** Every probe, by value. */
  probes: Probe[];
}

function gridValues(settings: SolveSettings): number[] {
  const { low, high, gridProbes, integer } = settings;
  const values = Array.from({ length: gridProbes }, (_, at) => low + ((high - low) * at) / (gridProbes - 1)).map((value) => (integer ? Math.round(value) : Number(value.toPrecision(12))));
  return [...new Set(values)];
}

/**
 * Bisection with the monotonicity check. `evaluate` runs the knob at each value (all seeds) and
 * judges it; it receives the grid as one batch so the runner can spread it over threads.
 */
export async function solveMinimum(settings: SolveSettings, evaluate: (values: number[], stage: Probe['stage']) => Promise<Probe[]>): Promise<SolveOutcome> {
  if (!(settings.low <= settings.high)) throw new SolveError(`--range ${settings.low}..${settings.high}: the low end must not be above the high end`);
  const probes = await evaluate(gridValues(settings), 'grid');
  const firstFeasible = probes.findIndex((probe) => probe.feasible);
  let answer: number | null = null;
  let failsAt: number | null = null;
  if (firstFeasible > 0) {
    let below = probes[firstFeasible - 1]!.value;
    let above = probes[firstFeasible]!.value;
    while (above - below > settings.step) {
      const middle = settings.integer ? Math.floor((below + above) / 2) : Number(((below + above) / 2).toPrecision(12));
      if (middle <= below || middle >= above) break;
      const [probe] = await evaluate([middle], 'bisect');
      probes.push(probe!);
      if (probe!.feasible) above = middle;
      else below = middle;
    }
    answer = above;
    failsAt = below;
  } else if (firstFeasible === 0) {
    answer = probes[0]!.value;
  }
  probes.sort((a, b) => a.value - b.value);
  let counterexample: SolveOutcome['counterexample'];
  const firstHolding = probes.find((probe) => probe.feasible);
  const laterFailure = firstHolding ? probes.find((probe) => probe.value > firstHolding.value && !probe.feasible) : undefined;
  if (firstHolding && laterFailure) counterexample = { holdsAt: firstHolding.value, failsAt: laterFailure.value };
  return { answer, failsAt, monotone: counterexample === undefined, ...(counterexample ? { counterexample } : {}), probes };
}
