// kswapd (docs/model.md §3, balance_pgdat()): woken by an allocation that finds free pages at or
// below LOW, it starts after its wake-up latency and reclaims page cache in passes at a reclaim
// priority — each pass scans cache >> priority, at most the high watermark, in 32-page chunks at
// its rate — raising the pressure (priority - 1) after a pass that fell short, until freePages
// reaches HIGH; it holds a working page per chunk, crawls when it has no pages to work with,
// does nothing when there is nothing it could reclaim, and caps the PCP high while it works.
import { describe, it, expect } from 'vitest';
import { allocatorFor, quietScenario } from './helpers/model-harness.js';

function setUp(pageCache = 50_000) {
  const scenario = quietScenario();
  scenario.others.pageCachePages = pageCache;
  scenario.timing.kswapd = { wakeUs: 200, reclaimPagesPerSec: 200_000, starvedBelowPages: 200, starvedSlowdown: 0.1, workingPagesPerRound: 1 };
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
  it('wakes below LOW only after its wake-up latency, reclaims to HIGH with rising pressure, and stops', () => {
    const { allocator, scheduler, run, shrinks } = setUp();
    allocator.freePages = allocator.lowPages - 5;
    const cache = allocator.pageCachePages;
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true); // slow path (above MIN): succeeds
    allocator.freePages += allocator.pcp[0]; // kswapd's working pages then come from buddy
    allocator.pcp[0] = 0;
    const start = allocator.freePages;
    /** Free pages wherever kswapd put them: buddy, or its CPU's list. */
    const free = () => allocator.freePages + allocator.pcp[0];
    expect(allocator.kswapdWakeups).toBe(1);

    run(199.999);
    expect(allocator.freePages).toBe(start);
    expect(shrinks()).toBe(0);
    run(200);
    expect(shrinks()).toBe(1); // the first pass counts the shrinkers at DEF_PRIORITY
    // Pass 1 at priority 12 scans 50,000 >> 12 = 12 pages: 60 µs at 200,000 pages/s.
    run(259.999);
    expect(free()).toBe(start - 1); // its working page
    run(260);
    expect(free()).toBe(start + 11); // and the next pass took its working page

    run(1e9);
    expect(scheduler.pending).toBe(0);
    expect(allocator.kswapdAwake).toBe(false);
    expect(allocator.freePages).toBeGreaterThanOrEqual(allocator.highPages);
    expect(allocator.freePages).toBeLessThan(allocator.highPages + CHUNK);
    // Every page came from page cache; the passes grew 12, 24, 48, ... as the priority fell.
    const reclaimed = free() - start;
    expect(allocator.pageCachePages).toBe(cache - reclaimed);
    expect(shrinks()).toBeGreaterThan(5);
    expect(scheduler.now).toBeCloseTo(200 + reclaimed * 5, 6);
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

  it('slows down when starved: its working page must come from below every floor, with none on its CPU list', () => {
    const firstChunkUs = (pcpOfKswapdCpu: number) => {
      const { allocator, steps, run } = setUp();
      allocator.freePages = 50; // below starvedBelowPages, below every floor
      allocator.pcp[0] = pcpOfKswapdCpu;
      allocator.wakeKswapd();
      run(1e9);
      return { gap: steps[1].time - steps[0].time, free: allocator.freePages, highPages: allocator.highPages };
    };
    const fed = firstChunkUs(20);
    const starved = firstChunkUs(0);
    expect(fed.gap).toBeCloseTo(60, 6); // 12 pages at priority 12
    expect(starved.gap).toBeCloseTo(600, 6); // slowdown 0.1
    // Either way it still gets to HIGH.
    expect(starved.free).toBeGreaterThanOrEqual(starved.highPages);
  });

  it('caps the PCP high at min(4 × batch, high) on the free path while it reclaims (c49c2c47dab6)', () => {
    const { allocator, run } = setUp();
    const capped = 4 * allocator.batch;
    expect(capped).toBeLessThan(allocator.high);
    const spillsAt = () => {
      allocator.pcp[3] = 0;
      let frees = 0;
      while (allocator.pcp[3] === frees) {
        allocator.free(3, 'others');
        frees++;
      }
      return frees;
    };
    expect(spillsAt()).toBe(allocator.high);
    allocator.freePages = allocator.lowPages - 1;
    allocator.wakeKswapd();
    expect(spillsAt()).toBe(capped);
    run(1e9);
    expect(allocator.kswapdAwake).toBe(false);
    expect(spillsAt()).toBe(allocator.high);
  });

  it('frees what it reclaims onto its own CPU\'s list, which spills to buddy at min(4 × batch, high); it stops when buddy alone reaches HIGH', () => {
    const { allocator, run } = setUp();
    allocator.freePages = allocator.lowPages - 5;
    allocator.wakeKswapd();
    run(1e9);
    // shrink_folio_list() → free_unref_folios() on the CPU kswapd runs on (CPU 0 here); the
    // watermark in balance_pgdat() counts NR_FREE_PAGES only.
    expect(allocator.kswapdAwake).toBe(false);
    expect(allocator.pcp[0]).toBeGreaterThan(0);
    expect(allocator.pcp[0]).toBeLessThan(4 * allocator.batch);
    expect(allocator.freePages).toBeGreaterThanOrEqual(allocator.highPages);
    expect(allocator.zoneLockBy.kswapd).toBeGreaterThan(0); // each spill takes the zone lock
    for (let cpu = 1; cpu < allocator.pcp.length; cpu++) expect(allocator.pcp[cpu]).toBe(0);
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

  it('stops early when page cache runs out (or is too small to scan even at priority 1) before HIGH', () => {
    const { allocator, scheduler, run } = setUp(100);
    allocator.freePages = allocator.lowPages - 100;
    allocator.pcp[0] = 1;
    const start = allocator.freePages;
    allocator.alloc(0, 'NOWAIT', 'others');
    run(1e9);
    expect(allocator.pageCachePages).toBeLessThanOrEqual(1);
    expect(allocator.freePages + allocator.pcp[0]).toBe(start + 100 - allocator.pageCachePages);
    expect(allocator.kswapdAwake).toBe(false);
    expect(scheduler.pending).toBe(0);
  });
});
