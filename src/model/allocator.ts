// The page allocator of docs/model.md §3: one zone, buddy free count, per-CPU PCP lists, watermark
// floors per GFP class, kswapd, direct reclaim, drain_all_pages() and the OOM killer.
// Pages here are counts; page identity exists only for pages the policy holds (PageLedger).
import { Priority, type Scheduler } from '../engine/scheduler.js';
import { lognormalFromMedianP99, type RandomStreams, type Stream } from '../engine/random.js';
import type { Gfp } from '../policy/api.js';
import type { Scenario } from '../scenario/types.js';
import { watermarks } from '../scenario/machines.js';
import { DEF_PRIORITY } from './shrinker.js';

/** Who took the zone lock (or asked for memory). */
export type Actor = 'pointerPages' | 'others' | 'kswapd' | 'drain';

/** Pages per kswapd reclaim chunk (SWAP_CLUSTER_MAX). */
const KSWAPD_CHUNK_PAGES = 32;

export class Allocator {
  readonly minPages: number;
  readonly lowPages: number;
  readonly highPages: number;
  /** GFP_ATOMIC's slow-path floor: MIN less a half (ALLOC_HIGH) less a quarter (ALLOC_HARDER). */
  readonly atomicFloorPages: number;
  readonly batch: number;
  readonly high: number;
  readonly pcp: Int32Array;
  freePages: number;
  /** Reclaimable page cache held by other users. */
  pageCachePages: number;
  /** Anonymous memory of other users (what the OOM killer frees). */
  anonPages: number;
  /** Bumped whenever free memory grows (buddy or a PCP list): answers that failed may now succeed. */
  epoch = 0;
  /** µs spent by the current caller inside the allocator; the caller reads and resets it. */
  costUs = 0;
  /** µs of costUs spent blocked in direct reclaim (the caller slept); the caller reads and resets it. */
  reclaimUs = 0;
  /** Page cache isolated by reclaim rounds still running: off the LRU, free when the round ends. */
  isolatedPages = 0;
  /** Pages reclaimers hold while they work (PF_MEMALLOC). */
  workingPages = 0;
  /** Anonymous memory of an OOM victim still exiting. */
  exitingPages = 0;

  readonly zoneLockBy: Record<Actor, number> = { pointerPages: 0, others: 0, kswapd: 0, drain: 0 };
  /** PCP refills from buddy only (zoneLockBy also counts spills at `high`): harm.pcpRefills. */
  readonly pcpRefillsBy: Record<'pointerPages' | 'others', number> = { pointerPages: 0, others: 0 };
  oomKills = 0;
  /** drain_all_pages() calls, scheduled or after a failed reclaim round. */
  drains = 0;
  kswapdWakeups = 0;
  kswapdAwake = false;
  /**
   * Bulk runs whose null answers rest on a MemoryKey: while there are any, onMemoryRose() runs
   * whenever free pages or a PCP list grow or kswapd goes to sleep, so they can end there.
   */
  memoryWatchers = 0;
  onMemoryRose: () => void = () => {};
  /** Runs the shrinkers at a reclaim priority (do_shrink_slab()); returns objects freed. */
  shrink: (priority: number) => number = () => 0;
  /** Told when the OOM killer freed pages from other users' anonymous memory. */
  onOomKill: (pages: number) => void = () => {};

  /** The OOM victim still exiting: its pages not yet taken by waiting allocations, and when it is gone. */
  private exitingVictim: { pages: number; exitAt: number } | null = null;
  private kswapdPriority = DEF_PRIORITY;
  private belowMinSince = -1;
  private belowMinUs = 0;
  /** Lowest freePages since the last takeLowestFree(): a timeline sample must not miss a dip between samples. */
  private lowestFree = Number.POSITIVE_INFINITY;
  private readonly reclaimCost: ReturnType<typeof lognormalFromMedianP99>;
  private readonly reclaimStreams: Record<'pointerPages' | 'others', Stream>;

