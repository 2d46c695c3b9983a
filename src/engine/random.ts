// Named, seeded random streams. Every source of randomness in a run is its own stream derived
// from (run seed, stream name), so one policy's choices never shift another's workload.
// alea is one of seedrandom's fast generators (ARC4, its default, is ~10x slower here).
import seedrandom from 'seedrandom';
import { numberList } from './lists.js';

const P99_Z = 2.3263478740408408;

/** A lognormal distribution given its median and 99th percentile, with an optional hard max. */
export interface Lognormal {
  mu: number;
  sigma: number;
  max: number;
  /** exp(mu) exactly: with sigma 0 (median = p99) every draw is this, not exp(log(median)) ± 1 ulp. */
  median: number;
}

export function lognormalFromMedianP99(median: number, p99: number, max = Infinity): Lognormal {
  if (!(median > 0) || !(p99 >= median)) throw new RangeError(`lognormal needs 0 < median <= p99 (got median ${median}, p99 ${p99})`);
  return { mu: Math.log(median), sigma: (Math.log(p99) - Math.log(median)) / P99_Z, max, median };
}

export class Stream {
  protected readonly next: () => number;
  /** normal() makes two at a time; IndexedStream.at() discards the spare (it belongs to the old key). */
  protected spareNormal = NaN;

  constructor(source: () => number) {
    this.next = source;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  bernoulli(probability: number): boolean {
    return this.next() < probability;
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const value = this.spareNormal;
      this.spareNormal = NaN;
      return value;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  lognormal(dist: Lognormal): number {
    if (dist.sigma === 0) return dist.median < dist.max ? dist.median : dist.max;
    const value = Math.exp(dist.mu + dist.sigma * this.normal());
    return value < dist.max ? value : dist.max;
  }

  /** Gamma(shape, 1) by Marsaglia–Tsang; the sum of `shape` unit exponentials for integer shape. */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Binomial(n, p): inversion for small means, order-statistic splitting (exact) above. */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n * p < 12) return this.binomialInversion(n, p);
    // The k-th smallest of n uniforms is Beta(k, n - k + 1); split on which side of p it falls.
    const k = (n + 1) >> 1;
    const a = this.gamma(k);
    const orderStatistic = a / (a + this.gamma(n - k + 1));
    if (orderStatistic > p) return this.binomial(k - 1, p / orderStatistic);
    return k + this.binomial(n - k, (p - orderStatistic) / (1 - orderStatistic));
  }

  /** Poisson(mean): inversion for small means, gamma splitting (exact) above. */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean < 12) {
      let count = 0;
      let probability = Math.exp(-mean);
      let cumulative = probability;
      const u = this.next();
      while (u > cumulative && count < 1000) {
        count++;
        probability *= mean / count;
        cumulative += probability;
      }
      return count;
    }
    const m = Math.floor(mean * 0.875);
    const arrival = this.gamma(m);
    if (arrival < mean) return m + this.poisson(mean - arrival);
    return this.binomial(m - 1, mean / arrival);
  }

  private binomialInversion(n: number, p: number): number {
    const q = 1 - p;
    const ratio = p / q;
    let probability = Math.pow(q, n);
    let cumulative = probability;
    let count = 0;
    const u = this.next();
    while (u > cumulative && count < n) {
      probability *= (ratio * (n - count)) / (count + 1);
      count++;
      cumulative += probability;
    }
    return count;
  }
}

/**
 * Poisson(mean) for one fixed mean, drawn as Stream.poisson() draws it (inversion below a mean
 * of 12) from a table of the cumulative probabilities that inversion sums: the same draws,
 * without an exp() and a running product per draw. Other users draw one per CPU per tick.
 */
export class PoissonSampler {
  private readonly cumulative = numberList();
  private probability: number;

  constructor(private readonly mean: number) {
    this.probability = Math.exp(-mean);
    this.cumulative.push(this.probability);
  }

  draw(stream: Stream): number {
    const mean = this.mean;
    if (!(mean > 0) || mean >= 12) return stream.poisson(mean);
    const cumulative = this.cumulative;
    const u = stream.uniform();
    let count = 0;
    while (count < 1000) {
      if (count === cumulative.length) {
        this.probability *= mean / count;
        cumulative.push(cumulative[count - 1] + this.probability);
      }
      if (!(u > cumulative[count])) break;
      count++;
    }
    return count;
  }
}

