// Speed issue, point 1: a run of rcu_head fallbacks costs no more than a run of successes. When a
// null answer read nothing of the caller's context, it holds for every two-argument caller, and
// the calls up to the next headless one are counted from the call sequence instead of being
// looked at one by one — with the same result, to the byte, as asking needPage on every call.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallKinds } from '../src/model/call-kinds.js';
import type { Kernel, Page, PageRequest, PolicyModule, Reserve } from '../src/policy/api.js';
import type { Scenario } from '../src/scenario/types.js';
import { constantRate, deterministicTiming, quietScenario, simulate, testPolicy } from './helpers/model-harness.js';

/** Many fallbacks on 2 CPUs: every call that needs a page finds none. */
function fallbackHeavy(): Scenario {
  const scenario = constantRate(quietScenario(), 200_000, 100);
  scenario.workload.activeCpus = 2;
  scenario.workload.headlessShare = 0.05;
  scenario.workload.context = { sleepable: 0.5, atomic: 0.4, atomicRaw: 0.1 };
  return scenario;
}

/** Answers null; `reads` decides whether it looks at the caller's context first. */
function nullAnswer(reads: boolean, asked: PageRequest[]) {
  return testPolicy(reads ? 'reads-context' : 'context-free', (kernel) => ({
    needPage: (request) => {
      asked.push(request);
      if (reads && request.irqsDisabled) return null;
      return null;
    },
    pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
  }));
}

const json = (run: ReturnType<typeof simulate>) => JSON.stringify({ metrics: run.result.metrics, timeline: run.result.timeline });

/** A work item that puts one page into `cpu`'s part of the reserve, then again every 10 ms. */
function trickle(kernel: Kernel, reserve: Reserve, cpu: number): () => void {
  const refill = () => {
    const page = kernel.alloc(cpu, 'KERNEL');
    if (page) reserve.put(cpu, page);
    kernel.hrtimer(cpu, 10_000, () => kernel.queueWork(cpu, 'normal', refill));
  };
  return refill;
}

/** The run as it goes (bulk runs, memo) and the reference that asks needPage on every call, one event at a time. */
function bothWays(scenario: Scenario, policy: PolicyModule) {
  return {
    bulk: simulate(scenario, policy, { timelinePoints: 20 }),
    everyCall: simulate(scenario, policy, { timelinePoints: 20, rememberAnswers: false, answerAhead: false }),
  };
}

