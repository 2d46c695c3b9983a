// The context rules (docs/policies.md): an allocator call the context forbids is refused, counted as a
// violation of its kind, and the run goes on. Page-ownership errors and a throwing policy stop
// the run with a PolicyError that names the policy and the simulated time.
import { describe, it, expect } from 'vitest';
import { PolicyError } from '../src/model/page-ledger.js';
import type { Gfp, Page, PolicyModule } from '../src/policy/api.js';
import type { Scenario } from '../src/scenario/types.js';
import { constantRate, newSimulation, quietScenario, simulate, testPolicy, thrown } from './helpers/model-harness.js';

/** Two-argument calls only, all in one context, 50 ms of calls at 2,000/s. */
function callsIn(context: 'sleepable' | 'atomic' | 'atomic-raw', { preemptRt = false, lockShare = 0 } = {}): Scenario {
  const scenario = constantRate(quietScenario(), 2_000, 50);
  scenario.kernel.preemptRt = preemptRt;
  scenario.workload.headlessShare = 0;
  scenario.workload.context = { sleepable: context === 'sleepable' ? 1 : 0, atomic: context === 'atomic' ? 1 : 0, atomicRaw: context === 'atomic-raw' ? 1 : 0 };
  scenario.workload.allocatorLockShare = lockShare;
  // No softirq callers: on RT those are preemptible (softirqs run in task context there).
  scenario.workload.atomicKinds = { preemptOff: 0.5, irqsOff: 0.3, softirq: 0, hardirq: 0.2 };
  return scenario;
}

/** Allocates with `gfp` right in needPage, whatever the context. */
function allocatesWith(gfp: Gfp): PolicyModule {
  return testPolicy(`alloc-${gfp}`, (kernel) => ({
    needPage: (request) => kernel.alloc(request.cpu, gfp),
    pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
  }));
}

