// Every object handed to kvfree_rcu() is freed exactly once after the arrival window closes and
// the queues drain: through a pointer page (bulk), an rcu_head list (channel 3), or by the
// caller itself after an inline synchronize_rcu().
import { describe, it, expect } from 'vitest';
import type { PolicyModule } from '../src/policy/api.js';
import type { Scenario } from '../src/scenario/types.js';
import { nullPolicy, quietScenario, simulate, upstream } from './helpers/model-harness.js';

function mixedCalls(): Scenario {
  const scenario = quietScenario();
  scenario.durationMs = 100;
  scenario.machine.cpus = 2;
  scenario.workload.activeCpus = 2;
  scenario.workload.headlessShare = 0.3;
  scenario.workload.phases = [{ kind: 'burst', durationMs: 100, baseCallsPerSecPerCpu: 5_000, burstCallsPerSecPerCpu: 60_000, burstMs: 10, periodMs: 40 }];
  return scenario;
}

function runToTheEnd(policy: PolicyModule, scenario: Scenario = mixedCalls()) {
  const { simulation, result } = simulate(scenario, policy, { checkInvariants: true });
  const counters = simulation.kvfree.counters;
  return { simulation, result, counters, metrics: result.metrics };
}

describe('every kvfree_rcu() object is freed exactly once', () => {
  it('with upstream: pointer pages, rcu_head and inline synchronize_rcu() paths', () => {
    const { simulation, counters, metrics, result } = runToTheEnd(upstream);
    expect(metrics.calls).toBeGreaterThan(1_000);
    // The calls the metrics report are the calls made, all of them freed, none twice.
    expect(counters.calls).toBe(metrics.calls);
    expect(counters.objectsFreed).toBe(metrics.calls);
    expect(simulation.kvfree.objectsOutstanding).toBe(0);
    expect(counters.objectsInSync).toBe(0);
    expect(simulation.kvfree.countInflightPages()).toBe(0);
    expect(simulation.kvfree.countInflightObjects()).toBe(0);
    expect(simulation.kvfree.inflight.value).toBe(0);
    // Every page came back to the policy and went to its cache or the allocator.
    expect(simulation.host.ledger.heldPages).toBe(0);
    expect(metrics.pagesAllocated).toBeGreaterThan(0);
    // The run drained after the window, it did not stop at it.
    expect(result.simulatedMs).toBeGreaterThan(100);
    expect(metrics.failures.count).toBe(metrics.failures.rcuHead + metrics.failures.syncInline);
  });

  it('with a policy that never supplies a page: every call takes its fallback', () => {
    const { simulation, counters, metrics } = runToTheEnd(nullPolicy);
    expect(metrics.calls).toBeGreaterThan(1_000);
    expect(metrics.failures.count).toBe(metrics.calls);
    expect(metrics.failures.rcuHead + metrics.failures.syncInline).toBe(metrics.calls);
    expect(metrics.failures.rcuHead).toBeGreaterThan(0);
    expect(metrics.failures.syncInline).toBeGreaterThan(0);
    expect(metrics.failures.rate).toBe(1);
    expect(counters.objectsFreed).toBe(metrics.calls);
    expect(simulation.kvfree.objectsOutstanding).toBe(0);
    expect(counters.objectsInSync).toBe(0);
    expect(metrics.pagesAllocated).toBe(0);
    expect(metrics.inflight.peakPages).toBe(0);
  });

  it('only headless calls, all blocking in synchronize_rcu()', () => {
    const scenario = mixedCalls();
    scenario.workload.headlessShare = 1;
    const { counters, metrics } = runToTheEnd(nullPolicy, scenario);
    expect(metrics.failures.syncInline).toBe(metrics.calls);
    expect(counters.objectsFreed).toBe(metrics.calls);
  });

  it('when arrivals stop mid-page with the v6.0 5 s drain delay, the partial page is still freed', () => {
    const scenario = mixedCalls();
    scenario.kernel.drainDelayMs = 5_000;
    scenario.workload.phases = [{ kind: 'constant', durationMs: 100, callsPerSecPerCpu: 1_000 }]; // less than a page per CPU
    const { counters, metrics, result } = runToTheEnd(upstream, scenario);
    expect(metrics.calls).toBeGreaterThan(100);
    expect(metrics.calls).toBeLessThan(2 * 507);
    expect(counters.objectsFreed).toBe(metrics.calls);
    // Nothing triggers the flood re-arm: the monitor waits out the drain delay.
    expect(result.simulatedMs).toBeGreaterThan(5_000);
  });
});