  constructor(
    private readonly scheduler: Scheduler,
    streams: RandomStreams,
    private readonly scenario: Scenario,
  ) {
    const machine = scenario.machine;
    const marks = watermarks(machine);
    this.minPages = marks.minPages;
    this.lowPages = marks.lowPages;
    this.highPages = marks.highPages;
    this.atomicFloorPages = this.minPages - Math.floor(this.minPages / 2) - Math.floor((this.minPages - Math.floor(this.minPages / 2)) / 4);
    this.batch = machine.pcpBatch;
    this.high = machine.pcpHigh;
    this.pcp = new Int32Array(machine.cpus);
    this.pageCachePages = scenario.others.pageCachePages;
    this.anonPages = scenario.others.anonInitialPages;
    this.freePages = machine.managedPages - this.pageCachePages - this.anonPages;
    if (this.freePages < 0) throw new RangeError('scenario: others.anonInitialPages + others.pageCachePages exceed machine.managedPages');
    const cost = scenario.timing.allocCost;
    this.reclaimCost = lognormalFromMedianP99(cost.directReclaimMedianMs * 1000, cost.directReclaimP99Ms * 1000, cost.directReclaimMaxMs * 1000);
    this.reclaimStreams = { pointerPages: streams.stream('reclaim/pointer-pages'), others: streams.stream('reclaim/others') };
    this.noteFree();
  }

  /** The lowest free count since the previous call (or the start); the next window starts at the current count. */
  takeLowestFree(): number {
    const lowest = Math.min(this.lowestFree, this.freePages);
    this.lowestFree = this.freePages;
    return lowest;
  }

  get belowMinMs(): number {
    const open = this.belowMinSince >= 0 ? this.scheduler.now - this.belowMinSince : 0;
    return (this.belowMinUs + open) / 1000;
  }

  /**
   * Whether a call could soon wake kswapd or enter direct reclaim (free pages within a PCP
   * refill per CPU of LOW): both run the shrinkers, which reach every CPU.
   */
  reclaimNear(): boolean {
    return this.freePages <= this.lowPages + this.batch * this.pcp.length;
  }

  pcpTotal(): number {
    let total = 0;
    for (let cpu = 0; cpu < this.pcp.length; cpu++) total += this.pcp[cpu];
    return total;
  }

  /** Order-0 allocation with the floors and reclaim rules of its GFP class. Context rules are the caller's. */
  alloc(cpu: number, gfp: Gfp, actor: 'pointerPages' | 'others'): boolean {
    if (this.freePages > this.lowPages) return this.takeFromPcp(cpu, actor);
    this.wakeKswapd();
    if (this.freePages > this.floorPages(gfp)) return this.takeFromPcp(cpu, actor);
    if (gfp === 'NOWAIT' || gfp === 'ATOMIC') return false;
    return this.slowPath(cpu, gfp, actor);
  }

  /** The free pages an allocation of this class may not go below once under LOW (ALLOC_HARDER|ALLOC_HIGH for GFP_ATOMIC). */
  floorPages(gfp: Gfp): number {
    return gfp === 'ATOMIC' ? this.atomicFloorPages : this.minPages;
  }

  /**
   * Up to `count` allocations in a row while free memory stays above LOW, where every GFP class
   * takes the same path (rmqueue_pcplist(), refilling by a batch when the list is empty): what
   * `count` calls of alloc() would do there, in one step. Returns how many it took; the caller
   * goes on page by page once memory is at LOW or below.
   */
  allocAboveLow(cpu: number, actor: 'pointerPages' | 'others', count: number): number {
    const hitUs = this.scenario.timing.allocCost.pcpHitUs;
    let taken = 0;
    while (taken < count && this.freePages > this.lowPages) {
      if (this.pcp[cpu] === 0) {
        this.takeFromPcp(cpu, actor); // above LOW a refill always finds pages
        taken++;
        continue;
      }
      const chunk = Math.min(count - taken, this.pcp[cpu]);
      this.pcp[cpu] -= chunk;
      for (let page = 0; page < chunk; page++) this.costUs += hitUs; // the same sum as page by page
      taken += chunk;
    }
    return taken;
  }

