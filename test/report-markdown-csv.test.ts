import { describe, it, expect } from 'vitest';
import { METRIC_PATHS } from '../src/contract/metrics.js';
import { visibleColumns } from '../src/report/columns.js';
import { csvField, renderCsv } from '../src/report/csv.js';
import { render } from '../src/report/index.js';
import { escapeMarkdown, renderMarkdown } from '../src/report/markdown.js';
import { BROKEN_ERROR, MULTI_SEEDS, USER_POLICY_NAME, multiSeedResult, singleSeedResult } from './fixtures/compare-result.js';

/** Splits a CSV document per RFC 4180 (quoted fields may hold commas, quotes and newlines). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') record.push(field), (field = '');
    else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field), records.push(record), (record = []), (field = ''), i++;
    } else field += char;
  }
  return records;
}

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(singleSeedResult());
  const tableLines = markdown.split('\n').filter((line) => line.startsWith('|'));

  it('is a pipe table with units in the headers and an alignment row', () => {
    const columns = visibleColumns(singleSeedResult());
    expect(tableLines[0]).toBe(`| policy | ${columns.map((col) => `${col.label} (${col.unit})`).join(' | ')} |`);
    expect(tableLines[0]).toContain('reserve avg (pages)');
    expect(tableLines[0]).toContain('failure rate (%)');
    expect(tableLines[0]).toContain('slow path p99 (µs)');
    expect(tableLines[0]).toContain('below MIN (ms)');
    expect(tableLines[1]).toMatch(/^\| :--- (\| ---: )+\|$/);
  });

  it('has one line per policy with the same number of cells as the header', () => {
    expect(tableLines).toHaveLength(2 + 4);
    const cellCount = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    for (const line of tableLines) expect(cellCount(line)).toBe(cellCount(tableLines[0]!));
    expect(tableLines[3]).toMatch(/^\| lockless-pcp \| 0 \| 0 \| 0\.8 \|/);
    expect(tableLines[5]).toContain(`| broken | error: ${BROKEN_ERROR} |`);
  });

  it('lists the sentences and has no colour', () => {
    expect(markdown).toContain('- upstream: 0 failures in 150,500 calls with 40 reserve pages at peak');
    expect(markdown).toContain('- lockless-pcp: 1,204 failures (0.8 %) in 150,500 calls');
    expect(markdown).toContain('stalled callers (calls)');
    expect(markdown).not.toMatch(/\x1b\[/);
  });

  it('escapes pipes in names so they cannot split a cell', () => {
    const result = singleSeedResult();
    result.results[0]!.policy = 'a|b';
    const line = renderMarkdown(result).split('\n')[2]!;
    expect(line.startsWith('| a\\|b |')).toBe(true);
    expect(escapeMarkdown('x\ny')).toBe('x<br>y');
  });

  it('adds the relative column and the seed note', () => {
    const text = render('markdown', multiSeedResult(), { color: true, reference: 'upstream' });
    expect(text.split('\n')[0]).toMatch(/\| vs upstream \|$/);
    expect(text).toContain('1,204 vs 0 failures<br>0 vs 38.5 reserve pages');
    expect(text).toContain('± is the half-width of the 95 % confidence interval');
    expect(text).not.toMatch(/\x1b\[/);
  });
});

describe('render', () => {
  it('dispatches on the format name and ends every format with a newline', () => {
    const result = singleSeedResult();
    expect(render('csv', result, { color: false })).toBe(renderCsv(result));
    expect(render('markdown', result, { color: false })).toBe(renderMarkdown(result));
    expect(JSON.parse(render('json', result, { color: false })).schemaVersion).toBe(2);
    for (const format of ['table', 'json', 'markdown', 'csv'] as const) expect(render(format, result, { color: false }).endsWith('\n')).toBe(true);
  });
});

describe('renderCsv', () => {
  it('has a header of policy, seed, every metric path, error, and CRLF record ends', () => {
    const text = renderCsv(singleSeedResult());
    expect(text.split('\r\n')[0]).toBe(['policy', 'seed', ...METRIC_PATHS, 'error'].join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('quotes a policy name with a comma and keeps every row the header width', () => {
    const text = renderCsv(singleSeedResult());
    expect(text).toContain(`\r\n"${USER_POLICY_NAME}",42,150500,`);
    const records = parseCsv(text);
    expect(records).toHaveLength(1 + 4);
    for (const record of records) expect(record).toHaveLength(2 + METRIC_PATHS.length + 1);
    expect(records[3]![0]).toBe(USER_POLICY_NAME);
  });

  it('puts a failed policy in the error column with empty metrics', () => {
    const records = parseCsv(renderCsv(singleSeedResult()));
    const broken = records.find((record) => record[0] === 'broken')!;
    expect(broken.at(-1)).toBe(BROKEN_ERROR);
    expect(broken.slice(1, -1).every((field) => field === '')).toBe(true);
  });

  it('writes a mean row and one row per seed with several seeds', () => {
    const records = parseCsv(renderCsv(multiSeedResult()));
    const upstream = records.filter((record) => record[0] === 'upstream').map((record) => record[1]);
    expect(upstream).toEqual(['mean', ...MULTI_SEEDS.map(String)]);
    const failuresColumn = 2 + METRIC_PATHS.indexOf('failures.count');
    const lockless = records.filter((record) => record[0] === 'lockless-pcp');
    // The fixture's seed values are 0.9, 1 and 1.1 × 1204; each field carries the double JSON would.
    const result = multiSeedResult().results.find((entry) => entry.policy === 'lockless-pcp')!;
    const expected = [result.metrics!, ...result.perSeed!].map((metrics) => JSON.stringify(metrics.failures.count));
    expect(lockless.map((record) => record[failuresColumn])).toEqual(expected);
  });

  it('quotes quotes, commas and newlines per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('leaves a non-finite number empty', () => {
    const result = singleSeedResult();
    result.results[0]!.metrics!.latencyUs.max = Number.NaN;
    const record = parseCsv(renderCsv(result))[1]!;
    expect(record[2 + METRIC_PATHS.indexOf('latencyUs.max')]).toBe('');
  });
});
