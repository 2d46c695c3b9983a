// The model enforces the context rules on whatever a policy does: a call the context forbids
// is refused (null), counted by kind, and the run goes on.
import { describe, expect, it } from 'vitest';
import { definePolicy, type Gfp, type PolicyModule } from '../src/policy/api.js';
import { PolicyHarness, fullRun, scenarioWith, shortScenario } from './helpers/policy-harness.js';

/** Allocates inline with one GFP class in whatever context the call comes from. */
function allocatesInline(gfp: Gfp): PolicyModule {
  return definePolicy({
    name: `inline-${gfp.toLowerCase()}`,
    summary: `test: allocates with ${gfp} from any context`,
    source: 'test',
    params: [],
    create(kernel) {
      return {
        needPage: (request) => kernel.alloc(request.cpu, gfp),
        pageEmptied: (cpu, page) => kernel.free(cpu, page),
      };
    },
  });
}

const rt = scenarioWith((s) => (s.kernel.preemptRt = true));

describe('context violations', () => {
  it('GFP_KERNEL under a raw spinlock on PREEMPT_RT: zoneLockUnderRawLock, refused', () => {
    const bench = new PolicyHarness(allocatesInline('KERNEL'), { scenario: rt });
    expect(bench.needPage({ context: 'atomic-raw' })).toBeNull();
    expect(bench.violations).toEqual({ sleepInAtomic: 0, zoneLockUnderRawLock: 1, lockRecursion: 0 });
    expect(bench.pagesAllocated).toBe(0);
  });

  it('even GFP_NOWAIT takes the zone lock, a sleeping lock on PREEMPT_RT', () => {
    const bench = new PolicyHarness(allocatesInline('NOWAIT'), { scenario: rt });
    expect(bench.needPage({ context: 'atomic-raw' })).toBeNull();
    expect(bench.violations.zoneLockUnderRawLock).toBe(1);
  });

  it('GFP_KERNEL in atomic context: sleepInAtomic, refused', () => {
    const bench = new PolicyHarness(allocatesInline('KERNEL_NORETRY'));
    expect(bench.needPage({ context: 'atomic' })).toBeNull();
    expect(bench.needPage({ context: 'atomic-raw' })).toBeNull();
    expect(bench.violations).toEqual({ sleepInAtomic: 2, zoneLockUnderRawLock: 0, lockRecursion: 0 });
  });

  it('any allocation while the caller holds an allocator lock: lockRecursion, refused', () => {
    const bench = new PolicyHarness(allocatesInline('NOWAIT'));
    expect(bench.needPage({ context: 'atomic', holdsAllocatorLock: true })).toBeNull();
    expect(bench.violations).toEqual({ sleepInAtomic: 0, zoneLockUnderRawLock: 0, lockRecursion: 1 });
  });

  it('the same calls in a context that allows them are no violation', () => {
    const kernelAlloc = new PolicyHarness(allocatesInline('KERNEL'), { scenario: rt });
    expect(kernelAlloc.needPage({ context: 'sleepable', form: 'headless' })).not.toBeNull();
    const nowait = new PolicyHarness(allocatesInline('NOWAIT'));
    expect(nowait.needPage({ context: 'atomic-raw' })).not.toBeNull();
    expect(kernelAlloc.sim.host.violationCount + nowait.sim.host.violationCount).toBe(0);
  });

  it('a full run counts them in the metrics and goes on', () => {
    const scenario = shortScenario((s) => {
      s.kernel.preemptRt = true;
      s.workload.context = { sleepable: 0.4, atomic: 0.3, atomicRaw: 0.3 };
      s.workload.allocatorLockShare = 0.05;
    });
    const metrics = fullRun(allocatesInline('KERNEL'), scenario).metrics;
    const { count, sleepInAtomic, zoneLockUnderRawLock, lockRecursion } = metrics.violations;
    expect(sleepInAtomic).toBeGreaterThan(0);
    expect(zoneLockUnderRawLock).toBeGreaterThan(0);
    expect(lockRecursion).toBeGreaterThan(0);
    expect(count).toBe(sleepInAtomic + zoneLockUnderRawLock + lockRecursion);
    expect(metrics.pagesAllocated).toBeGreaterThan(0);
    expect(metrics.failures.count).toBeGreaterThan(0);
  });
});
