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
] as const;

export type MetricPath = (typeof METRIC_PATHS)[number];

export function metricValue(metrics: Metrics, path: MetricPath): number {
  let value: unknown = metrics;
  for (const key of path.split('.')) value = (value as Record<string, unknown>)[key];
  return value as number;
}
