import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { RandomStreams } from '../src/engine/random.js';
import { CallSequence, RateProfile } from '../src/model/arrivals.js';
import type { Page, PolicyModule } from '../src/policy/api.js';
import type { Scenario } from '../src/scenario/types.js';
import { newSimulation, nullPolicy, nowaitPolicy, quietScenario, simulate, testPolicy, upstream } from './helpers/model-harness.js';

/** Everything random at once: two CPUs, a rate ramp and bursts, headless calls, other users, GP and wake-up noise. */
function busyScenario(): Scenario {
  const scenario = quietScenario();
  scenario.durationMs = 150;
  scenario.machine.cpus = 2;
  scenario.workload.activeCpus = 2;
  scenario.workload.headlessShare = 0.3;
  scenario.workload.phases = [
    { kind: 'ramp', durationMs: 50, fromCallsPerSecPerCpu: 5_000, toCallsPerSecPerCpu: 40_000 },
    { kind: 'burst', durationMs: 100, baseCallsPerSecPerCpu: 10_000, burstCallsPerSecPerCpu: 80_000, burstMs: 5, periodMs: 25 },
  ];
  scenario.others.backgroundAllocsPerSecPerCpu = 20_000;
  scenario.others.tickMs = 1;
  return scenario;
}

describe('same seed, same results', () => {
  it('repeats every metric and the timeline exactly', () => {
    const first = simulate(busyScenario(), upstream, { seed: 7, timelinePoints: 10 }).result;
    const second = simulate(busyScenario(), upstream, { seed: 7, timelinePoints: 10 }).result;
    expect(first.metrics.calls).toBeGreaterThan(1_000);
    expect(second.metrics).toEqual(first.metrics);
    expect(JSON.stringify(second.metrics)).toBe(JSON.stringify(first.metrics));
    expect(second.timeline).toEqual(first.timeline);
    expect(second.eventsRun).toBe(first.eventsRun);
    expect(second.simulatedMs).toBe(first.simulatedMs);
  });

  it('gives different results for a different seed', () => {
    const first = simulate(busyScenario(), upstream, { seed: 7 }).result.metrics;
    const other = simulate(busyScenario(), upstream, { seed: 8 }).result.metrics;
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(first));
    expect(other.calls).not.toBe(first.calls);
    // Not the latency: every call here costs the 50 ns fast path, whatever the seed.
    expect(other.inflight).not.toEqual(first.inflight);
  });
});

describe('no hidden randomness', () => {
  it('the engine and the model read no clock and no Math.random', () => {
    const directory = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
    const files = ['../src/engine/', '../src/model/'].flatMap((folder) =>
      readdirSync(directory(folder))
        .filter((name) => name.endsWith('.ts'))
        .map((name) => join(directory(folder), name)),
    );
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const code = readFileSync(file, 'utf8').replace(/\/\/.*$/gm, '');
      expect(code, file).not.toMatch(/Math\.random|Date\.now|performance\.now|new Date\b|process\.hrtime/);
    }
  });
});