describe('runs of fallbacks counted in bulk', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reuse a context-free null answer for every two-argument caller, and only that one', () => {
    const contextFree: PageRequest[] = [];
    const readsContext: PageRequest[] = [];
    const free = simulate(fallbackHeavy(), nullAnswer(false, contextFree), { timelinePoints: 20 });
    const reading = simulate(fallbackHeavy(), nullAnswer(true, readsContext), { timelinePoints: 20 });
    expect(free.result.metrics.failures.rcuHead).toBeGreaterThan(20_000);
    // The same calls fall back either way; the policy that looked is asked again per kind of caller.
    expect(json(free)).toBe(json(reading));
    const twoArg = (asked: PageRequest[]) => asked.filter((request) => request.form === 'two-arg').length;
    expect(twoArg(contextFree)).toBeLessThan(10);
    expect(twoArg(readsContext)).toBeGreaterThan(twoArg(contextFree));
  });

  it('count the calls of a run instead of visiting them, with the same result as asking on every call', () => {
    const visits = vi.spyOn(CallKinds.prototype, 'signatureBit');
    const bulk = simulate(fallbackHeavy(), nullAnswer(false, []), { timelinePoints: 20 });
    const bulkVisits = visits.mock.calls.length;
    visits.mockClear();
    const everyCall = simulate(fallbackHeavy(), nullAnswer(false, []), { timelinePoints: 20, rememberAnswers: false, answerAhead: false });
    const everyCallVisits = visits.mock.calls.length;
    expect(json(bulk)).toBe(json(everyCall));
    const fallbacks = bulk.result.metrics.failures.count;
    // Asked on every call, each fallback is looked at; in bulk only the headless calls (5 %) and a run's first call are.
    expect(everyCallVisits).toBeGreaterThanOrEqual(fallbacks);
    expect(bulkVisits).toBeLessThan(fallbacks / 5);
  });

  it('take open callers\' headless calls in too while a GP runs, each joining the synchronize_rcu() it would join one by one', () => {
    // Half the calls headless: before, each of them ended a run and was looked at on its own.
    const scenario = fallbackHeavy();
    scenario.workload.headlessShare = 0.5;
    const visits = vi.spyOn(CallKinds.prototype, 'signatureBit');
    const { bulk, everyCall } = bothWays(scenario, nullAnswer(false, []));
    expect(json(bulk)).toBe(json(everyCall));
    const syncs = bulk.result.metrics.failures.syncInline;
    expect(syncs).toBeGreaterThan(10_000);
    // Their GPs end while runs are open (gp.beforeEnd): the waiters' latencies and stalls above match to the byte.
    expect(bulk.result.metrics.stalls.syncMs).toBeGreaterThan(0);
    visits.mockClear();
    simulate(scenario, nullAnswer(false, []), { timelinePoints: 20 });
    expect(visits.mock.calls.length).toBeLessThan(syncs / 5);
  });

  it('end when the CPU\'s state changes: a page put in the reserve is used by the next call', () => {
    // A worker puts one page per 10 ms into CPU 0's reserve: each ends a run, and the call after it gets the page.
    const policy = testPolicy('trickle', (kernel) => {
      const reserve = kernel.reserve('trickle', { shared: false });
      const refill = trickle(kernel, reserve, 0);
      return {
        onStart: () => kernel.queueWork(0, 'normal', refill),
        needPage: (request) => reserve.take(request.cpu),
        pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
      };
    });
    const scenario = fallbackHeavy();
    scenario.workload.activeCpus = 1;
    const { bulk, everyCall } = bothWays(scenario, policy);
    expect(bulk.result.metrics.pagesAllocated).toBeGreaterThan(5);
    expect(bulk.result.metrics.failures.rcuHead).toBeGreaterThan(10_000);
    expect(json(bulk)).toBe(json(everyCall));
  });

  it('leave a call due at the same instant as a monitor run to come after it, as its own event would', () => {
    // Closed callers one call per µs with whole-µs wake-ups: the monitor's work runs at the very
    // instant of a call. Call by call, that call's event (Priority.calls) comes after the
    // monitor's and falls back into the next batch; a run counted in bulk must not count it first.
    const scenario = deterministicTiming(constantRate(quietScenario(), 200_000, 100));
    scenario.workload.headlessShare = 0;
    scenario.workload.callers = { mode: 'closed', threadsPerCpu: 1, thinkNs: 950, callsPerThread: 0 };
    const { bulk, everyCall } = bothWays(scenario, nullAnswer(false, []));
    expect(bulk.result.metrics.failures.rcuHead).toBeGreaterThan(50_000);
    expect(json(bulk)).toBe(json(everyCall));
  });

  it('never reuse a null that read krcp->count, which every fallback moves', () => {
    // A policy that hands out its reserve once 300 objects wait on the CPU: a null read at 299
    // waiting objects is wrong for the call after it.
    const byCount = testPolicy('by-count', (kernel) => {
      const reserve = kernel.reserve('spare', { shared: false });
      return {
        onStart: () => {
          for (let index = 0; index < 50; index++) {
            const page = kernel.alloc(0, 'KERNEL');
            if (page) reserve.put(0, page);
          }
        },
        needPage: (request) => (kernel.waitingObjects(request.cpu) >= 300 ? reserve.take(request.cpu) : null),
        pageEmptied: (cpu: number, page: Page) => reserve.put(cpu, page),
      };
    });
    const scenario = constantRate(quietScenario(), 100_000, 100);
    scenario.workload.headlessShare = 0;
    const { bulk, everyCall } = bothWays(scenario, byCount);
    expect(everyCall.result.metrics.inflight.peakPages).toBeGreaterThan(0);
    expect(json(bulk)).toBe(json(everyCall));
  });

  it('never reuse a null that counted every CPU\'s reserve part, which another CPU\'s put moves', () => {
    // CPU 0 holds 5 spare pages but hands them out only once the reserve holds 8 in all; a worker
    // adds one to CPU 1's part every 10 ms, which moves CPU 1's epoch only.
    const byTotal = testPolicy('by-total', (kernel) => {
      const reserve = kernel.reserve('spare', { shared: false });
      const refill = trickle(kernel, reserve, 1);
      return {
        onStart: () => {
          for (let index = 0; index < 5; index++) {
            const page = kernel.alloc(0, 'KERNEL');
            if (page) reserve.put(0, page);
          }
          kernel.queueWork(1, 'normal', refill);
        },
        needPage: (request) => (reserve.total() >= 8 ? reserve.take(request.cpu) : null),
        pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
      };
    });
    const scenario = constantRate(quietScenario(), 100_000, 100);
    scenario.workload.activeCpus = 2;
    scenario.workload.headlessShare = 0;
    const { bulk, everyCall } = bothWays(scenario, byTotal);
    expect(everyCall.result.metrics.inflight.peakPages).toBeGreaterThan(0);
    expect(json(bulk)).toBe(json(everyCall));
  });
});
