// Seeds that agree exactly have an interval of zero width: no "± 0.000000000000000021" from the
// rounding residue of summing them.
import { describe, expect, it } from 'vitest';
import { confidenceInterval, sampleVariance } from '../src/runner/statistics.js';

describe('identical per-seed values', () => {
  it('have zero variance and a zero-width 95 % interval', () => {
    expect(sampleVariance([0.05, 0.05, 0.05])).toBe(0);
    const interval = confidenceInterval([0.05, 0.05, 0.05]);
    expect(interval.high - interval.low).toBe(0);
  });

  it('values that differ still get their spread', () => {
    expect(sampleVariance([1, 2, 3])).toBe(1);
  });
});
