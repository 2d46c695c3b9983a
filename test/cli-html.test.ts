// `--format html` end to end: compare (and `--out x.html` choosing it), run and check write one
// page; --vega-specs writes a spec per chart of that page; a folder that cannot be made is a
// one-line usage error.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_PATHS } from '../src/contract/metrics.js';
import { E2E_TIMEOUT_MS, QUICK, type CliResult } from './helpers/cli.js';
import { rcupoolAsync as rcupool } from './helpers/cli-async.js';
import { figures, parseHtml } from './helpers/html.js';

let folder: string;
let compared: CliResult;

const at = (file: string) => join(folder, file);
/** One chart per metric group of the registry (top-level numbers are the "totals" group). */
const GROUPS = [...new Set(METRIC_PATHS.map((path) => (path.includes('.') ? path.split('.')[0]!.toLowerCase() : 'totals')))].map((group) => `chart-metrics-${group}`);

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'rcupool-html-'));
  compared = await rcupool(['compare', '--policy', 'upstream,mempool', ...QUICK, '--out', at('report.html'), '--vega-specs', at('specs')]);
}, E2E_TIMEOUT_MS);

afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('rcupool --format html', { timeout: E2E_TIMEOUT_MS }, () => {
  it('compare --out report.html writes the page: metric groups and a timeline per policy', () => {
    expect(compared.status, compared.stderr).toBe(0);
    expect(compared.stdout).toBe('');
    expect(compared.stderr).toBe('');
    const html = readFileSync(at('report.html'), 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect([...figures(parseHtml(html)).keys()].sort()).toEqual([...GROUPS, 'chart-timeline-upstream', 'chart-timeline-mempool'].sort());
  });

  it('--vega-specs writes one Vega-Lite spec per chart of the page, data inline', () => {
    const html = readFileSync(at('report.html'), 'utf8');
    const files = readdirSync(at('specs')).sort();
    expect(files).toEqual([...figures(parseHtml(html)).keys()].map((id) => `${id.replace(/^chart-/, '')}.vl.json`).sort());
    for (const file of files) {
      const spec = JSON.parse(readFileSync(join(at('specs'), file), 'utf8')) as Record<string, any>;
      expect(spec.$schema).toMatch(/vega-lite\/v6\.json$/);
      expect(JSON.stringify(spec)).toContain('"values"');
    }
  });

  it('run --format html gives the policy its timeline', async () => {
    const result = await rcupool(['run', '--policy', 'upstream', ...QUICK, '--format', 'html']);
    expect(result.status, result.stderr).toBe(0);
    expect([...figures(parseHtml(result.stdout)).keys()]).toContain('chart-timeline-upstream');
    expect(result.stdout).toContain('rcupool run: steady');
  });

  it('check --format html shows the verdict, the rows and how far they moved', async () => {
    const made = await rcupool(['baseline', '--out', at('baseline.json'), '--policy', 'upstream', ...QUICK]);
    expect(made.status, made.stderr).toBe(0);
    const result = await rcupool(['check', '--baseline', at('baseline.json'), '--all', '--format', 'html']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/<strong>OK<\/strong>: no regressions/);
    expect(result.stdout).toContain('failures.count');
    expect([...figures(parseHtml(result.stdout)).keys()]).toEqual(['chart-check-changes', ...GROUPS]);
  });

  it('--vega-specs into a path that cannot be a folder is one line and exit 2', async () => {
    const result = await rcupool(['compare', '--policy', 'upstream', ...QUICK, '--format', 'html', '--vega-specs', at('report.html/specs')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: --vega-specs .*report\.html\/specs: cannot make the folder \(ENOTDIR\); give a writable path\n$/);
  });
});
