// `rcuscale`: rcuscale's kfree_rcu_test as reported on LKML (MODEL.md §8), to compare the
// simulated pointer-page footprint with the published one: 61–93 MB with per-page GP snapshots
// (v6.3), 2.2–6.5 GB before (`--set kernel.perPageGpSnapshots=false`).
import { loadTiming } from '../base.js';
import type { Scenario } from '../types.js';
import { constant, server } from './parts.js';

// The reported run: kfree_nthreads=16, kfree_loops=10000, kfree_alloc_num=8000 on 64 CPUs.
const KFREE_NTHREADS = 16;
const KFREE_LOOPS = 10_000;
const KFREE_ALLOC_NUM = 8_000;
/** How long the reported run took. */
const RUN_MS = 8_500;
const TOTAL_CALLS = KFREE_NTHREADS * KFREE_LOOPS * KFREE_ALLOC_NUM; // 1.28 billion
const CALLS_PER_SEC_PER_THREAD = Math.round(TOTAL_CALLS / KFREE_NTHREADS / (RUN_MS / 1_000)); // ≈ 9.4 M

export function rcuscaleScenario(): Scenario {
  const s = server();
  return {
    ...s,
    name: 'rcuscale',
    description:
      'rcuscale kfree_rcu_test on a 64-CPU server: 16 kthreads × 10,000 loops × 8,000 objects ≈ 1.3 billion calls in ≈ 8.5 s (≈ 9.4 M calls/s per thread), loaded grace periods.',
    claim:
      'Validation (MODEL.md §8), not a §6 claim: the reported footprint was 61–93 MB with per-page GP snapshots (v6.3) ' +
      'and 2.2–6.5 GB before them (set kernel.perPageGpSnapshots=false).',
    durationMs: RUN_MS,
    workload: {
      ...s.workload,
      activeCpus: KFREE_NTHREADS,
      phases: [constant(RUN_MS, CALLS_PER_SEC_PER_THREAD)],
      // kfree_rcu_test_single and _double both false (the default): each call picks a form at random.
      headlessShare: 0.5,
      // rcuscale's kthreads call from process context.
      context: { sleepable: 1, atomic: 0, atomicRaw: 0 },
    },
    timing: { ...s.timing, ...loadTiming('loaded') },
    events: [],
  };
}
