// Point 2 of the fidelity issue: open callers (a rate) and closed callers (threads calling back
// to back, rcuscale-style); a caller blocked in synchronize_rcu() or direct reclaim issues
// nothing until it resumes, and the page it slept for becomes the CPU's page only then; the
// reclaim work's CPU time is taken from the closed callers on its CPU.
import { describe, expect, it } from 'vitest';
import { watermarks } from '../src/scenario/machines.js';
import type { Page } from '../src/policy/api.js';
import type { Scenario } from '../src/scenario/types.js';
import { constantRate, deterministicTiming, nullPolicy, quietScenario, simulate, testPolicy } from './helpers/model-harness.js';

function closed(s: Scenario, callsPerThread: number, thinkNs = 0, threadsPerCpu = 1): Scenario {
  s.workload.callers = { mode: 'closed', threadsPerCpu, thinkNs, callsPerThread };
  return s;
}

function headlessOnly(s: Scenario): Scenario {
  s.workload.headlessShare = 1;
  return s;
}

/**
 * Free memory just below MIN and kswapd asleep for the run: the first GFP_KERNEL|__GFP_NORETRY
 * allocation goes through one 2 ms direct-reclaim round. Two-argument callers in sleepable
 * task context, so the policy may let them sleep.
 */
function reclaimScenario(durationMs: number): Scenario {
  const s = deterministicTiming(constantRate(quietScenario(), 20_000, durationMs), { directReclaimMs: 2 });
  const { minPages } = watermarks(s.machine);
  s.others.anonInitialPages = s.machine.managedPages - s.others.pageCachePages - (minPages - 10);
  s.timing.kswapd.wakeUs = 60e6;
  s.workload.headlessShare = 0;
  s.workload.context = { sleepable: 1, atomic: 0, atomicRaw: 0 };
  return s;
}

/** Sleeps in reclaim for its first page, then never gives another. */
const firstPageThroughReclaim = testPolicy('first-page-reclaim', (kernel) => {
  let asked = false;
  return {
    needPage(request) {
      if (asked) return null;
      asked = true;
      return kernel.alloc(request.cpu, 'KERNEL_NORETRY');
    },
    pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
  };
});

describe('closed callers', () => {
  it('call back to back at one call per (think time + fast path) until their budget is done', () => {
    const s = closed(constantRate(quietScenario(), 20_000, 200), 10_000, 950); // 1 µs per call
    s.workload.headlessShare = 0;
    const m = simulate(s, nullPolicy).result.metrics;
    expect(m.calls).toBe(10_000);
    expect(m.callsEndMs).toBeCloseTo(10, 1);
  });

  it('with N threads per CPU keep calling while one thread is blocked', () => {
    const s = deterministicTiming(headlessOnly(closed(constantRate(quietScenario(), 20_000, 50), 0, 950, 1)));
    const one = simulate(s, nullPolicy).result.metrics;
    const four = simulate(closed(s, 0, 950, 4), nullPolicy).result.metrics;
    // One thread waits one GP per call; four take turns, each waiting one or two GPs.
    expect(four.calls).toBeGreaterThan(2 * one.calls);
  });
});