describe('context violations are counted and the run goes on', () => {
  it('sleepInAtomic: a GFP_KERNEL allocation from an atomic caller', () => {
    const { result, simulation } = simulate(callsIn('atomic'), allocatesWith('KERNEL'));
    const { violations, failures, calls, pagesAllocated } = result.metrics;
    expect(calls).toBeGreaterThan(50);
    // Refused every time: no page, every call falls back, and each is a violation.
    expect(violations).toEqual({ count: calls, sleepInAtomic: calls, zoneLockUnderRawLock: 0, lockRecursion: 0 });
    expect(pagesAllocated).toBe(0);
    expect(failures.rcuHead).toBe(calls);
    expect(simulation.kvfree.counters.objectsFreed).toBe(calls);
  });

  it('sleepInAtomic: also GFP_KERNEL|__GFP_NORETRY, and from an hrtimer', () => {
    expect(simulate(callsIn('atomic'), allocatesWith('KERNEL_NORETRY')).result.metrics.violations.sleepInAtomic).toBeGreaterThan(50);
    const fromTimer = testPolicy('timer-alloc', (kernel) => ({
      needPage: () => null,
      pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
      onStart: () => {
        kernel.hrtimer(0, 10, () => {
          const page = kernel.alloc(0, 'KERNEL');
          if (page) kernel.free(0, page);
        });
      },
    }));
    expect(simulate(callsIn('sleepable'), fromTimer).result.metrics.violations).toEqual({ count: 1, sleepInAtomic: 1, zoneLockUnderRawLock: 0, lockRecursion: 0 });
  });

  it('no violation for the same allocations where they are allowed', () => {
    const sleepable = simulate(callsIn('sleepable'), allocatesWith('KERNEL')).result.metrics;
    expect(sleepable.violations.count).toBe(0);
    expect(sleepable.failures.count).toBe(0);
    // GFP_NOWAIT from atomic context, even under a raw lock, is fine on a !PREEMPT_RT kernel.
    expect(simulate(callsIn('atomic'), allocatesWith('NOWAIT')).result.metrics.violations.count).toBe(0);
    expect(simulate(callsIn('atomic-raw'), allocatesWith('NOWAIT')).result.metrics.violations.count).toBe(0);
  });

  it('zoneLockUnderRawLock: any page-allocator call, GFP_NOWAIT included, from a non-preemptible context on PREEMPT_RT', () => {
    const { metrics } = simulate(callsIn('atomic-raw', { preemptRt: true }), allocatesWith('NOWAIT')).result;
    expect(metrics.violations).toEqual({ count: metrics.calls, sleepInAtomic: 0, zoneLockUnderRawLock: metrics.calls, lockRecursion: 0 });
    expect(metrics.pagesAllocated).toBe(0);
    expect(metrics.failures.rcuHead).toBe(metrics.calls);
    // With preemption or IRQs off (no raw lock) RT forbids it too: the allocator's locks sleep.
    const atomic = simulate(callsIn('atomic', { preemptRt: true }), allocatesWith('ATOMIC')).result.metrics;
    expect(atomic.violations.zoneLockUnderRawLock).toBe(atomic.calls);
    // A preemptible task may call it on RT; on !RT so may an atomic caller.
    expect(simulate(callsIn('sleepable', { preemptRt: true }), allocatesWith('NOWAIT')).result.metrics.violations.count).toBe(0);
    expect(simulate(callsIn('atomic'), allocatesWith('ATOMIC')).result.metrics.violations.count).toBe(0);
  });

  it('on PREEMPT_RT a softirq caller is preemptible: GFP_NOWAIT is legal there, GFP_KERNEL is not', () => {
    const scenario = callsIn('atomic', { preemptRt: true });
    scenario.workload.atomicKinds = { preemptOff: 0, irqsOff: 0, softirq: 1, hardirq: 0 };
    expect(simulate(scenario, allocatesWith('NOWAIT')).result.metrics.violations.count).toBe(0);
    expect(simulate(scenario, allocatesWith('KERNEL')).result.metrics.violations.sleepInAtomic).toBeGreaterThan(0);
  });

  it('zoneLockUnderRawLock: a free_page() under a raw lock on RT is counted but still done', () => {
    // The policy keeps one page per CPU and frees it from needPage, under the raw lock.
    const policy = testPolicy('frees-under-raw', (kernel) => {
      let spare: Page | null = null;
      const keep = kernel.reserve('spare', { shared: true });
      return {
        onStart: () => {
          spare = kernel.alloc(0, 'KERNEL');
          if (spare) keep.put(0, spare);
        },
        needPage: (request) => {
          const page = keep.take(0);
          if (page) kernel.free(request.cpu, page);
          return null;
        },
        pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
      };
    });
    const { metrics } = simulate(callsIn('atomic-raw', { preemptRt: true }), policy).result;
    expect(metrics.violations).toEqual({ count: 1, sleepInAtomic: 0, zoneLockUnderRawLock: 1, lockRecursion: 0 });
  });

  it('lockRecursion: an allocation from a caller that holds an allocator lock', () => {
    const { metrics } = simulate(callsIn('atomic', { lockShare: 1 }), allocatesWith('NOWAIT')).result;
    expect(metrics.violations).toEqual({ count: metrics.calls, sleepInAtomic: 0, zoneLockUnderRawLock: 0, lockRecursion: metrics.calls });
    expect(metrics.pagesAllocated).toBe(0);
    // A share of such callers: only those count.
    const some = simulate(callsIn('atomic', { lockShare: 0.3 }), allocatesWith('NOWAIT')).result.metrics;
    expect(some.violations.lockRecursion).toBeGreaterThan(0);
    expect(some.violations.lockRecursion).toBeLessThan(some.calls);
  });

  it('the trylock allocator works under a raw lock on RT and just fails where the caller holds an allocator lock', () => {
    const nolock = testPolicy('nolock', (kernel) => ({
      needPage: (request) => kernel.allocNolock(request.cpu),
      pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
    }));
    // alloc_pages_nolock() "can be called from raw_spin_lock_irqsave region" (97769a53f117).
    const raw = simulate(callsIn('atomic-raw', { preemptRt: true }), nolock).result.metrics;
    expect(raw.violations.count).toBe(0);
    expect(raw.pagesAllocated).toBeGreaterThan(0);
    const locked = simulate(callsIn('atomic', { lockShare: 1 }), nolock).result.metrics;
    expect(locked.violations.count).toBe(0);
    expect(locked.pagesAllocated).toBe(0);
    expect(simulate(callsIn('atomic'), nolock).result.metrics.pagesAllocated).toBeGreaterThan(0);
  });
});

