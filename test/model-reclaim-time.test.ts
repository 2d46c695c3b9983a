// Point 1 of issue 9: a direct-reclaim round takes simulated time. Its caller sleeps for the
// round's cost (allocator.reclaimUs), the pages it reclaims are isolated at once and become free
// for everyone only when the round ends, concurrent rounds share what is reclaimable, and a
// round with nothing left frees nothing.
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../src/engine/random.js';
import { Scheduler } from '../src/engine/scheduler.js';
import { Allocator } from '../src/model/allocator.js';
import { OtherUsers } from '../src/model/other-users.js';
import { doShrinkSlab, remainingScans } from '../src/model/shrinker.js';
import { allocatorFor, deterministicTiming, quietScenario } from './helpers/model-harness.js';

function setUp(pageCache: number, belowMin: number) {
  const scenario = deterministicTiming(quietScenario(), { directReclaimMs: 3 });
  scenario.others.pageCachePages = pageCache;
  scenario.timing.kswapd.wakeUs = 1e12; // kswapd stays out of it
  const { allocator, scheduler } = allocatorFor(scenario);
  allocator.freePages = allocator.minPages - belowMin;
  return { allocator, scheduler };
}

describe('direct reclaim takes time', () => {
  it('blocks its caller for the round and frees the rest of its pages only when the round ends', () => {
    const { allocator, scheduler } = setUp(100_000, 10);
    const free = allocator.freePages;
    expect(allocator.alloc(1, 'KERNEL_NORETRY', 'pointerPages')).toBe(true);
    expect(allocator.reclaimUs).toBe(3_000);
    expect(allocator.costUs).toBeCloseTo(3_000.2, 6);
    // 32 isolated, one of them the caller's; the rest are nobody's yet.
    expect(allocator.isolatedPages).toBe(31);
    expect(allocator.freePages).toBe(free - 1); // the round's working page
    scheduler.run(2_999);
    expect(allocator.freePages).toBe(free - 1);
    scheduler.run(3_000);
    expect(allocator.isolatedPages).toBe(0);
    // Free again, in buddy or on a PCP list (the round's CPU's, or after a drain and the caller's
    // retry, refilled from buddy).
    expect(allocator.freePages + allocator.pcpTotal()).toBe(free + 31);
  });

  it('shares the reclaimable pages among concurrent rounds, and a round with nothing left frees nothing', () => {
    const { allocator, scheduler } = setUp(40, 100);
    expect(allocator.alloc(0, 'KERNEL_NORETRY', 'others')).toBe(false); // 40 >> 12 .. 40 >> 1: 32 pages, not enough
    expect(allocator.pageCachePages).toBe(8);
    expect(allocator.alloc(1, 'KERNEL_NORETRY', 'others')).toBe(false); // what the first left
    expect(allocator.pageCachePages).toBe(0);
    const isolated = allocator.isolatedPages;
    expect(isolated).toBe(40);
    expect(allocator.alloc(2, 'KERNEL_NORETRY', 'others')).toBe(false);
    expect(allocator.isolatedPages).toBe(isolated); // the third round found nothing
    scheduler.run(1e6);
    expect(allocator.isolatedPages).toBe(0);
    expect(allocator.workingPages).toBe(0);
  });
});

describe('do_shrink_slab()', () => {
  const cache = (objects: number) => {
    let left = objects;
    const scans: number[] = [];
    const shrinker = {
      count: () => left,
      scan: (nr: number) => {
        scans.push(nr);
        const freed = Math.min(nr, left);
        left -= freed;
        return freed;
      },
    };
    return { shrinker, scans };
  };

  it('does not scan a small cache at DEF_PRIORITY, and scans it once the priority is low enough', () => {
    const small = cache(40);
    expect(doShrinkSlab(small.shrinker, 12)).toBe(0);
    expect(doShrinkSlab(small.shrinker, 2)).toBe(0); // (40 >> 2) × 4 / 2 = 20 < 40
    expect(small.scans).toEqual([]);
    expect(doShrinkSlab(small.shrinker, 1)).toBe(40); // 40: reaches freeable
    expect(small.scans).toEqual([40]);
  });

  it('scans (freeable >> priority) × 4 / seeks in SHRINK_BATCH steps, at most twice freeable', () => {
    const big = cache(1_000_000);
    doShrinkSlab(big.shrinker, 10); // (1e6 >> 10) × 2 = 1,952: fifteen batches; the last 32 are not scanned
    expect(big.scans).toEqual(Array(15).fill(128));
    const all = cache(300);
    // 600 asked for, capped at 2 × 300; the scan stops when the cache frees nothing.
    expect(doShrinkSlab(all.shrinker, 0)).toBe(300);
    expect(all.scans).toEqual([128, 128, 128, 128]); // the fourth freed nothing: SHRINK_STOP
  });
});

describe('other users wait for their own direct reclaim', () => {
  it('a page fault that went into direct reclaim stalls that CPU\'s faults until the round ends', () => {
    const scenario = deterministicTiming(quietScenario(), { directReclaimMs: 3 });
    scenario.others.pageCachePages = 100_000;
    scenario.others.tickMs = 1;
    scenario.timing.kswapd.wakeUs = 1e12;
    scenario.others.anonSteps = [{ atMs: 0, targetPages: scenario.others.anonInitialPages + 1_000, rampMs: 0 }];
    const scheduler = new Scheduler();
    const allocator = new Allocator(scheduler, new RandomStreams(1), scenario);
    const others = new OtherUsers(scheduler, new RandomStreams(1), scenario, allocator);
    allocator.freePages = allocator.minPages - 10;
    allocator.pcp[5] = 200; // the drain at the end of CPU 0's round lifts buddy well over MIN
    const anonBefore = allocator.anonPages;
    others.start(100_000);
    scheduler.run(1_000); // tick 1, on CPU 0: one fault, asleep in its round until 4 ms
    expect(allocator.anonPages).toBe(anonBefore + 1);
    scheduler.run(3_000); // ticks 2 and 3 fault on CPUs 1 and 2, once each: no round has ended yet
    expect(allocator.anonPages).toBe(anonBefore + 3);
    scheduler.run(4_000); // CPU 0's round ends: its pages are free, and the faults go on without reclaim
    expect(allocator.anonPages).toBeGreaterThan(anonBefore + 4);
  });
});

describe('do_shrink_slab(): the scans it skips', () => {
  it('counts the remaining scans of an unchanging shrinker exactly as the loop would run them', () => {
    for (const [total, freeable, batch] of [[0, 5, 128], [127, 5, 128], [128, 5, 128], [300, 50, 128], [300, 44, 128], [20_000_000, 10_000_000, 128], [60, 60, 128], [59, 60, 128]]) {
      let steps = 0;
      for (let left = total!; left >= batch! || left >= freeable!; steps++) left -= Math.min(batch!, left);
      expect(remainingScans(total!, freeable!, batch!), `${total}/${freeable}/${batch}`).toBe(steps);
    }
  });
});
