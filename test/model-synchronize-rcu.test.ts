// synchronize_rcu() from a random instant waits for the rest of the current grace period plus
// one full grace period (docs/model.md §4). With a deterministic GP (median = p99, no stalls) that
// is exact: 2·GP − (time since the current GP started), or one GP when none is running.
import { describe, it, expect } from 'vitest';
import { RandomStreams } from '../src/engine/random.js';
import { Scheduler } from '../src/engine/scheduler.js';
import { GracePeriods } from '../src/model/grace-periods.js';
import { constantRate, deterministicTiming, newSimulation, nullPolicy, quietScenario } from './helpers/model-harness.js';

const GP_MS = 5;
const GP_US = GP_MS * 1000;
const fixedGp = { medianMs: GP_MS, p99Ms: GP_MS, stallProbability: 0, stallMinMs: 200, stallMaxMs: 2_000 };

describe('GracePeriods with a deterministic length', () => {
  it('lasts exactly median = p99', () => {
    const scheduler = new Scheduler();
    const gp = new GracePeriods(scheduler, new RandomStreams(1).stream('gp'), fixedGp);
    const ends: number[] = [];
    gp.request((end) => ends.push(end));
    scheduler.run(1e9);
    expect(ends).toEqual([GP_US]);
    expect(gp.completed).toBe(1);
    expect(gp.inProgress).toBe(false);
  });

  it('serves a request made during a GP with the next full one; requests in one GP share it', () => {
    const scheduler = new Scheduler();
    const gp = new GracePeriods(scheduler, new RandomStreams(1).stream('gp'), fixedGp);
    const done: Record<string, number> = {};
    const ask = (label: string, at: number) => scheduler.at(at, 4, () => gp.request((end) => (done[label] = end - at)));
    ask('idle', 0); // starts GP 1: [0, 5000]
    ask('early', 1_000); // waits for GP 2: [5000, 10000]
    ask('late', 4_900); // also GP 2
    ask('atEnd', 5_000); // GP 1 ended first (GP events run before calls): GP 2 is running, so GP 3
    ask('afterIdle', 30_000); // nothing running: one GP
    scheduler.run(1e9);
    expect(done).toEqual({ idle: GP_US, early: 2 * GP_US - 1_000, late: 2 * GP_US - 4_900, atEnd: 2 * GP_US, afterIdle: GP_US });
    expect(gp.completed).toBe(4);
  });

  it('cookies: snapshot() names the GP a request needs, hasCompleted() tells when it passed', () => {
    const scheduler = new Scheduler();
    const gp = new GracePeriods(scheduler, new RandomStreams(1).stream('gp'), fixedGp);
    expect(gp.snapshot()).toBe(1);
    gp.request(() => {});
    expect(gp.snapshot()).toBe(2); // GP 1 running: something queued now needs GP 2
    expect(gp.hasCompleted(1)).toBe(false);
    scheduler.run(GP_US);
    expect(gp.hasCompleted(1)).toBe(true);
    expect(gp.hasCompleted(2)).toBe(false);
    expect(gp.inProgress).toBe(false); // nobody waits for GP 2, so none starts
  });
});

describe('headless kvfree_rcu() that falls back to synchronize_rcu()', () => {
  it('blocks for the rest of the current GP plus one full GP', () => {
    const scenario = deterministicTiming(constantRate(quietScenario(), 2_000, 100), { gpMs: GP_MS });
    scenario.workload.headlessShare = 1;
    const simulation = newSimulation(scenario, nullPolicy);
    const fastPathUs = scenario.timing.callFastPathNs / 1000;

    // Record when each GP ran and what latency each blocked call saw.
    const gp = simulation.gracePeriods as unknown as { start(): void; end(): void };
    // `chained`: started by the end of the previous GP (waiters queued), not by a new request.
    const gps: Array<{ start: number; end: number; chained: boolean }> = [];
    const start = gp.start.bind(gp);
    const end = gp.end.bind(gp);
    let ending = false;
    gp.start = () => {
      gps.push({ start: simulation.scheduler.now, end: Infinity, chained: ending });
      start();
    };
    gp.end = () => {
      gps[gps.length - 1].end = simulation.scheduler.now;
      ending = true;
      end();
      ending = false;
    };
    const blocked: Array<{ callTime: number; latency: number }> = [];
    const histogram = simulation.kvfree.latency;
    const add = histogram.add.bind(histogram);
    histogram.add = (value: number, count = 1) => {
      // The null policy costs nothing, so a blocked call's latency is fast path + the wait.
      if (value > fastPathUs + 1e-9) blocked.push({ callTime: simulation.scheduler.now - (value - fastPathUs), latency: value - fastPathUs });
      add(value, count);
    };

    const { metrics } = simulation.run();
    expect(metrics.failures.syncInline).toBe(metrics.calls);
    expect(blocked.length).toBe(metrics.calls);
    expect(metrics.calls).toBeGreaterThan(100);

    let duringGp = 0;
    let whileIdle = 0;
    for (const { callTime, latency } of blocked) {
      // The GP running when the call asked: one that started before it, or at the same instant
      // from the previous GP's end; a GP this very call started is not "running" for it.
      const running = gps.find((period) => (period.chained ? period.start <= callTime + 1e-6 : period.start < callTime - 1e-6) && callTime + 1e-6 < period.end);
      if (running) {
        duringGp++;
        expect(running.end - running.start).toBe(GP_US);
        expect(latency).toBeCloseTo(running.end - callTime + GP_US, 6);
      } else {
        whileIdle++;
        expect(latency).toBeCloseTo(GP_US, 6);
      }
      expect(latency).toBeGreaterThanOrEqual(GP_US - 1e-6);
      expect(latency).toBeLessThanOrEqual(2 * GP_US + 1e-6);
    }
    // Calls every 0.5 ms on average: most land inside a running GP, a few find none.
    expect(duringGp).toBeGreaterThan(whileIdle);
    expect(whileIdle).toBeGreaterThan(0);
    // The mean wait from a random instant is about 1.5 GPs.
    expect(metrics.latencyUs.mean).toBeGreaterThan(1.3 * GP_US);
    expect(metrics.latencyUs.mean).toBeLessThan(1.7 * GP_US);
    expect(metrics.latencyUs.max).toBeLessThanOrEqual(2 * GP_US + fastPathUs + 1e-6);
  });
});
