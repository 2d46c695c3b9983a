// `pool-abuse` (claim 7): another subsystem decides it is special and empties every shared
// emergency pool twice, keeping the pages for seconds, while call bursts need them. Per-CPU
// caches are untouched; only what is shared gets stolen.
import type { Scenario } from '../types.js';
import { bursts, constant, phone } from './parts.js';

/** More than any pool holds: the thief takes everything. */
const EVERYTHING = 100_000;

export function poolAbuseScenario(): Scenario {
  const s = phone();
  return {
    ...s,
    name: 'pool-abuse',
    description:
      'Phone under moderate memory pressure; at 3 s and 7 s another subsystem empties every shared reserve and holds the pages (3 s, then 2 s) during 1 M calls/s bursts.',
    claim:
      'Claim 7: a common emergency pool "would be subject to abuse because all it would take is one driver or subsystem ' +
      'deciding that it was special enough to deplete it" (Gorman).',
    durationMs: 10_000,
    workload: {
      ...s.workload,
      phases: [constant(2_000, 20_000), bursts(8_000, { base: 50_000, burst: 1_000_000, burstMs: 100, periodMs: 1_000 })],
    },
    others: {
      ...s.others,
      anonInitialPages: 620_000,
      pageCachePages: 300_000,
      anonSteps: [{ atMs: 2_000, targetPages: 690_000, rampMs: 5_000 }],
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 30_000 } },
    events: [
      { atMs: 3_000, kind: 'stealSharedReserve', pages: EVERYTHING, holdMs: 3_000 },
      { atMs: 7_000, kind: 'stealSharedReserve', pages: EVERYTHING, holdMs: 2_000 },
    ],
  };
}
