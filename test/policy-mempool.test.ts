import { describe, expect, it } from 'vitest';
import mempool from '../policies/mempool.js';
import { PolicyHarness, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';

function harness(params = {}, preemptRt = false) {
  return new PolicyHarness(mempool, { params, scenario: scenarioWith((s) => (s.kernel.preemptRt = preemptRt)) }).start();
}

describe('mempool (mm/mempool.c semantics)', () => {
  it('fills 25 pages per CPU at start: 200 on the 8-CPU phone', () => {
    const bench = harness();
    expect(bench.reservePages).toBe(200);
    expect(bench.pagesAllocated).toBe(200);
  });

  it('tries the allocator first and leaves the pool alone while memory is plentiful', () => {
    const bench = harness();
    expect(bench.needPage({ cpu: 0, context: 'atomic' })).not.toBeNull();
    expect(bench.reservePages).toBe(200);
    expect(bench.pagesAllocated).toBe(201);
  });

  it('takes from the pool when GFP_NOWAIT fails below MIN', () => {
    const bench = harness();
    bench.setFreePages(bench.allocator.minPages - 10);
    expect(bench.needPage({ cpu: 0, context: 'atomic' })).not.toBeNull();
    expect(bench.reservePages).toBe(199);
    expect(bench.pagesAllocated).toBe(200);
  });

  it('refills its reserve before freeing to the allocator (mempool_free)', () => {
    const bench = harness();
    const fresh = bench.needPage({ cpu: 0 })!;
    bench.setFreePages(bench.allocator.minPages - 10);
    const fromPool = [bench.needPage({ cpu: 0 })!, bench.needPage({ cpu: 0 })!];
    expect(bench.reservePages).toBe(198);
    const pcpBefore = bench.allocator.pcp[0];

    bench.empty(0, fresh);
    bench.empty(0, fromPool[0]);
    expect(bench.reservePages).toBe(200);
    expect(bench.allocator.pcp[0]).toBe(pcpBefore);

    bench.empty(0, fromPool[1]);
    expect(bench.reservePages).toBe(200);
    expect(bench.allocator.pcp[0]).toBe(pcpBefore + 1);
  });

  it('on !RT asks the allocator first from any context: kernel code cannot see a raw lock the caller holds', () => {
    const bench = harness();
    expect(bench.needPage({ cpu: 1, context: 'atomic-raw' })).not.toBeNull();
    expect(bench.reservePages).toBe(200);
    expect(bench.pagesAllocated).toBe(201);
  });

  it('on PREEMPT_RT uses only the pool when preemptible() says no, even with plenty of free memory', () => {
    const bench = harness({}, true);
    expect(bench.needPage({ cpu: 1, kind: 'irqsOff' })).not.toBeNull();
    expect(bench.reservePages).toBe(199);
    expect(bench.needPage({ cpu: 1, kind: 'task' })).not.toBeNull();
    expect(bench.reservePages).toBe(199);
    expect(bench.pagesAllocated).toBe(201);
  });

  it('stays RT-safe and never recurses: no violations on PREEMPT_RT raw locks or with an allocator lock held', () => {
    const bench = harness({}, true);
    for (let call = 0; call < 30; call++) bench.needPage({ cpu: 0, context: 'atomic-raw' });
    bench.needPage({ cpu: 1, context: 'atomic', holdsAllocatorLock: true });
    expect(bench.sim.host.violationCount).toBe(0);
    expect(bench.reservePages).toBe(200 - 25 - 1);
    expect(bench.pagesAllocated).toBe(200);
  });

  it('lets a headless caller, who may sleep, retry with NORETRY reclaim once the pool is empty; a two-argument caller falls back', () => {
    const bench = harness({ reservePages: 0 });
    bench.setFreePages(bench.allocator.minPages - 10);
    expect(bench.needPage({ cpu: 0, form: 'two-arg', context: 'sleepable' })).toBeNull();
    expect(bench.allocator.oomKills).toBe(0);
    // One direct-reclaim round frees 32 page-cache pages: enough to clear MIN again.
    expect(bench.needPage({ cpu: 0, form: 'headless', context: 'sleepable' })).not.toBeNull();
  });

  it('pool=shared: one pool of reservePages, drawn on and refilled by any CPU', () => {
    const bench = harness({ pool: 'shared', reservePages: 200 });
    expect(bench.reservePages).toBe(200);
    bench.setFreePages(bench.allocator.minPages - 10);
    const page = bench.needPage({ cpu: 5, context: 'atomic-raw' })!;
    bench.needPage({ cpu: 2, context: 'atomic-raw' });
    expect(bench.reservePages).toBe(198);
    bench.empty(7, page);
    expect(bench.reservePages).toBe(199);
  });

  it('runs a full simulation clean, holding its reserve throughout', () => {
    const metrics = fullRun(mempool, shortScenario()).metrics;
    expect(metrics.violations.count).toBe(0);
    expect(metrics.reserve.peakPages).toBe(200);
    expect(metrics.failures.count).toBe(0);
  });

  it('runs clean on PREEMPT_RT with raw-lock callers', () => {
    const scenario = shortScenario((s) => {
      s.kernel.preemptRt = true;
      s.workload.context = { sleepable: 0.2, atomic: 0.3, atomicRaw: 0.5 };
      s.workload.allocatorLockShare = 0.05;
    });
    expect(fullRun(mempool, scenario).metrics.violations.count).toBe(0);
  });
});
