// `rcupool run --timeline`: the sentences under the charts, the charts and the table below
// them say the same numbers where they share one (issue: "lowest 1,950 (under LOW)" beside a
// table with 54.3 ms below MIN; "the most (2,191)" beside a chart peaking at 3,363).
import { describe, expect, it } from 'vitest';
import type { MetricPath } from '../src/contract/metrics.js';
import { visibleColumns } from '../src/report/columns.js';
import { formatCell, formatDurationMs } from '../src/report/format.js';
import type { CompareResult } from '../src/contract/result-types.js';
import { E2E_TIMEOUT_MS } from './helpers/cli.js';
import { rcupoolAsync } from './helpers/cli-async.js';

/** The table columns the sentences share numbers with. */
const SHARED: MetricPath[] = ['failures.count', 'inflight.peakPages', 'harm.belowMinMs'];

/** The default scenario dips under MIN and fails calls within its first second. */
const DIPPING = ['--policy', 'upstream', '--scenario', 'default', '--duration', '1s'];

interface Parsed {
  text: string;
  document: CompareResult;
  /** Table cell text by metric path. */
  cells: Map<MetricPath, string>;
}

async function runBoth(extra: string[]): Promise<Parsed> {
  const chart = await rcupoolAsync(['run', ...DIPPING, '--timeline', '--columns', SHARED.join(','), ...extra], { env: { COLUMNS: '100' } });
  expect(chart.status, chart.stderr).toBe(0);
  const json = await rcupoolAsync(['run', ...DIPPING, '--json', ...extra]);
  expect(json.status, json.stderr).toBe(0);
  const document = JSON.parse(json.stdout) as CompareResult;
  const row = chart.stdout.split('\n').find((line) => line.startsWith('│ upstream'));
  expect(row, 'the table row of upstream').toBeDefined();
  const values = row!.split('│').slice(2, -1).map((cell) => cell.trim());
  const columns = visibleColumns(document, SHARED);
  expect(values).toHaveLength(columns.length);
  return { text: chart.stdout, document, cells: new Map(columns.map((col, index) => [col.path, values[index]!])) };
}

/** The largest y label of the chart titled `title`: asciichart labels the top row with the maximum. */
function chartMaximum(text: string, title: RegExp): string {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => title.test(line));
  expect(start, `a chart titled ${title}`).toBeGreaterThanOrEqual(0);
  return /^\s*([\d,.]+) [┼┤]/.exec(lines[start + 1]!)![1]!;
}

function sentence(text: string, start: string): string {
  const line = text.split('\n').find((candidate) => candidate.startsWith(start));
  expect(line, `a line starting "${start}"`).toBeDefined();
  return line!;
}

function checkAgreement({ text, document, cells }: Parsed, unit: 'column' | 'interval'): void {
  const metrics = document.results[0]!.metrics!;
  const failures = sentence(text, 'Failures: ');
  const total = /^Failures: ([\d,]+) in the arrival window/.exec(failures)![1];
  // The table shows three significant digits; the sentence every digit: the same number.
  expect(formatCell(Number(total!.replace(/,/g, '')))).toBe(cells.get('failures.count'));
  const most = new RegExp(`the most in one ${unit} \\(([\\d,]+)\\)`).exec(failures);
  expect(most, failures).not.toBeNull();
  expect(most![1]).toBe(chartMaximum(text, /^failures per/));

  const free = sentence(text, 'Free pages: ');
  expect(metrics.harm.belowMinMs).toBeGreaterThan(0);
  expect(free).toMatch(/\(under MIN\)/);
  expect(free).toContain(`under MIN for ${formatDurationMs(metrics.harm.belowMinMs)} in all`);
  expect(cells.get('harm.belowMinMs')).toBe(formatCell(metrics.harm.belowMinMs));

  const peak = /pages in flight peak at ([\d,]+)/.exec(sentence(text, 'Reserve: '))![1];
  expect(formatCell(Number(peak!.replace(/,/g, '')))).toBe(cells.get('inflight.peakPages'));
  expect(peak).toBe(chartMaximum(text, /^pages in flight/));
}

describe('rcupool run --timeline agrees with its table', { timeout: E2E_TIMEOUT_MS }, () => {
  it('when the samples are squeezed into fewer columns than there are samples', async () => {
    checkAgreement(await runBoth(['--timeline-points', '200']), 'column');
  });

  it('when every sample has its own column', async () => {
    checkAgreement(await runBoth(['--timeline-points', '40']), 'interval');
  });
});