describe('a caller blocked in synchronize_rcu() issues nothing until it returns', () => {
  it('closed: one thread doing headless calls with no page makes one call per grace period or so', () => {
    const s = deterministicTiming(headlessOnly(closed(constantRate(quietScenario(), 20_000, 100), 0, 950)), { gpMs: 5 });
    const m = simulate(s, nullPolicy).result.metrics;
    // Each call waits for the rest of the running GP plus one full GP: 5–10 ms.
    expect(m.calls).toBeGreaterThanOrEqual(10);
    expect(m.calls).toBeLessThanOrEqual(21);
    expect(m.stalls.count).toBe(m.calls);
    expect(m.stalls.syncMs).toBeGreaterThan(90);
    expect(m.stalls.reclaimMs).toBe(0);
  });

  it('closed: the thread blocks also when the "no" cannot be remembered (the policy read the clock)', () => {
    const s = deterministicTiming(headlessOnly(closed(constantRate(quietScenario(), 20_000, 100), 0, 950)), { gpMs: 5 });
    const clockReader = testPolicy('clock-reader', (kernel) => ({ needPage: () => (kernel.now() < 0 ? null : null), pageEmptied: () => {} }));
    const m = simulate(s, clockReader).result.metrics;
    expect(m.calls).toBeGreaterThanOrEqual(10);
    expect(m.calls).toBeLessThanOrEqual(21);
    expect(m.stalls.count).toBe(m.calls);
  });

  it('open: the other tasks on the CPU keep calling at the rate, and each blocked caller counts as a stall', () => {
    const s = deterministicTiming(headlessOnly(constantRate(quietScenario(), 20_000, 100)), { gpMs: 5 });
    const m = simulate(s, nullPolicy).result.metrics;
    expect(m.calls).toBeGreaterThan(1_900);
    expect(m.stalls.count).toBe(m.calls);
    expect(m.stalls.p99Ms).toBeGreaterThanOrEqual(5);
    expect(m.stalls.p99Ms).toBeLessThanOrEqual(10.1);
  });
});

describe('a caller blocked in direct reclaim', () => {
  it('open: its page becomes the CPU\'s page only when it resumes; calls meanwhile take the fallback', () => {
    const m = simulate(reclaimScenario(10), firstPageThroughReclaim).result.metrics;
    expect(m.calls).toBeGreaterThan(150);
    expect(m.stalls).toMatchObject({ count: 1, syncMs: 0 });
    expect(m.stalls.reclaimMs).toBeGreaterThanOrEqual(2);
    // 20,000 calls/s for the 2 ms the caller slept: about 40 calls found no page.
    expect(m.failures.rcuHead).toBeGreaterThanOrEqual(30);
    expect(m.failures.rcuHead).toBeLessThanOrEqual(50);
  });

  it('closed: the CPU\'s only thread issues nothing while it sleeps, so nothing falls back and the run ends later', () => {
    const budget = 200;
    const asleep = simulate(closed(reclaimScenario(30), budget, 49_950), firstPageThroughReclaim).result.metrics; // 50 µs per call
    expect(asleep.failures.count).toBe(0);
    expect(asleep.stalls.count).toBe(1);
    const never = testPolicy('cache-less', () => ({ needPage: () => null, pageEmptied: () => {} }));
    const awake = simulate(closed(reclaimScenario(30), budget, 49_950), never).result.metrics;
    expect(asleep.callsEndMs - awake.callsEndMs).toBeCloseTo(asleep.stalls.reclaimMs, 1);
  });
});

describe('the reclaim work takes CPU time from the closed callers on its CPU', () => {
  function freeing(bulkNs: number, mode: 'open' | 'closed'): Scenario {
    const s = deterministicTiming(constantRate(quietScenario(), 20_000_000, 100), { gpMs: 5 });
    s.workload.headlessShare = 0;
    s.timing.freeCostNs = { bulkPerObject: bulkNs, rcuHeadPerObject: bulkNs };
    return mode === 'closed' ? closed(s, 1_000_000) : s; // 50 ns per call: 50 ms of calls
  }

  it('closed: freeing costs push every later call back', () => {
    const cheap = simulate(freeing(0, 'closed'), nullPolicy).result.metrics;
    const costly = simulate(freeing(35, 'closed'), nullPolicy).result.metrics;
    expect(cheap.callsEndMs).toBeCloseTo(50, 0);
    const lostMs = costly.callsEndMs - cheap.callsEndMs;
    // Most of the million objects are freed before the last call, at 35 ns each (≤ 35 ms).
    expect(lostMs).toBeGreaterThan(17.5);
    expect(lostMs).toBeLessThanOrEqual(35);
  });

  it('open: arrivals stay as they are, so every policy sees the same calls', () => {
    const cheap = simulate(freeing(0, 'open'), nullPolicy).result.metrics;
    const costly = simulate(freeing(35, 'open'), nullPolicy).result.metrics;
    expect(costly.calls).toBe(cheap.calls);
    expect(costly.callsEndMs).toBe(cheap.callsEndMs);
  });
});