  /**
   * __alloc_pages_slowpath() (mm/page_alloc.c) for the sleeping classes: direct-reclaim rounds,
   * a drain_all_pages() after each round that reclaimed something and still found no page,
   * should_reclaim_retry(), and for plain GFP_KERNEL the OOM killer once no progress is possible.
   * Each round blocks the caller for its cost (costUs and reclaimUs) and its pages arrive when it
   * ends. The model
   * decides the retry after a round at the round's start, counting the caller's own reclaimed
   * pages in (the kernel looks at the round's end and also sees what others freed meanwhile);
   * the drain after a round that served its caller is decided at its end (directReclaimRound()).
   */
  private slowPath(cpu: number, gfp: Gfp, actor: 'pointerPages' | 'others'): boolean {
    let noProgressLoops = 0;
    let ownPending = 0;
    let lastRound: ReclaimRound | null = null;
    let elapsedUs = 0;
    for (;;) {
      const round = this.directReclaimRound(cpu, actor, elapsedUs);
      elapsedUs += round.costUs;
      ownPending += round.pages;
      if (round.pages > 0) {
        lastRound = round;
        if (this.freePages + ownPending > this.minPages) return this.takeAfterReclaim(cpu, actor, lastRound);
        // __alloc_pages_direct_reclaim(): a round that made progress and still failed drains every
        // PCP list and retries ("drain_all_pages() ... goto retry"); its drained flag is its own,
        // so this is once per round. A round that reclaimed nothing returns at once, undrained.
        this.drainAllPages();
        round.drained = true;
        if (this.freePages + ownPending > this.minPages) return this.takeAfterReclaim(cpu, actor, lastRound);
      }
      if (gfp === 'KERNEL_NORETRY') return false;
      // should_reclaim_retry(): progress resets the counter; give up after MAX_RECLAIM_RETRIES
      // rounds in a row without progress, or when even reclaiming every reclaimable page could
      // not lift free memory over MIN.
      noProgressLoops = round.pages > 0 ? 0 : noProgressLoops + 1;
      if (noProgressLoops > this.scenario.timing.kernelRetries) break;
      if (this.pageCachePages + this.freePages + ownPending <= this.minPages) break;
      // "goto retry": get_page_from_freelist() comes before the next round, and finds what the
      // round's shrinkers freed even when the round itself reclaimed nothing.
      if (this.freePages + ownPending > this.minPages) return this.takeAfterReclaim(cpu, actor, lastRound);
    }
    // __alloc_pages_may_oom(): __GFP_NORETRY never gets here. The caller then retries until the
    // victim's memory is free: it sleeps until the victim has exited and takes one of its pages.
    const victim = this.oomKill() ? this.exitingVictim : null;
    if (victim === null || victim.pages === 0) return false;
    const waitUs = Math.max(0, victim.exitAt - (this.scheduler.now + elapsedUs));
    this.costUs += waitUs + this.scenario.timing.allocCost.pcpHitUs;
    this.reclaimUs += waitUs;
    victim.pages--;
    this.exitingPages--;
    return true;
  }

  /** get_page_from_freelist() after reclaim: the caller takes one of the pages its round frees. */
  private takeAfterReclaim(cpu: number, actor: 'pointerPages' | 'others', round: ReclaimRound | null): boolean {
    if (round === null || round.pages === 0) return this.takeFromPcp(cpu, actor);
    round.pages--;
    round.servedCaller = true;
    this.isolatedPages--;
    this.costUs += this.scenario.timing.allocCost.pcpHitUs;
    return true;
  }

  /**
   * The retry after a drain that served a round's caller: rmqueue_pcplist() finds the caller's
   * list empty and rmqueue_bulk() refills it by a batch from buddy, one page of which is the
   * caller's. The model gave the caller one of its round's pages instead, so the rest of the batch
   * moves. Nothing moves when buddy is at or under MIN, where that retry would have failed.
   */
  private refillAfterDrain(cpu: number, actor: 'pointerPages' | 'others'): void {
    if (this.pcp[cpu] > 0 || this.freePages <= this.minPages) return;
    this.refillPcp(cpu, actor, Math.min(this.batch - 1, this.freePages));
  }

