// preempt-count (point 9 of the fidelity issue): with PREEMPT_COUNT, an inline GFP_NOWAIT page
// exactly where preemptible() says it is safe; without it, upstream unchanged.
import { describe, expect, it } from 'vitest';
import preemptCount from '../policies/preempt-count.js';
import upstream from '../policies/upstream.js';
import { PolicyHarness, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';
import { loadTiming } from '../src/scenario/base.js';
import type { Scenario } from '../src/scenario/types.js';

function harness(tweak: (s: Scenario) => void = () => {}) {
  return new PolicyHarness(preemptCount, { scenario: scenarioWith(tweak) }).start();
}

describe('preempt-count (McKenney\'s "unconditional PREEMPT_COUNT approach")', () => {
  it('with PREEMPT_COUNT allocates inline for a preemptible caller once the cache is empty', () => {
    const bench = harness();
    expect(bench.needPage({ cpu: 0, kind: 'task' })).not.toBeNull();
    expect(bench.pagesAllocated).toBe(1);
    expect(bench.violations).toEqual({ sleepInAtomic: 0, zoneLockUnderRawLock: 0, lockRecursion: 0 });
  });

  it('falls back where preemptible() is false: preemption or IRQs off, softirq, hardirq, a raw lock', () => {
    const bench = harness();
    for (const kind of ['preemptOff', 'irqsOff', 'softirq', 'hardirq', 'rawLock'] as const) expect(bench.needPage({ cpu: 0, kind }), kind).toBeNull();
    expect(bench.pagesAllocated).toBe(0);
  });

  it('never re-takes an allocator lock: a caller holding one is not preemptible on !RT', () => {
    const scenario = shortScenario((s) => {
      s.workload.context = { sleepable: 0.6, atomic: 0.4, atomicRaw: 0 };
      s.workload.allocatorLockShare = 0.05;
    });
    expect(fullRun(preemptCount, scenario).metrics.violations.count).toBe(0);
  });

  it('without PREEMPT_COUNT cannot tell, so it is upstream call for call', () => {
    const scenario = () => shortScenario((s) => (s.kernel.preemptCount = false));
    const mine = fullRun(preemptCount, scenario()).metrics;
    const theirs = fullRun(upstream, scenario()).metrics;
    expect(mine).toEqual(theirs);
    expect(harness((s) => (s.kernel.preemptCount = false)).needPage({ cpu: 0, kind: 'task' })).toBeNull();
  });

  it('with PREEMPT_COUNT takes fewer fallbacks than upstream when the cache runs dry, and stays legal on PREEMPT_RT', () => {
    // A loaded system: workers wake late and grace periods take 50 ms, so a cache of 5 runs dry.
    const dry = (rt: boolean) =>
      shortScenario((s) => {
        s.workload.phases = [{ kind: 'constant', durationMs: 300, callsPerSecPerCpu: 200_000 }];
        Object.assign(s.timing, loadTiming('loaded'));
        s.kernel.preemptRt = rt;
      });
    const mine = fullRun(preemptCount, dry(false)).metrics;
    expect(mine.failures.count).toBeLessThan(fullRun(upstream, dry(false)).metrics.failures.count);
    expect(fullRun(preemptCount, dry(true)).metrics.violations.count).toBe(0);
  });
});
