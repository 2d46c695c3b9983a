// The invariants of src/model/invariants.ts: a healthy run passes them at every event, and each
// one stops a deliberately broken model with its own message, the time and the numbers. Each
// breakage below is chosen so that only the check under test can see it (the others still
// balance), and each test asserts that check's message — remove the check and the test fails.
import { describe, it, expect } from 'vitest';
import { Priority } from '../src/engine/scheduler.js';
import { InvariantError, VISITS_PER_EVENT, checkInvariants } from '../src/model/invariants.js';
import type { Simulation } from '../src/model/simulation.js';
import type { Kernel, Page, PolicyModule, Reserve } from '../src/policy/api.js';
import type { Scenario } from '../src/scenario/types.js';
import { defaultParams, newSimulation, nowaitPolicy, nullPolicy, quietScenario, simulate, thrown, upstream } from './helpers/model-harness.js';

const BREAK_AT_MS = 60;

function scenario(): Scenario {
  const s = quietScenario();
  s.durationMs = 120;
  s.machine.cpus = 2;
  s.workload.activeCpus = 2;
  s.workload.headlessShare = 0.2;
  s.workload.phases = [{ kind: 'constant', durationMs: 120, callsPerSecPerCpu: 30_000 }];
  s.others.backgroundAllocsPerSecPerCpu = 10_000;
  s.others.tickMs = 1;
  return s;
}

/** upstream, with a handle on the reserves it creates. */
function upstreamWithReserves(): { policy: PolicyModule; reserves: Reserve[] } {
  const reserves: Reserve[] = [];
  const policy: PolicyModule = {
    ...upstream,
    create(kernel: Kernel, params) {
      const spy: Kernel = {
        ...kernel,
        reserve: (name, options) => {
          const reserve = kernel.reserve(name, options);
          reserves.push(reserve);
          return reserve;
        },
      };
      return upstream.create(spy, params);
    },
  };
  return { policy, reserves };
}

/** The page arrays inside a reserve (the model's own structure, broken on purpose below). */
function partsOf(reserve: Reserve): Page[][] {
  return (reserve as unknown as { parts: Page[][] }).parts;
}

/** Internals of the kvfree_rcu model, for breaking it. */
interface CpuInternals {
  current: { page: Page; objects: number } | null;
  queued: Array<{ page: Page; objects: number }>;
}
function cpusOf(simulation: Simulation): CpuInternals[] {
  return (simulation.kvfree as unknown as { cpus: CpuInternals[] }).cpus;
}

/** Runs with invariant checks on, breaking the model once at BREAK_AT_MS; returns the error. */
function breakAndRun(brk: (simulation: Simulation) => void, policy: PolicyModule = upstream): InvariantError {
  const simulation = newSimulation(scenario(), policy, { checkInvariants: true }, policy === upstream ? defaultParams(upstream) : undefined);
  simulation.scheduler.at(BREAK_AT_MS * 1000, Priority.memory, () => brk(simulation));
  const error = thrown(() => simulation.run());
  expect(error).toBeInstanceOf(InvariantError);
  // It stops right at the broken event, and says when.
  expect(simulation.scheduler.now).toBe(BREAK_AT_MS * 1000);
  expect(error.message).toContain(`at ${BREAK_AT_MS.toFixed(3)} ms`);
  return error as InvariantError;
}

describe('a healthy model', () => {
  it.each([
    ['upstream', upstream],
    ['null', nullPolicy],
    ['nowait', nowaitPolicy],
  ] as const)('passes every invariant after every event (%s)', (_name, policy) => {
    const { simulation, result } = simulate(scenario(), policy, { checkInvariants: true });
    expect(result.metrics.calls).toBeGreaterThan(1_000);
    expect(result.eventsRun).toBeGreaterThan(200);
    expect(() => checkInvariants(simulation)).not.toThrow();
  });

  it('passes them under memory pressure too (reclaim, drains, OOM kills, shrinker)', () => {
    const s = scenario();
    // ≈ 2,000 free pages at start, MIN ≈ 1,950: other users' churn drives reclaim and drains.
    s.others.anonInitialPages = 950_000 - 300_000 - 2_000;
    s.others.anonSteps = [{ atMs: 20, targetPages: 950_000 - 300_000 + 3_000, rampMs: 50 }];
    s.others.backgroundAllocsPerSecPerCpu = 50_000;
    s.events = [{ atMs: 30, kind: 'drainAllPages' }];
    const { result } = simulate(s, upstream, { checkInvariants: true });
    expect(result.metrics.harm.kswapdWakeups + result.metrics.harm.oomKills).toBeGreaterThan(0);
  });
});

