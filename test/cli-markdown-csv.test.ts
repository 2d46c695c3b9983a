// `--format markdown` (for pasting into reviews) and `--format csv` (for spreadsheets), from the
// real CLI, checked against the same run's --json so the numbers agree.
import { beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, QUICK, rcupool, SGR } from './helpers/cli.js';

const POLICIES = ['--policy', 'upstream,test/fixtures/policies/give-back.ts'];
let markdown: ReturnType<typeof rcupool>;
let csv: ReturnType<typeof rcupool>;
let json: Record<string, any>;

beforeAll(() => {
  markdown = rcupool(['compare', ...POLICIES, ...QUICK, '--format', 'markdown', '--jobs', '2']);
  csv = rcupool(['compare', ...POLICIES, ...QUICK, '--format', 'csv', '--jobs', '2']);
  json = JSON.parse(rcupool(['compare', ...POLICIES, ...QUICK, '--json', '--jobs', '2']).stdout);
}, E2E_TIMEOUT_MS);

describe('rcupool compare --format markdown', { timeout: E2E_TIMEOUT_MS }, () => {
  it('is a GFM table with units in the headers, one row per policy, then the sentences', () => {
    expect(markdown.status, markdown.stderr).toBe(0);
    expect(markdown.stderr).toBe('');
    const lines = markdown.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\| policy \| reserve avg \(pages\) \| .*\(µs\).*\(ms\).* \|$/);
    expect(lines[1]).toMatch(/^\| :--- (\| ---: )+\|$/);
    const cells = (line: string) => line.split('|').length;
    expect(cells(lines[2]!)).toBe(cells(lines[0]!));
    expect(lines[2]!.startsWith('| upstream |')).toBe(true);
    expect(lines[3]!.startsWith('| give-back |')).toBe(true);
    expect(lines[4]).toBe('');
    expect(lines[5]).toMatch(/^Scenario \S+ \(.*\), seed 1, rcupool /);
    expect(lines[6]).toBe('');
    expect(lines.slice(7)).toHaveLength(2);
    expect(lines[7]!.startsWith('- upstream: ')).toBe(true);
    expect(lines[8]!.startsWith('- give-back: ')).toBe(true);
    expect(markdown.stdout).not.toMatch(SGR);
  });

  it('shows the same fallback counts as --json', () => {
    const failures = (json.results as any[]).map((result) => result.metrics.failures.rcuHead as number);
    const header = markdown.stdout.split('\n')[0]!.split('|').map((cell) => cell.trim());
    const column = header.indexOf('rcu_head fallbacks (calls)');
    expect(column).toBeGreaterThan(0);
    const shown = markdown.stdout.split('\n').slice(2, 4).map((line) => Number(line.split('|')[column]!.trim().replace(/,/g, '')));
    expect(shown).toEqual(failures);
  });
});

describe('rcupool compare --format csv', { timeout: E2E_TIMEOUT_MS }, () => {
  it('is RFC 4180: a header, one CRLF record per policy, every metric', () => {
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.endsWith('\r\n')).toBe(true);
    const records = csv.stdout.slice(0, -2).split('\r\n');
    expect(records).toHaveLength(3);
    const header = records[0]!.split(',');
    expect(header.slice(0, 2)).toEqual(['policy', 'seed']);
    expect(header.at(-1)).toBe('error');
    for (const metric of ['calls', 'reserve.avgPages', 'failures.count', 'failures.rate', 'latencyUs.p99', 'harm.belowMinMs']) expect(header).toContain(metric);
    for (const record of records.slice(1)) expect(record.split(',')).toHaveLength(header.length);
  });

  it('has full-precision numbers equal to --json', () => {
    const records = csv.stdout.slice(0, -2).split('\r\n');
    const header = records[0]!.split(',');
    records.slice(1).forEach((record, index) => {
      const fields = record.split(',');
      const result = (json.results as any[])[index];
      expect(fields[0]).toBe(result.policy);
      expect(fields[1]).toBe('1');
      for (const metric of ['calls', 'failures.count', 'reserve.avgPages', 'latencyUs.max']) {
        const [group, name] = metric.split('.');
        const expected = name === undefined ? result.metrics[group!] : result.metrics[group!][name];
        // The very same double, written with the same digits as JSON.
        expect(fields[header.indexOf(metric)], metric).toBe(JSON.stringify(expected));
      }
    });
  });

  it('has a mean row and one row per seed with --seeds 2', () => {
    const result = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--seeds', '2', '--format', 'csv', '--jobs', '1']);
    expect(result.status, result.stderr).toBe(0);
    const seeds = result.stdout.slice(0, -2).split('\r\n').slice(1).map((record) => record.split(',').slice(0, 2).join(','));
    expect(seeds).toEqual(['upstream,mean', 'upstream,1', 'upstream,2']);
  });
});
