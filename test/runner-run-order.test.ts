// Runs are handed to threads longest expected first, and threads start only for work that pays
// for them. The estimate reads the scenario and the policy's name only (no clock), so the plan is
// the same on every run; measured times enter only through the clock values given here.
import { describe, expect, it } from 'vitest';
import type { PolicyLocation } from '../src/policy/loader.js';
import { CpuCores, CPU_WINDOW_MS, ESTIMATED_MS_PER_LANE, LanePacing, LATE_MS_PER_LANE, LONG_RUN_MS, type CpuTimes, type MachineCores } from '../src/runner/lane-pacing.js';
import { BUILTIN_RELATIVE_COST, estimatedCost, expectedCalls, longestFirst, REFERENCE_MS_PER_UNIT, scenarioWork } from '../src/runner/run-cost.js';
import { resolveScenario } from '../src/scenario/load.js';
import type { Scenario } from '../src/scenario/types.js';

const builtin = (name: string): PolicyLocation => ({ spec: name, kind: 'builtin', path: `${name}.js` });
const file: PolicyLocation = { spec: './mine.ts', kind: 'file', path: '/tmp/mine.ts' };

function task(policyName: string, scenario: Scenario, location = builtin(policyName)) {
  return { location, policyName, scenario, checkInvariants: false };
}

/** A compare's tasks: each policy × each seed, policy-major, as runner/compare.ts builds them. */
function compareTasks(names: readonly string[], seeds: number, scenario: Scenario) {
  return names.flatMap((name) => Array.from({ length: seeds }, () => task(name, scenario)));
}

const BUILTINS = Object.keys(BUILTIN_RELATIVE_COST).sort();
const DEFAULT = resolveScenario('default');

describe('the run order', () => {
  it('is longest expected first, each policy\'s seeds in task order', () => {
    const tasks = compareTasks(BUILTINS, 2, DEFAULT);
    const order = longestFirst(tasks.map(estimatedCost));
    const byCost = [...BUILTINS].sort((a, b) => BUILTIN_RELATIVE_COST[b]! - BUILTIN_RELATIVE_COST[a]!);
    expect(order.map((index) => tasks[index]!.policyName)).toEqual(byCost.flatMap((name) => [name, name]));
    for (let at = 0; at < order.length; at += 2) expect(order[at]!).toBeLessThan(order[at + 1]!);
    expect(longestFirst(tasks.map(estimatedCost))).toEqual(order);
  });

  it('puts a policy of unknown cost (a user\'s file) first', () => {
    const tasks = [task('upstream', DEFAULT), task('refill-worker', DEFAULT), task('mine', DEFAULT, file)];
    expect(longestFirst(tasks.map(estimatedCost))).toEqual([2, 0, 1]);
  });

  it('keeps task order when every estimate is the same', () => {
    expect(longestFirst([5, 5, 5, 5])).toEqual([0, 1, 2, 3]);
    expect(longestFirst([1, 3, 2, 3])).toEqual([1, 3, 2, 0]);
  });
});

describe('the estimate', () => {
  it('grows with the arrival window and the call rate', () => {
    expect(scenarioWork(resolveScenario('default', [], 2_000))).toBeLessThan(scenarioWork(DEFAULT));
    expect(expectedCalls(resolveScenario('steady', ['workload.phases[0].callsPerSecPerCpu=40000']))).toBeGreaterThan(expectedCalls(resolveScenario('steady')));
    expect(expectedCalls(resolveScenario('steady', ['workload.activeCpus=4']))).toBeCloseTo(expectedCalls(resolveScenario('steady')) / 2, 0);
  });

  it('counts closed callers by their think time and stops at their call budget', () => {
    const flood = resolveScenario('flood', [], 1_000);
    const { thinkNs } = flood.workload.callers;
    const period = thinkNs + flood.timing.callFastPathNs;
    expect(expectedCalls(flood)).toBeCloseTo((1e9 / period) * flood.workload.callers.threadsPerCpu * flood.workload.activeCpus, -3);
    const budgeted = resolveScenario('flood', ['workload.callers.callsPerThread=1000'], 1_000);
    expect(expectedCalls(budgeted)).toBe(1000 * budgeted.workload.callers.threadsPerCpu * budgeted.workload.activeCpus);
  });

  it('costs --check-invariants more than a plain run', () => {
    expect(estimatedCost({ ...task('upstream', DEFAULT), checkInvariants: true })).toBeGreaterThan(estimatedCost(task('upstream', DEFAULT)));
  });
});

/** A two-core machine other processes leave alone, and one where they keep a core busy. */
const IDLE: MachineCores = { freeCores: () => 2 };
const BUSY: MachineCores = { freeCores: () => 1 };

