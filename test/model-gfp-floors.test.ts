// The GFP floors of docs/model.md §3: who may take the buddy free count how low, what may reclaim,
// and what wakes kswapd. The watermark is checked against freePages before the PCP is touched.
import { describe, it, expect } from 'vitest';
import { MACHINE_PRESETS, watermarks } from '../src/scenario/machines.js';
import type { Gfp } from '../src/policy/api.js';
import { allocatorFor, deterministicTiming, quietScenario } from './helpers/model-harness.js';

/** An allocator with exactly `freePages` in buddy and `pcp` pages on CPU 0's list. */
function setUp({ freePages, pcp = 0, pageCache = 0, anon = 100_000 }: { freePages: number; pcp?: number; pageCache?: number; anon?: number }) {
  const scenario = deterministicTiming(quietScenario(), { directReclaimMs: 3 });
  scenario.others.pageCachePages = pageCache;
  scenario.others.anonInitialPages = anon;
  const { allocator, scheduler } = allocatorFor(scenario);
  allocator.freePages = freePages;
  allocator.pcp[0] = pcp;
  let shrinks = 0;
  allocator.shrink = () => {
    shrinks++;
    return 0;
  };
  return { allocator, scheduler, scenario, shrinks: () => shrinks };
}

describe('watermarks from the docs/model.md formulas', () => {
  it('match the phone row of the machine table', () => {
    const phone = MACHINE_PRESETS.phone;
    const marks = watermarks(phone);
    expect(marks.minPages).toBeGreaterThan(1_900);
    expect(marks.minPages).toBeLessThan(2_000);
    expect(Math.abs(marks.lowPages - 2_900)).toBeLessThan(30);
    expect(Math.abs(marks.highPages - 3_850)).toBeLessThan(30);
    const { allocator } = allocatorFor(quietScenario());
    expect(allocator.atomicFloorPages).toBe(marks.minPages - Math.floor(marks.minPages / 2) - Math.floor((marks.minPages - Math.floor(marks.minPages / 2)) / 4));
    expect(Math.abs(allocator.atomicFloorPages / marks.minPages - 0.375)).toBeLessThan(0.002);
    expect(Math.abs(allocator.atomicFloorPages - 730)).toBeLessThan(10);
  });
});

describe('fast path: LOW for every class', () => {
  it.each(['NOWAIT', 'ATOMIC', 'KERNEL_NORETRY', 'KERNEL'] as Gfp[])('%s succeeds above LOW from the PCP without waking kswapd', (gfp) => {
    const { allocator } = setUp({ freePages: 0 });
    allocator.freePages = allocator.lowPages + 1;
    allocator.pcp[0] = 10;
    expect(allocator.alloc(0, gfp, 'others')).toBe(true);
    expect(allocator.pcp[0]).toBe(9);
    expect(allocator.freePages).toBe(allocator.lowPages + 1);
    expect(allocator.kswapdWakeups).toBe(0);
  });

  it('a failed fast path (at or below LOW) wakes kswapd, once while it is awake', () => {
    const { allocator, scheduler } = setUp({ freePages: 0, pageCache: 10_000 });
    allocator.freePages = allocator.lowPages;
    allocator.pcp[0] = 10;
    expect(allocator.alloc(0, 'NOWAIT', 'others')).toBe(true); // slow path, above MIN
    expect(allocator.kswapdWakeups).toBe(1);
    expect(allocator.kswapdAwake).toBe(true);
    expect(scheduler.pending).toBe(1);
    allocator.alloc(0, 'ATOMIC', 'others');
    expect(allocator.kswapdWakeups).toBe(1);
  });
});

