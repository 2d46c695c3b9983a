// The metrics of one run, named exactly as in DESIGN.md "Metrics (contract)".

export interface Metrics {
  /** kvfree_rcu() calls simulated. */
  calls: number;
  /** Pointer pages the policy obtained from the allocator. */
  pagesAllocated: number;
  /** Pages held idle in the policy's reserves and caches. */
  reserve: { avgPages: number; peakPages: number };
  /** Pointer pages holding pointers (filling, queued, or waiting for a GP). */
  inflight: { avgPages: number; peakPages: number };
  failures: {
    /** Calls that found no page and took the emergency path. */
    count: number;
    /** count / calls. */
    rate: number;
    /** Two-argument calls chained through their rcu_head. */
    rcuHead: number;
    /** Headless calls that blocked in synchronize_rcu(). */
    syncInline: number;
  };
  violations: { count: number; sleepInAtomic: number; zoneLockUnderRawLock: number; lockRecursion: number };
  /** Caller-visible kvfree_rcu() latency. */
  latencyUs: { p50: number; p99: number; p999: number; max: number; mean: number };
  harm: {
    /** Other users' allocations that returned no page. */
    otherAllocFailures: number;
    oomKills: number;
    /** Zone-lock PCP refills other users had to do. */
    pcpRefills: number;
    /** Time with buddy free pages under MIN. */
    belowMinMs: number;
    kswapdWakeups: number;
    /** User-space low-memory-killer kills (0 when the scenario has none). */
    lmkKills: number;
  };
  /** Callers blocked in synchronize_rcu() (headless fallback) or in direct reclaim. */
  stalls: { count: number; totalMs: number; p99Ms: number; syncMs: number; reclaimMs: number };
  /** The rcu_head fallback needs no memory but frees its objects one by one: the extra free time. */
  fallbackCost: { extraFreeCpuMs: number };
  /** Latency of the calls that needed a page (got one, or took a fallback). */
  slowPathUs: { p50: number; p99: number; max: number };
  /** Time a call that needed a page spent in the policy with IRQs off or krcp->lock held. */
  irqsOffUs: { p99: number; max: number };
  /**
   * Objects waiting × workload.objectBytes + pointer pages + reserve, sampled over the run;
   * rcuscaleKiB is measured as rcuscale does: mem_begin minus its filtered samples at 25/50/75 %
   * of the calls (see footprint.ts for the PCP lists).
   */
  footprint: { avgKiB: number; peakKiB: number; rcuscaleKiB: number };
  /** Objects in a pointer page when it goes to the reclaim work. */
  pageFill: { p10: number; p50: number; p90: number };
  /** Grace periods completed (rcuscale's "batches"). */
  gp: { count: number };
  /** When the last kvfree_rcu() call came (ms): a closed-caller run's length. */
  callsEndMs: number;
}

/** Names of numeric metrics as dotted paths, in report order. */
export const METRIC_PATHS = [
  'calls',
  'pagesAllocated',
  'reserve.avgPages',
  'reserve.peakPages',
  'inflight.avgPages',
  'inflight.peakPages',
  'failures.count',
  'failures.rate',
  'failures.rcuHead',
  'failures.syncInline',
  'violations.count',
  'violations.sleepInAtomic',
  'violations.zoneLockUnderRawLock',
  'violations.lockRecursion',
  'latencyUs.p50',
  'latencyUs.p99',
  'latencyUs.p999',
  'latencyUs.max',
  'latencyUs.mean',
  'harm.otherAllocFailures',
  'harm.oomKills',
  'harm.pcpRefills',
  'harm.belowMinMs',
  'harm.kswapdWakeups',
  'harm.lmkKills',
  'stalls.count',
  'stalls.totalMs',
  'stalls.p99Ms',
  'stalls.syncMs',
  'stalls.reclaimMs',
  'fallbackCost.extraFreeCpuMs',
  'slowPathUs.p50',
  'slowPathUs.p99',
  'slowPathUs.max',
  'irqsOffUs.p99',
  'irqsOffUs.max',
  'footprint.avgKiB',
  'footprint.peakKiB',
  'footprint.rcuscaleKiB',
  'pageFill.p10',
  'pageFill.p50',
  'pageFill.p90',
  'gp.count',
  'callsEndMs',
] as const;

export type MetricPath = (typeof METRIC_PATHS)[number];

export function metricValue(metrics: Metrics, path: MetricPath): number {
  let value: unknown = metrics;
  for (const key of path.split('.')) value = (value as Record<string, unknown>)[key];
  return value as number;
}
