// `pcp-monopoly` (claim 4): other users lean on their PCP lists (network and slab traffic at
// 40,000 order-0 allocations/s per CPU) while a kvfree_rcu() flood runs on every CPU, with free
// memory near LOW. Pages taken from the PCP lists behind the allocator's back force others into
// zone-lock refills, push free memory under the watermarks without waking kswapd, and end in kills.
import type { Scenario } from '../types.js';
import { constant, phone } from './parts.js';

export function pcpMonopolyScenario(): Scenario {
  const s = phone();
  return {
    ...s,
    name: 'pcp-monopoly',
    description:
      'Phone near LOW whose other users allocate 40,000 pages/s per CPU through their PCP lists while 1 M kvfree_rcu() calls/s run on every CPU.',
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
      anonSteps: [{ atMs: 0, targetPages: 640_000, rampMs: 3_000 }],
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 30_000 } },
    killers: { ...s.killers, lmkThresholdPages: 2_000, lmkDelayMs: 300 },
    events: [],
  };
}
