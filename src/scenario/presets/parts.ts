// Building blocks shared by the presets: rate phases and the three machines with other users
// sized for them. Each preset file then states its own numbers in one place.
import { MACHINE_PRESETS } from '../machines.js';
import { baseScenario } from '../base.js';
import type { RatePhase, Scenario } from '../types.js';

export function constant(durationMs: number, callsPerSecPerCpu: number): RatePhase {
  return { kind: 'constant', durationMs, callsPerSecPerCpu };
}

export function ramp(durationMs: number, fromCallsPerSecPerCpu: number, toCallsPerSecPerCpu: number): RatePhase {
  return { kind: 'ramp', durationMs, fromCallsPerSecPerCpu, toCallsPerSecPerCpu };
}

/** Bursts of `burstMs` at the start of every `periodMs`, `base` rate in between. */
export function bursts(
  durationMs: number,
  shape: { base: number; burst: number; burstMs: number; periodMs: number },
): RatePhase {
  return {
    kind: 'burst',
    durationMs,
    baseCallsPerSecPerCpu: shape.base,
    burstCallsPerSecPerCpu: shape.burst,
    burstMs: shape.burstMs,
    periodMs: shape.periodMs,
  };
}

/** The phone of base.ts (docs/model.md §5), every CPU calling. */
export function phone(): Scenario {
  return baseScenario();
}

/**
 * The 64-CPU server. Other users act per tick on every CPU, so their cost scales with
 * CPUs × ticks: a coarser tick and a modest background rate keep runs fast.
 */
export function server(): Scenario {
  const s = baseScenario();
  return {
    ...s,
    machine: { ...MACHINE_PRESETS.server },
    // A CONFIG_PREEMPT_NONE/VOLUNTARY server kernel without PREEMPT_DYNAMIC: the 2020 thread's
    // !PREEMPT case, where preemptible() cannot be told (hence "unconditional PREEMPT_COUNT").
    kernel: { ...s.kernel, hz: 1_000, preemptCount: false },
    workload: { ...s.workload, activeCpus: 64 },
    others: {
      ...s.others,
      backgroundAllocsPerSecPerCpu: 1_000,
      // ≈ 6 M pages (23 GiB) free at the start: a server with room to spare.
      anonInitialPages: 30_000_000,
      pageCachePages: 30_000_000,
      tickMs: 5,
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 500_000, starvedBelowPages: 2_000 } },
    killers: { ...s.killers, oomVictimPages: 1_000_000 },
  };
}

/** The 512 MiB, 2-CPU board: HZ 100, reclaim to slow flash, no user-space killer. */
export function embedded(): Scenario {
  const s = baseScenario();
  return {
    ...s,
    machine: { ...MACHINE_PRESETS.embedded },
    kernel: { ...s.kernel, hz: 100 },
    workload: { ...s.workload, activeCpus: 2 },
    others: {
      ...s.others,
      backgroundAllocsPerSecPerCpu: 2_000,
      // ≈ 10,000 pages (40 MiB) free at the start.
      anonInitialPages: 70_000,
      pageCachePages: 40_000,
    },
    timing: { ...s.timing, kswapd: { ...s.timing.kswapd, reclaimPagesPerSec: 10_000, starvedBelowPages: 50 } },
    killers: { ...s.killers, oomVictimPages: 10_000, lmkThresholdPages: 0 },
  };
}
