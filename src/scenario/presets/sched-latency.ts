// `sched-latency` (claim 5): a loaded phone whose load gets worse at 2 s, so workers wake tens
// to hundreds of ms late, while memory keeps shrinking and calls come in bursts. A pool that
// only a worker refills runs dry long before the worker runs.
import { loadTiming } from '../base.js';
import type { Scenario } from '../types.js';
import { bursts, constant, phone } from './parts.js';

export function schedLatencyScenario(): Scenario {
  const s = phone();
  const loaded = loadTiming('loaded');
  return {
    ...s,
    name: 'sched-latency',
    description:
      'Loaded phone; from 2 s workers wake 20–40 ms late (p99 100–250 ms, up to 400 ms) while memory shrinks and 1 M calls/s bursts hit every CPU.',
    claim:
      'Claim 5: "scheduler delays can prevent these pool-increase actions until the point at which there is no memory" (McKenney); ' +
      'hence Gorman\'s "rescue" pool "enough to make slow progress even if no other memory is available until the worker takes action".',
    durationMs: 10_000,
    workload: {
      ...s.workload,
      phases: [constant(2_000, 20_000), bursts(8_000, { base: 200_000, burst: 1_000_000, burstMs: 200, periodMs: 1_000 })],
    },
    others: {
      ...s.others,
      anonInitialPages: 620_000,
      pageCachePages: 300_000,
      anonSteps: [{ atMs: 1_000, targetPages: 700_000, rampMs: 6_000 }],
    },
    timing: { ...s.timing, ...loaded, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 30_000 } },
    events: [
      {
        kind: 'load',
        atMs: 2_000,
        change: {
          workqueues: {
            highpri: { medianUs: 20_000, p99Us: 150_000, maxUs: 400_000 },
            normal: { medianUs: 40_000, p99Us: 250_000, maxUs: 400_000 },
            reclaim: { medianUs: 20_000, p99Us: 100_000, maxUs: 200_000 },
          },
          gp: loaded.gp,
        },
      },
    ],
  };
}
