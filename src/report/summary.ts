// One plain sentence per policy saying what happened to it, built from its numbers only, so
// the words can never disagree with the table. Shared by the table and markdown reports.
import type { Metrics } from '../contract/metrics.js';
import type { CompareResult, PolicyResult } from '../contract/result-types.js';
import { hasMetrics, isMultiSeed } from './columns.js';
import { countNoun, formatDurationMs, formatDurationUs, formatNumber, formatPercent } from './format.js';

/** With several seeds every count is a mean over them, and reads as one ("89.7 on average"). */
function failuresClause(metrics: Metrics, averaged: boolean): string {
  const { count, rate } = metrics.failures;
  const mean = averaged ? ' on average' : '';
  if (count === 0) return `0 failures in ${countNoun(metrics.calls, 'call')}${mean}`;
  return `${countNoun(count, 'failure')}${mean} (${formatPercent(rate)} %) in ${countNoun(metrics.calls, 'call')}`;
}

/** Callers that were blocked, apart from the fallbacks (an rcu_head fallback blocks nobody). */
function stallsClause(metrics: Metrics, averaged: boolean): string | undefined {
  const s = metrics.stalls;
  if (s.count === 0) return undefined;
  const causes = [
    s.syncMs > 0 ? `${formatDurationMs(s.syncMs)} in synchronize_rcu()` : undefined,
    s.reclaimMs > 0 ? `${formatDurationMs(s.reclaimMs)} in direct reclaim` : undefined,
  ].filter((part): part is string => part !== undefined);
  return `${countNoun(s.count, 'caller')}${averaged ? ' on average' : ''} blocked (${causes.join(', ')}; p99 ${formatDurationMs(s.p99Ms)})`;
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
export function describePolicy(row: PolicyResult, averaged = false): string {
  if (!hasMetrics(row)) {
    const message = oneLine(row.error ?? 'no metrics');
    return `${row.policy}: run failed: ${message}${/[.!?]$/.test(message) ? '' : '.'}`;
  }
  const m = row.metrics;
  const clauses = [`${failuresClause(m, averaged)} ${reserveClause(m)}`, stallsClause(m, averaged), latencyClause(m), violationsClause(m), harmClause(m)];
  return `${row.policy}: ${clauses.filter((c): c is string => c !== undefined).join('; ')}.`;
}

export function describeAll(result: CompareResult): string[] {
  return result.results.map((row) => describePolicy(row, isMultiSeed(result)));
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
