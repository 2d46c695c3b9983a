// The metric registry: every metric a run reports, declared once. Its path (the JSON name,
// a contract), unit, meaning, which direction is better, `check`'s default threshold and how
// the table shows it all live in one entry; the Metrics type, the report columns, check's
// thresholds, the JSON Schema and docs/json.md are derived from this list.

export type MetricUnit = 'calls' | 'pages' | 'KiB' | 'objects' | 'fraction' | 'count' | 'µs' | 'ms';

/** How far a metric may move in the worse direction before `check` counts it. */
export interface Threshold {
  /** Fraction of the baseline value (0.1 = 10 %). */
  relative: number;
  /** In the metric's own unit, as in the JSON (failures.rate is a fraction, 0.001 = 0.1 %). */
  absolute: number;
}

/** Table groups, in the order the table shows them: fallbacks (failures) and stalls apart. */
export const COLUMN_GROUPS = ['reserve', 'failures', 'stalls', 'latency', 'harm'] as const;
export type ColumnGroup = (typeof COLUMN_GROUPS)[number];

export interface MetricColumnSpec {
  group: ColumnGroup;
  /** Header text that stands on its own (markdown has no group row). */
  label: string;
  /** Header text under its group in the table; may break lines to keep columns narrow. */
  shortLabel?: string;
  /** Unit as shown, when the shown number is scaled (failures.rate → %, a µs maximum → ms). */
  shownUnit?: '%' | 'ms';
  /** Shown only when some policy has a non-zero value (e.g. LMK kills need an lmkd scenario). */
  onlyWhenNonZero?: boolean;
  /**
   * In the default table, chosen for the question the tool answers: what the reserve costs,
   * how often calls fall back or stall, what the slow path costs, and the harm to others
   * (the default set fits 120 columns). `--columns all` shows every column.
   */
  inDefault?: boolean;
}

export interface MetricSpec {
  readonly path: string;
  readonly unit: MetricUnit;
  readonly description: string;
  /** 'lower': less is better (almost all); 'neither': a shape, shown not judged; 'workload': measures the workload, never judged. */
  readonly better: 'lower' | 'higher' | 'neither' | 'workload';
  /** check's default; 'off' shows the metric for information unless the user sets a threshold. */
  readonly threshold: Threshold | 'off' | 'none';
  /** Any rise beyond the threshold regresses without a significance test (rule violations, kills). */
  readonly noSignificanceNeeded?: boolean;
  /** A value that cannot exceed 1. */
  readonly isFraction?: boolean;
  /** In the table and markdown (CSV and JSON carry every metric). */
  readonly column?: MetricColumnSpec;
}

const t = (relative: number, absolute: number): Threshold => ({ relative, absolute });

/**
 * Thresholds: most get 10 %, the smallest change worth a look in a simulation whose seeds agree
 * to a few per cent, plus an absolute floor of about one unit of "someone would notice": a page
 * or two of reserve, five failed calls, a tenth of a µs at the median. Tail latency is noisier
 * (p99.9: 20 %, max, a single sample: 25 %). Kills and context violations have no floor: one
 * more is a real event.
 */
