// `flood` (claim 2): a close(open()) loop on every CPU of the 64-CPU server. Halfway through,
// the callback flood stretches grace periods to ≈ 400 ms, so each CPU needs ≈ 2,400 pointer
// pages in flight (5,900 pages/s × 0.4 s): more than McKenney's "2000 per CPU". The server's
// applications hold nearly all its memory (≈ 1 GiB free, 200 MiB of page cache), so the pages
// in flight exhaust it: a reserve — mempool's 25 per CPU, or 2,000 — is then all there is, runs
// out, and only the rcu_head fallback keeps the calls going.
import { loadTiming } from '../base.js';
import type { Scenario } from '../types.js';
import { constant, server } from './parts.js';

/** One close(open()) iteration every ≈ 330 ns (assumption: a fast syscall pair on a server core). */
const CALLS_PER_SEC_PER_CPU = 3_000_000;

export function floodScenario(): Scenario {
  const s = server();
  return {
    ...s,
    name: 'flood',
    description:
      '64-CPU server with ≈ 1 GiB free, one close(open()) loop per CPU (a closed caller, 3 M kvfree_rcu() calls/s while it runs) for 10 s under load; from 5 s grace periods stretch to ≈ 400 ms.',
    claim:
      'Claim 2: under a close(open())-style flood, "2000 [pages] per CPU might not be enough, which on a 64-CPU system comes to about 500MB" ' +
      '(McKenney, 2020-08): no fixed reserve bounds this, so the rcu_head fallback must stay (Zijlstra, Gleixner).',
    durationMs: 10_000,
    workload: {
      ...s.workload,
      activeCpus: 64,
      phases: [constant(10_000, CALLS_PER_SEC_PER_CPU)],
      // One close(open()) loop per CPU is a closed caller: it calls again as soon as the last
      // call returns, so a headless call blocked in synchronize_rcu() or direct reclaim stops
      // its CPU's calls until it resumes. An open rate would keep 3 M calls/s arriving on a
      // CPU whose only caller sleeps — and spending its CPU time in direct reclaim.
      callers: { mode: 'closed', threadsPerCpu: 1, thinkNs: 1e9 / CALLS_PER_SEC_PER_CPU - s.timing.callFastPathNs, callsPerThread: 0 },
      // close() frees from process context; some callers hold spinlocks.
      headlessShare: 0.1,
      context: { sleepable: 0.8, atomic: 0.2, atomicRaw: 0 },
    },
    // 66 M managed pages: ≈ 250,000 (1 GiB) free at the start and 50,000 of page cache.
    others: { ...s.others, anonInitialPages: 65_700_000, pageCachePages: 50_000 },
    timing: { ...s.timing, ...loadTiming('loaded') },
    events: [
      {
        kind: 'load',
        atMs: 5_000,
        change: { gp: { medianMs: 400, p99Ms: 1_500, stallProbability: 1e-3, stallMinMs: 1_000, stallMaxMs: 5_000 } },
      },
    ],
  };
}
