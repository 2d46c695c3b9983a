// `pcp-monopoly` (claim 4): other users lean on their PCP lists (network and slab traffic at
// 40,000 order-0 allocations/s per CPU) while a kvfree_rcu() flood runs on every CPU, with free
// memory near LOW. At 4 s an app launch grows anonymous memory by 80,000 pages in 2 s (40,000
// pages/s, faster than kswapd reclaims at zram speed, 30,000 pages/s), so for a while free memory
// sits at the watermarks, where obeying them or not makes a difference. Pages taken from the PCP
// lists behind the allocator's back force others into zone-lock refills and keep free memory
// under WMARK_MIN longer, without waking kswapd. (Without the launch, kswapd holds free memory
// between LOW and HIGH and every policy's pages come as easily: the harm does not show.) No kill
// follows, and none can: the grab holds no more pages than upstream's cache and worker do, it only
// takes them from elsewhere (docs/model.md, "What pcp-monopoly shows, and what it does not").
import type { Scenario } from '../types.js';
import { constant, phone } from './parts.js';

export function pcpMonopolyScenario(): Scenario {
  const s = phone();
  return {
    ...s,
    name: 'pcp-monopoly',
    description:
      'Phone near LOW whose other users allocate 40,000 pages/s per CPU through their PCP lists while 1 M kvfree_rcu() calls/s run on every CPU; ' +
      'at 4 s an app launch grows memory faster than kswapd reclaims.',
    claim:
      'Claim 4: the lockless grab ignores watermarks, does not wake kswapd and lets one user monopolize a shared per-CPU list others rely on (Hocko, Gorman); ' +
      '"depleting the PCPU lists for RCU may slow kswapd making reclaim progress and cause an OOM" (Gorman).',
    durationMs: 10_000,
    workload: { ...s.workload, phases: [constant(10_000, 1_000_000)] },
    others: {
      ...s.others,
      backgroundAllocsPerSecPerCpu: 40_000,
      backgroundLifetimeMs: 50,
      backgroundAtomicShare: 0.3,
      // ≈ 50,000 pages free at the start, ≈ 16,000 of them soon held by the background traffic.
      anonInitialPages: 600_000,
      pageCachePages: 300_000,
      anonSteps: [
        { atMs: 0, targetPages: 640_000, rampMs: 3_000 }, // apps in use: free memory reaches LOW
        { atMs: 4_000, targetPages: 720_000, rampMs: 2_000 }, // app launch: 40 k pages/s, faster than kswapd
      ],
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 30_000 } },
    killers: { ...s.killers, lmkThresholdPages: 2_000, lmkDelayMs: 300 },
    events: [],
  };
}