describe('threads', () => {
  const costsOf = (tasks: ReturnType<typeof task>[]) => longestFirst(tasks.map(estimatedCost)).map((index) => estimatedCost(tasks[index]!));
  /** Whether a second thread starts as soon as the first has taken its first run. */
  const secondThreadAtOnce = (costs: number[], machine = IDLE) => new LanePacing(costs, machine).worthAnotherLane(0, 1, 1);

  it('compare on default stays on one thread, with a few seeds too; flood, or more seeds, gets a second', () => {
    expect(secondThreadAtOnce(costsOf(compareTasks(BUILTINS, 1, DEFAULT)))).toBe(false);
    expect(secondThreadAtOnce(costsOf(compareTasks(BUILTINS, 2, DEFAULT)))).toBe(false);
    expect(secondThreadAtOnce(costsOf(compareTasks(BUILTINS, 1, resolveScenario('flood'))))).toBe(true);
    expect(secondThreadAtOnce(costsOf(compareTasks(BUILTINS, 5, DEFAULT)))).toBe(true);
    const floodCosts = costsOf(compareTasks(BUILTINS, 1, resolveScenario('flood')));
    expect(new LanePacing(floodCosts, { freeCores: () => 4 }).worthAnotherLane(0, 2, 2)).toBe(true); // a third, where there is a core for it
    expect(new LanePacing(floodCosts, IDLE).worthAnotherLane(0, 2, 2)).toBe(false); // and not on two cores
  });

  it('starts no second thread while other processes keep a core busy, or before CPU time is measured', () => {
    const flood = costsOf(compareTasks(BUILTINS, 1, resolveScenario('flood')));
    expect(secondThreadAtOnce(flood, BUSY)).toBe(false);
    expect(secondThreadAtOnce(flood, { freeCores: () => undefined })).toBe(false);
    const busy = new LanePacing(flood, BUSY);
    busy.started(0, 0, 0, true);
    expect(busy.worthAnotherLane(LONG_RUN_MS * 2, 1, 1)).toBe(false);
  });

  it('adds a thread once warm runs say the work left is long, never for a thread\'s first run alone', () => {
    const unitMs = REFERENCE_MS_PER_UNIT;
    const cost = (0.3 * ESTIMATED_MS_PER_LANE) / unitMs;
    const costs = [cost, cost, cost, cost, cost, cost]; // 1.5 lanes' worth estimated after the first: under two threads' worth
    const slowRunMs = (LATE_MS_PER_LANE / 3) * 1.2; // four such runs left: more than LATE_MS_PER_LANE
    const pacing = new LanePacing(costs, IDLE);
    pacing.started(0, 0, 0, true);
    pacing.finished(0, slowRunMs * 2); // a cold first run, however slow, is not the rate
    expect(pacing.worthAnotherLane(slowRunMs * 2, 1, 1)).toBe(false);
    pacing.started(0, 1, 10_000, false);
    pacing.finished(0, 10_000 + slowRunMs);
    expect(pacing.worthAnotherLane(10_000 + slowRunMs, 2, 1)).toBe(true);
    expect(pacing.worthAnotherLane(10_000 + slowRunMs, 2, 2)).toBe(false);

    const quick = new LanePacing(costs, IDLE);
    quick.started(0, 0, 0, true);
    quick.finished(0, 1_000);
    quick.started(0, 1, 1_000, false);
    quick.finished(0, 1_000 + costs[1]! * unitMs);
    expect(quick.worthAnotherLane(1_000 + costs[1]! * unitMs, 2, 1)).toBe(false);
  });

  it('adds a thread when a run goes on past LONG_RUN_MS with another as long waiting, not for short leftovers', () => {
    const pacing = new LanePacing([1e5, 1e5], IDLE);
    pacing.started(0, 0, 0, true);
    expect(pacing.worthAnotherLane(LONG_RUN_MS - 1, 1, 1)).toBe(false);
    expect(pacing.worthAnotherLane(LONG_RUN_MS + 1, 1, 1)).toBe(true);
    const leftovers = new LanePacing([1e5, 1e3, 1e3], IDLE);
    leftovers.started(0, 0, 0, true);
    expect(leftovers.worthAnotherLane(LONG_RUN_MS + 1, 1, 1)).toBe(false);
  });
});

describe('free cores', () => {
  /** CPU times that a test moves on by hand, on a two-core machine. */
  function clock() {
    const times: CpuTimes = { busyMs: 0, idleMs: 0, ownMs: 0, cores: 2 };
    const pass = (ms: number, busy: { own: number; others: number }) => {
      times.busyMs += ms * (busy.own + busy.others);
      times.idleMs += ms * (2 - busy.own - busy.others);
      times.ownMs += ms * busy.own;
    };
    return { read: () => ({ ...times }), pass };
  }

  it('leaves this process\'s own threads out: both cores busy starting up still leave both free', () => {
    const { read, pass } = clock();
    const cores = new CpuCores(0, read);
    pass(CPU_WINDOW_MS, { own: 2, others: 0 });
    expect(cores.freeCores(CPU_WINDOW_MS)).toBe(2);
  });

  it('counts what other processes keep busy, and says nothing before a window has passed', () => {
    const { read, pass } = clock();
    const cores = new CpuCores(0, read);
    pass(CPU_WINDOW_MS / 2, { own: 1, others: 1 });
    expect(cores.freeCores(CPU_WINDOW_MS / 2)).toBeUndefined();
    pass(CPU_WINDOW_MS / 2, { own: 1, others: 1 });
    expect(cores.freeCores(CPU_WINDOW_MS)).toBe(1);
    pass(CPU_WINDOW_MS, { own: 0.5, others: 1.5 });
    expect(cores.freeCores(2 * CPU_WINDOW_MS)).toBe(0.5);
  });

  it('a second thread waits for a core that others leave free beyond the first', () => {
    const { read, pass } = clock();
    const costs = compareTasks(BUILTINS, 1, resolveScenario('flood')).map(estimatedCost);
    const flood = longestFirst(costs).map((index) => costs[index]!);
    const pacing = new LanePacing(flood, new CpuCores(0, read));
    pass(CPU_WINDOW_MS, { own: 1, others: 1 });
    expect(pacing.worthAnotherLane(CPU_WINDOW_MS, 1, 1)).toBe(false);
    pass(CPU_WINDOW_MS, { own: 1, others: 0 });
    expect(pacing.worthAnotherLane(2 * CPU_WINDOW_MS, 1, 1)).toBe(true);
  });
});
