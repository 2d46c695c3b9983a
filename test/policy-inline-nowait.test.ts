import { describe, expect, it } from 'vitest';
import inlineNowait from '../policies/inline-nowait.js';
import { PolicyHarness, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';

/** A harness whose CPU 0 has used up its two preallocated pages. */
function withEmptyCache(preemptRt = false) {
  const bench = new PolicyHarness(inlineNowait, { scenario: scenarioWith((s) => (s.kernel.preemptRt = preemptRt)) }).start();
  bench.needPage({ cpu: 0 });
  bench.needPage({ cpu: 0 });
  return bench;
}

describe('inline-nowait (v5.9/v5.10)', () => {
  it('preallocates 2 pages per CPU at start', () => {
    const bench = new PolicyHarness(inlineNowait).start();
    expect(bench.reservePages).toBe(2 * bench.kernel.cpus);
    const allocatedAtStart = bench.pagesAllocated;
    bench.needPage({ cpu: 3 });
    bench.needPage({ cpu: 3 });
    expect(bench.pagesAllocated).toBe(allocatedAtStart);
    expect(bench.reservePages).toBe(2 * bench.kernel.cpus - 2);
  });

  it('fails below MIN even when its PCP list holds pages, and wakes kswapd', () => {
    const bench = withEmptyCache();
    bench.setPcp(0, 50);
    bench.setFreePages(bench.allocator.minPages - 10);

    expect(bench.needPage({ cpu: 0, context: 'atomic' })).toBeNull();
    expect(bench.allocator.pcp[0]).toBe(50);
    expect(bench.allocator.kswapdWakeups).toBe(1);
  });

  it('allocates between MIN and LOW (the GFP_NOWAIT slow-path floor) and wakes kswapd', () => {
    const bench = withEmptyCache();
    bench.setPcp(0, 50);
    bench.setFreePages(bench.allocator.minPages + 1);

    expect(bench.needPage({ cpu: 0, context: 'atomic' })).not.toBeNull();
    expect(bench.allocator.pcp[0]).toBe(49);
    expect(bench.allocator.kswapdWakeups).toBe(1);
  });

  it('allocates inline from a raw-lock context on !PREEMPT_RT', () => {
    const bench = withEmptyCache();
    expect(bench.needPage({ cpu: 0, context: 'atomic-raw' })).not.toBeNull();
    expect(bench.violations.zoneLockUnderRawLock).toBe(0);
  });

  it('skips the allocator on PREEMPT_RT: no page, no violation, even with free memory', () => {
    const bench = withEmptyCache(true);
    const allocated = bench.pagesAllocated;
    expect(bench.needPage({ cpu: 0, context: 'atomic-raw' })).toBeNull();
    expect(bench.needPage({ cpu: 0, context: 'sleepable', form: 'headless' })).toBeNull();
    expect(bench.pagesAllocated).toBe(allocated);
    expect(bench.sim.host.violationCount).toBe(0);
  });

  it('re-takes an allocator lock the caller holds on !PREEMPT (the call_rcu() deadlock)', () => {
    const bench = withEmptyCache();
    expect(bench.needPage({ cpu: 0, holdsAllocatorLock: true })).toBeNull();
    expect(bench.violations.lockRecursion).toBe(1);
  });

  it('puts emptied pages back in the 2-page cache and frees the rest to the PCP list', () => {
    const bench = new PolicyHarness(inlineNowait).start();
    const pages = [bench.needPage(), bench.needPage(), bench.needPage()];
    expect(bench.reservePages).toBe(2 * bench.kernel.cpus - 2);
    const pcpBefore = bench.allocator.pcp[0];
    for (const page of pages) bench.empty(0, page!);
    expect(bench.reservePages).toBe(2 * bench.kernel.cpus);
    expect(bench.allocator.pcp[0]).toBe(pcpBefore + 1);
  });

  it('has no worker: only emptied pages refill the cache', () => {
    const bench = withEmptyCache();
    expect(bench.needPage({ cpu: 0 })).not.toBeNull();
    bench.advance(10_000_000);
    expect(bench.sim.scheduler.pending).toBe(0);
    expect(bench.reservePages).toBe(2 * bench.kernel.cpus - 2);
  });

  it('runs a full simulation clean', () => {
    const result = fullRun(inlineNowait, shortScenario());
    expect(result.metrics.pagesAllocated).toBeGreaterThan(2 * 8);
    expect(result.metrics.violations.count).toBe(0);
  });

  it('runs clean on PREEMPT_RT, where every miss takes the fallback', () => {
    const scenario = shortScenario((s) => {
      s.kernel.preemptRt = true;
      s.workload.context = { sleepable: 0.2, atomic: 0.3, atomicRaw: 0.5 };
    });
    const metrics = fullRun(inlineNowait, scenario).metrics;
    expect(metrics.violations.count).toBe(0);
    expect(metrics.failures.count).toBeGreaterThan(0);
  });
});
