// Speed issue, point 1, for the policies whose null rests on memory: a failed GFP_NOWAIT
// (inline-nowait) or lockless PCP grab (lockless-pcp) is reused while memory still justifies it
// (src/model/memory-key.ts), and the calls it covers are counted in bulk up to the first call of
// a caller kind it was not given for, until free pages or the PCP list grow. The result stays the
// bytes of asking needPage on every call; the run visits about as many events as a policy that
// never falls back.
import { describe, expect, it } from 'vitest';
import inlineNowait from '../policies/inline-nowait.js';
import locklessPcp from '../policies/lockless-pcp.js';
import mempool from '../policies/mempool.js';
import { MemoryKey } from '../src/model/memory-key.js';
import { Simulation } from '../src/model/simulation.js';
import type { PolicyModule } from '../src/policy/api.js';
import { resolveScenario } from '../src/scenario/load.js';
import { allocatorFor, defaultParams } from './helpers/model-harness.js';

describe('a memory key', () => {
  it('holds while free pages stay at or under the floor and kswapd stays awake, and not after', () => {
    const { allocator } = allocatorFor();
    const key = new MemoryKey();
    key.noteFloor(allocator.minPages, true);
    allocator.freePages = allocator.minPages;
    allocator.kswapdAwake = true;
    expect(key.holds(allocator)).toBe(true);
    allocator.freePages = allocator.minPages + 1;
    expect(key.holds(allocator)).toBe(false);
    allocator.freePages = allocator.minPages - 10;
    allocator.kswapdAwake = false;
    // An identical call would wake kswapd again: not the same answer.
    expect(key.holds(allocator)).toBe(false);
    allocator.pageCachePages = 0;
    expect(key.holds(allocator)).toBe(true);
  });

  it('holds while the CPU\'s PCP list stays empty, and only for one CPU', () => {
    const { allocator } = allocatorFor();
    const key = new MemoryKey();
    key.noteEmptyPcp(0);
    allocator.pcp[0] = 0;
    allocator.pcp[1] = 7;
    expect(key.holds(allocator)).toBe(true);
    allocator.pcp[0] = 1;
    expect(key.holds(allocator)).toBe(false);
    const twoCpus = new MemoryKey();
    twoCpus.noteEmptyPcp(0);
    twoCpus.noteEmptyPcp(1);
    allocator.pcp[0] = 0;
    allocator.pcp[1] = 0;
    expect(twoCpus.holds(allocator)).toBe(false);
  });

  it('merges to the stricter conditions, and a look it cannot test makes it unusable', () => {
    const { allocator } = allocatorFor();
    const nowait = new MemoryKey();
    nowait.noteFloor(allocator.minPages, true);
    const atomic = new MemoryKey();
    atomic.noteFloor(allocator.atomicFloorPages, true);
    const merged = nowait.copy();
    merged.mergeFrom(atomic);
    allocator.kswapdAwake = true;
    allocator.freePages = allocator.atomicFloorPages + 1;
    expect(nowait.holds(allocator)).toBe(true);
    expect(merged.holds(allocator)).toBe(false);
    merged.markUnusable();
    allocator.freePages = 0;
    expect(merged.holds(allocator)).toBe(false);
  });
});

describe('nulls that rest on memory, counted in bulk', () => {
  const run = (policy: PolicyModule, bulk: boolean) => {
    // The whole window: its bursts run free memory under MIN.
    const scenario = resolveScenario('default', []);
    return new Simulation(scenario, policy, defaultParams(policy), { seed: 3, timelinePoints: 30, answerAhead: bulk, rememberAnswers: bulk }).run();
  };
  const json = (result: ReturnType<typeof run>) => JSON.stringify({ metrics: result.metrics, timeline: result.timeline, simulatedMs: result.simulatedMs });

  it.each([inlineNowait, locklessPcp].map((policy) => [policy.name, policy] as const))('%s: the same bytes as asking on every call, in about the events of a policy that never falls back', (_name, policy) => {
    const bulk = run(policy, true);
    const everyCall = run(policy, false);
    expect(json(bulk)).toBe(json(everyCall));
    // Thousands of fallbacks under MIN in the bursts; few of them are an event of their own.
    const fallbacks = bulk.metrics.failures.count;
    expect(fallbacks).toBeGreaterThan(10_000);
    expect(everyCall.eventsRun - bulk.eventsRun).toBeGreaterThan(fallbacks / 2);
    expect(bulk.eventsRun).toBeLessThan(1.25 * run(mempool, true).eventsRun);
  });
}, 120_000);
