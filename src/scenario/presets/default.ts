// `default`: what `rcupool compare` runs with no flags. The everyday hard case: a phone whose
// apps grow until free memory nears WMARK_MIN (kswapd busy reclaiming at zram speed), hit by
// kvfree_rcu() call bursts while an app launch also loads the CPUs. Holding, grabbing and
// refilling pages all cost something here, so the policies' rows differ.
import { loadChange } from '../base.js';
import type { Scenario } from '../types.js';
import { bursts, constant, phone } from './parts.js';

export function defaultScenario(): Scenario {
  const s = phone();
  return {
    ...s,
    name: 'default',
    description:
      'Phone under memory pressure: apps grow until free memory nears MIN and kswapd is busy, ' +
      'while every CPU sees kvfree_rcu() bursts (1.5 M calls/s for 100 ms each second) and an app launch loads the CPUs.',
    claim:
      'Where claims 1, 5 and 6 meet: reserves cost memory exactly when it is short ("needlessly most of the time", McKenney), ' +
      'refill workers run late under load ("until the point at which there is no memory", McKenney), ' +
      'and bursts arrive faster than a pool can grow ("The emergency situations can ramp up very quickly", McKenney).',
    durationMs: 10_000,
    workload: {
      ...s.workload,
      phases: [constant(2_000, 20_000), bursts(8_000, { base: 20_000, burst: 1_500_000, burstMs: 100, periodMs: 1_000 })],
    },
    others: {
      ...s.others,
      // 950,000 managed − 920,000 held ≈ 30,000 pages free at the start.
      anonInitialPages: 620_000,
      pageCachePages: 300_000,
      anonSteps: [
        { atMs: 0, targetPages: 650_000, rampMs: 2_000 }, // apps in use: free memory reaches LOW
        { atMs: 3_000, targetPages: 720_000, rampMs: 1_500 }, // app launch: 47 k pages/s, faster than kswapd
        { atMs: 6_000, targetPages: 760_000, rampMs: 2_000 },
      ],
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 30_000 } },
    killers: { ...s.killers, lmkThresholdPages: 2_000, lmkDelayMs: 500 },
    events: [
      { kind: 'load', atMs: 3_000, change: loadChange('loaded') }, // the launch keeps every CPU busy
      { kind: 'load', atMs: 4_500, change: loadChange('idle') },
    ],
  };
}