describe('each invariant catches a broken model', () => {
  it('pages conserved: a page lost from freePages', () => {
    const error = breakAndRun((simulation) => simulation.allocator.freePages--);
    expect(error.message).toMatch(/^pages not conserved at 60\.000 ms \(event \d+\): managed 950000 ≠ free \d+ \+ PCP \d+ \+ other users \d+ \+ policy \d+ \(= 949999\)$/);
  });

  it('pages conserved: a page that appears on a PCP list from nowhere', () => {
    const error = breakAndRun((simulation) => simulation.allocator.pcp[1]++);
    expect(error.message).toMatch(/^pages not conserved .*\(= 950001\)$/);
  });

  it('free pages never negative: a refill that overdraws buddy (pages still conserved)', () => {
    const error = breakAndRun(({ allocator }) => {
      allocator.pcp[0] += allocator.freePages + 5;
      allocator.freePages = -5;
    });
    expect(error.message).toMatch(/^negative free pages at 60\.000 ms \(event \d+\): -5$/);
  });

  it('PCP counts never negative: a lockless grab from an empty list (pages still conserved)', () => {
    const error = breakAndRun(({ allocator }) => {
      allocator.freePages += allocator.pcp[1] + 3;
      allocator.pcp[1] = -3;
    });
    expect(error.message).toMatch(/^negative PCP count on cpu 1 at 60\.000 ms \(event \d+\): -3$/);
  });

  it('reserve pages: a reserve that holds a page twice', () => {
    const { policy, reserves } = upstreamWithReserves();
    const error = breakAndRun(() => {
      const part = partsOf(reserves[0]).find((pages) => pages.length > 0)!;
      part.push(part[0]);
    }, policy);
    expect(error.message).toMatch(/^reserve pages at 60\.000 ms \(event \d+\): ledger says (\d+), reserves hold (\d+), reserve level \1$/);
  });

  it('reserve pages: a reserve that loses a page (its level follows, the ledger does not)', () => {
    const { policy, reserves } = upstreamWithReserves();
    const error = breakAndRun((simulation) => {
      partsOf(reserves[0]).find((pages) => pages.length > 0)!.pop();
      simulation.host.reserveLevel.add(simulation.scheduler.now, -1);
    }, policy);
    const match = /^reserve pages at 60\.000 ms \(event \d+\): ledger says (\d+), reserves hold (\d+), reserve level (\d+)$/.exec(error.message);
    expect(match).not.toBeNull();
    const [, ledger, held, level] = match!.map(Number);
    expect(held).toBe(level);
    expect(ledger).toBe(held + 1);
  });

  it('reserve pages: a reserve level that drifts from what the reserves hold', () => {
    const error = breakAndRun((simulation) => simulation.host.reserveLevel.add(simulation.scheduler.now, 1));
    expect(error.message).toMatch(/^reserve pages .*: ledger says (\d+), reserves hold \1, reserve level \d+$/);
  });

  it('no page in two places: a page duplicated over another in a reserve (all counts still agree)', () => {
    const { policy, reserves } = upstreamWithReserves();
    const error = breakAndRun(() => {
      const part = partsOf(reserves[0]).find((pages) => pages.length >= 2)!;
      part[1] = part[0];
    }, policy);
    expect(error.message).toMatch(/^page \d+ is in two places at 60\.000 ms \(event \d+\): in reserve "page cache" and in reserve "page cache"$/);
  });

  it('no page in two places: an in-flight pointer page that is also in a reserve', () => {
    const { policy, reserves } = upstreamWithReserves();
    const error = breakAndRun((simulation) => {
      const part = partsOf(reserves[0]).find((pages) => pages.length > 0)!;
      const inflight = cpusOf(simulation).find((cpu) => cpu.current)!.current!;
      part[0] = inflight.page; // the reserved page it replaces is lost; counts stay equal
    }, policy);
    expect(error.message).toMatch(/^page \d+ is in two places .*: in reserve "page cache" and in flight on cpu \d$/);
  });

  it('ledger agrees with where a page is: a reserve holding a page already given back', () => {
    const { policy, reserves } = upstreamWithReserves();
    const error = breakAndRun((simulation) => {
      // A page the allocator has back (minted, then freed) ...
      const kernel = simulation.host.kernel;
      const page = kernel.alloc(0, 'NOWAIT')!;
      kernel.free(0, page);
      // ... shows up in a reserve in place of a reserved page: counts agree, no duplicate.
      partsOf(reserves[0]).find((pages) => pages.length > 0)![0] = page;
    }, policy);
    expect(error.message).toMatch(/^page \d+ is in reserve "page cache" at 60\.000 ms \(event \d+\), but the ledger has it given back to the allocator$/);
  });

  it('pointer pages: an in-flight tracker that drifts', () => {
    const error = breakAndRun((simulation) => simulation.kvfree.inflight.add(simulation.scheduler.now, -1));
    expect(error.message).toMatch(/^pointer pages at 60\.000 ms \(event \d+\): ledger says (\d+) in flight, tracker \d+, queues hold \1$/);
  });

  it('pointer pages: a pointer page lost from its CPU, tracker updated, but never given back', () => {
    const error = breakAndRun((simulation) => {
      const cpu = cpusOf(simulation).find((state) => state.current)!;
      cpu.current = null;
      simulation.kvfree.inflight.add(simulation.scheduler.now, -1);
    });
    const match = /^pointer pages at 60\.000 ms \(event \d+\): ledger says (\d+) in flight, tracker (\d+), queues hold (\d+)$/.exec(error.message);
    expect(match).not.toBeNull();
    const [, ledger, tracker, queues] = match!.map(Number);
    expect(tracker).toBe(queues);
    expect(ledger).toBe(queues + 1);
  });

  it('objects: an object dropped from a pointer page', () => {
    const error = breakAndRun((simulation) => {
      cpusOf(simulation).find((state) => state.current)!.current!.objects--;
    });
    expect(error.message).toMatch(/^objects at 60\.000 ms \(event \d+\): \d+ calls - \d+ freed = (\d+), but queues hold (\d+)$/);
    const [, outstanding, held] = /= (\d+), but queues hold (\d+)/.exec(error.message)!;
    expect(Number(held)).toBe(Number(outstanding) - 1);
  });

  it('objects: an object counted as freed twice', () => {
    const error = breakAndRun((simulation) => simulation.kvfree.counters.objectsFreed++);
    expect(error.message).toMatch(/^objects .*: \d+ calls - \d+ freed = (\d+), but queues hold (\d+)$/);
  });
});