  /** rmqueue_bulk(): `pages` from buddy onto this CPU's list, under the zone lock. */
  private refillPcp(cpu: number, actor: 'pointerPages' | 'others', pages: number): void {
    this.zoneLockBy[actor]++;
    this.pcpRefillsBy[actor]++;
    this.freePages -= pages;
    this.pcp[cpu] += pages;
    this.epoch++; // this CPU's list grew: a lockless grab that found it empty may now succeed
    this.memoryRose();
    this.noteFree();
  }

  /** alloc_pages_nolock(): MIN watermark, no kswapd wake-up, no reclaim. */
  allocNolock(cpu: number): boolean {
    if (this.freePages > this.minPages) return this.takeFromPcp(cpu, 'pointerPages');
    return false;
  }

  /** The RFC's lockless grab: this CPU's PCP or nothing. */
  grabPcpLockless(cpu: number): boolean {
    if (this.pcp[cpu] === 0) return false;
    this.pcp[cpu]--;
    this.costUs += this.scenario.timing.allocCost.pcpHitUs;
    return true;
  }

  /**
   * free_page(): onto this CPU's PCP; at `high`, pages go back to buddy under the zone lock, down
   * to high - batch. While kswapd reclaims the zone (ZONE_RECLAIM_ACTIVE, set in balance_pgdat())
   * the free path's high is min(4 × batch, high): commit c49c2c47dab6 (v5.14), nr_pcp_high().
   */
  free(cpu: number, actor: Actor): void {
    this.pcp[cpu]++;
    this.epoch++;
    this.memoryRose();
    const high = this.kswapdAwake ? Math.min(4 * this.batch, this.high) : this.high;
    if (this.pcp[cpu] >= high) {
      const spill = Math.min(this.pcp[cpu], Math.max(this.batch, this.pcp[cpu] - Math.max(0, high - this.batch)));
      this.pcp[cpu] -= spill;
      this.zoneLockBy[actor]++;
      this.addFree(spill);
    }
  }

  /** `count` calls of free() in a row: the pages below `high` in one step, each spill as free() does it. */
  freeMany(cpu: number, actor: Actor, count: number): void {
    const high = this.kswapdAwake ? Math.min(4 * this.batch, this.high) : this.high;
    let left = count;
    while (left > 0) {
      const belowHigh = Math.min(left, Math.max(0, high - 1 - this.pcp[cpu]));
      this.pcp[cpu] += belowHigh;
      this.epoch += belowHigh;
      if (belowHigh > 0) this.memoryRose();
      left -= belowHigh;
      if (left > 0) {
        this.free(cpu, actor);
        left--;
      }
    }
  }

  /** Pages straight back to buddy (munmap of a large range, a killed task's memory). */
  freeToBuddy(pages: number): void {
    if (pages > 0) this.addFree(pages);
  }

  drainAllPages(): void {
    this.drains++;
    for (let cpu = 0; cpu < this.pcp.length; cpu++) {
      if (this.pcp[cpu] === 0) continue;
      this.zoneLockBy.drain++;
      const pages = this.pcp[cpu];
      this.pcp[cpu] = 0;
      this.addFree(pages);
    }
  }

  wakeKswapd(): void {
    if (this.kswapdAwake) return;
    if (this.pageCachePages === 0) return; // kswapd_failures: nothing it could reclaim
    this.kswapdAwake = true;
    this.kswapdWakeups++;
    this.scheduler.after(this.scenario.timing.kswapd.wakeUs, Priority.memory, () => {
      this.kswapdPriority = DEF_PRIORITY;
      this.startKswapdPass();
    });
  }

  /**
   * out_of_memory() (mm/oom_kill.c): kills one victim, whose anonymous memory is freed when it
   * has exited (killers.oomExitMs). While a victim is still exiting, oom_evaluate_task() aborts
   * the selection: no second victim, no second count. False when there is nothing to kill.
   */
  oomKill(): boolean {
    if (this.exitingVictim !== null) return true;
    const victimPages = Math.min(this.scenario.killers.oomVictimPages, this.anonPages);
    if (victimPages <= 0) return false;
    this.oomKills++;
    const victim = { pages: victimPages, exitAt: this.scheduler.now + this.scenario.killers.oomExitMs * 1000 };
    this.exitingVictim = victim;
    this.anonPages -= victimPages;
    this.exitingPages += victimPages;
    this.onOomKill(victimPages);
    this.scheduler.at(victim.exitAt, Priority.memory, () => {
      this.exitingVictim = null;
      this.exitingPages -= victim.pages;
      this.addFree(victim.pages);
    });
    return true;
  }