describe('common random numbers', () => {
  it('gives every policy the same calls at the same seed', () => {
    const counts = [upstream, nullPolicy, nowaitPolicy].map((policy) => simulate(busyScenario(), policy, { seed: 3 }).result.metrics.calls);
    expect(counts[0]).toBeGreaterThan(1_000);
    expect(counts[1]).toBe(counts[0]);
    expect(counts[2]).toBe(counts[0]);
  });

  it('gives other users the same allocation requests whatever the policy leaves them', () => {
    // Tight memory: ≈ 3,300 free pages (LOW ≈ 2,900, MIN ≈ 1,950) and no page cache to reclaim.
    const tight = (): Scenario => {
      const scenario = quietScenario();
      scenario.durationMs = 60;
      scenario.workload.phases = [{ kind: 'constant', durationMs: 60, callsPerSecPerCpu: 10_000 }];
      scenario.others.pageCachePages = 0;
      scenario.others.anonInitialPages = 950_000 - 3_300;
      scenario.others.backgroundAllocsPerSecPerCpu = 40_000;
      scenario.others.backgroundLifetimeMs = 30;
      scenario.others.backgroundAtomicShare = 0.5;
      scenario.others.tickMs = 1;
      scenario.killers.oomVictimPages = 1; // kills barely help
      return scenario;
    };
    // A policy that hoards 1,500 pages at start, so other users fail where they would not otherwise.
    const hoarder = testPolicy('hoarder', (kernel) => {
      const hoard = kernel.reserve('hoard', { shared: true });
      return {
        onStart: () => {
          for (let index = 0; index < 1_500; index++) {
            const page = kernel.alloc(0, 'ATOMIC');
            if (page) hoard.put(0, page);
          }
        },
        needPage: () => null,
        pageEmptied: (cpu: number, page: Page) => kernel.free(cpu, page),
      };
    });
    const requests = (policy: PolicyModule) => {
      const simulation = newSimulation(tight(), policy, { seed: 4 });
      const log: string[] = [];
      // Each page asked for, by time and CPU: above LOW they are asked many at a time (their GFP
      // class makes no difference there and is not drawn), below it one at a time.
      const allocator = simulation.allocator;
      const alloc = allocator.alloc.bind(allocator);
      const allocAboveLow = allocator.allocAboveLow.bind(allocator);
      const asked = (cpu: number, pages: number) => {
        for (let page = 0; page < pages; page++) log.push(`${simulation.scheduler.now}:${cpu}`);
      };
      allocator.alloc = (cpu, gfp, actor) => {
        if (actor === 'others') asked(cpu, 1);
        return alloc(cpu, gfp, actor);
      };
      allocator.allocAboveLow = (cpu, actor, count) => {
        const taken = allocAboveLow(cpu, actor, count);
        if (actor === 'others') asked(cpu, taken);
        return taken;
      };
      const { metrics } = simulation.run();
      return { log, failures: metrics.harm.otherAllocFailures };
    };
    const calm = requests(nullPolicy);
    const hoarded = requests(hoarder);
    expect(hoarded.failures).toBeGreaterThan(calm.failures); // the policies did leave them different memory
    expect(calm.log.length).toBeGreaterThan(1_000);
    expect(hoarded.log).toEqual(calm.log);
  });

  it('fixes the arrival times of a CPU whatever queries were made', () => {
    const profile = new RateProfile(
      [
        { kind: 'ramp', durationMs: 40, fromCallsPerSecPerCpu: 1_000, toCallsPerSecPerCpu: 200_000 },
        { kind: 'constant', durationMs: 60, callsPerSecPerCpu: 150_000 },
      ],
      100_000,
    );
    const sequence = (seed: number) => new CallSequence(profile, new RandomStreams(seed).indexedStream('arrivals/cpu0'));

    // Reference: every call's time, asked in order and nothing else.
    const plain = sequence(5);
    const times: number[] = [];
    for (let call = 0; ; call++) {
      const time = plain.timeOf(call);
      if (time === Infinity) break;
      times.push(time);
    }
    expect(times.length).toBeGreaterThan(5_000);
    expect(times.every((time, call) => call === 0 || time >= times[call - 1])).toBe(true);

    // The same stream, queried the way the model does: counts at event times, jumps of a page.
    const busy = sequence(5);
    let processed = 0;
    let now = 0;
    let step = 0;
    while (processed < times.length) {
      step++;
      now += 37 + (step % 7) * 53; // uneven event times
      const count = busy.countBy(now, processed);
      // countBy agrees with the reference times: calls at or before now.
      let expected = processed;
      while (expected < times.length && times[expected] <= now) expected++;
      expect(count).toBe(expected);
      processed = count;
      if (step % 3 === 0 && processed + 507 < times.length) {
        expect(busy.timeOf(processed + 507)).toBe(times[processed + 507]);
      }
      if (processed < times.length) expect(busy.timeOf(processed)).toBe(times[processed]);
    }
    expect(busy.timeOf(times.length)).toBe(Infinity);

    // And another seed moves them.
    expect(sequence(6).timeOf(100)).not.toBe(times[100]);
  });

  it('agrees with itself at the exact time of a call, even tens of millions of calls in', () => {
    // At Λ ≈ 1e7 and beyond, Λ(t) and its inverse differ in the last bits; a call must still
    // count as arrived at its own time (or its page would be sealed a pointer short).
    const profile = new RateProfile([{ kind: 'constant', durationMs: 30, callsPerSecPerCpu: 1e9 }], 30_000);
    const sequence = new CallSequence(profile, new RandomStreams(1).indexedStream('arrivals/cpu0'));
    let mismatches = 0;
    let checked = 0;
    for (let call = 0; call < 2.9e7; call += 997) {
      const time = sequence.timeOf(call);
      const count = sequence.countBy(time, call);
      checked++;
      if (count < call + 1 || sequence.timeOf(count) <= time || sequence.timeOf(count - 1) > time) mismatches++;
    }
    expect(checked).toBeGreaterThan(29_000);
    expect(mismatches).toBe(0);
  });

  it('spreads arrivals as the rate says (a Poisson process with the profile rate)', () => {
    const profile = new RateProfile([{ kind: 'constant', durationMs: 1_000, callsPerSecPerCpu: 50_000 }], 1_000_000);
    const sequence = new CallSequence(profile, new RandomStreams(1).indexedStream('arrivals/cpu0'));
    const total = sequence.countBy(1_000_000, 0);
    expect(Math.abs(total - 50_000) / 50_000).toBeLessThan(0.02);
    const half = new CallSequence(profile, new RandomStreams(1).indexedStream('arrivals/cpu0')).countBy(500_000, 0);
    expect(Math.abs(half - 25_000) / 25_000).toBeLessThan(0.02);
  });
});