describe('the page walk with many pages tracked', () => {
  /** upstream with a 4,000-page page cache: far more pages than one event's share of the walk. */
  function bigCache(): { simulation: Simulation; reserves: Reserve[] } {
    const { policy, reserves } = upstreamWithReserves();
    const params = { ...defaultParams(upstream), cachePages: 2_000 };
    const s = scenario();
    s.durationMs = 3_000;
    s.workload.phases = [{ kind: 'constant', durationMs: 3_000, callsPerSecPerCpu: 30_000 }];
    return { simulation: newSimulation(s, policy, { checkInvariants: true }, params), reserves };
  }

  it('runs once the events since the last walk could pay for it, not after every event', () => {
    const { simulation } = bigCache();
    let walks = 0;
    const walkReserves = simulation.host.forEachReservedPage.bind(simulation.host);
    simulation.host.forEachReservedPage = (visit) => {
      walks++;
      walkReserves(visit);
    };
    const result = simulation.run();
    expect(result.metrics.reserve.avgPages).toBeGreaterThan(3_000);
    // About one walk per 4,000 / VISITS_PER_EVENT events once the cache is full, more often while
    // it fills, and one at the end.
    const eventsPerWalk = 4_000 / VISITS_PER_EVENT;
    expect(result.eventsRun).toBeGreaterThan(5 * eventsPerWalk);
    expect(walks).toBeGreaterThan(result.eventsRun / (2 * eventsPerWalk));
    expect(walks).toBeLessThan((2 * result.eventsRun) / eventsPerWalk + Math.log2(4_000) + 2);
  });

  it('still names a page in two places, within the events that pay for one walk', () => {
    const { simulation, reserves } = bigCache();
    let brokenAtEvent = -1;
    simulation.scheduler.at(BREAK_AT_MS * 1000, Priority.memory, () => {
      const part = partsOf(reserves[0]).find((pages) => pages.length >= 2)!;
      part[1] = part[0];
      brokenAtEvent = simulation.scheduler.eventsRun;
    });
    const error = thrown(() => simulation.run());
    expect(error.message).toMatch(/^page \d+ is in two places at [\d.]+ ms \(event \d+\): in reserve "page cache" and in reserve "page cache"$/);
    const caughtAtEvent = Number(/\(event (\d+)\)/.exec(error.message)![1]);
    expect(caughtAtEvent).toBeGreaterThanOrEqual(brokenAtEvent);
    expect(caughtAtEvent - brokenAtEvent).toBeLessThanOrEqual(Math.ceil(4_000 / VISITS_PER_EVENT) + 1);
  });
});