/** Runs and returns the PolicyError, checking it names the policy and the time it stopped at. */
function policyErrorOf(policy: PolicyModule, scenario: Scenario = callsIn('sleepable')): { error: Error; atMs: number } {
  const simulation = newSimulation(scenario, policy);
  const error = thrown(() => simulation.run());
  expect(error).toBeInstanceOf(PolicyError);
  const atMs = simulation.scheduler.now / 1000;
  expect(error.message.startsWith(`${policy.name} at ${atMs.toFixed(3)} ms: `)).toBe(true);
  return { error, atMs };
}

describe('page-ownership errors stop the run with a PolicyError', () => {
  it('a page the policy does not own', () => {
    const forger = testPolicy('forger', () => ({ needPage: () => 4242 as Page, pageEmptied: () => {} }));
    const { error, atMs } = policyErrorOf(forger);
    expect(error.message).toMatch(/4242 is not a page the model gave out/);
    expect(atMs).toBeGreaterThan(0);
  });

  it('a page returned twice to the allocator', () => {
    const twice = testPolicy('double-free', (kernel) => ({
      needPage: (request) => kernel.alloc(request.cpu, 'NOWAIT'),
      pageEmptied: (cpu: number, page: Page) => {
        kernel.free(cpu, page);
        kernel.free(cpu, page);
      },
    }));
    const { error, atMs } = policyErrorOf(twice);
    expect(error.message).toMatch(/returned twice/);
    expect(atMs).toBeGreaterThan(0);
  });

  it('a page handed out for a second pointer page while still in flight', () => {
    const reuse = testPolicy('reuse', (kernel) => {
      let last: Page | null = null;
      return {
        needPage: (request) => (last ??= kernel.alloc(request.cpu, 'NOWAIT')),
        pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
      };
    });
    expect(policyErrorOf(reuse).error.message).toMatch(/is in flight as a pointer page, expected it held by the policy/);
  });

  it('a page leaked by needPage (allocated and neither returned nor kept in a reserve)', () => {
    const leaky = testPolicy('leaky-need', (kernel) => ({
      needPage: (request) => {
        kernel.alloc(request.cpu, 'NOWAIT');
        return kernel.alloc(request.cpu, 'NOWAIT');
      },
      pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
    }));
    expect(policyErrorOf(leaky).error.message).toMatch(/needPage leaked 1 page/);
  });

  it('an emptied page leaked by pageEmptied, caught when it happens', () => {
    const leaky = testPolicy('leaky-emptied', (kernel) => ({
      needPage: (request) => kernel.alloc(request.cpu, 'NOWAIT'),
      pageEmptied: () => {},
    }));
    const { error, atMs } = policyErrorOf(leaky);
    expect(error.message).toMatch(/pageEmptied leaked 1 page/);
    // The first page is emptied after its batch's grace period, well inside the 50 ms window.
    expect(atMs).toBeLessThan(50);
  });

  it('a page leaked by a work item', () => {
    const leaky = testPolicy('leaky-work', (kernel) => ({
      needPage: () => null,
      pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
      onStart: () => kernel.queueWork(0, 'normal', () => void kernel.alloc(0, 'KERNEL')),
    }));
    expect(policyErrorOf(leaky).error.message).toMatch(/work on normal leaked 1 page/);
  });

  it('a policy that throws', () => {
    // (needPage is asked again only when something changed: throw on the first call.)
    const thrower = testPolicy('thrower', () => ({
      needPage: () => {
        throw new Error('boom');
      },
      pageEmptied: () => {},
    }));
    const { error, atMs } = policyErrorOf(thrower);
    expect(error.message).toMatch(/needPage threw: boom/);
    expect(atMs).toBeGreaterThan(0);
  });

  it('a policy whose pageEmptied throws', () => {
    const thrower = testPolicy('throws-later', (kernel) => ({
      needPage: (request) => kernel.alloc(request.cpu, 'NOWAIT'),
      pageEmptied: () => {
        throw new TypeError('nope');
      },
    }));
    expect(policyErrorOf(thrower).error.message).toMatch(/pageEmptied threw: nope/);
  });
});
