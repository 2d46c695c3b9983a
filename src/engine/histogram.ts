// A log-bucketed histogram: buckets grow by 1 %, and each reports its geometric midpoint,
// so any quantile is within 0.5 % of a recorded value. Counts are added in bulk.

const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Smallest resolved value; anything below is counted in the first bucket. */
const FLOOR = 1e-3;
const BUCKETS = Math.ceil(Math.log(1e10 / FLOOR) / LOG_GROWTH) + 1;

/**
 * Sums are kept as whole nanoseconds, in two integer parts, so a sum is the same bits whatever
 * order its terms come in: a run whose events came in another order (answered ahead or one by
 * one) gives the same result. Each term is rounded once to the nanosecond (the model's finest
 * cost is the 50 ns fast path); terms and sums may be of any size.
 */
const UNITS_PER_US = 1000;
/** `low` stays below this; what goes over is carried to `high`, counted in blocks of it. */
const BLOCK = 2 ** 32;
/** The largest product of a term and its count that is still an exact float64 integer. */
const EXACT = 2 ** 52;

/** An order-independent running sum of times in µs (see UNITS_PER_US). */
export class ExactSum {
  private high = 0;
  private low = 0;

  add(value: number, count = 1): void {
    const units = Math.round(value * UNITS_PER_US);
    if (units === 0 || count <= 0) return;
    const perChunk = Math.max(1, Math.floor(EXACT / Math.abs(units)));
    for (let left = count; left > 0; left -= perChunk) {
      this.low += units * Math.min(left, perChunk);
      if (this.low < BLOCK && this.low >= 0) continue; // the usual case: no carry to make
      const carry = Math.floor(this.low / BLOCK);
      this.high += carry;
      this.low -= carry * BLOCK;
    }
  }

  get value(): number {
    return (this.high * BLOCK + this.low) / UNITS_PER_US;
  }

  /** value / count in one rounding (a mean of equal terms is that term exactly). */
  dividedBy(count: number): number {
    return (this.high * BLOCK + this.low) / (UNITS_PER_US * count);
  }
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private readonly sum = new ExactSum();
  private maxValue = 0;
  private minValue = Infinity;

  private lastValue = NaN;
  private lastIndex = 0;
  /** A run of adds of one value not yet in the buckets: most adds repeat the last value. */
  private pendingValue = NaN;
  private pendingCount = 0;

  add(value: number, count = 1): void {
    if (count <= 0) return;
    if (value === this.pendingValue) {
      this.pendingCount += count;
      return;
    }
    this.flush();
    this.pendingValue = value;
    this.pendingCount = count;
  }

  /** Puts the pending run into the buckets (every read does this first). */
  private flush(): void {
    const count = this.pendingCount;
    if (count === 0) return;
    this.pendingCount = 0;
    const value = this.pendingValue;
    // Most calls record the same fast-path latency: skip the logarithm for a repeat.
    if (value !== this.lastValue) {
      this.lastValue = value;
      this.lastIndex = value <= FLOOR ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(value / FLOOR) / LOG_GROWTH) + 1);
    }
    const index = this.lastIndex;
    this.counts[index] += count;
    this.total += count;
    this.sum.add(value, count);
    if (value > this.maxValue) this.maxValue = value;
    if (value < this.minValue) this.minValue = value;
  }

  get count(): number {
    this.flush();
    return this.total;
  }

  get max(): number {
    this.flush();
    return this.maxValue;
  }

  get mean(): number {
    this.flush();
    return this.total === 0 ? 0 : this.sum.dividedBy(this.total);
  }

  /** The value at quantile q in [0, 1]; 0 when empty. Never above the recorded max. */
  quantile(q: number): number {
    this.flush();
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let index = 0; index < BUCKETS; index++) {
      seen += this.counts[index];
      if (seen >= rank) {
        if (index === 0) return Math.min(FLOOR, this.maxValue);
        const low = FLOOR * Math.pow(GROWTH, index - 1);
        // The lowest and highest buckets report the recorded extremes (exact, and never a
        // midpoint above the mean when most calls took the same fast path).
        if (low <= this.minValue && this.minValue < low * GROWTH) return this.minValue;
        return Math.max(this.minValue, Math.min(this.maxValue, low * Math.sqrt(GROWTH)));
      }
    }
    return this.maxValue;
  }
}

/** Time-weighted average and peak of a level (pages in reserve, pages in flight, ...). */
export class LevelTracker {
  private level = 0;
  private peakLevel = 0;
  private windowPeak = 0;
  private area = 0;
  private since = 0;

  constructor(private readonly startTime = 0) {
    this.since = startTime;
  }

  get value(): number {
    return this.level;
  }

  get peak(): number {
    return this.peakLevel;
  }

  add(now: number, delta: number): void {
    this.area += this.level * (now - this.since);
    this.since = now;
    this.level += delta;
    if (this.level > this.peakLevel) this.peakLevel = this.level;
    if (this.level > this.windowPeak) this.windowPeak = this.level;
  }

  /** The highest level since the previous call (or the start); the next window starts at the current level. */
  takeWindowPeak(): number {
    const peak = this.windowPeak;
    this.windowPeak = this.level;
    return peak;
  }

  average(endTime: number): number {
    const span = endTime - this.startTime;
    if (span <= 0) return this.level;
    return (this.area + this.level * (endTime - this.since)) / span;
  }
}
