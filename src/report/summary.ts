// One plain sentence per policy saying what happened to it, built from its numbers only, so
// the words can never disagree with the table. Shared by the table and markdown reports.
import type { Metrics } from '../model/metrics-types.js';
import type { CompareResult, PolicyResult } from '../runner/result-types.js';
import { hasMetrics, isMultiSeed } from './columns.js';
import { countNoun, formatDurationMs, formatDurationUs, formatNumber, formatPercent } from './format.js';

function failuresClause(metrics: Metrics): string {
  const { count, rate } = metrics.failures;
  if (count === 0) return `0 failures in ${countNoun(metrics.calls, 'call')}`;
  return `${countNoun(count, 'failure')} (${formatPercent(rate)} %) in ${countNoun(metrics.calls, 'call')}`;
}

/** Callers that were blocked, apart from the fallbacks (an rcu_head fallback blocks nobody). */
function stallsClause(metrics: Metrics): string | undefined {
  const s = metrics.stalls;
  if (s.count === 0) return undefined;
  const causes = [
    s.syncMs > 0 ? `${formatDurationMs(s.syncMs)} in synchronize_rcu()` : undefined,
    s.reclaimMs > 0 ? `${formatDurationMs(s.reclaimMs)} in direct reclaim` : undefined,
  ].filter((part): part is string => part !== undefined);
  return `${countNoun(s.count, 'caller')} blocked (${causes.join(', ')}; p99 ${formatDurationMs(s.p99Ms)})`;
}

function reserveClause(metrics: Metrics): string {
  const { peakPages, avgPages } = metrics.reserve;
  return `with ${countNoun(peakPages, 'reserve page')} at peak, ${formatNumber(avgPages)} on average`;
}

function latencyClause(metrics: Metrics): string {
  return `p99 latency ${formatDurationUs(metrics.latencyUs.p99)}, max ${formatDurationUs(metrics.latencyUs.max)}`;
}

function violationsClause(metrics: Metrics): string | undefined {
  const v = metrics.violations;
  if (v.count === 0) return undefined;
  const kinds = [
    [v.sleepInAtomic, 'sleep in atomic'],
    [v.zoneLockUnderRawLock, 'zone lock under raw lock'],
    [v.lockRecursion, 'lock recursion'],
  ] as const;
  const detail = kinds.filter(([n]) => n > 0).map(([n, kind]) => `${formatNumber(n)} ${kind}`);
  return `${countNoun(v.count, 'context violation')}${detail.length > 0 ? ` (${detail.join(', ')})` : ''}`;
}

/** What other allocator users suffered; PCP refills and kswapd wake-ups are routine, so only the table shows them. */
function harmClause(metrics: Metrics): string {
  const h = metrics.harm;
  const hurts = [
    h.oomKills > 0 ? countNoun(h.oomKills, 'OOM kill') : undefined,
    h.lmkKills > 0 ? countNoun(h.lmkKills, 'LMK kill') : undefined,
    h.otherAllocFailures > 0 ? countNoun(h.otherAllocFailures, 'failed allocation') : undefined,
    h.belowMinMs > 0 ? `${formatDurationMs(h.belowMinMs)} below MIN` : undefined,
  ].filter((part): part is string => part !== undefined);
  return hurts.length === 0 ? 'other users: no failed allocations, no OOM kills' : `other users: ${hurts.join(', ')}`;
}

/** Collapses whitespace so a multi-line error stays one sentence. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** "upstream: 0 failures in 1,000,000 calls with 40 reserve pages at peak, …; p99 latency 0.2 µs, …" */
export function describePolicy(row: PolicyResult): string {
  if (!hasMetrics(row)) {
    const message = oneLine(row.error ?? 'no metrics');
    return `${row.policy}: run failed: ${message}${/[.!?]$/.test(message) ? '' : '.'}`;
  }
  const m = row.metrics;
  const clauses = [`${failuresClause(m)} ${reserveClause(m)}`, stallsClause(m), latencyClause(m), violationsClause(m), harmClause(m)];
  return `${row.policy}: ${clauses.filter((c): c is string => c !== undefined).join('; ')}.`;
}

export function describeAll(result: CompareResult): string[] {
  return result.results.map(describePolicy);
}

/** Explains "±" and that numbers are means; undefined with a single seed. */
/** What was run, so a pasted report can be reproduced: scenario, machine, duration, seeds, version. */
export function runNote(result: CompareResult): string {
  const scenario = result.scenario;
  const machine = `${scenario.machine.preset === 'custom' ? 'custom machine' : scenario.machine.preset}, ${scenario.machine.cpus} CPUs${scenario.kernel.preemptRt ? ', PREEMPT_RT' : ''}`;
  const seeds = result.seeds.length === 1 ? `seed ${result.seeds[0]}` : `seeds ${result.seeds[0]}–${result.seeds[result.seeds.length - 1]}`;
  return `Scenario ${scenario.name} (${machine}; ${formatDurationMs(scenario.durationMs)} of calls), ${seeds}, rcupool ${result.tool.version}.`;
}

export function seedNote(result: CompareResult): string | undefined {
  if (!isMultiSeed(result)) return undefined;
  return `Means over ${result.seeds.length} seeds (${result.seeds.join(', ')}); ± is the half-width of the 95 % confidence interval.`;
}
