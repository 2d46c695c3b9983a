import { describe, it, expect } from 'vitest';
import { ExactSum, Histogram, LevelTracker } from '../src/engine/histogram.js';
import { lognormalFromMedianP99, RandomStreams } from '../src/engine/random.js';

/** The exact q-quantile of sorted values, with the histogram's rank rule (ceil(q·n), 1-based). */
function exactQuantile(sorted: Float64Array, q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

describe('Histogram', () => {
  it('reports quantiles within 1 % relative of the exact ones over a wide range of values', () => {
    const stream = new RandomStreams(11).stream('latency');
    // Latencies from 0.05 µs to seconds: a fast path plus a heavy lognormal tail.
    const dist = lognormalFromMedianP99(40, 20_000);
    const values = new Float64Array(100_000);
    const histogram = new Histogram();
    for (let index = 0; index < values.length; index++) {
      const value = index % 3 === 0 ? 0.05 + stream.uniform() : stream.lognormal(dist);
      values[index] = value;
      histogram.add(value);
    }
    const sorted = Float64Array.from(values).sort();
    for (const q of [0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 0.9999, 1]) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(histogram.quantile(q) - exact) / exact).toBeLessThan(0.01);
    }
    expect(histogram.count).toBe(values.length);
    expect(histogram.max).toBe(sorted[sorted.length - 1]);
    let sum = 0;
    for (const value of values) sum += value;
    // Each term is summed in whole nanoseconds (order-independent sums): the mean is within 0.5 ns.
    expect(histogram.mean).toBeCloseTo(sum / values.length, 3);
  });

  it('is within 1 % for every single value across many decades', () => {
    // From 1 ns·1000 up: below 1e-3 µs the histogram does not resolve values (documented floor).
    for (let exponent = 0; exponent <= 9; exponent += 0.037) {
      const value = 10 ** exponent;
      const histogram = new Histogram();
      histogram.add(value);
      histogram.add(value * 1e-3); // a smaller value so the quantile is not just clipped to the max
      expect(Math.abs(histogram.quantile(1) - value) / value).toBeLessThan(0.01);
      expect(Math.abs(histogram.quantile(0.5) - value * 1e-3) / (value * 1e-3)).toBeLessThan(0.01);
    }
  });

  it('adds in bulk exactly as one by one', () => {
    const bulk = new Histogram();
    const single = new Histogram();
    const entries: Array<[number, number]> = [
      [0.05, 5000],
      [3.2, 7],
      [0.05, 123],
      [4_500, 2],
      [120_000, 1],
    ];
    for (const [value, count] of entries) {
      bulk.add(value, count);
      for (let index = 0; index < count; index++) single.add(value);
    }
    expect(bulk.count).toBe(single.count);
    expect(bulk.mean).toBeCloseTo(single.mean, 9);
    expect(bulk.max).toBe(single.max);
    for (const q of [0, 0.5, 0.97, 0.99, 0.999, 0.9999, 1]) expect(bulk.quantile(q)).toBe(single.quantile(q));
    expect(bulk.quantile(0.999)).toBeCloseTo(3.2, 1);
    expect(Math.abs(bulk.quantile(1) - 120_000) / 120_000).toBeLessThan(0.01);
  });

  it('ignores zero and negative counts and is all zeros when empty', () => {
    const histogram = new Histogram();
    expect([histogram.count, histogram.mean, histogram.max, histogram.quantile(0.5)]).toEqual([0, 0, 0, 0]);
    histogram.add(10, 0);
    histogram.add(10, -3);
    expect(histogram.count).toBe(0);
    histogram.add(0);
    expect(histogram.quantile(0.5)).toBe(0);
  });

  it('never reports a quantile above the recorded max', () => {
    const histogram = new Histogram();
    histogram.add(100.3, 10);
    expect(histogram.quantile(0.5)).toBeLessThanOrEqual(100.3);
    expect(histogram.quantile(1)).toBe(100.3);
  });
});

describe('LevelTracker', () => {
  it('gives the time-weighted average and the peak', () => {
    const level = new LevelTracker(0);
    level.add(0, 2); // 2 pages over [0, 10)
    level.add(10, 3); // 5 over [10, 15)
    level.add(15, -5); // 0 over [15, 30)
    level.add(30, 1); // 1 over [30, 40]
    expect(level.value).toBe(1);
    expect(level.peak).toBe(5);
    expect(level.average(40)).toBeCloseTo((2 * 10 + 5 * 5 + 0 * 15 + 1 * 10) / 40, 12);
    // The open interval counts the current level up to the end time asked for.
    expect(level.average(60)).toBeCloseTo((2 * 10 + 5 * 5 + 1 * 30) / 60, 12);
  });

  it('measures from its start time and handles several changes at one instant', () => {
    const level = new LevelTracker(100);
    level.add(100, 4);
    level.add(120, 1);
    level.add(120, -1);
    level.add(120, 6);
    expect(level.peak).toBe(10);
    expect(level.average(140)).toBeCloseTo((4 * 20 + 10 * 20) / 40, 12);
    expect(new LevelTracker(5).average(5)).toBe(0);
  });
});

describe('ExactSum', () => {
  it('gives the same bits in any order, and the exact term for a mean of equal terms', () => {
    const terms = [0.05, 1e6 / 3, 7.123456, 2.5e9, 0.2, 123.456789, 0.05];
    const forward = new ExactSum();
    const backward = new ExactSum();
    for (const term of terms) forward.add(term, 3);
    for (const term of [...terms].reverse()) backward.add(term, 3);
    expect(forward.value).toBe(backward.value);
    const fastPath = new ExactSum();
    fastPath.add(0.05, 7_052);
    expect(fastPath.dividedBy(7_052)).toBe(0.05);
    // Huge counts of big terms stay exact (summed in chunks that fit a float64 integer).
    const big = new ExactSum();
    big.add(4e8, 2e9);
    expect(big.value).toBe(8e17);
  });
});
