// `pcp-drained` (claim 3): a phone low on memory where drain_all_pages() empties every PCP list
// (as the allocator does after a failed direct-reclaim round) right when a call burst starts.
// A policy that grabs pages from the local PCP list finds it empty and takes the fallback.
import type { Scenario } from '../types.js';
import { bursts, constant, phone } from './parts.js';

/** Drains and bursts share one period, so every burst starts on freshly emptied PCP lists. */
const PERIOD_MS = 2_000;

export function pcpDrainedScenario(): Scenario {
  const s = phone();
  const drains = [2_000, 4_000, 6_000, 8_000].map((atMs) => ({ atMs, kind: 'drainAllPages' as const }));
  return {
    ...s,
    name: 'pcp-drained',
    description:
      'Phone hovering near WMARK_MIN (slow reclaim); every 2 s drain_all_pages() empties all PCP lists just as a 50 ms burst of 1 M calls/s per CPU starts.',
    claim:
      'Claim 3: "the contents of the pcp pools can easily be zero for the local CPU and you still get stuck" (Gorman); ' +
      '"an empty PCU list (for example, a full drain in low memory situations) may mean the emergency path is hit anyway".',
    durationMs: 10_000,
    workload: {
      ...s.workload,
      phases: [constant(2_000, 20_000), bursts(8_000, { base: 20_000, burst: 1_000_000, burstMs: 50, periodMs: PERIOD_MS })],
    },
    others: {
      ...s.others,
      // ≈ 10,000 pages free at the start, then anon grows about as fast as kswapd reclaims.
      anonInitialPages: 640_000,
      pageCachePages: 300_000,
      anonSteps: [
        { atMs: 0, targetPages: 700_000, rampMs: 4_000 },
        { atMs: 4_000, targetPages: 740_000, rampMs: 6_000 },
      ],
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 15_000 } },
    events: drains,
  };
}
