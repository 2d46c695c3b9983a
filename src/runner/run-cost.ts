// What a run is expected to cost, before it runs: only for scheduling (which run a thread takes
// next, whether another thread pays for itself), never for results. Deterministic: it reads the
// scenario and the policy's name, no clock, so every --jobs value sees the same plan, and a
// wrong estimate can only make a comparison slower, never different.
import { RateProfile } from '../model/arrivals.js';
import type { Scenario } from '../scenario/types.js';
import type { RunTask } from './task-message.js';

/**
 * kvfree_rcu() calls one run makes: the rate phases over the arrival window for open callers;
 * for closed callers, each thread calls once per think time + fast path until the window ends
 * or its call budget is spent (src/model/callers.ts).
 */
export function expectedCalls(scenario: Scenario): number {
  const { workload, timing, durationMs } = scenario;
  if (workload.callers.mode === 'closed') {
    const periodNs = workload.callers.thinkNs + timing.callFastPathNs;
    const perThread = periodNs > 0 ? (durationMs * 1e6) / periodNs : 0;
    const budget = workload.callers.callsPerThread > 0 ? workload.callers.callsPerThread : Infinity;
    return Math.min(perThread, budget) * workload.callers.threadsPerCpu * workload.activeCpus;
  }
  return new RateProfile(workload.phases, durationMs * 1000).totalLambda * workload.activeCpus;
}

/**
 * The model's work in one run, in rough event counts: calls are handled in bulk, so what costs
 * is a pointer page filling (one per ptrsPerPage calls), other users' ticks (each visits every
 * CPU) and grace periods. On `default` with upstream this is 103 k against 75 k events run.
 */
export function scenarioWork(scenario: Scenario): number {
  const pages = expectedCalls(scenario) / scenario.kernel.ptrsPerPage;
  const otherUsers = (scenario.machine.cpus * scenario.durationMs) / scenario.others.tickMs;
  const gracePeriods = scenario.durationMs / scenario.timing.gp.medianMs;
  return 1 + pages + otherUsers + gracePeriods;
}

/**
 * Each built-in's cost per unit of scenario work relative to upstream's: the simulation's CPU time
 * for `flood` with a 1 s window (`node dist/bench/bench-case.js flood NAME 1000`, best of two, on
 * a 2-core machine), the scenario where runs are long enough for their order to matter. Runs of
 * fallbacks are counted in bulk since issue 10's point 1, so policies that fall back no longer
 * cost more for it; refresh the table when the model's costs move. Only the order and rough size
 * matter.
 */
export const BUILTIN_RELATIVE_COST: Readonly<Record<string, number>> = Object.freeze({
  'preempt-count': 1.15,
  upstream: 1,
  'inline-nowait': 0.97,
  'grow-after-emergency': 0.93,
  mempool: 0.84,
  'nolock-alloc': 0.77,
  'lockless-pcp': 0.34,
  'refill-worker': 0.14,
});

/**
 * A policy of unknown cost (a user's file, which also starts a thread and compiles for every
 * run, or a built-in not in the table) is planned above every measured one: started early, it
 * cannot be the one run left at the end.
 */
const UNKNOWN_RELATIVE_COST = 1.5 * Math.max(...Object.values(BUILTIN_RELATIVE_COST));

export function relativeCost(task: Pick<RunTask, 'location' | 'policyName'>): number {
  if (task.location.kind !== 'builtin') return UNKNOWN_RELATIVE_COST;
  return Object.hasOwn(BUILTIN_RELATIVE_COST, task.policyName) ? BUILTIN_RELATIVE_COST[task.policyName]! : UNKNOWN_RELATIVE_COST;
}

/** Expected cost of one run, in work units (see scenarioWork); --check-invariants multiplies it. */
export function estimatedCost(task: Pick<RunTask, 'location' | 'policyName' | 'scenario' | 'checkInvariants'>): number {
  return scenarioWork(task.scenario) * relativeCost(task) * (task.checkInvariants ? CHECK_INVARIANTS_FACTOR : 1);
}

/** `compare --jobs 1 --check-invariants` on default: 8.7 s of CPU for the runs against 2.8 s without. */
const CHECK_INVARIANTS_FACTOR = 3;

/**
 * The order threads take tasks in: longest expected first (LPT: no long run is left to start
 * last while the other threads idle), ties in task order. Returns task positions.
 */
export function longestFirst(costs: readonly number[]): number[] {
  return costs.map((cost, index) => ({ cost, index })).sort((a, b) => b.cost - a.cost || a.index - b.index).map(({ index }) => index);
}

/**
 * Wall time of one work unit in a warm thread on a 2-core machine, to turn an estimate into
 * milliseconds before anything has run: the eight built-ins on default (103 k units each, 6.1
 * relative cost in all) take about 1.7 s, upstream on flood with a 1 s window (373 k units) 1 s.
 */
export const REFERENCE_MS_PER_UNIT = 0.0027;
