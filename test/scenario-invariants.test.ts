// Every preset runs clean with the invariant check on (page conservation, no page in two places,
// every kvfree_rcu() object accounted for, after every event), as `--check-invariants` does.
// The check costs a walk over every tracked page per event, so each run is a squeezed preview
// (durationMs rescales the whole timeline, events included) of a few hundred ms, or a few ms on
// the 64-CPU server, and the policies are picked so that together they cover the built-ins and the
// code paths each preset is about, without policies that fail call by call (each failure is an
// event here).
import { describe, expect, it } from 'vitest';
import growAfterEmergency from '../policies/grow-after-emergency.js';
import inlineNowait from '../policies/inline-nowait.js';
import locklessPcp from '../policies/lockless-pcp.js';
import mempool from '../policies/mempool.js';
import nolockAlloc from '../policies/nolock-alloc.js';
import refillWorker from '../policies/refill-worker.js';
import upstream from '../policies/upstream.js';
import { Priority } from '../src/engine/scheduler.js';
import { InvariantError } from '../src/model/invariants.js';
import { Simulation } from '../src/model/simulation.js';
import type { ParamValues, PolicyModule } from '../src/policy/api.js';
import { PRESET_NAMES, type PresetName } from '../src/scenario/presets.js';
import { resolveScenario } from '../src/scenario/load.js';
import { defaultParams } from './helpers/model-harness.js';

interface Case {
  preset: PresetName;
  durationMs: number;
  policy: PolicyModule;
  params?: ParamValues;
  /** What this run is there for. */
  why: string;
}

const ALL = [growAfterEmergency, inlineNowait, locklessPcp, mempool, nolockAlloc, refillWorker, upstream];

const CASES: Case[] = [
  { preset: 'default', durationMs: 300, policy: upstream, why: 'the reference policy, shrinker and all' },
  { preset: 'default', durationMs: 300, policy: mempool, why: 'a reserve under memory pressure' },
  { preset: 'steady', durationMs: 300, policy: mempool, why: 'a full reserve that is never touched' },
  { preset: 'steady', durationMs: 300, policy: growAfterEmergency, why: 'growing and shrinking a pool' },
  { preset: 'flood', durationMs: 5, policy: upstream, why: '64 CPUs, the GP stretch at half time' },
  { preset: 'pcp-drained', durationMs: 300, policy: nolockAlloc, why: 'drains, alloc_pages_nolock()' },
  { preset: 'pcp-drained', durationMs: 300, policy: upstream, why: 'drains, headless inline allocations' },
  { preset: 'pcp-monopoly', durationMs: 300, policy: upstream, why: 'heavy background traffic' },
  { preset: 'pcp-monopoly', durationMs: 300, policy: mempool, why: 'heavy background traffic with a reserve' },
  { preset: 'sched-latency', durationMs: 300, policy: refillWorker, why: 'late workers, GFP_KERNEL refills' },
  { preset: 'sched-latency', durationMs: 300, policy: upstream, why: 'late workers, shrinker backoff' },
  { preset: 'ramp', durationMs: 150, policy: locklessPcp, why: 'the lockless grab through a ramp' },
  { preset: 'ramp', durationMs: 300, policy: upstream, why: 'a ramp with load changes' },
  { preset: 'pool-abuse', durationMs: 300, policy: mempool, params: { pool: 'shared', reservePages: 200 }, why: 'raids on a shared pool' },
  { preset: 'pool-abuse', durationMs: 300, policy: upstream, why: 'raids with nothing shared to take' },
  { preset: 'rt', durationMs: 300, policy: inlineNowait, why: 'PREEMPT_RT, the allocator skipped' },
  { preset: 'rt', durationMs: 300, policy: mempool, why: 'PREEMPT_RT, raw-lock callers served from the pool' },
  ...ALL.map((policy): Case => ({ preset: 'embedded', durationMs: 300, policy, why: 'every built-in on the small board' })),
  { preset: 'rcuscale', durationMs: 5, policy: upstream, why: 'the rcuscale flood, 16 of 64 CPUs' },
];

function simulation(c: Pick<Case, 'preset' | 'durationMs' | 'policy' | 'params'>): Simulation {
  const scenario = resolveScenario(c.preset, [], c.durationMs);
  return new Simulation(scenario, c.policy, { ...defaultParams(c.policy), ...c.params }, { seed: 1, checkInvariants: true });
}

describe('presets with the invariant check on', () => {
  it('cover every preset and every built-in', () => {
    expect(new Set(CASES.map((c) => c.preset))).toEqual(new Set(PRESET_NAMES));
    expect(new Set(CASES.map((c) => c.policy.name))).toEqual(new Set(ALL.map((policy) => policy.name)));
  });

  it.each(CASES)('$preset, $durationMs ms, $policy.name ($why)', (c) => {
    const result = simulation(c).run();
    expect(result.metrics.calls).toBeGreaterThan(0);
    expect(result.simulatedMs).toBeGreaterThanOrEqual(c.durationMs);
  }, 60_000);

  it('the check is really on in these runs: one page lost on purpose stops the run', () => {
    const broken = simulation({ preset: 'steady', durationMs: 100, policy: upstream });
    broken.scheduler.at(50_000, Priority.memory, () => broken.allocator.freePages--);
    expect(() => broken.run()).toThrow(InvariantError);
    expect(() => simulation({ preset: 'steady', durationMs: 100, policy: upstream }).run()).not.toThrow();
  });
});
