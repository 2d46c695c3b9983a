// What a null answer that looked at memory rests on, so that it can be reused while memory moves
// without reaching it. Other users free pages every millisecond, so "memory has not changed at
// all" (the allocator's epoch) ends a remembered null almost at once; but a policy that only
// asked for a page and got none got it for a reason the model can test again:
//   - alloc(NOWAIT or ATOMIC) fails while free pages stay at or under the class's floor
//     (mm/page_alloc.c: get_page_from_freelist()'s zone_watermark_ok() with ALLOC_WMARK_MIN,
//     lowered for GFP_ATOMIC by __zone_watermark_ok()'s ALLOC_HARDER/ALLOC_HIGH), and it woke
//     kswapd (wake_all_kswapds()), which an identical call would wake again once it sleeps;
//   - the RFC's lockless grab fails while this CPU's PCP list stays empty;
//   - allocNolock() fails while free pages stay at or under MIN (it wakes no kswapd).
// Anything else (a page got, a freePages or pcpCount read, a sleeping allocation, a page freed)
// leaves the key unusable, and the answer rests on the epoch as before. A key may be tested
// conservatively: ending a reuse too early only asks the policy again.
import type { Allocator } from './allocator.js';

export class MemoryKey {
  /** The conditions below are all the answer rests on. */
  usable = true;
  /** Free pages (buddy) at or under this. */
  freeCeilingPages = Infinity;
  /** This CPU's PCP list empty (-1: none). */
  emptyPcpCpu = -1;
  /** kswapd awake, or with nothing to reclaim (wakeKswapd() would do nothing). */
  needsKswapdAwake = false;

  reset(): void {
    this.usable = true;
    this.freeCeilingPages = Infinity;
    this.emptyPcpCpu = -1;
    this.needsKswapdAwake = false;
  }

  copy(): MemoryKey {
    const key = new MemoryKey();
    key.setTo(this);
    return key;
  }

  setTo(other: MemoryKey): void {
    this.usable = other.usable;
    this.freeCeilingPages = other.freeCeilingPages;
    this.emptyPcpCpu = other.emptyPcpCpu;
    this.needsKswapdAwake = other.needsKswapdAwake;
  }

  /** Both answers must hold: the stricter of each condition. */
  mergeFrom(other: MemoryKey): void {
    if (!other.usable) this.usable = false;
    this.freeCeilingPages = Math.min(this.freeCeilingPages, other.freeCeilingPages);
    if (other.emptyPcpCpu >= 0) this.noteEmptyPcp(other.emptyPcpCpu);
    if (other.needsKswapdAwake) this.needsKswapdAwake = true;
  }

  markUnusable(): void {
    this.usable = false;
  }

  /** An allocation failed at this floor; `wokeKswapd`: it went through wake_all_kswapds(). */
  noteFloor(floorPages: number, wokeKswapd: boolean): void {
    this.freeCeilingPages = Math.min(this.freeCeilingPages, floorPages);
    if (wokeKswapd) this.needsKswapdAwake = true;
  }

  noteEmptyPcp(cpu: number): void {
    if (this.emptyPcpCpu >= 0 && this.emptyPcpCpu !== cpu) this.usable = false;
    this.emptyPcpCpu = cpu;
  }

  /** Whether the same calls would fail the same way now. */
  holds(allocator: Allocator): boolean {
    return (
      this.usable &&
      allocator.freePages <= this.freeCeilingPages &&
      (this.emptyPcpCpu < 0 || allocator.pcp[this.emptyPcpCpu] === 0) &&
      (!this.needsKswapdAwake || allocator.kswapdAwake || allocator.pageCachePages === 0)
    );
  }
}
