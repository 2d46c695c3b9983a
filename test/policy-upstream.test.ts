import { describe, expect, it } from 'vitest';
import upstream from '../policies/upstream.js';
import { PolicyHarness, exactly, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';

const HIGHPRI_US = 1_000;
const NORMAL_US = 3_000;
const HRTIMER_US = 5;
/** A refill's five allocations from the PCP lists end well within this: then its pages have landed. */
const LANDED_US = 100;
const BACKOFF_US = 5_000_000;

function harness() {
  const scenario = scenarioWith((s) => {
    s.timing.workqueues.highpri = exactly(HIGHPRI_US);
    s.timing.workqueues.normal = exactly(NORMAL_US);
    s.timing.hrtimerUs = HRTIMER_US;
  });
  return new PolicyHarness(upstream, { scenario }).start();
}

describe('upstream (today\'s kvfree_rcu())', () => {
  it('starts with empty caches; a miss falls back and a highpri worker refills the cache to 5', () => {
    const bench = harness();
    expect(bench.reservePages).toBe(0);
    expect(bench.needPage({ cpu: 0, context: 'atomic' })).toBeNull();
    bench.runUntil(HRTIMER_US + HIGHPRI_US - 1);
    expect(bench.reservePages).toBe(0);
    bench.runUntil(HRTIMER_US + HIGHPRI_US);
    expect(bench.reservePages).toBe(5);
  });

  it('allocates inline for a headless caller (v5.12), never for a two-argument one', () => {
    const bench = harness();
    expect(bench.needPage({ cpu: 0, form: 'two-arg', context: 'sleepable' })).toBeNull();
    expect(bench.needPage({ cpu: 1, form: 'headless', context: 'sleepable' })).not.toBeNull();
  });

  it('kfree_rcu_shrink_count() counts the cached pages and sets the backoff even when do_shrink_slab() then scans nothing', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.advance(HRTIMER_US + HIGHPRI_US);
    expect(bench.shrinkCount()).toBe(5);
    // At DEF_PRIORITY a 5-page cache gives a scan target of 0: nothing is freed...
    expect(bench.shrinkAt(12)).toBe(0);
    expect(bench.reservePages).toBe(5);
    // ...but the count set the backoff: the next refill waits 5 s and fetches one page.
    bench.needPage({ cpu: 1 });
    bench.advance(HRTIMER_US + HIGHPRI_US + NORMAL_US);
    expect(bench.reservePages).toBe(5);
    bench.advance(BACKOFF_US);
    expect(bench.reservePages).toBe(6);
  });

  it('kfree_rcu_shrink_scan() empties every CPU\'s cache whatever nr_to_scan says; do_shrink_slab() gets there at priority 1', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.needPage({ cpu: 1 });
    bench.advance(HRTIMER_US + HIGHPRI_US + LANDED_US);
    expect(bench.reservePages).toBe(10);
    expect(bench.shrinkAt(2)).toBe(0); // (10 >> 2) × 4 / 2 = 4 < 10: not scanned
    expect(bench.shrinkAt(1)).toBe(10); // (10 >> 1) × 4 / 2 = 10: scanned once, both caches emptied
    expect(bench.reservePages).toBe(0);
  });

  it('after the shrinker ran, delays the next refill 5 s and then fetches only 1 page', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.advance(HRTIMER_US + HIGHPRI_US + LANDED_US);
    expect(bench.reservePages).toBe(5);

    bench.shrinkCount();
    expect(bench.shrinkScan(1)).toBe(5);
    expect(bench.reservePages).toBe(0);

    const missAt = bench.now;
    expect(bench.needPage({ cpu: 0 })).toBeNull();
    const due = missAt + BACKOFF_US + HRTIMER_US + NORMAL_US;
    bench.runUntil(due - 1);
    expect(bench.reservePages).toBe(0);
    bench.runUntil(due);
    expect(bench.reservePages).toBe(1);

    // The backoff is spent: the next miss refills to 5 again at highpri speed.
    bench.needPage({ cpu: 0 });
    bench.needPage({ cpu: 0 });
    bench.advance(HRTIMER_US + HIGHPRI_US);
    expect(bench.reservePages).toBe(5);
  });

  it('runs a full simulation clean', () => {
    const metrics = fullRun(upstream, shortScenario()).metrics;
    expect(metrics.violations.count).toBe(0);
    expect(metrics.reserve.peakPages).toBeLessThanOrEqual(5 * 8);
  });
});