  /** A kill whose memory is freed at once (the user-space low-memory killer's). */
  killVictim(pages: number): void {
    this.anonPages -= pages;
    this.addFree(pages);
    this.onOomKill(pages);
  }

  /** Called after anything changes freePages, to keep time-below-MIN exact. */
  noteFree(): void {
    if (this.freePages < this.lowestFree) this.lowestFree = this.freePages;
    const below = this.freePages < this.minPages;
    if (below && this.belowMinSince < 0) this.belowMinSince = this.scheduler.now;
    else if (!below && this.belowMinSince >= 0) {
      this.belowMinUs += this.scheduler.now - this.belowMinSince;
      this.belowMinSince = -1;
    }
  }

  private takeFromPcp(cpu: number, actor: 'pointerPages' | 'others'): boolean {
    const costs = this.scenario.timing.allocCost;
    if (this.pcp[cpu] === 0) {
      const refill = Math.min(this.batch, this.freePages);
      if (refill <= 0) return false;
      this.refillPcp(cpu, actor, refill);
      this.costUs += costs.refillUs;
    }
    this.pcp[cpu]--;
    this.costUs += costs.pcpHitUs;
    return true;
  }

  /** Free pages or a PCP list grew: runs resting on memory staying low may end (memoryWatchers). */
  private memoryRose(): void {
    if (this.memoryWatchers > 0) this.onMemoryRose();
  }

  private kswapdSleeps(): void {
    this.kswapdAwake = false;
    this.memoryRose(); // a failed GFP_NOWAIT would wake it again: not the same answer
  }

  private addFree(pages: number): void {
    this.freePages += pages;
    this.epoch++;
    this.noteFree();
    this.memoryRose();
  }

  /**
   * Pages a reclaimer needs while it works (PF_MEMALLOC, set by __perform_reclaim() and kswapd):
   * from its CPU's PCP list, then buddy below every watermark. Returns how many it got.
   */
  private takeWorkingPages(cpu: number): number {
    const want = this.scenario.timing.kswapd.workingPagesPerRound;
    const fromPcp = Math.min(want, this.pcp[cpu]);
    this.pcp[cpu] -= fromPcp;
    const fromBuddy = Math.min(want - fromPcp, this.freePages);
    this.freePages -= fromBuddy;
    if (fromBuddy > 0) this.noteFree();
    this.workingPages += fromPcp + fromBuddy;
    return fromPcp + fromBuddy;
  }

  /** Direct-reclaim rounds so far: a failure after one is not a plain repeatable "no". */
  directReclaimRounds = 0;

  /**
   * One __perform_reclaim() → do_try_to_free_pages() call, starting startUs from now: the
   * priority steps from DEF_PRIORITY towards 0 until SWAP_CLUSTER_MAX pages are reclaimed; at
   * each step shrink_lruvec() scans the page cache >> priority and shrink_slab() runs the
   * shrinkers at that priority. Reclaimed pages are isolated from the LRU at once (concurrent
   * reclaimers never get the same page) and become free for everyone when the round ends.
   */
  private directReclaimRound(cpu: number, actor: 'pointerPages' | 'others', startUs: number): ReclaimRound {
    this.directReclaimRounds++;
    const costUs = this.reclaimStreams[actor].lognormal(this.reclaimCost);
    this.costUs += costUs;
    this.reclaimUs += costUs;
    const working = this.takeWorkingPages(cpu);
    const wanted = this.scenario.timing.directReclaimPages;
    let reclaimed = 0;
    for (let priority = DEF_PRIORITY; priority >= 0 && reclaimed < wanted; priority--) {
      const got = Math.min(wanted - reclaimed, this.pageCachePages >> priority);
      this.pageCachePages -= got;
      reclaimed += got;
      this.shrink(priority);
    }
    this.isolatedPages += reclaimed;
    const round: ReclaimRound = { pages: reclaimed, costUs, drained: false, servedCaller: false };
    this.scheduler.after(startUs + costUs, Priority.memory, () => {
      this.isolatedPages -= round.pages;
      this.workingPages -= working;
      if (working > 0) this.addFree(working);
      if (round.drained) {
        if (round.pages > 0) this.addFree(round.pages); // its drain flushed the list they were going to
        if (round.servedCaller) this.refillAfterDrain(cpu, actor);
        return;
      }
      this.freeMany(cpu, actor, round.pages);
      // get_page_from_freelist() after the round checks MIN against buddy alone, without the
      // pages the round just put on this CPU's list: if that fails, drain_all_pages() flushes
      // them with everyone's. The caller's page was settled when the slow path was entered.
      if (reclaimed > 0 && this.freePages <= this.minPages) {
        this.drainAllPages();
        this.refillAfterDrain(cpu, actor);
      }
    });
    return round;
  }

