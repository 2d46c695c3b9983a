// Claim 7 through its mechanism (issue 9 point 8): Gorman's "common pool for emergency use" is
// mempool with pool=shared. Another subsystem empties it (the raid takes the pages out of the
// pool and holds them), and kvfree_rcu() falls back while the pool is empty: the same calls find
// a page with the pool untouched, or with per-CPU pools nobody else can reach.
import { describe, expect, it } from 'vitest';
import mempool from '../policies/mempool.js';
import { Simulation } from '../src/model/simulation.js';
import { resolveScenario } from '../src/scenario/load.js';
import { defaultParams } from './helpers/model-harness.js';

const SLOW = 120_000;

function run(pool: 'shared' | 'perCpu', sets: string[] = []) {
  const scenario = resolveScenario('pool-abuse', sets);
  const params = { ...defaultParams(mempool), pool, reservePages: pool === 'shared' ? 200 : 25 };
  const simulation = new Simulation(scenario, mempool, params, { seed: 1, timelinePoints: 2_000 });
  return { scenario, simulation, result: simulation.run() };
}

describe('claim 7 (pool-abuse) through its mechanism: a raided common emergency pool', () => {
  it('the raid empties the shared pool, and the fallbacks come while it is empty', () => {
    const { scenario, result } = run('shared');
    const raids = scenario.events.flatMap((event) => (event.kind === 'stealSharedReserve' ? [event] : []));
    expect(raids.length).toBeGreaterThan(0);
    const sampleAfter = (ms: number) => result.timeline.find((sample) => sample.timeMs > ms)!;
    // Emptied (of its 200 pages): within the next 5 ms sample it holds at most a few pointer pages come back.
    for (const raid of raids) expect(sampleAfter(raid.atMs).reservePages, `raid at ${raid.atMs} ms`).toBeLessThanOrEqual(10);
    let failuresWithPoolEmpty = 0;
    let failuresWithPoolFilled = 0;
    for (let index = 1; index < result.timeline.length; index++) {
      const sample = result.timeline[index];
      if (result.timeline[index - 1].reservePages <= 10 || sample.reservePages <= 10) failuresWithPoolEmpty += sample.failures;
      else failuresWithPoolFilled += sample.failures;
    }
    expect(result.metrics.failures.count).toBeGreaterThan(0);
    expect(failuresWithPoolEmpty).toBeGreaterThan(10 * failuresWithPoolFilled);
  }, SLOW);

  it('the raid is what hurts: unraided, or split into per-CPU pools nobody else can reach, the same calls do not fall back', () => {
    const raided = run('shared').result.metrics.failures.count;
    const unraided = run('shared', ['events=[]']).result.metrics.failures.count;
    const perCpu = run('perCpu').result.metrics.failures.count;
    expect(raided).toBeGreaterThan(10 * unraided);
    expect(raided).toBeGreaterThan(10 * perCpu);
  }, SLOW);
});
