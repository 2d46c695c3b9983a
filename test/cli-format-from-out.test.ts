// `--out FILE` without --format picks the format from the file's extension (among the command's
// own formats); --format or --json that contradicts a recognised extension is a usage error
// (exit 2, one line naming both flags) raised before anything runs.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseFormat } from '../src/cli/format-choice.js';
import { REPORT_FORMATS } from '../src/report/index.js';
import { SWEEP_FORMATS } from '../src/report/sweep-render.js';
import { E2E_TIMEOUT_MS, QUICK, rcupool } from './helpers/cli.js';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'rcupool-format-from-out-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('chooseFormat', () => {
  it('takes the format from a recognised extension, whatever its case', () => {
    expect(chooseFormat({ out: 'report.json' }, REPORT_FORMATS)).toBe('json');
    expect(chooseFormat({ out: 'report.md' }, REPORT_FORMATS)).toBe('markdown');
    expect(chooseFormat({ out: 'REPORT.Markdown' }, REPORT_FORMATS)).toBe('markdown');
    expect(chooseFormat({ out: 'out/report.csv' }, REPORT_FORMATS)).toBe('csv');
    expect(chooseFormat({ out: 'report.htm' }, REPORT_FORMATS)).toBe('html');
  });

  it('keeps the table for other extensions, no --out, and formats the command lacks', () => {
    expect(chooseFormat({ out: 'report.txt' }, REPORT_FORMATS)).toBe('table');
    expect(chooseFormat({ out: 'report' }, REPORT_FORMATS)).toBe('table');
    expect(chooseFormat({}, REPORT_FORMATS)).toBe('table');
    expect(chooseFormat({ out: 'report.csv' }, ['table', 'json'])).toBe('table');
  });

  it('an explicit format that agrees, or any format with an unrecognised extension, is kept', () => {
    expect(chooseFormat({ format: 'json', out: 'report.json' }, REPORT_FORMATS)).toBe('json');
    expect(chooseFormat({ json: true, out: 'report.json' }, REPORT_FORMATS)).toBe('json');
    expect(chooseFormat({ format: 'csv', out: 'report.txt' }, REPORT_FORMATS)).toBe('csv');
    expect(chooseFormat({ format: 'markdown' }, REPORT_FORMATS)).toBe('markdown');
  });

  it('refuses a --format or --json that disagrees with the extension, naming both flags', () => {
    expect(() => chooseFormat({ format: 'csv', out: 'report.json' }, REPORT_FORMATS)).toThrow(
      '--format csv disagrees with --out report.json (a .json file gets json); drop --format or rename the file',
    );
    expect(() => chooseFormat({ json: true, out: 'report.md' }, REPORT_FORMATS)).toThrow(/^--json disagrees with --out report\.md .*drop --json/);
    expect(() => chooseFormat({ format: 'table', out: 'report.html' }, REPORT_FORMATS)).toThrow(/--format table disagrees with --out report\.html/);
    expect(() => chooseFormat({ json: true, format: 'csv' }, REPORT_FORMATS)).toThrow(/--json and --format csv disagree/);
  });

  it('sweep honours .html once it has an html format (its own list decides)', () => {
    const withHtml = [...SWEEP_FORMATS, 'html'];
    expect(chooseFormat({ out: 'sweep.html' }, withHtml)).toBe('html');
    expect(chooseFormat({ out: 'sweep.csv' }, SWEEP_FORMATS)).toBe('csv');
  });
});

describe('the commands', { timeout: E2E_TIMEOUT_MS }, () => {
  it('compare --out report.md writes markdown, --out report.json writes JSON', () => {
    const markdown = join(folder, 'report.md');
    const json = join(folder, 'report.json');
    expect(rcupool(['compare', '--policy', 'upstream', ...QUICK, '--out', markdown]).status).toBe(0);
    expect(rcupool(['compare', '--policy', 'upstream', ...QUICK, '--out', json]).status).toBe(0);
    expect(readFileSync(markdown, 'utf8')).toMatch(/^\| policy/m);
    expect(JSON.parse(readFileSync(json, 'utf8')).results[0].policy).toBe('upstream');
  });

  it('run --out timeline.csv writes CSV', () => {
    const csv = join(folder, 'run.csv');
    const result = rcupool(['run', '--policy', 'upstream', ...QUICK, '--out', csv]);
    expect(result.status, result.stderr).toBe(0);
    const text = readFileSync(csv, 'utf8');
    expect(text.split('\n')[0]).toMatch(/^policy,/);
  });

  it('sweep --out points.csv writes CSV', () => {
    const csv = join(folder, 'sweep.csv');
    const result = rcupool(['sweep', '--policy', 'upstream', ...QUICK, '--vary', 'workload.headlessShare=0,0.5', '--out', csv]);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toContain(',');
  });

  it('a contradiction is exit 2 and one line, before any run (compare, run, sweep, check)', () => {
    const cases = [
      ['compare', '--policy', 'upstream', ...QUICK, '--format', 'csv', '--out', join(folder, 'x.json')],
      ['run', '--policy', 'upstream', ...QUICK, '--json', '--out', join(folder, 'x.md')],
      ['sweep', '--policy', 'upstream', ...QUICK, '--vary', 'workload.headlessShare=0,0.5', '--format', 'markdown', '--out', join(folder, 'x.csv')],
      ['check', '--baseline', join(folder, 'missing-baseline.json'), '--format', 'table', '--out', join(folder, 'x.html')],
    ];
    for (const args of cases) {
      const result = rcupool(args);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/disagrees with --out .*; drop --(format|json) or rename the file/);
    }
  });
});
