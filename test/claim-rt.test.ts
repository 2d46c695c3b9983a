// Claim 8 on PREEMPT_RT through its mechanism (point 8 of the fidelity issue): the allocator's
// locks sleep on RT, so any page allocation from a context that may not be preempted is counted
// — GFP_ATOMIC included, and not only under a raw spinlock — while a policy that asks only where
// preemptible() allows it, and every built-in, stays legal.
import { describe, expect, it } from 'vitest';
import growAfterEmergency from '../policies/grow-after-emergency.js';
import inlineNowait from '../policies/inline-nowait.js';
import locklessPcp from '../policies/lockless-pcp.js';
import mempool from '../policies/mempool.js';
import nolockAlloc from '../policies/nolock-alloc.js';
import preemptCount from '../policies/preempt-count.js';
import refillWorker from '../policies/refill-worker.js';
import upstream from '../policies/upstream.js';
import type { Gfp, Page, PageRequest, PolicyModule } from '../src/policy/api.js';
import { Simulation } from '../src/model/simulation.js';
import { resolveScenario } from '../src/scenario/load.js';
import { defaultParams, testPolicy } from './helpers/model-harness.js';

const DURATION_MS = 2_000;

function rt(policy: PolicyModule) {
  return new Simulation(resolveScenario('rt', [], DURATION_MS), policy, defaultParams(policy), { seed: 1 }).run().metrics;
}

/** Allocates with `gfp` for every call that passes `when`, from the caller's context. */
function allocatesWhen(name: string, gfp: Gfp, when: (request: PageRequest) => boolean): PolicyModule {
  return testPolicy(name, (kernel) => ({
    needPage: (request) => (when(request) ? kernel.alloc(request.cpu, gfp) : null),
    pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
  }));
}

describe('claim 8 (rt): no page allocation from a non-preemptible context on PREEMPT_RT', () => {
  it('GFP_ATOMIC with IRQs on — a preempt_disable() or spin_lock() caller, no raw lock — is counted and refused', () => {
    const m = rt(allocatesWhen('atomic-irqs-on', 'ATOMIC', (request) => !request.irqsDisabled));
    expect(m.violations.zoneLockUnderRawLock).toBeGreaterThan(0);
    expect(m.violations.sleepInAtomic + m.violations.lockRecursion).toBe(0);
  }, 60_000);

  it('the same allocation asked only where preemptible() says yes is legal', () => {
    const m = rt(allocatesWhen('preemptible-only', 'ATOMIC', (request) => request.preemptible === true));
    expect(m.violations.count).toBe(0);
    expect(m.pagesAllocated).toBeGreaterThan(0);
  }, 60_000);

  it('every built-in stays legal', () => {
    const builtins = [growAfterEmergency, inlineNowait, locklessPcp, mempool, nolockAlloc, preemptCount, refillWorker, upstream];
    for (const policy of builtins) expect(rt(policy).violations, policy.name).toEqual({ count: 0, sleepInAtomic: 0, zoneLockUnderRawLock: 0, lockRecursion: 0 });
  }, 120_000);
});
