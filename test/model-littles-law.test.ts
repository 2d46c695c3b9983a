// Little's law for pointer pages: with no memory pressure and a steady call rate, the average
// number of pages in flight equals (pages started per unit time) × (average page lifetime).
import { describe, it, expect } from 'vitest';
import { Priority } from '../src/engine/scheduler.js';
import { constantRate, deterministicTiming, newSimulation, nowaitPolicy, quietScenario, upstream } from './helpers/model-harness.js';
import type { PolicyModule } from '../src/policy/api.js';

/*
 * The prediction, from the scenario numbers alone. One CPU, rate R calls/µs, P pointers per
 * page, jiffy j, every wake-up w (normal workqueue), every GP exactly g, bulk free cost c µs
 * per object; the drain delay (5 s) never fires because the 1-jiffy flood re-arm always does.
 *
 * One cycle of the pipeline:
 *  - page A starts with a call and fills: its P-th pointer is followed by a call that finds it
 *    full after P/R on average. That call starts page B and, with a page worth queued, re-arms
 *    the monitor to 1 jiffy.
 *  - the monitor runs j + w later and moves everything into a batch slot: the full page A AND
 *    the page B being filled (which holds about R·(j + w) pointers) — as kfree_rcu_monitor()
 *    moves the whole bulk list. It asks for a GP, which is idle (g < cycle) so it takes g.
 *  - after the GP the worker wakes (w), frees P + R·(j + w) objects (c each), and only then
 *    are both pages emptied.
 *  - the next call after the monitor (about 1/R later) starts the next cycle's page A.
 *
 * So per cycle of length T = P/R + j + w + 1/R, two pages are started, and they live
 *     A: P/R + j + w + g + w + work      B: j + w + g + w + work
 * with work = (P + R·(j + w))·c. Little's law: average pages in flight
 *     L = (lifetime A + lifetime B) / T.
 * Arrivals are random (a Poisson process), so P/R is only the mean fill time; averaged over
 * ~70 cycles the result should be well within 5 %. The average is measured over a window that
 * skips the first and last cycles, where the pipeline fills and drains.
 */
function predictedInflight(scenario: ReturnType<typeof quietScenario>): number {
  const R = scenario.workload.phases[0].kind === 'constant' ? scenario.workload.phases[0].callsPerSecPerCpu / 1e6 : NaN;
  const P = scenario.kernel.ptrsPerPage;
  const j = 1e6 / scenario.kernel.hz;
  const w = scenario.timing.workqueues.normal.medianUs;
  const g = scenario.timing.gp.medianMs * 1000;
  const c = scenario.timing.freeCostNs.bulkPerObject / 1000;
  const work = (P + R * (j + w)) * c;
  const lifetimeA = P / R + j + w + g + w + work;
  const lifetimeB = j + w + g + w + work;
  const cycle = P / R + j + w + 1 / R;
  return (lifetimeA + lifetimeB) / cycle;
}

function steadyScenario() {
  const scenario = deterministicTiming(constantRate(quietScenario(), 50_000, 800), { gpMs: 5, wakeUs: 50 });
  scenario.kernel.hz = 1000;
  scenario.kernel.drainDelayMs = 5_000;
  scenario.kernel.floodRearm = true;
  scenario.workload.headlessShare = 0;
  return scenario;
}

/** Time-average of pages in flight over [fromMs, toMs], read from the model's own tracker. */
function measuredInflight(policy: PolicyModule, seed: number, fromMs: number, toMs: number) {
  const scenario = steadyScenario();
  const simulation = newSimulation(scenario, policy, { seed });
  const integral: number[] = [];
  for (const atMs of [fromMs, toMs]) {
    simulation.scheduler.at(atMs * 1000, Priority.sample, () => {
      const now = simulation.scheduler.now;
      integral.push(simulation.kvfree.inflight.average(now) * now);
    });
  }
  const { metrics } = simulation.run();
  return { average: (integral[1] - integral[0]) / ((toMs - fromMs) * 1000), metrics, scenario };
}

describe("Little's law for pages in flight", () => {
  it('the prediction is what the numbers say (a sanity check of the arithmetic)', () => {
    // P/R = 10.14 ms, j + w = 1.05 ms, g = 5 ms: about two pages in flight.
    expect(predictedInflight(steadyScenario())).toBeGreaterThan(1.9);
    expect(predictedInflight(steadyScenario())).toBeLessThan(2.1);
  });

  it.each([1, 2, 3])('matches rate and page lifetimes within 5 %% (seed %i)', (seed) => {
    const { average, metrics, scenario } = measuredInflight(nowaitPolicy, seed, 50, 750);
    const predicted = predictedInflight(scenario);
    expect(metrics.failures.count).toBe(0);
    expect(metrics.violations.count).toBe(0);
    expect(Math.abs(average - predicted) / predicted).toBeLessThan(0.05);
    // And the whole-run metric, which includes the pipeline filling at the start, is close too.
    expect(Math.abs(metrics.inflight.avgPages - predicted) / predicted).toBeLessThan(0.05);
  });

  it('holds for the upstream policy too (its cache does not change the page lifetimes)', () => {
    const { average, scenario } = measuredInflight(upstream, 4, 50, 750);
    const predicted = predictedInflight(scenario);
    expect(Math.abs(average - predicted) / predicted).toBeLessThan(0.05);
  });
});
