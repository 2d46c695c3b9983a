// Other users draw a Poisson and a binomial count per CPU per tick with fixed parameters;
// PoissonSampler and BinomialSampler take them from tables. They must give exactly the draws
// Stream.poisson() and Stream.binomial() give, so that no run's numbers change with them.
import { describe, expect, it } from 'vitest';
import { BinomialSampler, PoissonSampler, RandomStreams } from '../src/engine/random.js';

const KEYS = 4_000;

describe('table samplers', () => {
  it.each([0, 0.3, 5, 11.9, 12, 40])('PoissonSampler(%d) draws what Stream.poisson() draws, key by key', (mean) => {
    const streams = new RandomStreams(7);
    const direct = streams.indexedStream('direct');
    const tabled = new RandomStreams(7).indexedStream('direct');
    const sampler = new PoissonSampler(mean);
    const seen = new Set<number>();
    for (let key = 0; key < KEYS; key++) {
      const expected = direct.at(key).poisson(mean);
      expect(sampler.draw(tabled.at(key))).toBe(expected);
      // What comes after the draw is the same too.
      expect(tabled.uniform()).toBe(direct.uniform());
      seen.add(expected);
    }
    if (mean >= 5) expect(seen.size).toBeGreaterThan(5);
  });

  it.each([
    [0.049, [0, 1, 60, 100, 140, 244]],
    [0.5, [1, 7, 23]],
    [0.7, [3, 10]],
    [0.001, [5_000, 20_000]],
    [1, [4]],
    [0, [9]],
  ])('BinomialSampler(%d) draws what Stream.binomial() draws for n in %j', (p, sizes) => {
    const direct = new RandomStreams(3).indexedStream('frees');
    const tabled = new RandomStreams(3).indexedStream('frees');
    const sampler = new BinomialSampler(p);
    for (let key = 0; key < KEYS; key++) {
      const n = sizes[key % sizes.length];
      expect(sampler.draw(tabled.at(key), n)).toBe(direct.at(key).binomial(n, p));
      expect(tabled.uniform()).toBe(direct.uniform());
    }
  });
});
