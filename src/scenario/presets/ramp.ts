// `ramp` (claim 6): a quiet phone whose call rate jumps 300-fold within 5 ms, holds for 2 s,
// then falls back. A policy that grows its pool after the first emergency is already too late.
//
// At 3 M calls/s per CPU the callers keep every CPU busy (the kvfree_rcu() fast path alone is
// 150 ms of CPU per second, before whatever the callers do between frees), so kworkers wait for
// a CPU: from the ramp until the rate falls back, workqueue wake-ups take their loaded values
// (docs/model.md §4: highpri median 1 ms, p99 20 ms). Grace periods keep their idle length: the calls
// come from tasks that pass through user mode, a quiescent state, between them. With idle
// wake-ups (30 µs) a grow worker always lands before a rescue pool of a few pages runs dry, and
// the claim cannot show.
import { loadTiming } from '../base.js';
import type { Scenario } from '../types.js';
import { constant, phone, ramp } from './parts.js';

export function rampScenario(): Scenario {
  const s = phone();
  return {
    ...s,
    name: 'ramp',
    description:
      'Phone with ≈ 20,000 free pages; at 3 s the call rate ramps from 10,000 to 3 M calls/s per CPU in 5 ms, holds 2 s, then drops back; ' +
      'the busy CPUs make kworkers wake late while it lasts.',
    claim:
      'Claim 6: "By which time we might well already be in OOM territory. The emergency situations can ramp up very quickly." (McKenney).',
    durationMs: 10_000,
    workload: {
      ...s.workload,
      phases: [constant(3_000, 10_000), ramp(5, 10_000, 3_000_000), constant(1_995, 3_000_000), constant(5_000, 10_000)],
    },
    others: { ...s.others, anonInitialPages: 630_000, pageCachePages: 300_000, anonSteps: [] },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 30_000 } },
    events: [
      { kind: 'load', atMs: 3_000, change: { workqueues: loadTiming('loaded').workqueues } },
      { kind: 'load', atMs: 5_000, change: { workqueues: loadTiming('idle').workqueues } },
    ],
  };
}
