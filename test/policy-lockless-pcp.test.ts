import { describe, expect, it } from 'vitest';
import locklessPcp from '../policies/lockless-pcp.js';
import { PolicyHarness, exactly, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';

const HIGHPRI_US = 1_000;
const NORMAL_US = 3_000;
const HRTIMER_US = 5;

function harness(params = {}) {
  const scenario = scenarioWith((s) => {
    s.timing.workqueues.highpri = exactly(HIGHPRI_US);
    s.timing.workqueues.normal = exactly(NORMAL_US);
    s.timing.hrtimerUs = HRTIMER_US;
  });
  return new PolicyHarness(locklessPcp, { scenario, params }).start();
}

describe('lockless-pcp (2020 RFC: __rcu_alloc_page_lockless())', () => {
  it('gets nothing from an empty PCP list even with plenty of free memory, and does not refill it from buddy', () => {
    const bench = harness();
    bench.drainPcp();
    const freeBefore = bench.allocator.freePages;
    expect(freeBefore).toBeGreaterThan(bench.allocator.highPages * 10);

    expect(bench.needPage({ cpu: 0, context: 'atomic' })).toBeNull();
    expect(bench.allocator.pcp[0]).toBe(0);
    expect(bench.allocator.freePages).toBe(freeBefore);
    expect(bench.pagesAllocated).toBe(0);
  });

  it('takes PCP pages below MIN without waking kswapd', () => {
    const bench = harness();
    bench.setPcp(0, 3);
    bench.setFreePages(bench.allocator.minPages - 100);

    expect(bench.needPage({ cpu: 0, context: 'atomic-raw' })).not.toBeNull();
    expect(bench.needPage({ cpu: 0, context: 'atomic' })).not.toBeNull();
    expect(bench.allocator.pcp[0]).toBe(1);
    expect(bench.allocator.freePages).toBe(bench.allocator.minPages - 100);
    expect(bench.allocator.kswapdWakeups).toBe(0);
    expect(bench.violations).toEqual({ sleepInAtomic: 0, zoneLockUnderRawLock: 0, lockRecursion: 0 });
  });

  it('uses its cache before the PCP list, and keeps at most cachePages emptied pages', () => {
    const bench = harness({ cachePages: 2 });
    bench.setPcp(0, 10);
    const pages = [bench.needPage(), bench.needPage(), bench.needPage()];
    expect(bench.allocator.pcp[0]).toBe(7);
    for (const page of pages) bench.empty(0, page!);
    expect(bench.reservePages).toBe(2);
    expect(bench.allocator.pcp[0]).toBe(8);

    bench.needPage();
    expect(bench.reservePages).toBe(1);
    expect(bench.allocator.pcp[0]).toBe(8);
  });

  it('patch 1/4: a failed call from a sleepable caller queues the highpri worker, which refills the cache with GFP_NOWAIT', () => {
    const bench = harness();
    bench.drainPcp();
    expect(bench.needPage({ cpu: 0, context: 'sleepable' })).toBeNull();

    bench.runUntil(HIGHPRI_US - 1);
    expect(bench.reservePages).toBe(0);
    bench.runUntil(HIGHPRI_US);
    expect(bench.reservePages).toBe(5);
    // The worker's allocation went through the zone lock and refilled the PCP list from buddy.
    expect(bench.allocator.pcp[0]).toBe(bench.allocator.batch - 5);
  });

  it('patch 1/4: a caller with IRQs off (irqs_disabled()) queues no worker; one with only preemption off does', () => {
    const bench = harness();
    bench.drainPcp();
    expect(bench.needPage({ cpu: 0, kind: 'irqsOff' })).toBeNull();
    expect(bench.needPage({ cpu: 0, kind: 'hardirq' })).toBeNull();
    expect(bench.needPage({ cpu: 0, context: 'atomic-raw' })).toBeNull();
    bench.advance(1_000_000);
    expect(bench.reservePages).toBe(0);
    expect(bench.needPage({ cpu: 0, kind: 'preemptOff' })).toBeNull();
    bench.advance(1_000_000);
    expect(bench.reservePages).toBe(5);
  });

  it('the refill worker obeys watermarks: below MIN it gets nothing', () => {
    const bench = harness();
    bench.drainPcp();
    bench.setFreePages(bench.allocator.minPages - 1);
    bench.needPage({ context: 'sleepable' });
    bench.advance(HIGHPRI_US);
    expect(bench.reservePages).toBe(0);
    expect(bench.allocator.kswapdWakeups).toBe(1);
  });

  it('patch 4/4 (workerQueue=normal): any caller schedules the work one jiffy later on system_wq', () => {
    const bench = harness({ workerQueue: 'normal', jiffyMs: 4 });
    bench.drainPcp();
    expect(bench.needPage({ cpu: 2, context: 'atomic-raw' })).toBeNull();
    const due = 4_000 + HRTIMER_US + NORMAL_US;
    bench.runUntil(due - 1);
    expect(bench.reservePages).toBe(0);
    bench.runUntil(due);
    expect(bench.reservePages).toBe(5);
  });

  it('runs a full simulation clean', () => {
    const result = fullRun(locklessPcp, shortScenario());
    expect(result.metrics.calls).toBeGreaterThan(100_000);
    expect(result.metrics.pagesAllocated).toBeGreaterThan(0);
    expect(result.metrics.violations.count).toBe(0);
  });

  it('runs clean on PREEMPT_RT with raw-lock callers: the lockless grab takes no sleeping lock', () => {
    const scenario = shortScenario((s) => {
      s.kernel.preemptRt = true;
      s.workload.context = { sleepable: 0.2, atomic: 0.3, atomicRaw: 0.5 };
    });
    expect(fullRun(locklessPcp, scenario).metrics.violations.count).toBe(0);
  });
});
