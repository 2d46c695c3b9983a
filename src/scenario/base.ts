// The default numbers of every scenario (docs/model.md §4), and the phone machine they start from.
// Presets and files override parts of this; values marked (assumption) are our calibration.
import { MACHINE_PRESETS } from './machines.js';
import type { Scenario, TimingSpec } from './types.js';

/** Workqueue wake-up latencies on an idle system: median from docs/model.md §4, p99/max (assumption). */
export const IDLE_WORKQUEUES: TimingSpec['workqueues'] = {
  highpri: { medianUs: 30, p99Us: 500, maxUs: 20_000 },
  normal: { medianUs: 50, p99Us: 1_000, maxUs: 40_000 },
  // WQ_MEM_RECLAIM queues have a rescuer thread: same wake-up as normal, shorter tail (assumption).
  reclaim: { medianUs: 50, p99Us: 1_000, maxUs: 20_000 },
};

/** Loaded system: Android expedited-GP data (avg 2.75 ms, max 373 ms on workqueues). */
export const LOADED_WORKQUEUES: TimingSpec['workqueues'] = {
  highpri: { medianUs: 1_000, p99Us: 20_000, maxUs: 400_000 },
  normal: { medianUs: 3_000, p99Us: 50_000, maxUs: 400_000 },
  reclaim: { medianUs: 3_000, p99Us: 50_000, maxUs: 100_000 },
};

export const IDLE_GP: TimingSpec['gp'] = { medianMs: 6, p99Ms: 25, stallProbability: 1e-4, stallMinMs: 200, stallMaxMs: 2_000 };
export const LOADED_GP: TimingSpec['gp'] = { medianMs: 50, p99Ms: 120, stallProbability: 1e-4, stallMinMs: 200, stallMaxMs: 2_000 };

export type LoadLevel = 'idle' | 'loaded';

/** The GP and workqueue numbers for a load level (`timing.load` and `change.load` in files); fresh copies. */
export function loadTiming(level: LoadLevel): Pick<TimingSpec, 'gp' | 'workqueues'> {
  const idle = level === 'idle';
  return { gp: { ...(idle ? IDLE_GP : LOADED_GP) }, workqueues: structuredClone(idle ? IDLE_WORKQUEUES : LOADED_WORKQUEUES) };
}

/** The same numbers as a `load` event's change, keys in the schema's order (presets are built in it). */
export function loadChange(level: LoadLevel): { workqueues: TimingSpec['workqueues']; gp: TimingSpec['gp'] } {
  const { gp, workqueues } = loadTiming(level);
  return { workqueues, gp };
}

export function baseScenario(): Scenario {
  return {
    name: 'base',
    description: 'A phone with plenty of free memory and a steady, modest kvfree_rcu() rate.',
    claim: '',
    durationMs: 5_000,
    machine: { ...MACHINE_PRESETS.phone },
    kernel: {
      preemptRt: false,
      // Android's GKI builds CONFIG_PREEMPT=y, which selects PREEMPT_COUNT.
      preemptCount: true,
      hz: 250,
      ptrsPerPage: 507,
      drainDelayMs: 5_000,
      floodRearm: true,
      perPageGpSnapshots: true,
      batchCallbackDelayMs: 0,
    },
    workload: {
      activeCpus: 8,
      phases: [{ kind: 'constant', durationMs: 5_000, callsPerSecPerCpu: 20_000 }],
      headlessShare: 0.1,
      context: { sleepable: 0.5, atomic: 0.5, atomicRaw: 0 },
      // (assumption) most atomic callers hold a spinlock; few free from an interrupt handler.
      atomicKinds: { preemptOff: 0.5, irqsOff: 0.2, softirq: 0.25, hardirq: 0.05 },
      allocatorLockShare: 0,
      // (assumption) a small kmalloc object, as most kfree_rcu() users free.
      objectBytes: 64,
      callers: { mode: 'open', threadsPerCpu: 1, thinkNs: 0, callsPerThread: 0 },
    },
    others: {
      backgroundAllocsPerSecPerCpu: 5_000,
      backgroundLifetimeMs: 20,
      backgroundAtomicShare: 0.1,
      anonInitialPages: 600_000,
      anonSteps: [],
      pageCachePages: 300_000,
      tickMs: 1,
    },
    timing: {
      ...loadTiming('idle'),
      hrtimerUs: 5,
      kswapd: { wakeUs: 50, reclaimPagesPerSec: 200_000, starvedBelowPages: 200, starvedSlowdown: 0.1, workingPagesPerRound: 1 },
      allocCost: { pcpHitUs: 0.2, refillUs: 5, directReclaimMedianMs: 5, directReclaimP99Ms: 50, directReclaimMaxMs: 100 },
      directReclaimPages: 32,
      kernelRetries: 16,
      callFastPathNs: 50,
      freeCostNs: { bulkPerObject: 35, rcuHeadPerObject: 100 },
    },
    killers: { oomVictimPages: 50_000, oomExitMs: 20, lmkThresholdPages: 0, lmkDelayMs: 100, lmkVictimPages: 25_000 },
    events: [],
  };
}