  /**
   * balance_pgdat(): passes of shrink_node() at sc.priority, each aiming at the high watermark;
   * a pass that falls short raises the pressure (priority - 1, down to 1). kswapd reclaims in
   * SWAP_CLUSTER_MAX chunks at its speed, holding working pages as it goes; with none to be had
   * (its PCP list and buddy empty below the starvation threshold) it crawls (Gorman: depleting
   * the PCP lists "may slow kswapd making reclaim progress and cause an OOM").
   */
  private startKswapdPass(): void {
    for (;;) {
      if (this.freePages >= this.highPages || this.pageCachePages === 0) {
        this.kswapdSleeps();
        return;
      }
      this.shrink(this.kswapdPriority);
      const target = Math.min(Math.max(this.highPages, KSWAPD_CHUNK_PAGES), this.pageCachePages >> this.kswapdPriority);
      if (target > 0) {
        this.kswapdStep(target, 0);
        return;
      }
      if (this.kswapdPriority <= 1) {
        this.kswapdSleeps();
        return;
      }
      this.kswapdPriority--;
    }
  }

  private kswapdStep(passLeft: number, passGot: number): void {
    const kswapd = this.scenario.timing.kswapd;
    const chunk = Math.min(KSWAPD_CHUNK_PAGES, passLeft, this.pageCachePages);
    const kswapdCpu = 0;
    const working = this.takeWorkingPages(kswapdCpu);
    const starved = working < kswapd.workingPagesPerRound || (this.freePages < kswapd.starvedBelowPages && this.pcp[kswapdCpu] === 0);
    this.pageCachePages -= chunk;
    this.isolatedPages += chunk;
    const pagesPerUs = (kswapd.reclaimPagesPerSec / 1e6) * (starved ? kswapd.starvedSlowdown : 1);
    this.scheduler.after(Math.max(chunk, 1) / pagesPerUs, Priority.memory, () => {
      this.isolatedPages -= chunk;
      this.workingPages -= working;
      if (working > 0) this.addFree(working);
      // shrink_folio_list() frees through free_unref_folios() onto kswapd's own CPU's list,
      // capped at min(4 × batch, high) while it reclaims: most of a chunk spills to buddy.
      this.freeMany(kswapdCpu, 'kswapd', chunk);
      if (this.freePages >= this.highPages || this.pageCachePages === 0) {
        this.kswapdSleeps();
        return;
      }
      const left = passLeft - chunk;
      if (left > 0 && chunk > 0) return this.kswapdStep(left, passGot + chunk);
      if (passGot + chunk < this.highPages && this.kswapdPriority > 1) this.kswapdPriority--;
      this.startKswapdPass();
    });
  }
}

/** Pages a running reclaim round has isolated and not yet freed; the caller may take one. */
interface ReclaimRound {
  pages: number;
  costUs: number;
  /** Whether a drain at the round's start sent its pages to buddy; otherwise they go onto the reclaimer's PCP list. */
  drained: boolean;
  /** Whether the caller took one of its pages. */
  servedCaller: boolean;
}