describe('slow path floors', () => {
  it('GFP_NOWAIT: down to MIN, not below, never reclaims', () => {
    const { allocator, shrinks } = setUp({ freePages: 0, pcp: 10, pageCache: 10_000 });
    allocator.freePages = allocator.minPages + 1;
    expect(allocator.alloc(0, 'NOWAIT', 'others')).toBe(true);
    allocator.freePages = allocator.minPages;
    expect(allocator.alloc(0, 'NOWAIT', 'others')).toBe(false);
    expect(shrinks()).toBe(0);
    expect(allocator.pageCachePages).toBe(10_000);
    expect(allocator.costUs).toBeCloseTo(0.2, 9); // the one PCP hit, no reclaim cost
  });

  it('GFP_ATOMIC: down to 37.5 % of MIN, not below, never reclaims', () => {
    const { allocator, shrinks } = setUp({ freePages: 0, pcp: 10, pageCache: 10_000 });
    allocator.freePages = allocator.minPages; // NOWAIT would fail here
    expect(allocator.alloc(0, 'ATOMIC', 'others')).toBe(true);
    allocator.freePages = allocator.atomicFloorPages + 1;
    expect(allocator.alloc(0, 'ATOMIC', 'others')).toBe(true);
    allocator.freePages = allocator.atomicFloorPages;
    expect(allocator.alloc(0, 'ATOMIC', 'others')).toBe(false);
    expect(allocator.alloc(0, 'NOWAIT', 'others')).toBe(false);
    expect(shrinks()).toBe(0);
    expect(allocator.pageCachePages).toBe(10_000);
  });

  it.each(['NOWAIT', 'ATOMIC'] as Gfp[])('%s fails below its floor even with pages on the PCP, and leaves them there', (gfp) => {
    const { allocator } = setUp({ freePages: 0, pcp: 200 });
    allocator.freePages = gfp === 'NOWAIT' ? allocator.minPages : allocator.atomicFloorPages;
    expect(allocator.alloc(0, gfp, 'others')).toBe(false);
    expect(allocator.pcp[0]).toBe(200);
    expect(allocator.zoneLockBy.others).toBe(0);
  });

  it('GFP_KERNEL|__GFP_NORETRY: one direct-reclaim round, then fails; a round that reclaimed nothing drains nothing; never the OOM killer', () => {
    const { allocator, scheduler, shrinks, scenario } = setUp({ freePages: 0, pageCache: 0 });
    allocator.freePages = allocator.minPages - 100;
    allocator.pcp[1] = 30;
    const anonBefore = allocator.anonPages;
    expect(allocator.alloc(0, 'KERNEL_NORETRY', 'pointerPages')).toBe(false);
    // Nothing to reclaim: the round steps through every priority, 12 to 0, asking the shrinkers at each.
    expect(shrinks()).toBe(13);
    expect(allocator.directReclaimRounds).toBe(1);
    // __alloc_pages_direct_reclaim() returns before its drain when the round made no progress.
    expect(allocator.drains).toBe(0);
    expect(allocator.pcp[1]).toBe(30);
    // The round holds one working page (PF_MEMALLOC, below MIN) until it ends.
    expect(allocator.freePages).toBe(allocator.minPages - 101);
    scheduler.run(1e9);
    expect(allocator.freePages).toBe(allocator.minPages - 100);
    expect(allocator.oomKills).toBe(0);
    expect(allocator.anonPages).toBe(anonBefore);
    // One round of direct reclaim costs its (deterministic) latency, once, all of it asleep.
    expect(allocator.costUs).toBeCloseTo(scenario.timing.allocCost.directReclaimMedianMs * 1000, 6);
    expect(allocator.reclaimUs).toBe(allocator.costUs);
  });

  it('GFP_KERNEL|__GFP_NORETRY succeeds when its one round lifts free pages over MIN', () => {
    const { allocator } = setUp({ freePages: 0, pageCache: 1_000 });
    allocator.freePages = allocator.minPages - 10;
    allocator.pcp[0] = 5;
    expect(allocator.alloc(0, 'KERNEL_NORETRY', 'pointerPages')).toBe(true);
    expect(allocator.pageCachePages).toBe(1_000 - 32);
    expect(allocator.zoneLockBy.drain).toBe(0); // the round's own pages were enough: no drain at its start
  });

  /** A KERNEL_NORETRY page on CPU 1 whose round reclaims 32 pages; kswapd counts as awake and never gets to run. */
  function reclaimOnCpu1() {
    const set = setUp({ freePages: 0, pageCache: 1_000 });
    const { allocator } = set;
    allocator.freePages = allocator.minPages - 10;
    allocator.pcp[1] = 5;
    allocator.kswapdAwake = true; // its pages would land during the round and decide the drain
    expect(allocator.alloc(1, 'KERNEL_NORETRY', 'pointerPages')).toBe(true);
    // The working page came off CPU 1's list; the caller took one of its 32 reclaimed pages.
    expect(allocator.pcp[1]).toBe(4);
    expect(allocator.drains).toBe(0);
    return set;
  }

  it('a round\'s pages go onto the reclaimer\'s PCP list when it ends, and stay there while buddy is over MIN', () => {
    const { allocator, scheduler } = reclaimOnCpu1();
    allocator.freeToBuddy(100); // an exiting task frees memory while the round runs
    scheduler.run(1e9);
    // shrink_folio_list() → free_unref_folios(): 31 pages onto this CPU's list, the working page
    // back to buddy; get_page_from_freelist() then finds buddy over MIN, so no drain.
    expect(allocator.pcp[1]).toBe(4 + 31);
    expect(allocator.freePages).toBe(allocator.minPages - 10 + 100 + 1);
    expect(allocator.drains).toBe(0);
  });

  it('a round that ends with buddy at or under MIN drains every list, its own pages included', () => {
    const { allocator, scheduler } = reclaimOnCpu1();
    allocator.pcp[3] = 7;
    scheduler.run(1e9);
    // The watermark check does not count the pages the round put on CPU 1's list: it fails, and
    // __alloc_pages_direct_reclaim() calls drain_all_pages(). The retry then passes it, and
    // rmqueue_bulk() refills the caller's emptied list by a batch, one page of which is the caller's.
    expect(allocator.drains).toBe(1);
    expect(allocator.pcp[3]).toBe(0);
    expect(allocator.pcp[1]).toBe(allocator.batch - 1);
    const drained = allocator.minPages - 10 + 1 + 4 + 31 + 7; // with the working page
    expect(allocator.freePages).toBe(drained - (allocator.batch - 1));
    expect(allocator.pcpRefillsBy.pointerPages).toBe(1);
  });

  it('a round whose own pages are not enough drains at once; when it ends its pages are in buddy and the caller\'s list holds the rest of a refill batch', () => {
    const { allocator, scheduler } = setUp({ freePages: 0, pageCache: 1_000 });
    allocator.freePages = allocator.minPages - 40;
    allocator.pcp[3] = 20;
    allocator.kswapdAwake = true; // kswapd stays out of it
    expect(allocator.alloc(1, 'KERNEL_NORETRY', 'pointerPages')).toBe(true);
    expect(allocator.drains).toBe(1); // buddy + 32 own pages ≤ MIN: drained; + CPU 3's 20 > MIN
    expect(allocator.pcp[3]).toBe(0);
    scheduler.run(1e9);
    expect(allocator.drains).toBe(1);
    expect(allocator.pcp[1]).toBe(allocator.batch - 1);
    // MIN - 40 - 1 (working page) + 20 (CPU 3) + 31 + 1 (working page back) - the refill batch's rest.
    expect(allocator.freePages).toBe(allocator.minPages - 40 + 20 + 31 - (allocator.batch - 1));
  });

  it('GFP_KERNEL|__GFP_NORETRY also fails below MIN with pages on its own PCP when reclaim finds nothing', () => {
    const { allocator, scheduler } = setUp({ freePages: 0, pageCache: 0 });
    allocator.freePages = allocator.minPages - 100;
    allocator.pcp[0] = 50;
    expect(allocator.alloc(0, 'KERNEL_NORETRY', 'pointerPages')).toBe(false);
    // The watermark counts buddy only; no drain after a round without progress, so the list stays
    // (less the round's working page, which goes back to buddy when the round ends).
    expect(allocator.pcp[0]).toBe(49);
    scheduler.run(1e9);
    expect(allocator.freePages).toBe(allocator.minPages - 99);
  });

  it('GFP_KERNEL takes a page its round\'s shrinkers freed, though the round reclaimed nothing ("goto retry" in __alloc_pages_slowpath())', () => {
    const { allocator } = setUp({ freePages: 0, pageCache: 0 });
    allocator.freePages = allocator.minPages - 10;
    allocator.shrink = () => {
      allocator.freeToBuddy(50);
      return 0;
    };
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true);
    expect(allocator.directReclaimRounds).toBe(1);
    expect(allocator.drains).toBe(0);
    expect(allocator.oomKills).toBe(0);
  });

  it('GFP_KERNEL: every round that reclaims something and still leaves free memory at or under MIN drains the PCP lists', () => {
    const { allocator, scheduler } = setUp({ freePages: 0, pageCache: 400 });
    allocator.freePages = allocator.minPages - 200;
    allocator.pcp[1] = 5;
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true);
    // Each round reclaims 32 pages and holds a working page: the first six leave free memory at
    // or under MIN and each ends in drain_all_pages() (the drained flag is local to
    // __alloc_pages_direct_reclaim()); the seventh lifts it over MIN and needs none.
    expect(allocator.directReclaimRounds).toBe(7);
    expect(allocator.drains).toBe(6);
    expect(allocator.pcp[1]).toBe(0);
    expect(allocator.oomKills).toBe(0);
    scheduler.run(1e9);
  });

  it('GFP_KERNEL: when no reclaim could lift free memory over MIN, calls the OOM killer at once, waits for the victim and takes one of its pages', () => {
    const { allocator, scheduler, scenario } = setUp({ freePages: 0, pageCache: 0 });
    allocator.freePages = allocator.minPages - 100;
    allocator.pcp[2] = 10;
    const anonBefore = allocator.anonPages;
    let killed = 0;
    allocator.onOomKill = (pages) => (killed += pages);
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true);
    // should_reclaim_retry(): free + reclaimable < MIN, so no second round.
    expect(allocator.directReclaimRounds).toBe(1);
    const roundUs = scenario.timing.allocCost.directReclaimMedianMs * 1000;
    const exitUs = scenario.killers.oomExitMs * 1000;
    expect(allocator.reclaimUs).toBeCloseTo(exitUs, 6); // asleep from the start until the victim is gone
    expect(allocator.costUs).toBeCloseTo(roundUs + (exitUs - roundUs) + 0.2, 6);
    expect(allocator.drains).toBe(0); // the round reclaimed nothing: CPU 2's list stays
    expect(allocator.oomKills).toBe(1);
    expect(killed).toBe(scenario.killers.oomVictimPages);
    expect(allocator.anonPages).toBe(anonBefore - scenario.killers.oomVictimPages);
    // The victim's memory is free only once it has exited, less the page the caller took.
    expect(allocator.freePages).toBeLessThan(allocator.minPages);
    scheduler.run(1e9);
    expect(allocator.freePages).toBe(allocator.minPages - 100 + scenario.killers.oomVictimPages - 1);
    expect(allocator.pcp[2]).toBe(10);
  });

  it('one OOM victim at a time: allocations while it exits wait for it, and it is counted once', () => {
    const { allocator, scheduler, scenario } = setUp({ freePages: 0, pageCache: 0 });
    allocator.freePages = allocator.minPages - 100;
    for (let index = 0; index < 5; index++) expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true);
    expect(allocator.oomKills).toBe(1);
    scheduler.run(1e9);
    expect(allocator.oomKills).toBe(1);
    expect(allocator.exitingPages).toBe(0);
    expect(allocator.freePages).toBeGreaterThan(scenario.killers.oomVictimPages);
  });

  it('an OOM victim is limited to what other users hold', () => {
    const { allocator, scheduler } = setUp({ freePages: 0, pageCache: 0, anon: 300 });
    allocator.freePages = allocator.minPages - 100;
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true);
    expect(allocator.anonPages).toBe(0);
    scheduler.run(1e9);
    allocator.freePages = allocator.minPages - 100;
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(false); // nothing left to kill
    expect(allocator.oomKills).toBe(1);
  });

  it('GFP_KERNEL fails when there is nothing left to kill', () => {
    const { allocator, scenario } = setUp({ freePages: 0, pageCache: 0, anon: 0 });
    allocator.freePages = allocator.minPages - 100;
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(false);
    expect(allocator.oomKills).toBe(0);
    expect(allocator.costUs).toBeCloseTo(scenario.timing.allocCost.directReclaimMedianMs * 1000, 6);
  });

  it('GFP_KERNEL keeps retrying while rounds make progress, past 16 rounds, and never calls the OOM killer then', () => {
    const { allocator } = setUp({ freePages: 0, pageCache: 100_000 });
    allocator.freePages = allocator.minPages - 40 * 32; // forty rounds of 32 pages
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true);
    // Each running round also holds one working page: 31 net pages a round, so 42 rounds.
    expect(allocator.directReclaimRounds).toBe(42);
    expect(allocator.oomKills).toBe(0);
  });

  it('GFP_KERNEL stops retrying as soon as reclaim makes progress over MIN', () => {
    const { allocator } = setUp({ freePages: 0, pageCache: 100_000 });
    allocator.freePages = allocator.minPages - 40; // two rounds of 32 pages
    expect(allocator.alloc(0, 'KERNEL', 'others')).toBe(true);
    expect(allocator.directReclaimRounds).toBe(2);
    expect(allocator.oomKills).toBe(0);
  });
});
