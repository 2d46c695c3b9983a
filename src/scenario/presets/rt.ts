// `rt` (claim 8): a PREEMPT_RT phone-class machine. 70 % of two-argument calls come from
// contexts that may not be preempted (under raw spinlocks, with IRQs or preemption off), where RT
// forbids any page allocation, GFP_ATOMIC included: the allocator's locks sleep. A policy sees
// only what kernel code can test (irqs_disabled(), in_hardirq(), preemptible(): RT always has
// PREEMPT_COUNT). No caller holds an allocator lock: that deadlock is the !PREEMPT half of the
// claim, which the model-violations tests show.
import type { Scenario } from '../types.js';
import { bursts, constant, phone } from './parts.js';

export function rtScenario(): Scenario {
  const s = phone();
  return {
    ...s,
    name: 'rt',
    description:
      'PREEMPT_RT, HZ 1000: 40 % of two-argument calls run under a raw spinlock and 30 % with preemption or IRQs off; bursts of 500,000 calls/s per CPU.',
    claim:
      'Claim 8: the zone lock must not be taken under the raw lock on PREEMPT_RT (Gleixner); ' +
      'on !PREEMPT, GFP_NOWAIT from this path "can deadlock on one of the allocator locks via call_rcu()" (McKenney).',
    durationMs: 10_000,
    kernel: { ...s.kernel, preemptRt: true, preemptCount: true, hz: 1_000 },
    workload: {
      ...s.workload,
      phases: [constant(2_000, 20_000), bursts(8_000, { base: 50_000, burst: 500_000, burstMs: 100, periodMs: 1_000 })],
      context: { sleepable: 0.3, atomic: 0.3, atomicRaw: 0.4 },
      allocatorLockShare: 0,
    },
    others: { ...s.others, anonInitialPages: 600_000, pageCachePages: 300_000, anonSteps: [] },
    events: [],
  };
}
