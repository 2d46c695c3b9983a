// Relative text against a reference policy ("2.3× fewer failures"), for `--reference <policy>`.
// Only failures and average reserve: the trade-off the 2020 thread argued about.
import type { CompareResult, PolicyResult } from '../contract/result-types.js';
import { hasMetrics } from './columns.js';
import { formatNumber, formatRatio } from './format.js';

export interface ComparedQuantity {
  read(row: PolicyResult & { metrics: NonNullable<PolicyResult['metrics']> }): number;
  /** Noun after the ratio: "2.3× fewer failures". */
  noun: string;
  /** Noun after raw numbers when a ratio is meaningless (a zero): "0 vs 12 failures". */
  unitNoun: string;
  fewer: string;
  same: string;
}

const COMPARED: readonly ComparedQuantity[] = [
  { read: (row) => row.metrics.failures.count, noun: 'failures', unitNoun: 'failures', fewer: 'fewer', same: 'about as many failures' },
  { read: (row) => row.metrics.reserve.avgPages, noun: 'reserve', unitNoun: 'reserve pages', fewer: 'less', same: 'about as much reserve' },
];

/** Ratios this close to 1 read as "about the same" (a "1.0× more" helps nobody). */
const SAME_WITHIN = 1.05;

/** How `value` compares with the reference's `reference` value, in words. */
export function relativePhrase(value: number, reference: number, quantity: ComparedQuantity): string {
  if (!Number.isFinite(value) || !Number.isFinite(reference)) return 'n/a';
  // Equal as shown: "as many failures"; merely close (below): "about as many failures".
  if (formatNumber(value) === formatNumber(reference)) return quantity.same.replace(/^about /, '');
  if (value === 0 || reference === 0) return `${formatNumber(value)} vs ${formatNumber(reference)} ${quantity.unitNoun}`;
  const ratio = value / reference;
  if (ratio < SAME_WITHIN && 1 / ratio < SAME_WITHIN) return quantity.same;
  return ratio < 1 ? `${formatRatio(1 / ratio)}× ${quantity.fewer} ${quantity.noun}` : `${formatRatio(ratio)}× more ${quantity.noun}`;
}

export type ReferenceLookup =
  | { kind: 'none' }
  | { kind: 'missing'; name: string }
  | { kind: 'failed'; name: string }
  | { kind: 'found'; name: string; row: PolicyResult };

/** Finds the reference row; a missing or failed reference is reported, not thrown (the runs are done by now). */
export function findReference(result: CompareResult, name: string | undefined): ReferenceLookup {
  if (name === undefined) return { kind: 'none' };
  const row = result.results.find((candidate) => candidate.policy === name);
  if (row === undefined) return { kind: 'missing', name };
  if (!hasMetrics(row)) return { kind: 'failed', name };
  return { kind: 'found', name, row };
}

/** The relative lines for one row ("2.3× fewer failures", "1.5× more reserve"). */
export function relativeLines(row: PolicyResult, reference: ReferenceLookup): string[] {
  if (reference.kind !== 'found' || !hasMetrics(row)) return [];
  if (row === reference.row) return ['reference'];
  const ref = reference.row;
  if (!hasMetrics(ref)) return [];
  return COMPARED.map((quantity) => relativePhrase(quantity.read(row), quantity.read(ref), quantity));
}

/** A line for under the table when the reference cannot be used. */
export function referenceNote(reference: ReferenceLookup): string | undefined {
  if (reference.kind === 'missing') return `Reference policy "${reference.name}" is not among the results; no relative column.`;
  if (reference.kind === 'failed') return `Reference policy "${reference.name}" failed; nothing to compare against.`;
  return undefined;
}
