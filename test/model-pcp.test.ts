// Per-CPU page lists (docs/model.md §3): refills of `batch` from buddy and spills of `batch` at
// `high`, both under the zone lock; drain_all_pages(); and the RFC's lockless grab.
import { describe, it, expect } from 'vitest';
import { Priority } from '../src/engine/scheduler.js';
import { allocatorFor, newSimulation, quietScenario, testPolicy } from './helpers/model-harness.js';
import type { Page } from '../src/policy/api.js';

function plenty() {
  const { allocator, scheduler } = allocatorFor(quietScenario());
  expect(allocator.freePages).toBeGreaterThan(allocator.highPages * 4);
  return { allocator, scheduler };
}

describe('PCP refill', () => {
  it('an empty PCP is refilled with `batch` pages from buddy under the zone lock', () => {
    const { allocator } = plenty();
    const free = allocator.freePages;
    expect(allocator.pcp[0]).toBe(0);
    expect(allocator.alloc(0, 'NOWAIT', 'others')).toBe(true);
    expect(allocator.zoneLockBy.others).toBe(1);
    expect(allocator.pcpRefillsBy).toEqual({ pointerPages: 0, others: 1 });
    expect(allocator.freePages).toBe(free - allocator.batch);
    expect(allocator.pcp[0]).toBe(allocator.batch - 1);
    expect(allocator.costUs).toBeCloseTo(5 + 0.2, 9); // refill + PCP hit
  });

  it('takes the next batch - 1 pages from the PCP without the zone lock, then refills again', () => {
    const { allocator } = plenty();
    const free = allocator.freePages;
    for (let index = 0; index < allocator.batch; index++) expect(allocator.alloc(3, 'KERNEL', 'pointerPages')).toBe(true);
    expect(allocator.zoneLockBy.pointerPages).toBe(1);
    expect(allocator.pcp[3]).toBe(0);
    expect(allocator.freePages).toBe(free - allocator.batch);
    expect(allocator.alloc(3, 'KERNEL', 'pointerPages')).toBe(true);
    expect(allocator.zoneLockBy.pointerPages).toBe(2);
    expect(allocator.zoneLockBy.others).toBe(0);
    expect(allocator.pcp[3]).toBe(allocator.batch - 1);
    // Other CPUs' lists are untouched.
    expect(allocator.pcpTotal()).toBe(allocator.pcp[3]);
  });

  it('a refill takes only what buddy has', () => {
    // A tiny custom zone, so an allocation may go below `batch` pages: MIN = 32, ATOMIC floor 12.
    const scenario = quietScenario();
    scenario.machine = { ...scenario.machine, preset: 'custom', managedPages: 2_000, minFreeKbytes: 128 };
    scenario.others.anonInitialPages = 1_000;
    scenario.others.pageCachePages = 0;
    const { allocator } = allocatorFor(scenario);
    expect(allocator.atomicFloorPages).toBe(12);
    allocator.freePages = 20;
    expect(allocator.alloc(0, 'ATOMIC', 'others')).toBe(true);
    expect(allocator.freePages).toBe(0);
    expect(allocator.pcp[0]).toBe(19);
  });
});

describe('PCP spill at high', () => {
  it('a free that brings the count to `high` sends `batch` pages back to buddy under the zone lock', () => {
    const { allocator } = plenty();
    const free = allocator.freePages;
    allocator.pcp[1] = allocator.high - 2;
    allocator.free(1, 'pointerPages');
    expect(allocator.pcp[1]).toBe(allocator.high - 1);
    expect(allocator.zoneLockBy.pointerPages).toBe(0);
    expect(allocator.freePages).toBe(free);
    allocator.free(1, 'pointerPages');
    expect(allocator.pcp[1]).toBe(allocator.high - allocator.batch);
    expect(allocator.zoneLockBy.pointerPages).toBe(1);
    expect(allocator.freePages).toBe(free + allocator.batch);
    // A spill takes the zone lock but is not a refill.
    expect(allocator.pcpRefillsBy).toEqual({ pointerPages: 0, others: 0 });
  });

  it('frees go to the freeing CPU list and are not counted in freePages', () => {
    const { allocator } = plenty();
    const free = allocator.freePages;
    for (let index = 0; index < 10; index++) allocator.free(2, 'others');
    expect(allocator.pcp[2]).toBe(10);
    expect(allocator.freePages).toBe(free);
  });
});

describe('drain_all_pages()', () => {
  it('empties every PCP into freePages, one zone-lock round per non-empty list', () => {
    const { allocator } = plenty();
    const free = allocator.freePages;
    allocator.pcp[0] = 17;
    allocator.pcp[4] = 300;
    allocator.pcp[7] = 1;
    allocator.drainAllPages();
    expect(Array.from(allocator.pcp)).toEqual(new Array(allocator.pcp.length).fill(0));
    expect(allocator.freePages).toBe(free + 318);
    expect(allocator.zoneLockBy.drain).toBe(3);
  });
});

