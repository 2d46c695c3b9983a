// Closed callers: N threads per CPU calling kvfree_rcu() back to back with a think time, as
// rcuscale's kfree_scale_thread() does (kernel/rcu/rcuscale.c: kmalloc(), then kfree_rcu() or
// kvfree_rcu_mightsleep(), kfree_alloc_num times per loop, kfree_loops loops, pinned to a CPU at
// nice 19). Unlike open callers (a rate, arrivals.ts), their calls depend on what happens to
// them: a thread blocked in synchronize_rcu() or direct reclaim issues nothing until it resumes,
// and CPU time taken on their CPU (an allocation's cost, the reclaim work freeing objects)
// delays every later call.
//
// The threads are CPU-bound: while at least one of a CPU's threads can run, the CPU issues one
// call per (think time + fast path); when all are blocked it issues none. Calls are numbered per
// CPU as with open callers; call n comes at anchorTime + (n - anchorCall) × period, and every
// delay or pause moves the anchor for the calls not yet issued.

/** What the batching pipeline needs of a CPU's calls (open or closed). */
export interface CallStream {
  /** Time of call n in µs, Infinity when it will not come (window over, budget done, or paused). */
  timeOf(call: number): number;
  /** How many calls (numbered from 0) come at or before time t, given that `from` already have. */
  countBy(time: number, from: number): number;
}

export class ClosedCallSequence implements CallStream {
  private anchorCall = 0;
  private anchorTime: number;
  /**
   * Calls anchorCall + 1 … stretchEnd come every periodUs + stretchUs: each was delayed by the
   * same CPU time after the one before it (a run of rcu_head fallbacks that cost the same). One
   * stretch rather than a new anchor per call, so a run counted in bulk and the same run call by
   * call give the same times to the bit. Infinity while a bulk run is open (openStretch()).
   */
  private stretchUs = 0;
  private stretchEnd = 0;
  /** timeOf(stretchEnd) when the stretch is closed. */
  private stretchEndTime: number;
  private blocked = 0;
  /** While every thread is blocked: the first call that waits for one to resume. */
  private pausedAt = -1;

  constructor(
    private readonly periodUs: number,
    private readonly threads: number,
    /** Calls this CPU makes in all (threads × calls per thread). */
    private readonly totalCalls: number,
    private readonly endUs: number,
  ) {
    this.anchorTime = periodUs;
    this.stretchEndTime = periodUs;
  }

  timeOf(call: number): number {
    if (call >= this.totalCalls || (this.pausedAt >= 0 && call >= this.pausedAt)) return Infinity;
    let time: number;
    if (call > this.stretchEnd) time = this.stretchEndTime + (call - this.stretchEnd) * this.periodUs;
    else if (call >= this.anchorCall) time = this.anchorTime + (call - this.anchorCall) * (this.periodUs + this.stretchUs);
    else time = this.anchorTime + (call - this.anchorCall) * this.periodUs;
    return time > this.endUs ? Infinity : time;
  }

  countBy(time: number, from: number): number {
    if (this.pausedAt >= 0 && from >= this.pausedAt) return from;
    // The anchor is always set at a moment when every call before it had come (delayFrom(),
    // resume()), and queries move forward: those calls came by `time`. timeOf() extrapolates
    // the new anchor backwards, which is not when they came, so never walk back past it.
    const floor = Math.max(from, this.anchorCall);
    // Past the window's end (the drain) or a pause no call comes: without this cap the loop
    // below would walk back one call at a time from where the clock would have put them.
    const lastTime = Math.min(time, this.endUs);
    const upTo =
      this.stretchEnd === Infinity || lastTime < this.stretchEndTime
        ? Math.floor((lastTime - this.anchorTime) / (this.periodUs + this.stretchUs) + 1e-9) + this.anchorCall + 1
        : Math.floor((lastTime - this.stretchEndTime) / this.periodUs + 1e-9) + this.stretchEnd + 1;
    const cap = this.pausedAt >= 0 ? Math.min(this.pausedAt, this.totalCalls) : this.totalCalls;
    let count = Math.max(floor, Math.min(upTo, cap));
    // Settle rounding with timeOf() itself, as CallSequence does.
    while (this.timeOf(count) <= time) count++;
    while (count > floor && this.timeOf(count - 1) > time) count--;
    return count;
  }

  /** CPU time `us` taken from this CPU's callers from call `next` on (that call and the later ones come `us` later). */
  delayFrom(next: number, us: number): void {
    if (us <= 0 || this.pausedAt >= 0) return; // while paused the threads lose nothing: they are not running
    const time = this.timeOf(next);
    if (time === Infinity) return;
    // The call after the stretch, delayed by the stretch's cost (or the first after a fresh anchor): the stretch grows.
    if (next === this.stretchEnd + 1 && (us === this.stretchUs || this.stretchEnd === this.anchorCall)) {
      this.stretchUs = us;
      this.setStretchEnd(next);
      return;
    }
    this.anchorCall = next;
    this.anchorTime = time + us;
    this.setStretchEnd(next);
  }

  /**
   * Whether calls from `first` on may be counted as a run that each cost `us` (each delaying the
   * next): the stretch must already reach `first` with that cost, as delayFrom() left it.
   */
  canOpenStretch(first: number, us: number): boolean {
    if (us <= 0) return true;
    return this.pausedAt < 0 && this.stretchEnd === first && (us === this.stretchUs || this.stretchEnd === this.anchorCall);
  }

  /** From here on every call delays the next by `us`, until closeStretch(). */
  openStretch(us: number): void {
    if (us <= 0) return;
    this.stretchUs = us;
    this.stretchEnd = Infinity;
  }

  /** The run ended before call `next`: that call was the last one delayed (as delayFrom(next, us) would leave it). */
  closeStretch(next: number): void {
    if (this.stretchEnd === Infinity) this.setStretchEnd(next);
  }

  private setStretchEnd(call: number): void {
    this.stretchEnd = call;
    this.stretchEndTime = this.anchorTime + (call - this.anchorCall) * (this.periodUs + this.stretchUs);
  }

  /** The thread that made call `call` blocks; once every thread is blocked the CPU issues nothing. */
  block(call: number): void {
    this.blocked++;
    if (this.blocked >= this.threads && this.pausedAt < 0) this.pausedAt = call + 1;
  }

  /** A blocked thread resumes at `time`; a paused CPU's next call comes one period later. */
  resume(time: number): void {
    // A resume without its block would let the CPU call on with every thread asleep.
    if (this.blocked === 0) throw new Error('closed callers: a thread resumed that was never blocked');
    this.blocked--;
    if (this.pausedAt < 0) return;
    this.anchorCall = this.pausedAt;
    this.anchorTime = time + this.periodUs;
    this.setStretchEnd(this.anchorCall);
    this.pausedAt = -1;
  }
}
