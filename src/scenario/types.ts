// A fully resolved scenario: every number explicit, units in every name.
// Scenario files may omit fields (defaults fill them in, see defaults.ts); the model only ever
// sees this resolved shape. Times: ms in scenarios, converted to µs inside the model.

/** One phase of a per-CPU kvfree_rcu() call rate. Phases run back to back. */
export type RatePhase =
  | { kind: 'constant'; durationMs: number; callsPerSecPerCpu: number }
  | { kind: 'ramp'; durationMs: number; fromCallsPerSecPerCpu: number; toCallsPerSecPerCpu: number }
  | {
      kind: 'burst';
      durationMs: number;
      baseCallsPerSecPerCpu: number;
      burstCallsPerSecPerCpu: number;
      burstMs: number;
      periodMs: number;
    };

export interface LatencySpec {
  medianUs: number;
  p99Us: number;
  maxUs: number;
}

export interface MachineSpec {
  preset: 'phone' | 'embedded' | 'server' | 'custom';
  cpus: number;
  /** Pages the buddy allocator manages (one zone). */
  managedPages: number;
  /** min_free_kbytes; computed from managed memory as sqrt(16 × KiB) clamped to [128, 262144] when omitted in a file. */
  minFreeKbytes: number;
  watermarkScaleFactor: number;
  pcpBatch: number;
  pcpHigh: number;
}

export interface KernelSpec {
  preemptRt: boolean;
  /** CONFIG_PREEMPT_COUNT (PREEMPT, PREEMPT_DYNAMIC and PREEMPT_RT select it): preemptible() is known. */
  preemptCount: boolean;
  hz: number;
  /** Pointers per pointer page: 510 up to v6.1, 507 from v6.3. */
  ptrsPerPage: number;
  /** KFREE_DRAIN_JIFFIES as time: 20 ms up to v5.19, 5000 ms since v6.0. */
  drainDelayMs: number;
  /** v6.0+: re-arm the monitor after 1 jiffy once a page worth of pointers is queued. */
  floodRearm: boolean;
  /** v6.3+: each page records the GP state at its last insertion; the monitor frees pages whose GP already passed. */
  perPageGpSnapshots: boolean;
  /**
   * Without per-page snapshots (before v6.3): from a batch's grace period to its queue_rcu_work()
   * callback being invoked, which then queues the free work (rcuo kthreads on NOCB CPUs).
   */
  batchCallbackDelayMs: number;
}

export interface WorkloadSpec {
  /** CPUs that make kvfree_rcu() calls (the first N). */
  activeCpus: number;
  phases: RatePhase[];
  /** Share of calls that are headless kvfree_rcu_mightsleep(ptr). */
  headlessShare: number;
  /** Context of two-argument calls (headless calls are always sleepable). Shares sum to 1. */
  context: { sleepable: number; atomic: number; atomicRaw: number };
  /** What "atomic" two-argument callers are doing. Shares sum to 1. */
  atomicKinds: { preemptOff: number; irqsOff: number; softirq: number; hardirq: number };
  /** Share of calls made while the caller already holds an allocator (zone/PCP) lock. */
  allocatorLockShare: number;
  /** Size of one object handed to kvfree_rcu() (its slab size class), for the footprint. */
  objectBytes: number;
  /**
   * open: calls arrive at the phases' rate whatever happens to them (many tasks per CPU);
   * closed: threadsPerCpu threads call back to back (think time + fast path per call), issue
   * nothing while blocked, and lose the CPU time the reclaim work takes (phases are ignored).
   */
  callers: { mode: 'open' | 'closed'; threadsPerCpu: number; thinkNs: number; callsPerThread: number };
}

export interface AnonStep {
  atMs: number;
  targetPages: number;
  rampMs: number;
}

export interface OthersSpec {
  /** Per-CPU background order-0 allocations (slab, skbs, ...) through the PCP lists. */
  backgroundAllocsPerSecPerCpu: number;
  backgroundLifetimeMs: number;
  /** Share of background allocations that are GFP_ATOMIC; the rest are GFP_KERNEL. */
  backgroundAtomicShare: number;
  /** Anonymous memory other users hold at start, then steps towards each target. */
  anonInitialPages: number;
  anonSteps: AnonStep[];
  /** Reclaimable page cache at start (kswapd and direct reclaim take from it). */
  pageCachePages: number;
  /** How often other users act (allocations, frees, anon moves). */
  tickMs: number;
}

export interface TimingSpec {
  gp: { medianMs: number; p99Ms: number; stallProbability: number; stallMinMs: number; stallMaxMs: number };
  workqueues: { highpri: LatencySpec; normal: LatencySpec; reclaim: LatencySpec };
  hrtimerUs: number;
  kswapd: {
    wakeUs: number;
    reclaimPagesPerSec: number;
    /** Below this many free pages kswapd has no pages to work with and slows down. */
    starvedBelowPages: number;
    starvedSlowdown: number;
    /** Pages a reclaimer (kswapd chunk or direct-reclaim round) holds while it works (PF_MEMALLOC). */
    workingPagesPerRound: number;
  };
  allocCost: { pcpHitUs: number; refillUs: number; directReclaimMedianMs: number; directReclaimP99Ms: number; directReclaimMaxMs: number };
  /** Pages one direct-reclaim round frees (SWAP_CLUSTER_MAX = 32). */
  directReclaimPages: number;
  /** Retries of a plain GFP_KERNEL allocation without progress before the OOM killer. */
  kernelRetries: number;
  callFastPathNs: number;
  freeCostNs: { bulkPerObject: number; rcuHeadPerObject: number };
}

export interface LoadChange {
  /** Replaces the workqueue wake-up latencies and GP durations from this time on. */
  workqueues?: TimingSpec['workqueues'];
  gp?: TimingSpec['gp'];
}

export type TimedEvent =
  | { atMs: number; kind: 'drainAllPages' }
  | { atMs: number; kind: 'load'; change: LoadChange }
  /** Another subsystem takes pages from every shared reserve of the policy and keeps them for holdMs. */
  | { atMs: number; kind: 'stealSharedReserve'; pages: number; holdMs: number };

export interface KillerSpec {
  /** Pages an OOM kill frees (taken from other users' anonymous memory). */
  oomVictimPages: number;
  /** From an OOM kill until the victim's memory is free; no second victim is chosen meanwhile. */
  oomExitMs: number;
  /** User-space low-memory killer (Android lmkd-like); off when thresholdPages is 0. */
  lmkThresholdPages: number;
  lmkDelayMs: number;
  lmkVictimPages: number;
}

export interface Scenario {
  name: string;
  description: string;
  /** Which claim of docs/model.md §6 the preset is built to show, if any. */
  claim: string;
  /** Arrivals stop after this long; the run then drains until the queues are empty. */
  durationMs: number;
  machine: MachineSpec;
  kernel: KernelSpec;
  workload: WorkloadSpec;
  others: OthersSpec;
  timing: TimingSpec;
  killers: KillerSpec;
  events: TimedEvent[];
}