describe('the lockless grab (2020 RFC)', () => {
  it('takes only a PCP page: no refill, no watermark, no zone lock, no kswapd', () => {
    const { allocator, scheduler } = plenty();
    allocator.pcp[0] = 2;
    allocator.freePages = 0; // far below every watermark
    allocator.pageCachePages = 10_000;
    expect(allocator.grabPcpLockless(0)).toBe(true);
    expect(allocator.grabPcpLockless(0)).toBe(true);
    expect(allocator.grabPcpLockless(0)).toBe(false);
    expect(allocator.pcp[0]).toBe(0);
    expect(allocator.freePages).toBe(0);
    expect(allocator.zoneLockBy).toEqual({ pointerPages: 0, others: 0, kswapd: 0, drain: 0 });
    expect(allocator.kswapdWakeups).toBe(0);
    expect(scheduler.pending).toBe(0);
  });

  it('through the Kernel handle: a page from this CPU list only, null when that list is empty', () => {
    const grabbed: Array<Page | null> = [];
    const policy = testPolicy('grabber', (kernel) => ({
      needPage: () => null,
      pageEmptied: (cpu, page) => kernel.free(cpu, page),
      onStart: () => {
        const holder = kernel.reserve('grabbed', { shared: true });
        grabbed.push(kernel.grabPcpLockless(1), kernel.grabPcpLockless(1), kernel.grabPcpLockless(0));
        for (const page of grabbed) if (page) holder.put(0, page);
      },
    }));
    const simulation = newSimulation(quietScenario(), policy);
    const allocator = simulation.allocator;
    allocator.pcp[1] = 1;
    const free = allocator.freePages;
    simulation.host.hooks = policy.create(simulation.host.kernel, {});
    simulation.host.start();
    expect(grabbed[0]).not.toBeNull();
    expect(grabbed[1]).toBeNull();
    expect(grabbed[2]).toBeNull();
    expect(allocator.pcp[1]).toBe(0);
    expect(allocator.freePages).toBe(free);
    expect(simulation.host.pagesAllocated).toBe(1);
  });

  it('a CPU that found its list empty sees it again once another user refills it', () => {
    // needPage answers from the PCP alone; after a null the model may reuse that answer only
    // until memory changes, and a refill of this CPU's list from buddy is such a change.
    const lockless = testPolicy('lockless', (kernel) => ({
      needPage: (request) => kernel.grabPcpLockless(request.cpu),
      pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
    }));
    const scenario = quietScenario();
    scenario.others.backgroundAllocsPerSecPerCpu = 0;
    scenario.others.backgroundLifetimeMs = 1e12; // and nobody frees pages onto the list
    const simulation = newSimulation(scenario, lockless, { checkInvariants: true });
    let refilledAt = -1;
    simulation.scheduler.at(50_000, Priority.memory, () => {
      // A slab allocation on CPU 0 refills its empty PCP list from buddy.
      expect(simulation.allocator.pcp[0]).toBe(0);
      expect(simulation.allocator.alloc(0, 'KERNEL', 'others')).toBe(true);
      simulation.others.backgroundPages[0]++;
      refilledAt = simulation.kvfree.counters.fallbacks;
    });
    const { metrics } = simulation.run();
    expect(refilledAt).toBeGreaterThan(0); // calls before the refill all fell back
    expect(metrics.pagesAllocated).toBeGreaterThan(0);
    expect(metrics.failures.count).toBeLessThan(metrics.calls);
  });

  it('harm.pcpRefills counts the refills other users had to do, not their spills', () => {
    // Other users on CPU 0 allocate and free a lot; nothing else touches the lists.
    const scenario = quietScenario();
    scenario.machine.cpus = 1;
    scenario.others.backgroundAllocsPerSecPerCpu = 200_000;
    scenario.others.backgroundLifetimeMs = 5;
    scenario.others.tickMs = 1;
    const simulation = newSimulation(scenario, testPolicy('idle', (kernel) => ({ needPage: () => null, pageEmptied: (cpu, page) => kernel.free(cpu, page) })), {
      checkInvariants: true,
    });
    // Half way, other users free a burst of their pages: the list overflows and spills to buddy.
    simulation.scheduler.at(100_000, Priority.memory, () => {
      const burst = Math.min(600, simulation.others.backgroundPages[0]);
      expect(burst).toBeGreaterThan(400);
      simulation.others.backgroundPages[0] -= burst;
      for (let index = 0; index < burst; index++) simulation.allocator.free(0, 'others');
    });
    const { metrics } = simulation.run();
    const allocator = simulation.allocator;
    expect(allocator.pcpRefillsBy.others).toBeGreaterThan(0);
    expect(allocator.zoneLockBy.others).toBeGreaterThan(allocator.pcpRefillsBy.others); // spills too
    expect(metrics.harm.pcpRefills).toBe(allocator.pcpRefillsBy.others);
  });
});
