import { describe, it, expect } from 'vitest';
import { lognormalFromMedianP99, RandomStreams, type Stream } from '../src/engine/random.js';

const N = 100_000;

function draws(count: number, draw: () => number): Float64Array {
  const values = new Float64Array(count);
  for (let index = 0; index < count; index++) values[index] = draw();
  return values;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function variance(values: Float64Array): number {
  const m = mean(values);
  let sum = 0;
  for (const value of values) sum += (value - m) * (value - m);
  return sum / (values.length - 1);
}

function quantile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function relative(actual: number, expected: number): number {
  return Math.abs(actual - expected) / Math.abs(expected);
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 via erf), good to ~1e-7. */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function stream(name = 'test', seed = 42): Stream {
  return new RandomStreams(seed).stream(name);
}

describe('named streams', () => {
  it('give the same draws for the same seed and name, in a fresh RandomStreams', () => {
    const a = draws(1000, () => stream('arrivals/cpu3', 7).uniform());
    const first = stream('arrivals/cpu3', 7);
    const second = new RandomStreams(7).stream('arrivals/cpu3');
    for (let index = 0; index < 1000; index++) expect(second.uniform()).toBe(first.uniform());
    expect(a.every((value) => value === a[0])).toBe(true); // a fresh stream each time: its first draw
  });

  it('differ between names and between seeds', () => {
    const base = draws(64, stream('gp', 1).uniform.bind(stream('gp', 1)));
    const sequence = (name: string, seed: number) => {
      const s = stream(name, seed);
      return Array.from(draws(64, () => s.uniform()));
    };
    expect(sequence('gp', 1)).toEqual(sequence('gp', 1));
    expect(sequence('gp', 1)).not.toEqual(sequence('gp', 2));
    expect(sequence('gp', 1)).not.toEqual(sequence('workers', 1));
    expect(sequence('others/cpu3', 1)).not.toEqual(sequence('others/cpu4', 1));
    expect(base.length).toBe(64);
  });

  it('hand back the same stream object for a name, so draws continue', () => {
    const streams = new RandomStreams(3);
    const first = streams.stream('gp').uniform();
    const second = streams.stream('gp').uniform();
    const fresh = new RandomStreams(3).stream('gp');
    expect(fresh.uniform()).toBe(first);
    expect(fresh.uniform()).toBe(second);
    expect(streams.indexedStream('calls')).toBe(streams.indexedStream('calls'));
  });
});

describe('distributions (fixed seed, many draws)', () => {
  it('uniform, uniformRange and bernoulli', () => {
    const s = stream('uniform');
    const u = draws(N, () => s.uniform());
    expect(u.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(mean(u)).toBeCloseTo(0.5, 2);
    expect(variance(u)).toBeCloseTo(1 / 12, 2);
    const r = draws(N, () => s.uniformRange(200, 2000));
    expect(r.every((value) => value >= 200 && value < 2000)).toBe(true);
    expect(relative(mean(r), 1100)).toBeLessThan(0.01);
    const b = draws(N, () => (s.bernoulli(0.3) ? 1 : 0));
    expect(mean(b)).toBeCloseTo(0.3, 2);
    expect(draws(1000, () => (s.bernoulli(0) ? 1 : 0)).every((value) => value === 0)).toBe(true);
    expect(draws(1000, () => (s.bernoulli(1) ? 1 : 0)).every((value) => value === 1)).toBe(true);
  });

  it('exponential: mean, median and p99', () => {
    const s = stream('exponential');
    const x = draws(2 * N, () => s.exponential(3));
    expect(x.every((value) => value >= 0 && Number.isFinite(value))).toBe(true);
    expect(relative(mean(x), 3)).toBeLessThan(0.015);
    expect(relative(quantile(x, 0.5), 3 * Math.LN2)).toBeLessThan(0.02);
    expect(relative(quantile(x, 0.99), 3 * Math.log(100))).toBeLessThan(0.03);
  });

  it('normal: mean 0, variance 1, 97.5 % quantile 1.96', () => {
    const s = stream('normal');
    const x = draws(2 * N, () => s.normal());
    expect(Math.abs(mean(x))).toBeLessThan(0.01);
    expect(relative(variance(x), 1)).toBeLessThan(0.015);
    expect(relative(quantile(x, 0.975), 1.959964)).toBeLessThan(0.02);
  });

  it.each([0.5, 1, 3.5, 32, 500])('gamma(%d): mean and variance equal the shape', (shape) => {
    const s = stream(`gamma/${shape}`);
    const x = draws(N, () => s.gamma(shape));
    expect(x.every((value) => value >= 0)).toBe(true);
    expect(relative(mean(x), shape)).toBeLessThan(0.015);
    expect(relative(variance(x), shape)).toBeLessThan(0.04);
  });

  it('gamma(32) and binomial(1000, 0.3) quantiles', () => {
    const s = stream('quantiles');
    const g = draws(N, () => s.gamma(32));
    // Wilson–Hilferty: k·(1 − 1/(9k) + z·sqrt(1/(9k)))³, good to ~0.1 % at k = 32.
    const wilsonHilferty = (k: number, z: number) => k * (1 - 1 / (9 * k) + z * Math.sqrt(1 / (9 * k))) ** 3;
    expect(relative(quantile(g, 0.5), wilsonHilferty(32, 0))).toBeLessThan(0.01);
    expect(relative(quantile(g, 0.99), wilsonHilferty(32, 2.3263478740408408))).toBeLessThan(0.015);
    const b = draws(N, () => s.binomial(1000, 0.3));
    expect(quantile(b, 0.5)).toBe(300);
    // Normal approximation: 300 + z·sqrt(210) ≈ 333.7.
    expect(Math.abs(quantile(b, 0.99) - 333.7)).toBeLessThanOrEqual(2);
  });

  it.each([0.2, 3, 11.9, 12, 40, 5000])('poisson(%d): integer counts, mean and variance equal the mean', (m) => {
    const s = stream(`poisson/${m}`);
    const x = draws(N, () => s.poisson(m));
    expect(x.every((value) => Number.isInteger(value) && value >= 0)).toBe(true);
    // Five standard errors: of the mean, sqrt(m/N)/m; of the variance, sqrt((1/m + 2)/N).
    expect(relative(mean(x), m)).toBeLessThan(5 * Math.sqrt(1 / (m * N)));
    expect(relative(variance(x), m)).toBeLessThan(5 * Math.sqrt((1 / m + 2) / N));
  });

  it('poisson(3): the probability of each small count', () => {
    const s = stream('poisson/pmf');
    const x = draws(N, () => s.poisson(3));
    let probability = Math.exp(-3);
    for (let k = 0; k <= 6; k++) {
      const observed = x.filter((value) => value === k).length / N;
      expect(Math.abs(observed - probability)).toBeLessThan(0.006);
      probability *= 3 / (k + 1);
    }
    expect(s.poisson(0)).toBe(0);
    expect(s.poisson(-1)).toBe(0);
  });

  it.each([
    [20, 0.1],
    [100, 0.05],
    [1000, 0.3],
    [1000, 0.8],
    [100_000, 0.001],
    [7, 0.5],
  ])('binomial(%d, %d): integer counts in [0, n], mean np and variance np(1-p)', (n, p) => {
    const s = stream(`binomial/${n}/${p}`);
    const x = draws(N, () => s.binomial(n, p));
    expect(x.every((value) => Number.isInteger(value) && value >= 0 && value <= n)).toBe(true);
    expect(relative(mean(x), n * p)).toBeLessThan(0.015);
    expect(relative(variance(x), n * p * (1 - p))).toBeLessThan(0.04);
  });

  it('binomial edge cases', () => {
    const s = stream('binomial/edges');
    expect(s.binomial(0, 0.5)).toBe(0);
    expect(s.binomial(10, 0)).toBe(0);
    expect(s.binomial(10, 1)).toBe(10);
  });

  it('lognormal from median and p99: the draws have that median and p99', () => {
    const dist = lognormalFromMedianP99(6000, 25000);
    const s = stream('lognormal');
    const x = draws(2 * N, () => s.lognormal(dist));
    expect(relative(quantile(x, 0.5), 6000)).toBeLessThan(0.02);
    expect(relative(quantile(x, 0.99), 25000)).toBeLessThan(0.04);
    // Mean of a lognormal: exp(mu + sigma²/2).
    expect(relative(mean(x), Math.exp(dist.mu + (dist.sigma * dist.sigma) / 2))).toBeLessThan(0.02);
  });

  it('lognormal with a hard max: nothing above it, and the tail beyond it lands on it', () => {
    const dist = lognormalFromMedianP99(1000, 20000, 5000);
    const s = stream('lognormal/max');
    const x = draws(2 * N, () => s.lognormal(dist));
    expect(x.reduce((a, b) => Math.max(a, b), 0)).toBe(5000);
    const atMax = x.filter((value) => value === 5000).length / x.length;
    const expected = 1 - normalCdf(Math.log(5) / dist.sigma);
    expect(Math.abs(atMax - expected)).toBeLessThan(0.005);
    expect(relative(quantile(x, 0.5), 1000)).toBeLessThan(0.02);
  });

  it('lognormal with median = p99 is that constant', () => {
    const dist = lognormalFromMedianP99(5000, 5000);
    expect(dist.sigma).toBe(0);
    const s = stream('lognormal/constant');
    for (let index = 0; index < 100; index++) expect(s.lognormal(dist)).toBeCloseTo(5000, 6);
    const capped = lognormalFromMedianP99(50, 50, 50);
    for (let index = 0; index < 100; index++) expect(s.lognormal(capped)).toBe(50);
  });

  it('lognormal rejects a median that is not positive or a p99 below the median', () => {
    expect(() => lognormalFromMedianP99(0, 10)).toThrow(RangeError);
    expect(() => lognormalFromMedianP99(10, 5)).toThrow(RangeError);
    expect(() => lognormalFromMedianP99(Number.NaN, 5)).toThrow(RangeError);
  });
});

describe('IndexedStream', () => {
  it('gives a key the same draws whatever was drawn for other keys before', () => {
    const name = 'others/background';
    const quiet = new RandomStreams(9).indexedStream(name);
    const expected = [quiet.at(5).uniform(), quiet.uniform(), quiet.normal(), quiet.gamma(3.5), quiet.poisson(40), quiet.binomial(300, 0.2)];

    const busy = new RandomStreams(9).indexedStream(name);
    // Other keys draw different amounts, including an odd number of normals (which come in pairs).
    busy.at(4).normal();
    busy.at(3).gamma(7);
    busy.poisson(100);
    busy.at(6).binomial(1000, 0.4);
    busy.at(4).normal();
    const actual = [busy.at(5).uniform(), busy.uniform(), busy.normal(), busy.gamma(3.5), busy.poisson(40), busy.binomial(300, 0.2)];
    expect(actual).toEqual(expected);
  });

  it('repeats a key exactly when positioned on it again', () => {
    const s = new RandomStreams(1).indexedStream('calls/cpu0');
    const first = [s.at(123).uniform(), s.normal(), s.exponential(2)];
    s.at(77).normal();
    const again = [s.at(123).uniform(), s.normal(), s.exponential(2)];
    expect(again).toEqual(first);
  });

  it('uniformAt(key, slot) is the slot-th uniform drawn after at(key), and does not move the stream', () => {
    const s = new RandomStreams(2).indexedStream('calls/cpu1');
    const sequence = [s.at(1_000_000).uniform(), s.uniform(), s.uniform()];
    s.at(8);
    const peeked = [0, 1, 2].map((slot) => s.uniformAt(1_000_000, slot));
    expect(peeked).toEqual(sequence);
    expect(s.uniform()).toBe(s.uniformAt(8, 0));
  });

  it('addresses keys beyond 2^32 separately from their low word', () => {
    const s = new RandomStreams(2).indexedStream('ticks');
    const big = 2 ** 32 + 17;
    expect(s.uniformAt(big, 0)).not.toBe(s.uniformAt(17, 0));
    expect(s.uniformAt(big, 0)).toBe(new RandomStreams(2).indexedStream('ticks').at(big).uniform());
  });

  it('depends on seed and name', () => {
    const draw = (seed: number, name: string) => new RandomStreams(seed).indexedStream(name).uniformAt(42, 0);
    expect(draw(1, 'a')).toBe(draw(1, 'a'));
    expect(draw(1, 'a')).not.toBe(draw(2, 'a'));
    expect(draw(1, 'a')).not.toBe(draw(1, 'b'));
  });

  it('is uniform across keys and slots, with neighbouring keys uncorrelated', () => {
    const s = new RandomStreams(5).indexedStream('uniformity');
    const firstSlot = draws(N, () => 0);
    const secondSlot = draws(N, () => 0);
    for (let key = 0; key < N; key++) {
      s.at(key);
      firstSlot[key] = s.uniform();
      secondSlot[key] = s.uniform();
    }
    for (const values of [firstSlot, secondSlot]) {
      expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
      expect(mean(values)).toBeCloseTo(0.5, 2);
      expect(variance(values)).toBeCloseTo(1 / 12, 2);
      // Ten equal bins each hold about a tenth.
      const bins = new Array<number>(10).fill(0);
      for (const value of values) bins[Math.floor(value * 10)]++;
      for (const bin of bins) expect(Math.abs(bin / N - 0.1)).toBeLessThan(0.005);
    }
    const correlation = (a: Float64Array, b: Float64Array) => {
      const ma = mean(a);
      const mb = mean(b);
      let sum = 0;
      for (let index = 0; index < a.length; index++) sum += (a[index] - ma) * (b[index] - mb);
      return sum / (a.length - 1) / Math.sqrt(variance(a) * variance(b));
    };
    expect(Math.abs(correlation(firstSlot.subarray(0, N - 1), firstSlot.subarray(1)))).toBeLessThan(0.015);
    expect(Math.abs(correlation(firstSlot, secondSlot))).toBeLessThan(0.015);
  });

  it('gives exponential and gamma draws with the right means when addressed key by key', () => {
    const s = new RandomStreams(6).indexedStream('blocks');
    const x = draws(N, () => 0);
    const g = draws(N, () => 0);
    for (let key = 0; key < N; key++) {
      x[key] = s.at(key).exponential(1);
      g[key] = s.gamma(32);
    }
    expect(relative(mean(x), 1)).toBeLessThan(0.015);
    expect(relative(mean(g), 32)).toBeLessThan(0.01);
    expect(relative(variance(g), 32)).toBeLessThan(0.04);
  });
});
