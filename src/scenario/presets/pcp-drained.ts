// `pcp-drained` (claim 3): a phone whose apps keep launching for four seconds, so that page
// faults outrun kswapd and enter direct reclaim. A round that leaves free memory under WMARK_MIN
// ends in drain_all_pages() (__alloc_pages_direct_reclaim(), mm/page_alloc.c): every PCP list
// goes back to buddy. Under MIN only GFP_ATOMIC allocations refill a list from buddy
// (get_page_from_freelist() checks the watermark before rmqueue_pcplist()), so an emptied list
// fills again mostly with pages freed onto it. No drain is scheduled: each follows a failed
// reclaim round. Bursts of calls come every 2 s; the last one, after the launches, is the control.
// lockless-pcp falls back where free memory dips under MIN, yet less than upstream, whose own
// cache and shrinker backoff decide its fallbacks (docs/model.md, "What pcp-drained shows").
import type { Scenario } from '../types.js';
import { bursts, constant, phone } from './parts.js';

export function pcpDrainedScenario(): Scenario {
  const s = phone();
  return {
    ...s,
    name: 'pcp-drained',
    description:
      'Phone whose app launches (anon +100,000 pages in 4 s, faster than kswapd reclaims) push free memory to WMARK_MIN, where failed direct reclaim ends in drain_all_pages(); ' +
      'a 50 ms burst of 1 M calls/s per CPU every 2 s.',
    claim:
      'Claim 3: "the contents of the pcp pools can easily be zero for the local CPU and you still get stuck" (Gorman); ' +
      '"an empty PCU list (for example, a full drain in low memory situations) may mean the emergency path is hit anyway".',
    durationMs: 10_000,
    workload: {
      ...s.workload,
      phases: [constant(2_000, 20_000), bursts(8_000, { base: 20_000, burst: 1_000_000, burstMs: 50, periodMs: 2_000 })],
    },
    others: {
      ...s.others,
      // ≈ 10,000 pages free at the start; apps in use bring free memory to the watermarks, then
      // launches add 25,000 pages/s from 2 s to 6 s, against kswapd's 15,000 pages/s.
      anonInitialPages: 640_000,
      pageCachePages: 300_000,
      anonSteps: [
        { atMs: 0, targetPages: 700_000, rampMs: 2_000 },
        { atMs: 2_000, targetPages: 800_000, rampMs: 4_000 },
      ],
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 15_000 } },
    events: [],
  };
}