/**
 * Binomial(n, p) for one fixed p and any n, drawn as Stream.binomial() draws it: for the small
 * means it inverts, from one table per n of the cumulative probabilities that inversion sums;
 * otherwise by Stream.binomial() itself. Other users' frees draw one per CPU per tick.
 */
export class BinomialSampler {
  private readonly tables = new Map<number, { cumulative: number[]; probability: number }>();
  private readonly ratio: number;

  constructor(private readonly p: number) {
    this.ratio = p / (1 - p);
  }

  draw(stream: Stream, n: number): number {
    const p = this.p;
    if (n <= 0 || p <= 0 || p > 0.5 || n * p >= 12) return stream.binomial(n, p);
    let table = this.tables.get(n);
    if (!table) {
      const probability = Math.pow(1 - p, n);
      this.tables.set(n, (table = { cumulative: [probability], probability }));
    }
    const cumulative = table.cumulative;
    const u = stream.uniform();
    let count = 0;
    while (count < n) {
      if (count + 1 === cumulative.length && u > cumulative[count]) {
        table.probability *= (this.ratio * (n - count)) / (count + 1);
        cumulative.push(cumulative[count] + table.probability);
      }
      if (!(u > cumulative[count])) break;
      count++;
    }
    return count;
  }
}

/** murmur3's 32-bit finaliser: a cheap, well-mixed hash of one word. */
function mix32(value: number): number {
  value ^= value >>> 16;
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  value ^= value >>> 16;
  return value >>> 0;
}

/**
 * A stream addressed by a key (call number, tick number, ...): the draws for key k are the same
 * whatever was drawn for other keys, so a policy that looks at more or fewer calls never shifts
 * the draws of the calls themselves.
 */
export class IndexedStream extends Stream {
  private keyLow = 0;
  private keyHigh = 0;
  private counter = 0;

  constructor(private readonly seedWord: number) {
    super(() => this.draw());
  }

  /** Positions the stream at key; the following draws belong to that key. */
  at(key: number): this {
    this.keyLow = key >>> 0;
    this.keyHigh = Math.floor(key / 4294967296) >>> 0;
    this.counter = 0;
    this.spareNormal = NaN;
    return this;
  }

  /** Moves past `count` draws of the current key as if they had been made: the draws after them stay the same. */
  skip(count: number): void {
    this.counter += count;
  }

  /** One uniform for (key, slot) without disturbing the current position. */
  uniformAt(key: number, slot: number): number {
    const low = key >>> 0;
    const high = Math.floor(key / 4294967296) >>> 0;
    return this.hash(low, high, slot);
  }

  /** A uniform in [0, 1) with 32 bits of resolution for (key, slot): cheap, for shares and choices. */
  uniform32At(key: number, slot: number): number {
    const low = key >>> 0;
    const high = Math.floor(key / 4294967296) >>> 0;
    return mix32(this.seedWord ^ Math.imul(low, 0x9e3779b1) ^ Math.imul(slot + 1, 0x27d4eb2f) ^ Math.imul(high, 0x85ebca77)) / 4294967296;
  }

  private draw(): number {
    return this.hash(this.keyLow, this.keyHigh, this.counter++);
  }

  private hash(low: number, high: number, slot: number): number {
    const first = mix32(this.seedWord ^ Math.imul(low, 0x9e3779b1) ^ Math.imul(slot + 1, 0x27d4eb2f));
    const second = mix32(first ^ Math.imul(high + 0x165667b1, 0x85ebca77) ^ slot);
    // 53 bits from two words so -log(u) has a full tail.
    return ((first >>> 5) * 67108864 + (second >>> 6)) / 9007199254740992;
  }
}

/** The streams of one run. Asking twice for a name gives the same stream object. */
export class RandomStreams {
  private readonly streams = new Map<string, Stream>();
  private readonly indexed = new Map<string, IndexedStream>();

  constructor(readonly seed: number) {}

  stream(name: string): Stream {
    let stream = this.streams.get(name);
    if (!stream) {
      stream = new Stream(seedrandom.alea(`rcupool/${this.seed}/${name}`));
      this.streams.set(name, stream);
    }
    return stream;
  }

  indexedStream(name: string): IndexedStream {
    let stream = this.indexed.get(name);
    if (!stream) {
      const seedWord = Math.floor(seedrandom.alea(`rcupool/${this.seed}/${name}`)() * 4294967296) >>> 0;
      stream = new IndexedStream(seedWord);
      this.indexed.set(name, stream);
    }
    return stream;
  }
}
