// The memory kvfree_rcu() keeps from the rest of the system: objects waiting for their grace
// period (× their slab size), pointer pages in flight and pages idle in reserves.
//
// Sampled on a fixed grid of GRID_POINTS over the arrival window. Pages and reserves change only
// at events and calls only arrive, so after each event every grid point before the next one is
// read as the state now plus the calls that come by the point: exact, whether the model handled
// those calls one by one or answered them ahead. The
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
  /** Bytes of objects waiting at time t (no event before t is pending), and pages in flight + in reserves. */
  objectBytes(t: number): number;
  policyPages(): number;
  /** Progress of the measured run at time t, in [0, 1] (rcuscale: the reporting thread's loops). */
  progress(t: number): number;
}

export class FootprintProbe {
  /** When the next sample is due (µs); read by the event loop to skip sampleUntil() between samples. */
  nextSampleUs = 0;
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

  /** Call after every event with the time of the next one: samples every grid point before it. */
  sampleUntil(nextEventUs: number): void {
    while (this.nextSampleUs < nextEventUs && this.nextSampleUs <= this.endUs) {
      const t = this.nextSampleUs;
      this.nextSampleUs += this.stepUs;
      const bytes = this.source.objectBytes(t) + this.source.policyPages() * 4096;
      this.samples++;
      this.sumBytes += bytes;
      if (bytes > this.peakBytes) this.peakBytes = bytes;
      if (Number.isNaN(this.beginBytes)) this.beginBytes = bytes;
      while (this.markIndex < RCUSCALE_MARKS.length && this.source.progress(t) >= RCUSCALE_MARKS[this.markIndex]) {
        this.rcuscaleBytes += RCUSCALE_WEIGHTS[this.markIndex] * (bytes - this.beginBytes);
        this.markIndex++;
      }
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
