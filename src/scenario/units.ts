// Numbers with units, as scenario files, `--set` and `--duration` write them.
// Durations: "30s", "250ms", "2m", "500us"/"500µs", "20ns"; a bare number is in the field's own
// unit (ms for `--duration` and for fields named …Ms). Sizes: "4GiB", "512MiB", "64KiB", "4096B",
// "1000 pages"; a bare number is pages (or KiB for the one field in KiB, minFreeKbytes).
// Rates and counts: 3000000, "3M", "20k", "1.3G" (SI multipliers: a rate is not a size).

/** Thrown when a value cannot be read in the unit asked for; callers add the file and field. */
export class UnitError extends Error {
  constructor(
    readonly expected: string,
    readonly found: string,
  ) {
    super(`expected ${expected}, found ${found}`);
    this.name = 'UnitError';
  }
}

export type DurationUnit = 'ns' | 'us' | 'ms';

const NS_PER: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu, which some keyboards produce instead
  ms: 1e6,
  s: 1e9,
  sec: 1e9,
  m: 60e9,
  min: 60e9,
  h: 3600e9,
};

const BYTES_PER: Record<string, number> = {
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/** "KB", "MB", … are left out on purpose: 1000 or 1024? Asking for KiB/MiB/GiB avoids the guess. */
const AMBIGUOUS_SIZE_UNITS = new Set(['kb', 'mb', 'gb', 'tb']);

const SI_MULTIPLIER: Record<string, number> = { k: 1e3, K: 1e3, M: 1e6, G: 1e9 };

export const PAGE_BYTES = 4096;

/** A table entry, ignoring what every object inherits ("5constructor" is not a unit). */
function lookup(table: Record<string, number>, key: string): number | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const NUMBER = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?`;
const WITH_SUFFIX = new RegExp(`^\\s*(${NUMBER})\\s*([^\\s\\d.+-][^\\s]*)?\\s*$`);

/** Split "250ms" into 250 and "ms"; undefined when the text does not start with a number. */
function splitNumber(text: string): { value: number; suffix: string } | undefined {
  // Underscores group digits as in code: "1_300_000_000" (YAML 1.2 reads that as a string).
  const match = WITH_SUFFIX.exec(text.replace(/(\d)_(?=\d)/g, '$1'));
  if (!match) return undefined;
  const value = Number(match[1]);
  if (!Number.isFinite(value)) return undefined;
  return { value, suffix: match[2] ?? '' };
}

/**
 * Conversions multiply by powers of ten, which binary floats cannot always do exactly
 * (1.1 × 1000 = 1100.0000000000002); twelve significant digits is far below any timing we model.
 */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return 'a mapping';
}

function numberOrText(value: unknown, expected: string): { value: number; suffix: string } {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnitError(expected, String(value));
    return { value, suffix: '' };
  }
  if (typeof value !== 'string') throw new UnitError(expected, describeFound(value));
  const split = splitNumber(value);
  if (!split) throw new UnitError(expected, describeFound(value));
  return split;
}

/** A duration in `unit`; a bare number (or numeric string) is already in `unit`. */
export function parseDuration(value: unknown, unit: DurationUnit): number {
  const expected = `a duration (a number of ${unit}, or e.g. "250ms", "30s", "2m", "500us")`;
  const { value: amount, suffix } = numberOrText(value, expected);
  if (suffix === '') return amount;
  const nsPerSuffix = lookup(NS_PER, suffix);
  if (nsPerSuffix === undefined) throw new UnitError(expected, describeFound(value));
  return tidy((amount * nsPerSuffix) / NS_PER[unit]!);
}

/** `--duration` and …Ms fields: "30s" → 30000; a bare number is ms. */
export function parseDurationMs(value: unknown): number {
  return parseDuration(value, 'ms');
}

function parseBytes(value: unknown, expected: string, bareBytes: number): number {
  const { value: amount, suffix } = numberOrText(value, expected);
  const lower = suffix.toLowerCase();
  if (lower === '') return amount * bareBytes;
  if (lower === 'page' || lower === 'pages' || lower === 'p') return amount * PAGE_BYTES;
  if (AMBIGUOUS_SIZE_UNITS.has(lower)) {
    throw new UnitError(`${expected}; write ${suffix[0]}iB (binary) instead of ${suffix}`, describeFound(value));
  }
  const bytesPerSuffix = lookup(BYTES_PER, lower);
  if (bytesPerSuffix === undefined) throw new UnitError(expected, describeFound(value));
  return amount * bytesPerSuffix;
}

/** A size in 4 KiB pages: "4GiB" → 1048576, "1000 pages" → 1000; a bare number is pages. Must be whole pages. */
export function parseSizePages(value: unknown): number {
  const expected = 'a size (a number of 4 KiB pages, or e.g. "64KiB", "512MiB", "4GiB", "1000 pages")';
  const pages = tidy(parseBytes(value, expected, PAGE_BYTES) / PAGE_BYTES);
  if (!Number.isInteger(pages)) throw new UnitError(`${expected} that is a whole number of pages`, describeFound(value));
  return pages;
}

/** A size in KiB (min_free_kbytes): "8MiB" → 8192; a bare number is KiB. Must be whole KiB. */
export function parseSizeKbytes(value: unknown): number {
  const expected = 'a size (a number of KiB, or e.g. "8MiB")';
  const kbytes = tidy(parseBytes(value, expected, 1024) / 1024);
  if (!Number.isInteger(kbytes)) throw new UnitError(`${expected} that is a whole number of KiB`, describeFound(value));
  return kbytes;
}

/** A rate or count: 3000000, "3M", "20k", "1.3G"; an optional "/s" is allowed after a rate. */
export function parseCount(value: unknown): number {
  const expected = 'a number (e.g. 20000, "20k", "3M")';
  const { value: amount, suffix } = numberOrText(value, expected);
  const bare = suffix.replace(/\/s$/, '');
  if (bare === '') return amount;
  const multiplier = lookup(SI_MULTIPLIER, bare);
  if (multiplier === undefined) throw new UnitError(expected, describeFound(value));
  return tidy(amount * multiplier);
}

/** "10 s", "250 ms", "500 µs": for messages and `explain`. */
export function formatDurationMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1_000) return `${tidy(ms / 1_000)} s`;
  if (ms >= 1 || ms === 0) return `${tidy(ms)} ms`;
  return `${tidy(ms * 1_000)} µs`;
}

/** "1,048,576 pages (4 GiB)": for messages and `explain`. */
export function formatPages(pages: number): string {
  const bytes = pages * PAGE_BYTES;
  const units: Array<[string, number]> = [
    ['TiB', 1024 ** 4],
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ];
  const [name, size] = units.find(([, unitBytes]) => bytes >= unitBytes) ?? ['KiB', 1024];
  const scaled = Number((bytes / size).toPrecision(3));
  return `${pages.toLocaleString('en-US')} pages (${scaled} ${name})`;
}
