// Shared builders for the model tests: short, quiet scenarios, deterministic timing, and
// small test policies. Every scenario here simulates well under a second of kernel time.
import { RandomStreams } from '../../src/engine/random.js';
import { Scheduler } from '../../src/engine/scheduler.js';
import { Allocator } from '../../src/model/allocator.js';
import { Simulation, type SimulationOptions, type SimulationResult } from '../../src/model/simulation.js';
import type { Kernel, Page, ParamValues, PolicyHooks, PolicyModule } from '../../src/policy/api.js';
import { baseScenario } from '../../src/scenario/base.js';
import type { Scenario, TimingSpec } from '../../src/scenario/types.js';
import upstream from '../../policies/upstream.js';

export { upstream };

/**
 * A phone with plenty of free memory (≈ 50,000 free pages ≫ HIGH), one CPU making 20,000
 * kvfree_rcu() calls/s for 200 ms, no background allocations, v5.x-style 20 ms drain delay
 * so the queues drain quickly after the window.
 */
export function quietScenario(): Scenario {
  const scenario = baseScenario();
  scenario.name = 'test';
  scenario.durationMs = 200;
  scenario.kernel.drainDelayMs = 20;
  scenario.workload.activeCpus = 1;
  scenario.workload.phases = [{ kind: 'constant', durationMs: 200, callsPerSecPerCpu: 20_000 }];
  scenario.others.backgroundAllocsPerSecPerCpu = 0;
  scenario.others.tickMs = 10;
  return scenario;
}

export function constantRate(scenario: Scenario, callsPerSecPerCpu: number, durationMs = scenario.durationMs): Scenario {
  scenario.durationMs = durationMs;
  scenario.workload.phases = [{ kind: 'constant', durationMs, callsPerSecPerCpu }];
  return scenario;
}

/** Every latency fixed (median = p99 = max), GPs of exactly gpMs and never stalled. */
export function deterministicTiming(scenario: Scenario, { gpMs = 5, wakeUs = 50, directReclaimMs = 2 } = {}): Scenario {
  scenario.timing.gp = { medianMs: gpMs, p99Ms: gpMs, stallProbability: 0, stallMinMs: 200, stallMaxMs: 2_000 };
  const wake = (): TimingSpec['workqueues']['normal'] => ({ medianUs: wakeUs, p99Us: wakeUs, maxUs: wakeUs });
  scenario.timing.workqueues = { highpri: wake(), normal: wake(), reclaim: wake() };
  scenario.timing.allocCost = {
    ...scenario.timing.allocCost,
    directReclaimMedianMs: directReclaimMs,
    directReclaimP99Ms: directReclaimMs,
    directReclaimMaxMs: directReclaimMs,
  };
  return scenario;
}

export function defaultParams(policy: PolicyModule): ParamValues {
  return Object.fromEntries(policy.params.map((param) => [param.name, param.default]));
}

/** A policy module around a create function, for tests. */
export function testPolicy(name: string, create: (kernel: Kernel) => PolicyHooks): PolicyModule {
  return { name, summary: `test policy ${name}`, source: 'test', params: [], create: (kernel) => create(kernel) };
}

/** Never supplies a page: every call that needs one takes its fallback. */
export const nullPolicy = testPolicy('null', (kernel) => ({
  needPage: () => null,
  pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
}));

/** Allocates a fresh page with GFP_NOWAIT for every request and frees every emptied page. */
export const nowaitPolicy = testPolicy('nowait', (kernel) => ({
  needPage: (request) => kernel.alloc(request.cpu, 'NOWAIT'),
  pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
}));

export interface Run {
  simulation: Simulation;
  result: SimulationResult;
}

export function newSimulation(scenario: Scenario, policy: PolicyModule, options: Partial<SimulationOptions> = {}, params?: ParamValues): Simulation {
  return new Simulation(scenario, policy, params ?? defaultParams(policy), { seed: 1, ...options });
}

export function simulate(scenario: Scenario, policy: PolicyModule, options: Partial<SimulationOptions> = {}, params?: ParamValues): Run {
  const simulation = newSimulation(scenario, policy, options, params);
  const result = simulation.run();
  return { simulation, result };
}

/** An allocator on its own clock, for unit tests of the page allocator. */
export function allocatorFor(scenario: Scenario = quietScenario(), seed = 1): { allocator: Allocator; scheduler: Scheduler } {
  const scheduler = new Scheduler();
  const allocator = new Allocator(scheduler, new RandomStreams(seed), scenario);
  return { allocator, scheduler };
}

/** The error a call throws (fails the test when it does not throw). */
export function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error('expected an error, but the call returned');
}
