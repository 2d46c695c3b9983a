// A list of pointer pages (a CPU's krcp->bulk_head queue, a batch in a slot, pages being freed)
// kept as columns, not as one record per page. A flood keeps hundreds of thousands of pages in
// flight: records for them lay scattered over the heap, and the reclaim work, walking a batch,
// missed the cache on every page (a tenth of flood's time). Columns are read in order.
import type { Page } from '../policy/api.js';

const INITIAL_CAPACITY = 16;

export class PointerPageList {
  /** Float64: page numbers are never reused, and a long run mints more than 2^31. */
  private pages = new Float64Array(INITIAL_CAPACITY);
  private objects = new Int32Array(INITIAL_CAPACITY);
  /** GP cookie at each page's last insertion (v6.3 per-page snapshot). */
  private snapshots = new Float64Array(INITIAL_CAPACITY);
  /** Entries [first, end) are the list; a drained prefix moves first on. */
  private first = 0;
  private end = 0;

  get length(): number {
    return this.end - this.first;
  }

  push(page: Page, objects: number, snapshot: number): void {
    if (this.end === this.pages.length) this.makeRoom();
    this.pages[this.end] = page;
    this.objects[this.end] = objects;
    this.snapshots[this.end] = snapshot;
    this.end++;
  }

  pageAt(index: number): Page {
    return this.pages[this.first + index] as Page;
  }

  objectsAt(index: number): number {
    return this.objects[this.first + index];
  }

  snapshotAt(index: number): number {
    return this.snapshots[this.first + index];
  }

  /** Objects in all the list's pages. */
  objectTotal(): number {
    let total = 0;
    for (let index = this.first; index < this.end; index++) total += this.objects[index];
    return total;
  }

  /** Objects per page, in list order (for the trace). */
  objectCounts(): number[] {
    return Array.from(this.objects.subarray(this.first, this.end));
  }

  /** Moves the first `count` pages, in order, to the end of `into`. */
  moveFrontTo(count: number, into: PointerPageList): void {
    for (let index = this.first; index < this.first + count; index++) into.push(this.pages[index] as Page, this.objects[index], this.snapshots[index]);
    this.first += count;
    if (this.first === this.end) this.clear();
  }

  clear(): void {
    this.first = 0;
    this.end = 0;
  }

  private makeRoom(): void {
    const length = this.length;
    if (this.first > 0 && length <= this.pages.length / 2) {
      this.pages.copyWithin(0, this.first, this.end);
      this.objects.copyWithin(0, this.first, this.end);
      this.snapshots.copyWithin(0, this.first, this.end);
    } else {
      const capacity = this.pages.length * 2;
      this.pages = widen(this.pages, new Float64Array(capacity), this.first, this.end);
      this.objects = widen(this.objects, new Int32Array(capacity), this.first, this.end);
      this.snapshots = widen(this.snapshots, new Float64Array(capacity), this.first, this.end);
    }
    this.first = 0;
    this.end = length;
  }
}

function widen<T extends Int32Array | Float64Array>(from: T, to: T, first: number, end: number): T {
  to.set(from.subarray(first, end) as never);
  return to;
}
