// kswapd (MODEL.md §3): woken by an allocation that finds free pages at or below LOW, it
// starts after its wake-up latency, reclaims page cache in 32-page chunks at its rate until
// freePages reaches HIGH, then sleeps; it crawls when it has no pages to work with, and
// does nothing when there is nothing it could reclaim.
import { describe, it, expect } from 'vitest';
import { allocatorFor, quietScenario } from './helpers/model-harness.js';

function setUp(pageCache = 50_000) {
  const scenario = quietScenario();
  scenario.others.pageCachePages = pageCache;
  scenario.timing.kswapd = { wakeUs: 200, reclaimPagesPerSec: 200_000, starvedBelowPages: 200, starvedSlowdown: 0.1 };
  const { allocator, scheduler } = allocatorFor(scenario);
  let shrinks = 0;
  allocator.shrink = () => {
    shrinks++;
    return 0;
  };
  // Step times: when freePages moves while nothing else runs, kswapd did it.
  const steps: Array<{ time: number; free: number }> = [];
  const run = (until: number) => {
    scheduler.run(until, () => false, () => steps.push({ time: scheduler.now, free: allocator.freePages }));
  };
  return { allocator, scheduler, scenario, steps, run, shrinks: () => shrinks };
}

const CHUNK = 32;

describe('kswapd', () => {
  it('wakes below LOW only after its wake-up latency, reclaims to HIGH and stops', () => {
    const { allocator, scheduler, steps, run, shrinks } = setUp();
    allocator.freePages = allocator.lowPages - 5;
    const cache = allocator.pageCachePages;
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true); // slow path (above MIN): succeeds
    const start = allocator.freePages; // after this allocation's PCP refill
    expect(allocator.kswapdWakeups).toBe(1);

    run(199.999);
    expect(allocator.freePages).toBe(start);
    run(200);
    expect(allocator.freePages).toBe(start + CHUNK);
    expect(shrinks()).toBe(1); // the shrinkers run once when kswapd wakes

    run(1e9);
    expect(scheduler.pending).toBe(0);
    expect(allocator.kswapdAwake).toBe(false);
    expect(allocator.freePages).toBeGreaterThanOrEqual(allocator.highPages);
    expect(allocator.freePages).toBeLessThan(allocator.highPages + CHUNK);
    // Every page came from page cache, 32 at a time, one zone-lock round each.
    const reclaimed = allocator.freePages - start;
    expect(reclaimed % CHUNK).toBe(0);
    expect(allocator.pageCachePages).toBe(cache - reclaimed);
    expect(allocator.zoneLockBy.kswapd).toBe(reclaimed / CHUNK);
    // At 200,000 pages/s a 32-page chunk takes 160 µs.
    const gaps = steps.slice(1).map((step, index) => step.time - steps[index].time);
    expect(gaps.length).toBe(reclaimed / CHUNK); // the last event sees HIGH and sleeps
    for (const gap of gaps) expect(gap).toBeCloseTo(160, 6);
  });

  it('does not wake while free pages are above LOW', () => {
    const { allocator, scheduler } = setUp();
    allocator.freePages = allocator.lowPages + 1000;
    for (let index = 0; index < 100; index++) allocator.alloc(0, 'NOWAIT', 'others');
    expect(allocator.kswapdWakeups).toBe(0);
    expect(scheduler.pending).toBe(0);
  });

  it('sleeps at HIGH and is woken again by the next failed fast path', () => {
    const { allocator, run } = setUp();
    allocator.freePages = allocator.lowPages;
    allocator.alloc(0, 'NOWAIT', 'others');
    run(1e9);
    expect(allocator.kswapdAwake).toBe(false);
    allocator.freePages = allocator.lowPages - 1;
    allocator.alloc(0, 'NOWAIT', 'others');
    expect(allocator.kswapdWakeups).toBe(2);
    expect(allocator.kswapdAwake).toBe(true);
  });

  it('slows down when starved: few free pages and none on its CPU list', () => {
    const timeForTwoChunks = (pcpOfKswapdCpu: number) => {
      const { allocator, steps, run } = setUp();
      allocator.freePages = 50; // below starvedBelowPages, below every floor
      allocator.pcp[0] = pcpOfKswapdCpu;
      allocator.wakeKswapd();
      run(1e9);
      return { gap: steps[1].time - steps[0].time, free: allocator.freePages, highPages: allocator.highPages };
    };
    const fed = timeForTwoChunks(20);
    const starved = timeForTwoChunks(0);
    expect(fed.gap).toBeCloseTo(160, 6);
    expect(starved.gap).toBeCloseTo(1600, 6); // slowdown 0.1
    // Either way it still gets to HIGH.
    expect(starved.free).toBeGreaterThanOrEqual(starved.highPages);
  });

  it('does nothing when there is no page cache to reclaim', () => {
    const { allocator, scheduler, shrinks } = setUp(0);
    allocator.freePages = allocator.lowPages - 100;
    expect(allocator.alloc(0, 'NOWAIT', 'others')).toBe(true);
    expect(allocator.kswapdWakeups).toBe(0);
    expect(allocator.kswapdAwake).toBe(false);
    expect(scheduler.pending).toBe(0);
    expect(shrinks()).toBe(0);
  });

  it('stops early when page cache runs out before HIGH', () => {
    const { allocator, scheduler, run } = setUp(100);
    allocator.freePages = allocator.lowPages - 100;
    allocator.pcp[0] = 1;
    const start = allocator.freePages;
    allocator.alloc(0, 'NOWAIT', 'others');
    run(1e9);
    expect(allocator.pageCachePages).toBe(0);
    expect(allocator.freePages).toBe(start + 100);
    expect(allocator.kswapdAwake).toBe(false);
    expect(scheduler.pending).toBe(0);
  });
});