export const METRICS = [
  { path: 'calls', unit: 'calls', description: 'kvfree_rcu() calls simulated.', better: 'workload', threshold: 'none' },
  { path: 'pagesAllocated', unit: 'pages', description: 'Pointer pages the policy obtained from the allocator.', better: 'lower', threshold: 'off' },
  {
    path: 'reserve.avgPages', unit: 'pages', description: "Pages held idle in the policy's reserves and caches, time-weighted average.", better: 'lower', threshold: t(0.1, 1),
    column: { group: 'reserve', inDefault: true, label: 'reserve avg', shortLabel: 'avg' },
  },
  {
    path: 'reserve.peakPages', unit: 'pages', description: "Most pages held idle in the policy's reserves and caches at once.", better: 'lower', threshold: t(0.1, 2),
    column: { group: 'reserve', inDefault: true, label: 'reserve peak', shortLabel: 'peak' },
  },
  { path: 'inflight.avgPages', unit: 'pages', description: 'Pointer pages holding pointers (filling, queued or waiting for a GP), time-weighted average.', better: 'lower', threshold: t(0.1, 2) },
  {
    path: 'inflight.peakPages', unit: 'pages', description: 'Most pointer pages holding pointers at once.', better: 'lower', threshold: t(0.1, 4),
    column: { group: 'reserve', label: 'inflight peak', shortLabel: 'inflight\npeak' },
  },
  {
    path: 'failures.count', unit: 'calls', description: 'Calls that found no page and took the emergency path (rcuHead + syncInline).', better: 'lower', threshold: t(0.1, 5),
    column: { group: 'failures', label: 'failures', shortLabel: 'total' },
  },
  {
    path: 'failures.rate', unit: 'fraction', description: 'failures.count / calls.', better: 'lower', threshold: t(0.1, 0.0001), isFraction: true,
    column: { group: 'failures', inDefault: true, label: 'failure rate', shortLabel: 'rate', shownUnit: '%' },
  },
  {
    path: 'failures.rcuHead', unit: 'calls', description: 'Two-argument calls chained through their rcu_head (needs no memory, blocks nobody).', better: 'lower', threshold: t(0.1, 5),
    column: { group: 'failures', inDefault: true, label: 'rcu_head fallbacks', shortLabel: 'rcu_head' },
  },
  {
    path: 'failures.syncInline', unit: 'calls', description: 'Headless calls that blocked in synchronize_rcu().', better: 'lower', threshold: t(0.1, 5),
    column: { group: 'failures', label: 'sync inline', shortLabel: 'sync\ninline' },
  },
  {
    path: 'violations.count', unit: 'count', description: 'Allocator calls the caller context forbids (all kinds).', better: 'lower', threshold: t(0, 0), noSignificanceNeeded: true,
    column: { group: 'failures', inDefault: true, label: 'violations', onlyWhenNonZero: true },
  },
  { path: 'violations.sleepInAtomic', unit: 'count', description: 'Sleeping allocations from atomic context.', better: 'lower', threshold: t(0, 0), noSignificanceNeeded: true },
  { path: 'violations.zoneLockUnderRawLock', unit: 'count', description: 'Page-allocator calls under a raw spinlock on PREEMPT_RT.', better: 'lower', threshold: t(0, 0), noSignificanceNeeded: true },
  { path: 'violations.lockRecursion', unit: 'count', description: 'Allocator calls by a caller that already holds an allocator lock.', better: 'lower', threshold: t(0, 0), noSignificanceNeeded: true },
  {
    path: 'latencyUs.p50', unit: 'µs', description: 'Median caller-visible kvfree_rcu() latency.', better: 'lower', threshold: t(0.1, 0.1),
    column: { group: 'latency', label: 'latency p50', shortLabel: 'p50' },
  },
  {
    path: 'latencyUs.p99', unit: 'µs', description: '99th percentile of caller-visible kvfree_rcu() latency.', better: 'lower', threshold: t(0.1, 1),
    column: { group: 'latency', label: 'latency p99', shortLabel: 'p99' },
  },
  { path: 'latencyUs.p999', unit: 'µs', description: '99.9th percentile of caller-visible kvfree_rcu() latency.', better: 'lower', threshold: t(0.2, 10) },
  {
    path: 'latencyUs.max', unit: 'µs', description: 'Longest caller-visible kvfree_rcu() call.', better: 'lower', threshold: t(0.25, 100),
    column: { group: 'latency', label: 'latency max', shortLabel: 'max', shownUnit: 'ms' },
  },
  { path: 'latencyUs.mean', unit: 'µs', description: 'Mean caller-visible kvfree_rcu() latency.', better: 'lower', threshold: t(0.1, 0.1) },
  {
    path: 'harm.otherAllocFailures', unit: 'count', description: "Other users' allocations that returned no page.", better: 'lower', threshold: t(0.1, 5),
    column: { group: 'harm', inDefault: true, label: 'other alloc failures', shortLabel: 'other alloc\nfailures' },
  },
  {
    path: 'harm.oomKills', unit: 'count', description: 'OOM-killer kills.', better: 'lower', threshold: t(0, 0),
    column: { group: 'harm', inDefault: true, label: 'OOM kills', shortLabel: 'OOM\nkills' },
  },
  {
    path: 'harm.pcpRefills', unit: 'count', description: 'PCP refills from buddy, under the zone lock, that other users had to do.', better: 'lower', threshold: t(0.1, 10),
    column: { group: 'harm', label: 'PCP refills', shortLabel: 'PCP\nrefills' },
  },
  {
    path: 'harm.belowMinMs', unit: 'ms', description: 'Time with buddy free pages under the MIN watermark.', better: 'lower', threshold: t(0.1, 5),
    column: { group: 'harm', inDefault: true, label: 'below MIN', shortLabel: 'below\nMIN' },
  },
  {
    path: 'harm.kswapdWakeups', unit: 'count', description: 'Times kswapd was woken.', better: 'lower', threshold: t(0.1, 2),
    column: { group: 'harm', label: 'kswapd wakeups', shortLabel: 'kswapd\nwakeups' },
  },
  {
    path: 'harm.lmkKills', unit: 'count', description: 'User-space low-memory-killer kills (0 when the scenario has none).', better: 'lower', threshold: t(0, 0),
    column: { group: 'harm', inDefault: true, label: 'LMK kills', shortLabel: 'LMK\nkills', onlyWhenNonZero: true },
  },
  {
    path: 'stalls.count', unit: 'calls', description: 'Callers blocked in synchronize_rcu() (headless fallback) or in direct reclaim.', better: 'lower', threshold: t(0.1, 5),
    column: { group: 'stalls', inDefault: true, label: 'stalled callers', shortLabel: 'callers' },
  },
  {
    path: 'stalls.totalMs', unit: 'ms', description: 'Time callers spent blocked, all stalls added up.', better: 'lower', threshold: t(0.1, 1),
    column: { group: 'stalls', label: 'stalled total', shortLabel: 'total' },
  },
  {
    path: 'stalls.p99Ms', unit: 'ms', description: '99th percentile of one stall.', better: 'lower', threshold: t(0.2, 1),
    column: { group: 'stalls', label: 'stall p99', shortLabel: 'p99' },
  },
  { path: 'stalls.syncMs', unit: 'ms', description: 'Time blocked in synchronize_rcu().', better: 'lower', threshold: t(0.1, 1) },
  { path: 'stalls.reclaimMs', unit: 'ms', description: 'Time blocked in direct reclaim.', better: 'lower', threshold: t(0.1, 1) },
  { path: 'fallbackCost.extraFreeCpuMs', unit: 'ms', description: "CPU time the rcu_head fallback's one-by-one frees took beyond bulk freeing.", better: 'lower', threshold: t(0.1, 0.1) },
  { path: 'slowPathUs.p50', unit: 'µs', description: 'Median latency of the calls that needed a page (got one, or took a fallback).', better: 'lower', threshold: t(0.1, 0.1) },
  {
    path: 'slowPathUs.p99', unit: 'µs', description: '99th percentile latency of the calls that needed a page.', better: 'lower', threshold: t(0.2, 1),
    column: { group: 'latency', inDefault: true, label: 'slow path p99', shortLabel: 'slow path\np99' },
  },
  { path: 'slowPathUs.max', unit: 'µs', description: 'Longest call that needed a page.', better: 'lower', threshold: t(0.25, 100) },
  { path: 'irqsOffUs.p99', unit: 'µs', description: 'p99 of the time a call that needed a page spent in the policy with IRQs off or krcp->lock held.', better: 'lower', threshold: t(0.2, 0.1) },
  { path: 'irqsOffUs.max', unit: 'µs', description: 'Longest such time.', better: 'lower', threshold: t(0.25, 1) },
  {
    path: 'footprint.avgKiB', unit: 'KiB', description: 'Objects waiting × workload.objectBytes + pointer pages + reserve, time-weighted average.', better: 'lower', threshold: t(0.1, 8),
    column: { group: 'reserve', label: 'footprint avg', shortLabel: 'footprint\navg' },
  },
  { path: 'footprint.peakKiB', unit: 'KiB', description: 'The largest such footprint.', better: 'lower', threshold: t(0.1, 16) },
  { path: 'footprint.rcuscaleKiB', unit: 'KiB', description: "The footprint as rcuscale reports it: memory at the start minus its weighted samples at 25/50/75 % of the calls.", better: 'lower', threshold: t(0.1, 8) },
  { path: 'pageFill.p10', unit: 'objects', description: 'Objects in a pointer page when it goes to the reclaim work, 10th percentile.', better: 'neither', threshold: 'off' },
  { path: 'pageFill.p50', unit: 'objects', description: 'The same, median.', better: 'neither', threshold: 'off' },
  { path: 'pageFill.p90', unit: 'objects', description: 'The same, 90th percentile.', better: 'neither', threshold: 'off' },
  { path: 'gp.count', unit: 'count', description: 'Grace periods completed (rcuscale\'s "batches").', better: 'neither', threshold: 'off' },
  { path: 'callsEndMs', unit: 'ms', description: 'When the last kvfree_rcu() call came: a closed-caller run\'s length.', better: 'lower', threshold: t(0.1, 1) },
] as const satisfies readonly MetricSpec[];

/** Report order: the groups in column order (table and markdown), every metric in registry order (CSV, JSON). */
export type MetricPath = (typeof METRICS)[number]['path'];
export const METRIC_PATHS: readonly MetricPath[] = METRICS.map((metric) => metric.path);

type TopLevel<P extends string> = P extends `${string}.${string}` ? never : P;
type Group<P extends string> = P extends `${infer G}.${string}` ? G : never;
type InGroup<P extends string, G extends string> = P extends `${G}.${infer Name}` ? Name : never;

/** The metrics of one run: `{ calls, reserve: { avgPages, ... }, ... }`, one number per registry path. */
export type Metrics = { [K in TopLevel<MetricPath>]: number } & { [G in Group<MetricPath>]: { [N in InGroup<MetricPath, G>]: number } };

const BY_PATH: ReadonlyMap<string, MetricSpec> = new Map(METRICS.map((metric) => [metric.path, metric]));

export function metricSpec(path: MetricPath): MetricSpec {
  return BY_PATH.get(path)!;
}

export function isMetricPath(text: string): text is MetricPath {
  return BY_PATH.has(text);
}

export function metricValue(metrics: Metrics, path: MetricPath): number {
  let value: unknown = metrics;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value as number;
}
