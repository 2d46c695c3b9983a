// Point 3 of the fidelity issue: a policy sees only what kernel code can test about its caller
// (call form, irqs_disabled(), in_hardirq(), in_serving_softirq(), and preemptible() only with
// PREEMPT_COUNT); the model keeps the true context and judges the policy's calls by it.
import { describe, expect, it } from 'vitest';
import type { Page, PageRequest } from '../src/policy/api.js';
import type { Scenario } from '../src/scenario/types.js';
import { constantRate, quietScenario, simulate, testPolicy, thrown } from './helpers/model-harness.js';
import { PolicyHarness, scenarioWith } from './helpers/policy-harness.js';
import nolockAlloc from '../policies/nolock-alloc.js';

const FIELDS = ['cpu', 'form', 'inHardirq', 'inServingSoftirq', 'irqsDisabled', 'preemptible'] as const;

/**
 * Records every request it is shown, reading each field as a policy that branches on them would
 * (an answer that read no context field holds for every two-argument caller, so the model would
 * not ask again), and answers null.
 */
function recorder(seen: PageRequest[]) {
  return testPolicy('recorder', () => ({
    needPage: (request) => {
      expect(Object.keys({ ...request }).every((key) => (FIELDS as readonly string[]).includes(key))).toBe(true);
      for (const field of FIELDS) expect(field in request).toBe(true);
      const { cpu, form, irqsDisabled, inHardirq, inServingSoftirq, preemptible } = request;
      seen.push({ cpu, form, irqsDisabled, inHardirq, inServingSoftirq, preemptible });
      return null;
    },
    pageEmptied: () => {},
  }));
}

function mixedCallers(tweak: (s: Scenario) => void = () => {}): Scenario {
  const s = constantRate(quietScenario(), 2_000, 100);
  s.workload.headlessShare = 0.2;
  s.workload.context = { sleepable: 0.3, atomic: 0.4, atomicRaw: 0.3 };
  s.workload.atomicKinds = { preemptOff: 0.25, irqsOff: 0.25, softirq: 0.25, hardirq: 0.25 };
  s.workload.allocatorLockShare = 0.1;
  tweak(s);
  return s;
}

const distinct = (seen: PageRequest[]) => new Set(seen.map(({ cpu: _cpu, ...rest }) => JSON.stringify(rest)));

describe('what a PageRequest shows a policy', () => {
  it('carries only the call form, irqs_disabled(), in_hardirq(), in_serving_softirq() and preemptible()', () => {
    const seen: PageRequest[] = [];
    simulate(mixedCallers(), recorder(seen));
    expect(seen.length).toBeGreaterThan(5); // the model answers repeats of a null itself (memo)
    for (const request of seen) {
      expect(Object.keys(request).sort()).toEqual([...FIELDS]);
      // A hardirq handler always runs with IRQs off; a headless caller is a preemptible task.
      if (request.inHardirq) expect(request.irqsDisabled).toBe(true);
      if (request.form === 'headless') expect(request).toMatchObject({ irqsDisabled: false, inHardirq: false, inServingSoftirq: false, preemptible: true });
    }
    // task, preempt off, IRQs off (or a raw lock: the same to kernel code), softirq, hardirq, headless.
    expect(distinct(seen).size).toBe(6);
  });

  it('leaves preemptible undefined on a kernel without PREEMPT_COUNT: a held spinlock cannot be told from a task', () => {
    const seen: PageRequest[] = [];
    simulate(mixedCallers((s) => (s.kernel.preemptCount = false)), recorder(seen));
    expect(seen.every((request) => request.preemptible === undefined)).toBe(true);
    const twoArgIrqsOn = seen.filter((r) => r.form === 'two-arg' && !r.irqsDisabled && !r.inServingSoftirq);
    expect(distinct(twoArgIrqsOn).size).toBe(1); // sleepable task and preempt_disable() look alike
  });

  it('with PREEMPT_COUNT tells a preempt_disable() caller from a task', () => {
    const seen: PageRequest[] = [];
    simulate(mixedCallers(), recorder(seen));
    const twoArgIrqsOn = seen.filter((r) => r.form === 'two-arg' && !r.irqsDisabled && !r.inServingSoftirq);
    expect(new Set(twoArgIrqsOn.map((r) => r.preemptible))).toEqual(new Set([true, false]));
  });

  it('on PREEMPT_RT shows a softirq caller as preemptible (softirqs run in task context there)', () => {
    const seen: PageRequest[] = [];
    simulate(mixedCallers((s) => (s.kernel.preemptRt = true)), recorder(seen));
    const softirq = seen.filter((r) => r.inServingSoftirq);
    expect(softirq.length).toBeGreaterThan(0);
    expect(softirq.every((r) => r.preemptible === true)).toBe(true);
  });
});

describe('a PageRequest is read-only', () => {
  it('refuses a policy that writes to it: the model shows the same request to later calls', () => {
    const writer = testPolicy('writer', () => ({
      needPage: (request) => {
        (request as { cpu: number }).cpu = 99;
        return null;
      },
      pageEmptied: () => {},
    }));
    expect(thrown(() => simulate(mixedCallers(), writer)).message).toMatch(/needPage threw: Cannot assign to read only property 'cpu'/);
  });
});

describe('the model judges by the true context', () => {
  it('alloc_pages_nolock() works under a raw lock on RT but returns NULL in hardirq context there, and never when an allocator lock is held', () => {
    const bench = new PolicyHarness(nolockAlloc, { scenario: scenarioWith((s) => (s.kernel.preemptRt = true)) }).start();
    expect(bench.needPage({ cpu: 0, kind: 'rawLock' })).not.toBeNull();
    expect(bench.needPage({ cpu: 1, kind: 'hardirq' })).toBeNull();
    expect(bench.violations).toEqual({ sleepInAtomic: 0, zoneLockUnderRawLock: 0, lockRecursion: 0 });
    const notRt = new PolicyHarness(nolockAlloc).start();
    expect(notRt.needPage({ cpu: 1, kind: 'hardirq' })).not.toBeNull();
    expect(notRt.needPage({ cpu: 2, kind: 'irqsOff', holdsAllocatorLock: true })).toBeNull();
  });

  it('a policy cannot avoid re-taking an allocator lock the caller holds: it is invisible, and counted', () => {
    const nowait = testPolicy('nowait', (kernel) => ({
      needPage: (request) => kernel.alloc(request.cpu, 'NOWAIT'),
      pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
    }));
    const metrics = simulate(mixedCallers((s) => (s.workload.allocatorLockShare = 1)), nowait).result.metrics;
    expect(metrics.violations.lockRecursion).toBeGreaterThan(0);
  });
});
