// Number formatting shared by every human-readable report (table, markdown, sentences).
// Locale is pinned to en-US so output is identical on every machine (tests and diffs rely on it).
import type { Interval } from '../contract/result-types.js';

/** Shown instead of a number that is NaN or infinite (a bug upstream, but never hide the row). */
export const NOT_A_NUMBER = 'n/a';

// Intl formatters are immutable, so sharing them at module level is safe.
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const THREE_SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const TWO_SIGNIFICANT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 });
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });
const COMPACT_TWO = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 2 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

/**
 * A quantity with thousands separators and sensible precision: whole numbers from 100 up
 * (1,234), three significant digits below (12.3, 0.2, 0.00123). Means over seeds are rarely
 * integers, so counts go through here too.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  if (value === 0) return '0';
  return Math.abs(value) >= 100 ? WHOLE.format(value) : THREE_SIGNIFICANT.format(value);
}

/** A rate (0..1) as a percentage number without the sign: 0.008 → "0.8". */
export function formatPercent(rate: number): string {
  return formatNumber(rate * 100);
}

/** Half the width of a confidence interval: the "± x" people read. */
export function halfWidth(interval: Interval): number {
  return (interval.high - interval.low) / 2;
}

/** An uncertainty: two significant digits are all it can honestly claim (9.6, 0.012, 1,200). */
export function formatUncertainty(value: number): string {
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  if (value === 0) return '0';
  return Math.abs(value) >= 100 ? WHOLE.format(Number(value.toPrecision(2))) : TWO_SIGNIFICANT.format(value);
}

/**
 * A table cell: three significant digits, so a column stays narrow and claims no more than a
 * simulation can: 12.3, 456, 7,890, then 12.3K, 1.6M.
 */
export function formatCell(value: number): string {
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  return Math.abs(value) >= 10_000 ? COMPACT.format(value) : formatNumber(value);
}

/** Relative size below which a spread is floating-point noise of equal samples, not uncertainty. */
const NOISE = 1e-9;

/** "mean ± half-width" when there is an interval, else just the mean. `scale` turns a rate into %. */
export function formatMeanWithInterval(mean: number, interval: Interval | undefined, scale = 1): string {
  const text = formatCell(mean * scale);
  if (interval === undefined) return text;
  const spread = halfWidth(interval) * scale;
  if (!(Math.abs(spread) > NOISE * Math.abs(mean * scale))) return `${text} ± 0`;
  return `${text} ± ${Math.abs(spread) >= 10_000 ? COMPACT_TWO.format(spread) : formatUncertainty(spread)}`;
}

/** A time given in µs, in the unit that keeps it readable: 0.2 µs, 350 µs, 12.5 ms, 1.2 s. */
export function formatDurationUs(us: number): string {
  if (!Number.isFinite(us)) return NOT_A_NUMBER;
  if (Math.abs(us) < 1_000) return `${formatNumber(us)} µs`;
  if (Math.abs(us) < 1_000_000) return `${formatNumber(us / 1_000)} ms`;
  return `${formatNumber(us / 1_000_000)} s`;
}

/** A time given in ms: 120 ms, 1.5 s. */
export function formatDurationMs(ms: number): string {
  return formatDurationUs(ms * 1_000);
}

/** A ratio ≥ 1 for "2.3× fewer": one decimal below 10, whole numbers above. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return NOT_A_NUMBER;
  return ratio < 10 ? ONE_DECIMAL.format(ratio) : WHOLE.format(ratio);
}

/** "1 failure", "0 failures", "1,204 failures", "2.33 failures" (means are plural). */
export function countNoun(value: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(value)} ${value === 1 ? singular : plural}`;
}

/**
 * A sentence broken into lines of at most `width` characters at spaces; lines after the first
 * start with `indent`, so each sentence stays visibly one item. A word longer than the line
 * stands alone.
 */
export function wrapText(text: string, width: number, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const room = width - (lines.length === 0 ? 0 : indent.length);
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= room) line += ` ${word}`;
    else {
      lines.push(lines.length === 0 ? line : indent + line);
      line = word;
    }
  }
  if (line !== '') lines.push(lines.length === 0 ? line : indent + line);
  return lines;
}
