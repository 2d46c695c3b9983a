// `pool-abuse` (claim 7): another subsystem decides it is special and empties every shared
// emergency pool twice, keeping the pages for seconds, while call bursts need them. Per-CPU
// caches are untouched; only what is shared gets stolen.
//
// An emergency pool only matters in an emergency: while the allocator still hands out pages, a
// mempool-style policy never touches its pool and a raid costs nothing. So apps grow faster than
// kswapd reclaims (to zram under load, 15,000 pages/s) and free memory sits at WMARK_MIN from
// ≈ 2.8 s to ≈ 5 s and from ≈ 6.4 s to ≈ 9 s — where GFP_NOWAIT fails now and then — and both raids
// land in those stretches. A mempool gives freed elements back to its pool first, so the pool
// refills with the next pointer pages that come back (about one grace period later): the damage
// of each raid is in the first burst after it.
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
      'Phone whose apps push free memory down to WMARK_MIN; at 3 s and 7 s, in that shortage, another subsystem empties every shared reserve ' +
      'and holds the pages (3 s, then 2 s) during 1 M calls/s bursts.',
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
      // Mostly softirq traffic (network receive): GFP_ATOMIC goes below MIN without reclaiming,
      // so free memory stays under MIN while the growing apps sleep in direct reclaim.
      backgroundAtomicShare: 0.9,
      // ≈ 30,000 pages free at the start.
      anonInitialPages: 620_000,
      pageCachePages: 300_000,
      anonSteps: [
        { atMs: 2_000, targetPages: 700_000, rampMs: 2_000 }, // 40 k pages/s: free memory reaches MIN at ≈ 2.8 s
        { atMs: 4_000, targetPages: 720_000, rampMs: 1_000 },
        { atMs: 6_000, targetPages: 780_000, rampMs: 3_000 }, // MIN again from ≈ 6.4 s
      ],
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 15_000 } },
    events: [
      { kind: 'stealSharedReserve', atMs: 3_000, pages: EVERYTHING, holdMs: 3_000 },
      { kind: 'stealSharedReserve', atMs: 7_000, pages: EVERYTHING, holdMs: 2_000 },
    ],
  };
}
