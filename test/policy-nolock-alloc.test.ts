import { describe, expect, it } from 'vitest';
import nolockAlloc from '../policies/nolock-alloc.js';
import { PolicyHarness, exactly, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';

const HIGHPRI_US = 1_000;
const HRTIMER_US = 5;

function harness(params = {}) {
  const scenario = scenarioWith((s) => {
    s.timing.workqueues.highpri = exactly(HIGHPRI_US);
    s.timing.hrtimerUs = HRTIMER_US;
  });
  return new PolicyHarness(nolockAlloc, { scenario, params }).start();
}

describe('nolock-alloc (alloc_pages_nolock() under kvfree_rcu())', () => {
  it('allocates inline from a raw-lock context when the cache is empty, refilling an empty PCP list from buddy', () => {
    const bench = harness();
    bench.drainPcp();
    expect(bench.needPage({ cpu: 0, context: 'atomic-raw' })).not.toBeNull();
    expect(bench.allocator.pcp[0]).toBe(bench.allocator.batch - 1);
    expect(bench.sim.host.violationCount).toBe(0);
  });

  it('obeys the MIN watermark even when the PCP list holds pages, and wakes no kswapd', () => {
    const bench = harness();
    bench.setPcp(0, 50);
    bench.setFreePages(bench.allocator.minPages + 1);
    expect(bench.needPage({ cpu: 0, context: 'atomic' })).not.toBeNull();
    bench.setFreePages(bench.allocator.minPages);
    expect(bench.needPage({ cpu: 0, context: 'atomic' })).toBeNull();
    expect(bench.allocator.pcp[0]).toBe(49);
    expect(bench.allocator.kswapdWakeups).toBe(0);
  });

  it('fails its trylock, without a violation, when the caller holds an allocator lock', () => {
    const bench = harness();
    expect(bench.needPage({ cpu: 0, holdsAllocatorLock: true })).toBeNull();
    expect(bench.sim.host.violationCount).toBe(0);
  });

  it('on a miss kicks the same highpri refill as upstream', () => {
    const bench = harness({ headlessInline: false });
    bench.setFreePages(bench.allocator.minPages - 1);
    expect(bench.needPage({ cpu: 0, form: 'headless', context: 'sleepable' })).toBeNull();
    bench.setFreePages(bench.allocator.highPages * 2);
    bench.runUntil(HRTIMER_US + HIGHPRI_US - 1);
    expect(bench.reservePages).toBe(0);
    bench.runUntil(HRTIMER_US + HIGHPRI_US);
    expect(bench.reservePages).toBe(5);
  });

  it('takes its cache before the allocator', () => {
    const bench = harness();
    const page = bench.needPage({ cpu: 0 })!;
    bench.empty(0, page);
    expect(bench.reservePages).toBe(1);
    const allocated = bench.pagesAllocated;
    expect(bench.needPage({ cpu: 0 })).not.toBeNull();
    expect(bench.pagesAllocated).toBe(allocated);
    expect(bench.reservePages).toBe(0);
  });

  it('runs a full simulation clean', () => {
    const metrics = fullRun(nolockAlloc, shortScenario()).metrics;
    expect(metrics.violations.count).toBe(0);
    expect(metrics.failures.count).toBe(0);
  });

  it('runs clean on PREEMPT_RT with raw-lock callers', () => {
    const scenario = shortScenario((s) => {
      s.kernel.preemptRt = true;
      s.workload.context = { sleepable: 0.2, atomic: 0.3, atomicRaw: 0.5 };
      s.workload.allocatorLockShare = 0.05;
    });
    expect(fullRun(nolockAlloc, scenario).metrics.violations.count).toBe(0);
  });
});
