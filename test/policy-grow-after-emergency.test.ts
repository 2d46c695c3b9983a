import { describe, expect, it } from 'vitest';
import grow from '../policies/grow-after-emergency.js';
import type { Page } from '../src/policy/api.js';
import { PolicyHarness, exactly, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';

const HIGHPRI_US = 1_000;
const NORMAL_US = 3_000;
const HRTIMER_US = 5;
const GROW_US = HRTIMER_US + HIGHPRI_US;
const QUIET_US = 1_000_000;
/** A grow worker's 12–60 allocations from the PCP lists take well under this. */
const LANDED_US = 100;

function harness(params = {}) {
  const scenario = scenarioWith((s) => {
    s.timing.workqueues.highpri = exactly(HIGHPRI_US);
    s.timing.workqueues.normal = exactly(NORMAL_US);
    s.timing.hrtimerUs = HRTIMER_US;
  });
  return new PolicyHarness(grow, { scenario, params }).start();
}

/** CPU 0's part of the pool (the other CPUs keep their rescue pages). */
function pool0(bench: PolicyHarness): number {
  return bench.reservePages - 4 * (bench.kernel.cpus - 1);
}

describe('grow-after-emergency (Mel Gorman, 2020-09-23)', () => {
  it('fills a rescue pool of 4 pages per CPU at start', () => {
    expect(harness().reservePages).toBe(4 * 8);
  });

  it('with the pool empty, a headless caller (which may sleep) allocates inline; a two-argument one does not', () => {
    const bench = harness({ rescuePages: 0 });
    expect(bench.needPage({ cpu: 0, form: 'two-arg', context: 'sleepable' })).toBeNull();
    expect(bench.pagesAllocated).toBe(0);
    expect(bench.needPage({ cpu: 0, form: 'headless', context: 'sleepable' })).not.toBeNull();
    expect(bench.pagesAllocated).toBe(1);
    const off = harness({ rescuePages: 0, headlessInline: false });
    expect(off.needPage({ cpu: 0, form: 'headless', context: 'sleepable' })).toBeNull();
  });

  it('taking a rescue page is an emergency: the worker grows the pool ×4', () => {
    const bench = harness();
    expect(bench.needPage({ cpu: 0 })).not.toBeNull();
    expect(pool0(bench)).toBe(3);
    bench.advance(GROW_US - 1);
    expect(pool0(bench)).toBe(3);
    bench.advance(1);
    expect(pool0(bench)).toBe(16);
  });

  it('does not call it an emergency while the grown part lasts, and grows again when the rescue pool is touched, up to the cap', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.advance(GROW_US + LANDED_US);
    for (let index = 0; index < 12; index++) bench.needPage({ cpu: 0 });
    expect(pool0(bench)).toBe(4);
    bench.advance(GROW_US);
    expect(pool0(bench)).toBe(4);

    bench.needPage({ cpu: 0 });
    bench.advance(GROW_US);
    expect(pool0(bench)).toBe(64);
    for (let index = 0; index < 61; index++) bench.needPage({ cpu: 0 });
    bench.advance(GROW_US);
    expect(pool0(bench)).toBe(128);
  });

  it('a miss with an empty pool is an emergency too', () => {
    const bench = harness({ rescuePages: 0 });
    expect(bench.needPage({ cpu: 0 })).toBeNull();
    bench.advance(GROW_US);
    expect(bench.reservePages).toBe(1);
  });

  it('keeps emptied pages up to the grown target and frees the rest', () => {
    const bench = harness();
    const pages: Page[] = [];
    for (let index = 0; index < 4; index++) pages.push(bench.needPage({ cpu: 0 })!);
    bench.advance(GROW_US);
    expect(pool0(bench)).toBe(16);
    const pcpBefore = bench.allocator.pcp[0];
    for (const page of pages) bench.empty(0, page);
    expect(pool0(bench)).toBe(16);
    expect(bench.allocator.pcp[0]).toBe(pcpBefore + 4);
  });

  it('shrinks one step after a quiet period, back to the rescue pool, freeing the excess', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.advance(GROW_US);
    bench.needPage({ cpu: 0 });
    for (let index = 0; index < 12; index++) bench.needPage({ cpu: 0 });
    bench.advance(GROW_US);
    expect(pool0(bench)).toBe(64);

    // The last emergency was at 1,005 µs; the target steps down 64 -> 16 -> 4, a quiet period apart.
    bench.runUntil(1_005 + QUIET_US + HRTIMER_US + NORMAL_US - 1);
    expect(pool0(bench)).toBe(64);
    bench.runUntil(1_005 + QUIET_US + HRTIMER_US + NORMAL_US);
    expect(pool0(bench)).toBe(16);
    bench.advance(QUIET_US + HRTIMER_US + NORMAL_US);
    expect(pool0(bench)).toBe(4);
    bench.advance(10 * QUIET_US);
    expect(pool0(bench)).toBe(4);
    expect(bench.sim.scheduler.pending).toBe(0);
  });

  it('an emergency during the quiet period postpones the shrink', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.advance(GROW_US);
    expect(pool0(bench)).toBe(16);
    bench.runUntil(QUIET_US / 2);
    for (let index = 0; index < 13; index++) bench.needPage({ cpu: 0 });
    bench.advance(GROW_US);
    expect(pool0(bench)).toBe(64);
    bench.runUntil(QUIET_US + 10 * NORMAL_US);
    expect(pool0(bench)).toBe(64);
  });

  it('its shrinker counts only the pages above the rescue pool, is left alone at low pressure, and gives them back when scanned', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.advance(GROW_US + LANDED_US);
    expect(pool0(bench)).toBe(16);
    expect(bench.shrinkCount()).toBe(12);
    expect(bench.shrinkAt(12)).toBe(0); // DEF_PRIORITY: a 12-page cache is not scanned
    expect(pool0(bench)).toBe(16);
    expect(bench.shrinkScan(1_000)).toBe(12);
    expect(pool0(bench)).toBe(4);
    expect(bench.reservePages).toBe(32);
    // The target fell with it: emptied pages do not refill what the shrinker took.
    bench.empty(0, bench.needPage({ cpu: 0 })!);
    expect(pool0(bench)).toBe(4);
  });

  it('a grow worker\'s pages land when its allocations are done, not when it starts', () => {
    const bench = harness();
    bench.needPage({ cpu: 0 });
    bench.advance(GROW_US);
    expect(pool0(bench)).toBe(16); // put, counted by size() and as reserve...
    for (let index = 0; index < 3; index++) expect(bench.needPage({ cpu: 0 })).not.toBeNull();
    expect(bench.needPage({ cpu: 0 })).toBeNull(); // ...but not takeable yet
    bench.advance(LANDED_US);
    expect(bench.needPage({ cpu: 0 })).not.toBeNull();
  });

  it('runs a full simulation clean', () => {
    const metrics = fullRun(grow, shortScenario()).metrics;
    expect(metrics.violations.count).toBe(0);
    expect(metrics.reserve.peakPages).toBeGreaterThan(4 * 8);
  });
});
