// A bar chart per metric group, built from whatever metrics the result objects carry (a group
// is a top-level object of the metrics: reserve, failures, latencyUs, harm, and any added
// later such as stalls or footprint), so a new metric gets its chart without a change here;
// units come from the metric registry.
import { isMetricPath, type Metrics } from '../../contract/metrics.js';
import type { CompareResult, PolicyResult } from '../../contract/result-types.js';
import { columnFor, hasMetrics } from '../columns.js';
import { barPanelsSpec, chartId, type BarPanel, type NamedChart } from './generic.js';

/** The group of top-level numbers (calls, pagesAllocated). */
export const TOTALS_GROUP = 'totals';

export interface MetricLeaf {
  /** Dotted path as in the JSON: "latencyUs.p99". */
  path: string;
  group: string;
  name: string;
  unit: string;
  /** Multiplier from the JSON value to the shown one (a rate to %). */
  scale: number;
}

const UNIT_SUFFIXES: ReadonlyArray<[RegExp, string]> = [
  [/Pages$/, 'pages'],
  [/KiB$/i, 'KiB'],
  [/Ms$/, 'ms'],
  [/Us$/, 'µs'],
];

/**
 * A metric's unit as the table shows it (from the metric registry); for a value the registry
 * does not know (a newer result file), from its name's suffix, else a count.
 */
export function unitOf(path: string): { unit: string; scale: number } {
  if (isMetricPath(path)) {
    const column = columnFor(path);
    return { unit: column.unit, scale: column.scale };
  }
  const parts = path.split('.');
  for (const part of [parts.at(-1)!, ...parts.slice(0, -1).reverse()]) {
    for (const [suffix, unit] of UNIT_SUFFIXES) if (suffix.test(part)) return { unit, scale: 1 };
  }
  return { unit: 'count', scale: 1 };
}

/** Every numeric leaf of a metrics object, in its key order, one level of groups deep. */
export function metricLeaves(metrics: Metrics): MetricLeaf[] {
  const leaves: MetricLeaf[] = [];
  for (const [key, value] of Object.entries(metrics)) {
    if (typeof value === 'number') leaves.push({ path: key, group: TOTALS_GROUP, name: key, ...unitOf(key) });
    else if (value !== null && typeof value === 'object') {
      for (const [leaf, inner] of Object.entries(value as Record<string, unknown>)) {
        if (typeof inner === 'number') leaves.push({ path: `${key}.${leaf}`, group: key, name: leaf, ...unitOf(`${key}.${leaf}`) });
      }
    }
  }
  return leaves;
}

/** The value at a dotted path ("latencyUs.p99") of a metrics or ci95 object; undefined where absent. */
export function valueAt(source: unknown, path: string): unknown {
  let value = source;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** The groups in the order the first policy with metrics has them, each with its leaves. */
export function metricGroups(result: { results: readonly PolicyResult[] }): Array<{ group: string; leaves: MetricLeaf[] }> {
  const first = result.results.find(hasMetrics);
  if (!first) return [];
  const groups: Array<{ group: string; leaves: MetricLeaf[] }> = [];
  for (const leaf of metricLeaves(first.metrics)) {
    const existing = groups.find((entry) => entry.group === leaf.group);
    if (existing) existing.leaves.push(leaf);
    else groups.push({ group: leaf.group, leaves: [leaf] });
  }
  return groups;
}

function panel(rows: readonly PolicyResult[], leaf: MetricLeaf): BarPanel {
  return {
    title: leaf.name,
    // The panel title names the metric; its axis says the unit.
    axisTitle: leaf.unit,
    rows: rows.filter(hasMetrics).flatMap((row) => {
      const value = valueAt(row.metrics, leaf.path);
      if (typeof value !== 'number' || !Number.isFinite(value)) return [];
      const interval = valueAt(row.ci95, leaf.path) as { low: number; high: number } | undefined;
      return [{ series: row.policy, value: value * leaf.scale, ...(interval ? { low: interval.low * leaf.scale, high: interval.high * leaf.scale } : {}) }];
    }),
  };
}

/** One chart per metric group: a bar per policy for each metric of the group. */
export function metricGroupCharts(result: CompareResult): NamedChart[] {
  const policies = result.results.map((row) => row.policy);
  const subtitle = result.seeds.length > 1 ? `Means over ${result.seeds.length} seeds; whiskers: 95 % confidence interval.` : undefined;
  return metricGroups(result).map(({ group, leaves }) => ({
    id: chartId('metrics', group),
    title: group,
    spec: barPanelsSpec({ title: group, ...(subtitle ? { subtitle } : {}), panels: leaves.map((leaf) => panel(result.results, leaf)), seriesOrder: policies, seriesTitle: 'policy' }),
  }));
}
