// Point 6 of the fidelity issue: what each new metric measures, pinned on runs whose answer is
// known (schemaVersion 2).
import { describe, expect, it } from 'vitest';
import { FootprintProbe } from '../src/model/footprint.js';
import type { Page } from '../src/policy/api.js';
import type { Scenario } from '../src/scenario/types.js';
import { constantRate, deterministicTiming, nowaitPolicy, nullPolicy, quietScenario, simulate, testPolicy, upstream } from './helpers/model-harness.js';

function steady(objectBytes = 64, tweak: (s: Scenario) => void = () => {}): Scenario {
  const s = deterministicTiming(constantRate(quietScenario(), 200_000, 200), { gpMs: 5 });
  s.workload.headlessShare = 0;
  s.workload.objectBytes = objectBytes;
  tweak(s);
  return s;
}

describe('footprint', () => {
  it('is objects waiting × workload.objectBytes plus pointer pages and reserve', () => {
    const small = simulate(steady(32), nowaitPolicy).result.metrics;
    const large = simulate(steady(64), nowaitPolicy).result.metrics;
    const objectsKiB = large.footprint.avgKiB - small.footprint.avgKiB; // objects × 32 B
    const pagesKiB = small.footprint.avgKiB - objectsKiB;
    expect(objectsKiB).toBeGreaterThan(0);
    // The same pages, sampled on a grid instead of time-weighted: within 10 %.
    expect(pagesKiB / (small.inflight.avgPages * 4)).toBeGreaterThan(0.9);
    expect(pagesKiB / (small.inflight.avgPages * 4)).toBeLessThan(1.1);
    expect(large.footprint.peakKiB).toBeGreaterThanOrEqual(large.footprint.avgKiB);
  });

  it('rcuscaleKiB is mem_begin minus rcuscale\'s filtered samples: D25/8 + D50/4 + D75/2', () => {
    // A synthetic run of 100 µs: objects grow by 1 KiB per µs, one pointer page more per 7 µs
    // (events every 0.05 µs), 3 pages held from the start.
    let now = 0;
    const probe = new FootprintProbe({ objectBytes: (t) => t * 1024, policyPages: () => 3 + Math.floor(now / 7), progress: (t) => t / 100 }, 100);
    for (now = 0; now <= 100; now += 0.05) probe.sampleUntil(now + 0.05);
    const drop = (at: number) => at + Math.floor(at / 7) * 4; // KiB more than at the start
    expect(probe.summary().rcuscaleKiB).toBeCloseTo(drop(25) / 8 + drop(50) / 4 + drop(75) / 2, 0);
    expect(probe.summary().peakKiB).toBeGreaterThan(99 + 17 * 4); // objects and pointer pages near the end
    expect(probe.summary().peakKiB).toBeLessThanOrEqual(100 + 17 * 4);
  });
});

describe('fallback cost, slow path, IRQs-off time, page fill, GP count', () => {
  it('fallbackCost.extraFreeCpuMs: each rcu_head object costs the difference between one-by-one and bulk freeing', () => {
    const s = steady();
    const m = simulate(s, nullPolicy).result.metrics;
    const perObjectNs = s.timing.freeCostNs.rcuHeadPerObject - s.timing.freeCostNs.bulkPerObject;
    expect(m.failures.rcuHead).toBeGreaterThan(0);
    expect(m.fallbackCost.extraFreeCpuMs).toBeCloseTo((m.failures.rcuHead * perObjectNs) / 1e6, 6);
    expect(simulate(s, nowaitPolicy).result.metrics.fallbackCost.extraFreeCpuMs).toBe(0);
  });

  it('slowPathUs looks only at the calls that needed a page; the fast path hides them in latencyUs', () => {
    const m = simulate(steady(), nowaitPolicy).result.metrics;
    expect(m.latencyUs.p50).toBeCloseTo(0.05, 3);
    expect(m.slowPathUs.p50).toBeGreaterThan(m.latencyUs.p50); // fast path + the allocation
    expect(m.slowPathUs.max).toBe(m.latencyUs.max);
  });

  it('irqsOffUs: GFP_NOWAIT for a two-argument call runs under krcp->lock; a cache take costs nothing', () => {
    const s = steady();
    expect(simulate(s, nowaitPolicy).result.metrics.irqsOffUs.max).toBeGreaterThanOrEqual(s.timing.allocCost.pcpHitUs);
    expect(simulate(s, upstream).result.metrics.irqsOffUs.max).toBe(0);
  });

  it('pageFill: pages go to the reclaim work full under a steady flood, partly filled when calls are sparse', () => {
    expect(simulate(steady(), nowaitPolicy).result.metrics.pageFill.p50).toBe(507);
    const sparse = steady(64, (s) => {
      s.workload.phases = [{ kind: 'constant', durationMs: 200, callsPerSecPerCpu: 1_000 }];
    });
    expect(simulate(sparse, nowaitPolicy).result.metrics.pageFill.p90).toBeLessThan(507);
  });

  it('gp.count counts grace periods completed', () => {
    const { result, simulation } = simulate(steady(), nowaitPolicy);
    expect(result.metrics.gp.count).toBeGreaterThan(0);
    expect(result.metrics.gp.count).toBeLessThanOrEqual(simulation.gracePeriods.count);
  });
});

describe('stalls are apart from failures', () => {
  it('an rcu_head fallback blocks nobody; a headless one blocks its caller for about a grace period', () => {
    const twoArg = simulate(steady(), nullPolicy).result.metrics;
    expect(twoArg.failures.count).toBeGreaterThan(0);
    expect(twoArg.stalls.count).toBe(0);
    const headless = simulate(steady(64, (s) => (s.workload.headlessShare = 1)), nullPolicy).result.metrics;
    expect(headless.stalls.count).toBe(headless.failures.syncInline);
    expect(headless.stalls.totalMs).toBeCloseTo(headless.stalls.syncMs, 6);
    expect(headless.stalls.p99Ms).toBeGreaterThanOrEqual(5);
  });

  it('a page obtained through direct reclaim counts one stall of the reclaim time', () => {
    const s = steady();
    s.workload.context = { sleepable: 1, atomic: 0, atomicRaw: 0 };
    s.others.anonInitialPages = s.machine.managedPages - s.others.pageCachePages - 100; // far below MIN
    s.timing.kswapd.wakeUs = 60e6;
    const kernelAlloc = testPolicy('kernel', (kernel) => ({
      needPage: (request) => kernel.alloc(request.cpu, 'KERNEL_NORETRY'),
      pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
    }));
    const m = simulate(s, kernelAlloc).result.metrics;
    expect(m.stalls.count).toBeGreaterThan(0);
    expect(m.stalls.syncMs).toBe(0);
    expect(m.stalls.reclaimMs).toBeGreaterThanOrEqual(2 * m.stalls.count - 1e-9);
  });
});
