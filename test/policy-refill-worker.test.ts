import { describe, expect, it } from 'vitest';
import refillWorker from '../policies/refill-worker.js';
import upstream from '../policies/upstream.js';
import type { PolicyModule } from '../src/policy/api.js';
import { PolicyHarness, exactly, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';

const HIGHPRI_US = 2_000;
const HRTIMER_US = 5;

function harness(policy: PolicyModule = refillWorker) {
  const scenario = scenarioWith((s) => {
    s.timing.workqueues.highpri = exactly(HIGHPRI_US);
    s.timing.hrtimerUs = HRTIMER_US;
  });
  return new PolicyHarness(policy, { scenario }).start();
}

/** No reclaimable page cache and free memory below MIN: only the OOM killer can free pages. */
function exhaust(bench: PolicyHarness): void {
  bench.allocator.anonPages += bench.allocator.pageCachePages;
  bench.allocator.pageCachePages = 0;
  bench.setFreePages(bench.allocator.minPages - 10);
}

describe('refill-worker (v5.11, commit 56292e8609e3)', () => {
  it('preallocates nothing', () => {
    expect(harness().reservePages).toBe(0);
  });

  it('refills the cache to 5 one highpri wake-up latency (plus the hrtimer expiry) after a miss', () => {
    const bench = harness();
    bench.advance(12_345);
    const missAt = bench.now;
    expect(bench.needPage({ cpu: 4, context: 'atomic-raw' })).toBeNull();
    bench.runUntil(missAt + HRTIMER_US + HIGHPRI_US - 1);
    expect(bench.reservePages).toBe(0);
    bench.runUntil(missAt + HRTIMER_US + HIGHPRI_US);
    expect(bench.reservePages).toBe(5);
    // The work's five allocations take their cost (one PCP refill, five hits): only then can a call take a page.
    expect(bench.needPage({ cpu: 4 })).toBeNull();
    bench.advance(5 + 5 * 0.2);
    expect(bench.needPage({ cpu: 4 })).not.toBeNull();
  });

  it('queues one refill per CPU however many calls miss before it runs', () => {
    const bench = harness();
    for (let call = 0; call < 10; call++) bench.needPage({ cpu: 0 });
    expect(bench.sim.scheduler.pending).toBe(1);
    bench.advance(HRTIMER_US + HIGHPRI_US);
    expect(bench.reservePages).toBe(5);
  });

  it('never allocates inline, not even for a headless caller who could sleep', () => {
    const bench = harness();
    expect(bench.needPage({ form: 'headless', context: 'sleepable' })).toBeNull();
    expect(bench.pagesAllocated).toBe(0);
  });

  it('refills with plain GFP_KERNEL, which calls the OOM killer when reclaim cannot help (upstream\'s NORETRY does not)', () => {
    const bench = harness();
    exhaust(bench);
    bench.needPage({ cpu: 0 });
    bench.advance(HRTIMER_US + HIGHPRI_US);
    expect(bench.allocator.oomKills).toBeGreaterThan(0);
    expect(bench.reservePages).toBe(5);

    const modern = harness(upstream);
    exhaust(modern);
    modern.needPage({ cpu: 0 });
    modern.advance(HRTIMER_US + HIGHPRI_US);
    expect(modern.allocator.oomKills).toBe(0);
    expect(modern.reservePages).toBe(0);
  });

  it('has no shrinker: memory pressure leaves the caches alone', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.advance(HRTIMER_US + HIGHPRI_US);
    expect(bench.shrinkAt(0)).toBe(0); // even at the highest pressure
    expect(bench.reservePages).toBe(5);
  });

  it('runs a full simulation clean', () => {
    const metrics = fullRun(refillWorker, shortScenario()).metrics;
    expect(metrics.violations.count).toBe(0);
    expect(metrics.pagesAllocated).toBeGreaterThan(0);
  });
});
