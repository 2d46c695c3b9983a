import { describe, it, expect } from 'vitest';
import { METRIC_COLUMNS, visibleColumns } from '../src/report/columns.js';
import { formatCell, formatDurationUs, formatMeanWithInterval, formatNumber, formatPercent, formatRatio } from '../src/report/format.js';
import { relativePhrase } from '../src/report/reference.js';
import { describePolicy } from '../src/report/summary.js';
import { renderTable } from '../src/report/table.js';
import type { CompareResult } from '../src/contract/result-types.js';
import { BROKEN_ERROR, USER_POLICY_NAME, multiSeedResult, singleSeedResult } from './fixtures/compare-result.js';

const ANSI = /\x1b\[/;
const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const RESET_FG = '\x1b[39m';

const lines = (text: string) => text.split('\n');

/** Every column, on one line however wide: for the tests of cell text, ranks and headers. */
const WIDE_ALL = { columns: 'all', width: 10_000 } as const;

/** The cells of a policy's first table line (split on the vertical border). */
function rowCells(table: string, policy: string): string[] {
  const line = lines(table).find((l) => l.startsWith(`│ ${policy} `));
  if (line === undefined) throw new Error(`no row for ${policy}`);
  return line.split('│').map((cell) => cell.trim());
}

/** Index in rowCells() of the column showing `path` ('' before the first border, then policy). */
function cellIndex(result: CompareResult, path: string): number {
  const index = visibleColumns(result, 'all').findIndex((col) => col.path === path);
  if (index < 0) throw new Error(`no column ${path}`);
  return 2 + index;
}

/** The header lines: everything between the top border and the first separator under the column names. */
function headerLines(table: string): string[] {
  const all = lines(table);
  const separators = all.map((l, i) => (l.startsWith('├') ? i : -1)).filter((i) => i >= 0);
  return all.slice(1, separators[1]);
}

describe('renderTable: width and column choice', () => {
  const widest = (text: string) => Math.max(...lines(text).map((line) => [...line].length));

  it('fits the default column set in 120 columns, summary sentences included', () => {
    const single = renderTable(singleSeedResult(), { color: false });
    expect(widest(single)).toBeLessThanOrEqual(120);
    expect(single.split('┌').length - 1, 'one table').toBe(1);
    // Means ± half-widths are wider: they may stack, but still fit.
    expect(widest(renderTable(multiSeedResult(), { color: false, reference: 'upstream' }))).toBeLessThanOrEqual(120);
  });

  it('stacks whole column groups into several tables on a narrow terminal, never wider than it', () => {
    const result = singleSeedResult();
    const text = renderTable(result, { color: false, columns: 'all', width: 80 });
    expect(widest(text)).toBeLessThanOrEqual(80);
    const tables = text.split('┌').length - 1;
    expect(tables).toBeGreaterThan(1);
    // Each table has the policy column and every row; the groups all appear, in order.
    expect(text.split('\n').filter((line) => line.startsWith('│ upstream ')).length).toBe(tables);
    const groupRows = lines(text).filter((line, index, all) => index > 0 && all[index - 1]!.startsWith('┌'));
    const groups = groupRows.flatMap((line) => line.split('│').map((c) => c.trim()).filter(Boolean));
    expect(groups).toEqual(['reserve', 'failures', 'stalls', 'latency', 'harm']);
  });

  it('shows the metrics named in columns, in that order', () => {
    const result = singleSeedResult();
    const header = headerLines(renderTable(result, { color: false, columns: ['latencyUs.p50', 'failures.count', 'inflight.avgPages'] }));
    const names = header.at(-2)!.split('│').map((c) => c.trim()).slice(2, -1);
    expect(names).toEqual(['p50', 'total', 'avgPages']);
  });

  it('writes a spread that is only floating-point noise as ± 0', () => {
    expect(formatMeanWithInterval(0.05, { low: 0.05 - 2.1e-17, high: 0.05 + 2.1e-17 })).toBe('0.05 ± 0');
  });
});

describe('renderTable', () => {
  it('puts the unit of every column on the last header line, in column order', () => {
    const result = singleSeedResult();
    const header = headerLines(renderTable(result, { ...WIDE_ALL, color: false }));
    const units = header.at(-1)!.split('│').map((c) => c.trim()).slice(1, -1);
    expect(units).toEqual(['policy', ...visibleColumns(result, 'all').map((col) => col.unit)]);
    expect(units).toEqual(expect.arrayContaining(['pages', '%', 'µs', 'ms', 'count']));
  });

  it('groups columns as reserve · failures · stalls · latency · harm', () => {
    const groupLine = headerLines(renderTable(singleSeedResult(), { ...WIDE_ALL, color: false }))[0]!;
    const groups = groupLine.split('│').map((c) => c.trim()).filter((c) => c !== '');
    expect(groups).toEqual(['reserve', 'failures', 'stalls', 'latency', 'harm']);
  });

  it('shows one row per policy, thousands separated up to 9,999 and three significant digits above', () => {
    const result = singleSeedResult();
    const table = renderTable(result, { ...WIDE_ALL, color: false });
    expect(rowCells(table, 'lockless-pcp')[cellIndex(result, 'failures.count')]).toBe('1,204');
    expect(rowCells(table, 'lockless-pcp')[cellIndex(result, 'failures.rate')]).toBe('0.8');
    expect(rowCells(table, 'lockless-pcp')[cellIndex(result, 'latencyUs.max')]).toBe('45'); // 45,000 µs, shown in ms
    expect(rowCells(table, 'lockless-pcp')[cellIndex(result, 'failures.count')]).toBe('1,204');
    expect(rowCells(table, 'upstream')[cellIndex(result, 'reserve.avgPages')]).toBe('38.5');
    expect(rowCells(table, USER_POLICY_NAME)[cellIndex(result, 'violations.count')]).toBe('2');
  });

  it('shows the LMK kills column only when some policy has LMK kills', () => {
    expect(renderTable(singleSeedResult(), { ...WIDE_ALL, color: false })).not.toContain('LMK');
    const result = singleSeedResult();
    result.results[1]!.metrics!.harm.lmkKills = 2;
    const table = renderTable(result, { ...WIDE_ALL, color: false });
    expect(headerLines(table).join('\n')).toContain('LMK');
    expect(rowCells(table, 'lockless-pcp')[cellIndex(result, 'harm.lmkKills')]).toBe('2');
  });

  it('keeps a failed policy as an error row', () => {
    const table = renderTable(singleSeedResult(), { ...WIDE_ALL, color: false });
    expect(rowCells(table, 'broken')[2]).toBe(`error: ${BROKEN_ERROR}`);
  });

  it('writes no ANSI escape at all when colour is off', () => {
    for (const result of [singleSeedResult(), multiSeedResult()]) {
      expect(renderTable(result, { ...WIDE_ALL, color: false, reference: 'upstream' })).not.toMatch(ANSI);
    }
  });

  it('colours the best cell of a column green and the worst red when colour is on', () => {
    const result = singleSeedResult();
    const table = renderTable(result, { ...WIDE_ALL, color: true });
    const failures = cellIndex(result, 'failures.count');
    expect(rowCells(table, 'upstream')[failures]).toBe(`${GREEN}0${RESET_FG}`);
    expect(rowCells(table, 'lockless-pcp')[failures]).toBe(`${RED}1,204${RESET_FG}`);
    expect(rowCells(table, USER_POLICY_NAME)[failures]).toBe('12');

    // Reserve is the other way round: lockless-pcp keeps nothing, upstream keeps the most.
    const reserve = cellIndex(result, 'reserve.avgPages');
    expect(rowCells(table, 'lockless-pcp')[reserve]).toBe(`${GREEN}0${RESET_FG}`);
    expect(rowCells(table, 'upstream')[reserve]).toBe(`${RED}38.5${RESET_FG}`);
  });

  it('does not colour a column whose values are all equal, and marks every tied best', () => {
    const result = singleSeedResult();
    for (const row of result.results) if (row.metrics) row.metrics.harm.kswapdWakeups = 7;
    const table = renderTable(result, { ...WIDE_ALL, color: true });
    const kswapd = cellIndex(result, 'harm.kswapdWakeups');
    for (const policy of ['upstream', 'lockless-pcp', USER_POLICY_NAME]) expect(rowCells(table, policy)[kswapd]).toBe('7');

    // p50 is 0.05 for upstream and the user policy: both best.
    const p50 = cellIndex(result, 'latencyUs.p50');
    expect(rowCells(table, 'upstream')[p50]).toContain(GREEN);
    expect(rowCells(table, USER_POLICY_NAME)[p50]).toContain(GREEN);
    expect(rowCells(table, 'lockless-pcp')[p50]).toContain(RED);
  });

  it('shows mean ± half-width with several seeds and says what ± means', () => {
    const result = multiSeedResult();
    const table = renderTable(result, { ...WIDE_ALL, color: false });
    const row = result.results[1]!;
    const interval = row.ci95!.failures.count;
    const expected = formatMeanWithInterval(row.metrics!.failures.count, interval);
    expect(expected).toMatch(/^1,204 ± \d/);
    expect(rowCells(table, 'lockless-pcp')[cellIndex(result, 'failures.count')]).toBe(expected);
    expect(table).toContain('Means over 3 seeds (1, 2, 3)');
  });

  it('adds relative text against a reference policy', () => {
    const table = renderTable(singleSeedResult(), { ...WIDE_ALL, color: false, reference: 'upstream' });
    expect(headerLines(table).at(-1)).toContain('vs upstream');
    expect(rowCells(table, 'upstream').at(-2)).toBe('reference');
    expect(rowCells(table, 'lockless-pcp').at(-2)).toBe('1,204 vs 0 failures');
    // The second relative line of the user policy: 38.5 / 10 reserve pages.
    expect(table).toContain('3.9× less reserve');
  });

  it('says so when the reference policy is not there, instead of failing', () => {
    const table = renderTable(singleSeedResult(), { ...WIDE_ALL, color: false, reference: 'nope' });
    expect(table).toContain('Reference policy "nope" is not among the results');
    expect(table).not.toContain('vs nope');
  });

  it('writes one sentence per policy under the table, from its numbers', () => {
    const table = renderTable(singleSeedResult(), { ...WIDE_ALL, color: false });
    const sentences = lines(table).filter((l) => /^[\w, -]+: /.test(l));
    expect(sentences).toHaveLength(4);
    expect(sentences[0]).toMatch(/^upstream: 0 failures in 150,500 calls with 40 reserve pages at peak.*p99 latency 0\.2 µs/);
    expect(sentences[1]).toMatch(/^lockless-pcp: 1,204 failures \(0\.8 %\) in 150,500 calls/);
    // Blocked callers are told apart from the fallbacks, with where they waited.
    expect(sentences[1]).toContain('204 callers blocked (9.1 s in synchronize_rcu(), 300 ms in direct reclaim; p99 95 ms)');
    expect(sentences[0]).not.toContain('blocked');
    expect(sentences[1]).toContain('3 OOM kills');
    expect(sentences[1]).toContain('max 45 ms');
    expect(sentences[2]).toContain('2 context violations (2 sleep in atomic)');
    expect(sentences[3]).toBe(`broken: run failed: ${BROKEN_ERROR}.`);
  });

  it('writes sentences that follow the numbers, not canned text', () => {
    const result = singleSeedResult();
    const row = result.results[1]!;
    row.metrics!.failures = { count: 1, rate: 1 / row.metrics!.calls, rcuHead: 1, syncInline: 0 };
    row.metrics!.harm.oomKills = 0;
    const sentence = describePolicy(row);
    expect(sentence).toMatch(/^lockless-pcp: 1 failure \(/);
    expect(sentence).not.toContain('OOM');
  });
});

describe('relativePhrase', () => {
  const failures = { read: () => 0, noun: 'failures', unitNoun: 'failures', fewer: 'fewer', same: 'about as many failures' };
  it('puts ratios in words', () => {
    expect(relativePhrase(10, 23, failures)).toBe('2.3× fewer failures');
    expect(relativePhrase(46, 20, failures)).toBe('2.3× more failures');
    expect(relativePhrase(1_000, 10, failures)).toBe('100× more failures');
    expect(relativePhrase(101, 100, failures)).toBe('about as many failures');
    expect(relativePhrase(0, 7, failures)).toBe('0 vs 7 failures');
    expect(relativePhrase(0, 0, failures)).toBe('as many failures');
  });
});

describe('number formatting', () => {
  it('gives table cells three significant digits from 10,000 up', () => {
    expect(formatCell(9_999)).toBe('9,999');
    expect(formatCell(12_345)).toBe('12.3K');
    expect(formatCell(1_598_424)).toBe('1.6M');
    expect(formatCell(0.05)).toBe('0.05');
  });

  it('uses thousands separators and sensible precision', () => {
    expect(formatNumber(1_234_567.8)).toBe('1,234,568');
    expect(formatNumber(12.345)).toBe('12.3');
    expect(formatNumber(0.2)).toBe('0.2');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(Number.NaN)).toBe('n/a');
    expect(formatPercent(0.008)).toBe('0.8');
    expect(formatRatio(2.34)).toBe('2.3');
    expect(formatDurationUs(45_000)).toBe('45 ms');
    expect(formatDurationUs(0.2)).toBe('0.2 µs');
    expect(formatMeanWithInterval(38.5, { low: 28.9, high: 48.1 })).toBe('38.5 ± 9.6');
  });

  it('has a unit for every column', () => {
    for (const col of METRIC_COLUMNS) expect(['pages', 'KiB', '%', 'count', 'calls', 'µs', 'ms']).toContain(col.unit);
  });
});
