// The memory kvfree_rcu() keeps from the rest of the system: objects waiting for their grace
// period (× their slab size), pointer pages in flight and pages idle in reserves.
//
// Sampled on a fixed grid of GRID_POINTS over the arrival window, each point at the first event
// at or after it (state only changes at events, so that is the value at the point). The
// rcuscale figure follows kfree_scale_thread() (kernel/rcu/rcuscale.c): mem_during starts as
// mem_begin = si_mem_available() and at 25, 50 and 75 % of the loops becomes
// (mem_during + si_mem_available()) / 2, so the printed footprint is
// D25/8 + D50/4 + D75/2 of the drops D since the start (a steady drop D reads as 0.875·D).
// The objects count as objects × objectBytes (full kmalloc slabs: a lower bound). Pages on PCP
// lists are not in si_mem_available() either, but they are left out here (assumption): the
// kmalloc() slab pages churn through the same lists both ways (rcuscale: about a million
// kmalloc-32 pages a second), which the model does not simulate, and its lists start empty, so
// their level would only show where the model starts, not what kvfree_rcu() holds.

const GRID_POINTS = 1000;
const RCUSCALE_MARKS = [0.25, 0.5, 0.75];
const RCUSCALE_WEIGHTS = [1 / 8, 1 / 4, 1 / 2];

export interface FootprintSource {
  /** Bytes of objects waiting, and pages in flight + in reserves, now. */
  objectBytes(): number;
  policyPages(): number;
  /** Progress of the measured run in [0, 1] (rcuscale: the reporting thread's loops). */
  progress(): number;
}

export class FootprintProbe {
  private nextSampleUs = 0;
  private readonly stepUs: number;
  private samples = 0;
  private sumBytes = 0;
  private peakBytes = 0;
  private beginBytes = NaN;
  private markIndex = 0;
  private rcuscaleBytes = 0;

  constructor(
    private readonly source: FootprintSource,
    private readonly endUs: number,
  ) {
    this.stepUs = endUs / GRID_POINTS;
  }

  /** Call after every event; samples when the clock has reached the next grid point. */
  maybeSample(now: number): void {
    if (now < this.nextSampleUs || this.nextSampleUs > this.endUs) return;
    while (this.nextSampleUs <= now) this.nextSampleUs += this.stepUs;
    const pages = this.source.policyPages();
    const bytes = this.source.objectBytes() + pages * 4096;
    this.samples++;
    this.sumBytes += bytes;
    if (bytes > this.peakBytes) this.peakBytes = bytes;
    if (Number.isNaN(this.beginBytes)) this.beginBytes = bytes;
    while (this.markIndex < RCUSCALE_MARKS.length && this.source.progress() >= RCUSCALE_MARKS[this.markIndex]) {
      this.rcuscaleBytes += RCUSCALE_WEIGHTS[this.markIndex] * (bytes - this.beginBytes);
      this.markIndex++;
    }
  }

  summary(): { avgKiB: number; peakKiB: number; rcuscaleKiB: number } {
    return {
      avgKiB: this.samples > 0 ? this.sumBytes / this.samples / 1024 : 0,
      peakKiB: this.peakBytes / 1024,
      rcuscaleKiB: this.rcuscaleBytes / 1024,
    };
  }
}
