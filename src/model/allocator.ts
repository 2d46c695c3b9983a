// The page allocator of MODEL.md §3: one zone, buddy free count, per-CPU PCP lists, watermark
// floors per GFP class, kswapd, direct reclaim, drain_all_pages() and the OOM killer.
// Pages here are counts; page identity exists only for pages the policy holds (PageLedger).
import { Priority, type Scheduler } from '../engine/scheduler.js';
import { lognormalFromMedianP99, type RandomStreams, type Stream } from '../engine/random.js';
import type { Gfp } from '../policy/api.js';
import type { Scenario } from '../scenario/types.js';
import { watermarks } from './machines.js';

/** Who took the zone lock (or asked for memory). */
export type Actor = 'pointerPages' | 'others' | 'kswapd' | 'drain';

/** Pages per kswapd reclaim step (SWAP_CLUSTER_MAX). */
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

  readonly zoneLockBy: Record<Actor, number> = { pointerPages: 0, others: 0, kswapd: 0, drain: 0 };
  /** PCP refills from buddy only (zoneLockBy also counts spills at `high`): harm.pcpRefills. */
  readonly pcpRefillsBy: Record<'pointerPages' | 'others', number> = { pointerPages: 0, others: 0 };
  oomKills = 0;
  kswapdWakeups = 0;
  kswapdAwake = false;
  /** Runs the shrinkers (the policy's onShrink); returns pages freed. */
  shrink: (nrPages: number) => number = () => 0;
  /** Told when the OOM killer freed pages from other users' anonymous memory. */
  onOomKill: (pages: number) => void = () => {};

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

  pcpTotal(): number {
    let total = 0;
    for (let cpu = 0; cpu < this.pcp.length; cpu++) total += this.pcp[cpu];
    return total;
  }

  /** Order-0 allocation with the floors and reclaim rules of its GFP class. Context rules are the caller's. */
  alloc(cpu: number, gfp: Gfp, actor: 'pointerPages' | 'others'): boolean {
    if (this.freePages > this.lowPages) return this.takeFromPcp(cpu, actor);
    this.wakeKswapd();
    const floor = gfp === 'ATOMIC' ? this.atomicFloorPages : this.minPages;
    if (this.freePages > floor) return this.takeFromPcp(cpu, actor);
    if (gfp === 'NOWAIT' || gfp === 'ATOMIC') return false;
    const rounds = gfp === 'KERNEL_NORETRY' ? 1 : this.scenario.timing.kernelRetries;
    for (let round = 0; round < rounds; round++) {
      this.directReclaim(actor);
      if (this.freePages > this.minPages) return this.takeFromPcp(cpu, actor);
      if (round === 0) this.drainAllPages();
      if (this.freePages > this.minPages) return this.takeFromPcp(cpu, actor);
    }
    // __GFP_NORETRY never invokes the OOM killer; plain GFP_KERNEL does once reclaim is exhausted.
    if (gfp === 'KERNEL' && this.oomKill() && this.freePages > this.minPages) return this.takeFromPcp(cpu, actor);
    return false;
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

  /** free_page(): onto this CPU's PCP; at `high`, `batch` pages go back to buddy under the zone lock. */
  free(cpu: number, actor: Actor): void {
    this.pcp[cpu]++;
    this.epoch++;
    if (this.pcp[cpu] >= this.high) {
      const spill = Math.min(this.batch, this.pcp[cpu]);
      this.pcp[cpu] -= spill;
      this.zoneLockBy[actor]++;
      this.addFree(spill);
    }
  }

  /** Pages straight back to buddy (munmap of a large range, a killed task's memory). */
  freeToBuddy(pages: number): void {
    if (pages > 0) this.addFree(pages);
  }

  drainAllPages(): void {
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
      this.shrink(KSWAPD_CHUNK_PAGES * 4);
      this.kswapdStep();
    });
  }

  /** The OOM killer: frees a victim's anonymous memory. False when there is nothing to kill. */
  oomKill(): boolean {
    const victimPages = Math.min(this.scenario.killers.oomVictimPages, this.anonPages);
    if (victimPages <= 0) return false;
    this.killVictim(victimPages);
    this.oomKills++;
    return true;
  }

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
      this.zoneLockBy[actor]++;
      this.pcpRefillsBy[actor]++;
      this.freePages -= refill;
      this.pcp[cpu] += refill;
      this.epoch++; // this CPU's list grew: a lockless grab that found it empty may now succeed
      this.costUs += costs.refillUs;
      this.noteFree();
    }
    this.pcp[cpu]--;
    this.costUs += costs.pcpHitUs;
    return true;
  }

  private addFree(pages: number): void {
    this.freePages += pages;
    this.epoch++;
    this.noteFree();
  }

  /** Direct-reclaim rounds so far: a failure after one is not a plain repeatable "no". */
  directReclaimRounds = 0;

  private directReclaim(actor: 'pointerPages' | 'others'): void {
    this.directReclaimRounds++;
    this.costUs += this.reclaimStreams[actor].lognormal(this.reclaimCost);
    this.shrink(this.scenario.timing.directReclaimPages);
    const reclaimed = Math.min(this.scenario.timing.directReclaimPages, this.pageCachePages);
    this.pageCachePages -= reclaimed;
    this.addFree(reclaimed);
  }

  private kswapdStep(): void {
    if (this.freePages >= this.highPages || this.pageCachePages === 0) {
      this.kswapdAwake = false;
      return;
    }
    const kswapd = this.scenario.timing.kswapd;
    const chunk = Math.min(KSWAPD_CHUNK_PAGES, this.pageCachePages);
    this.pageCachePages -= chunk;
    this.zoneLockBy.kswapd++;
    this.addFree(chunk);
    // Reclaim needs a little memory itself (bios, buffer heads); with none, it crawls (Gorman).
    const kswapdCpu = 0;
    const starved = this.freePages < kswapd.starvedBelowPages && this.pcp[kswapdCpu] === 0;
    const pagesPerUs = (kswapd.reclaimPagesPerSec / 1e6) * (starved ? kswapd.starvedSlowdown : 1);
    this.scheduler.after(chunk / pagesPerUs, Priority.memory, () => this.kswapdStep());
  }
}
