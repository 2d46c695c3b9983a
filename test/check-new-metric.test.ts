// A baseline recorded before a metric existed still loads; `check` shows that metric as "new"
// (today's value, no baseline, no change) in every report format and never fails on it, however
// large today's value is.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyModule } from '../src/policy/api.js';
import type { LoadedPolicy } from '../src/policy/loader.js';
import { renderCheckJson } from '../src/report/check-json.js';
import { renderCheckMarkdown } from '../src/report/check-markdown.js';
import { renderCheckTable, type CheckView } from '../src/report/check-table.js';
import { renderCheckHtml } from '../src/report/html-check.js';
import { makeBaseline, parseBaseline, serializeBaseline } from '../src/runner/baseline-file.js';
import { compareResults } from '../src/runner/regression.js';
import type { CompareResult } from '../src/contract/result-types.js';
import { BIN, cleanEnv, E2E_TIMEOUT_MS, QUICK } from './helpers/cli.js';
import { multiSeedResult } from './fixtures/compare-result.js';

/** The metric the old baseline predates; failures.count is judged by default, so a miss would show. */
const MISSING = 'failures.count';

function policyModule(name: string): PolicyModule {
  return { name, summary: 'test', source: 'test', params: [], create: () => ({ needPage: () => null, pageEmptied: () => {} }) };
}

/** A baseline file as an rcupool that lacked failures.count would have written it. */
function baselineWithoutMetric(result: CompareResult): string {
  const loaded: LoadedPolicy = { location: { spec: 'upstream', kind: 'builtin', path: '/x/upstream.js' }, policy: policyModule(result.results[0]!.policy) };
  const file = JSON.parse(serializeBaseline(makeBaseline({ scenario: result.scenario, seeds: result.seeds, policies: [{ loaded, params: {} }] }, result)));
  for (const entry of file.result.results) {
    for (const metrics of [entry.metrics, ...(entry.perSeed ?? [])]) delete metrics.failures.count;
    if (entry.ci95) delete entry.ci95.failures.count;
  }
  return JSON.stringify(file, null, 2);
}

function oneCompared(): CompareResult {
  const result = multiSeedResult();
  result.results = result.results.slice(0, 1);
  return result;
}

/** Today's run: the same numbers, except a failure count far beyond any threshold. */
function todayWithFailures(result: CompareResult): CompareResult {
  const today = structuredClone(result);
  for (const entry of today.results) for (const metrics of [entry.metrics!, ...(entry.perSeed ?? [])]) metrics.failures.count += 10_000;
  return today;
}

describe('a baseline without one metric', () => {
  const compared = oneCompared();
  const loaded = parseBaseline(baselineWithoutMetric(compared), 'old.json');
  const report = compareResults(loaded.baseline.result, todayWithFailures(compared));
  const view: CheckView = { report, baselineFile: 'old.json', baselineTool: '0.0.9', tool: '0.1.0', scenario: 'default', all: false, notes: [] };

  it('loads, and the metric is "new": no baseline value, no change, not counted, no regression', () => {
    const row = report.policies[0]!.metrics.find((entry) => entry.metric === MISSING)!;
    expect(row).toMatchObject({ verdict: 'new', baseline: null, difference: null, relativeChange: null, limit: null });
    expect(row.current).toBeGreaterThanOrEqual(10_000);
    expect(report.regressed).toBe(false);
    expect(report.incomplete).toBe(false);
    const judged = report.counts.regressed + report.counts.improved + report.counts.inconclusive + report.counts.unchanged;
    expect(judged).toBe(report.policies[0]!.metrics.filter((entry) => entry.verdict !== 'info').length - 1);
  });

  it('the table, markdown, JSON and HTML reports show it as new, by default', async () => {
    const table = renderCheckTable(view, { color: false });
    expect(table).toMatch(new RegExp(`│ ${MISSING.replace('.', '\\.')}\\s+│\\s+— │ .* │\\s+— │ .* │ new\\s+│`));
    expect(table).toMatch(/^OK: /m);
    expect(table).toContain('new: the baseline was recorded before rcupool had this metric');
    expect(renderCheckMarkdown(view)).toMatch(new RegExp(`\\| \`${MISSING.replace('.', '\\.')}\` \\| — \\| [^|]+ \\| — \\| [^|]+ \\| new \\|`));
    const json = JSON.parse(renderCheckJson(view));
    expect(json.status).toBe('ok');
    expect(json.policies[0].metrics.find((entry: { metric: string }) => entry.metric === MISSING)).toMatchObject({ verdict: 'new', baseline: null });
    const html = await renderCheckHtml(view, compared);
    expect(html).toMatch(new RegExp(`<td>${MISSING.replace('.', '\\.')}</td><td class="num">—</td>.*?<td class="">new</td>`));
  });

  it('a metric present as something other than a number is still an error', () => {
    const broken = JSON.parse(baselineWithoutMetric(compared));
    broken.result.results[0].metrics.failures.rate = 'high';
    expect(() => parseBaseline(JSON.stringify(broken), 'old.json')).toThrow(/"result\.results\[0\]\.metrics\.failures\.rate": expected a number from 0 to 1, found "high"/);
  });
});

describe('rcupool check on such a file', { timeout: E2E_TIMEOUT_MS }, () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'rcupool-new-metric-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('exits 0 and lists the metric as new', () => {
    const file = join(folder, 'baseline.json');
    const run = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: folder, env: cleanEnv(), encoding: 'utf8' });
    expect(run(['baseline', '--out', file, '--policy', 'upstream', ...QUICK, '--seeds', '2', '-q']).status).toBe(0);
    const baseline = JSON.parse(readFileSync(file, 'utf8'));
    for (const entry of baseline.result.results) for (const metrics of [entry.metrics, ...(entry.perSeed ?? [])]) delete metrics.failures.count;
    writeFileSync(file, JSON.stringify(baseline, null, 2));
    const checked = run(['check', '--baseline', file, '--json', '-q']);
    expect(checked.status, checked.stderr).toBe(0);
    const report = JSON.parse(checked.stdout);
    expect(report.status).toBe('ok');
    expect(report.policies[0].metrics.find((entry: { metric: string }) => entry.metric === MISSING)).toMatchObject({ verdict: 'new', baseline: null, difference: null });
  });
});
