// `rcupool baseline` and `rcupool check` end to end: the real CLI on short runs (steady, 300 ms,
// 3 seeds) with a user policy written to a temporary folder.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_PATHS, metricValue, type Metrics } from '../src/contract/metrics.js';
import { intervalMetrics, meanMetrics } from '../src/runner/statistics.js';
import { BIN, cleanEnv, E2E_TIMEOUT_MS, QUICK, type CliResult } from './helpers/cli.js';

/**
 * `rcupool <args>` without blocking: a dozen runs in one file would otherwise hold the test
 * worker's event loop long enough for vitest's own RPC to time out on a busy machine.
 */
function rcupool(args: readonly string[], options: { cwd: string }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A small policy: a per-CPU cache of `cachePages`, refilled by a highpri worker after a miss. */
function policySource(name: string, cachePages: number): string {
  return `import { definePolicy } from 'rcupool';

export default definePolicy({
  name: '${name}',
  summary: 'Per-CPU cache of empty pages, refilled by a highpri worker after a miss.',
  source: 'test fixture for rcupool check',
  params: [{ name: 'cachePages', default: ${cachePages}, unit: 'pages per CPU', description: 'cache size', range: { min: 0, max: 1000 }, integer: true }],
  create(kernel, params) {
    const cap = params.cachePages as number;
    const cache = kernel.reserve('cache', { shared: false });
    const busy = new Array<boolean>(kernel.cpus).fill(false);
    function refill(cpu: number): void {
      for (let size = cache.size(cpu); size < cap; size++) {
        const page = kernel.alloc(cpu, 'KERNEL_NORETRY');
        if (!page) break;
        cache.put(cpu, page);
      }
      busy[cpu] = false;
    }
    return {
      needPage(request) {
        const page = cache.take(request.cpu);
        if (page) return page;
        if (!busy[request.cpu]) {
          busy[request.cpu] = true;
          kernel.hrtimer(request.cpu, 0, () => kernel.queueWork(request.cpu, 'highpri', () => refill(request.cpu)));
        }
        return null;
      },
      pageEmptied(cpu, page) {
        if (cache.size(cpu) < cap) cache.put(cpu, page);
        else kernel.free(cpu, page);
      },
      shrinkCount() {
        let count = 0;
        for (let cpu = 0; cpu < kernel.cpus; cpu++) count += cache.size(cpu);
        return count;
      },
      shrinkScan() {
        let freed = 0;
        for (let cpu = 0; cpu < kernel.cpus; cpu++) {
          for (let page = cache.take(cpu); page; page = cache.take(cpu)) {
            kernel.free(cpu, page);
            freed++;
          }
        }
        return freed;
      },
    };
  },
});
`;
}

// One worker thread: each costs a module load, and the results do not depend on it (the
// --force test checks that a --jobs 1 baseline is byte-identical to the --jobs 2 one).
const RUN = [...QUICK, '--seeds', '3', '--jobs', '1'];

let folder: string;
/** The baseline every test starts from: mine.ts (cache of 5) and upstream. */
let baselineText: string;

const at = (file: string) => join(folder, file);
const inFolder = (args: string[]) => rcupool(args, { cwd: folder });

/** A fresh copy of the shared baseline, so tests can change it. */
function copyOfBaseline(file: string): string {
  writeFileSync(at(file), baselineText);
  return file;
}

describe('rcupool baseline and check', { timeout: E2E_TIMEOUT_MS }, () => {
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'rcupool-check-'));
    writeFileSync(at('mine.ts'), policySource('mine', 5));
    const made = await inFolder(['baseline', '--out', 'baseline.json', '--policy', './mine.ts,upstream', ...QUICK, '--seeds', '3', '--jobs', '2']);
    expect(made.status, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/wrote baseline baseline\.json/);
    baselineText = readFileSync(at('baseline.json'), 'utf8');
  }, E2E_TIMEOUT_MS);

  afterAll(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('records the configuration: versions, scenario, seeds, policies with location, params and sha256', async () => {
    const baseline = JSON.parse(baselineText);
    expect(baseline.baselineVersion).toBe(1);
    expect(baseline.schemaVersion).toBe(2);
    expect(baseline.tool.name).toBe('rcupool');
    expect(baseline.scenario.name).toBe('steady');
    expect(baseline.scenario.durationMs).toBe(300);
    expect(baseline.seeds).toEqual([1, 2, 3]);
    expect(baseline.policies[0]).toMatchObject({ name: 'mine', kind: 'file', location: './mine.ts', params: { cachePages: 5 }, paramOverrides: {} });
    expect(baseline.policies[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(baseline.policies[1]).toMatchObject({ name: 'upstream', kind: 'builtin', location: 'upstream' });
    expect(baseline.policies[1].sha256).toBeUndefined();
    expect(baseline.result.results.map((entry: { policy: string }) => entry.policy)).toEqual(['mine', 'upstream']);
    expect(baseline.result.results[0].perSeed).toHaveLength(3);
  });

  it('unchanged code: exit 0, nothing beyond a threshold', async () => {
    const file = copyOfBaseline('unchanged.json');
    const checked = await inFolder(['check', '--baseline', file, '--jobs', '1']);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/No metric moved beyond its threshold/);
    expect(checked.stdout).toMatch(/OK: 0 regressed, 0 improved, 0 inconclusive, 76 unchanged/);
    expect(checked.stderr).toBe('');
    // The JSON for scripts says the same.
    const json = await inFolder(['check', '--baseline', file, '--json', '--jobs', '1']);
    expect(json.status, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report.status).toBe('ok');
    expect(report.counts).toEqual({ regressed: 0, improved: 0, inconclusive: 0, unchanged: 76 });
  });

  it('a policy file made worse (smaller cache): exit 1 naming the policy and the metric', async () => {
    // The baseline's ./mine.ts, edited in place: check finds it where the baseline says.
    const dir = mkdtempSync(join(folder, 'worse-'));
    copyFileSync(at('baseline.json'), join(dir, 'baseline.json'));
    writeFileSync(join(dir, 'mine.ts'), policySource('mine', 1));
    const checked = await rcupool(['check', '--baseline', 'baseline.json', '--format', 'markdown', '--jobs', '1'], { cwd: dir });
    expect(checked.status, checked.stderr).toBe(1);
    expect(checked.stderr).toMatch(/^rcupool: regression: mine failures\.count \+/m);
    expect(checked.stderr).not.toMatch(/regression: upstream/);
    expect(checked.stdout).toMatch(/^### ❌ rcupool check: \d+ regressions?/m);
    expect(checked.stdout).toMatch(/^\| mine \| `failures\.count` \| .* \| ❌ \*\*regressed\*\* \|$/m);
    expect(checked.stdout).toMatch(/mine: \.\/mine\.ts changed since the baseline \(sha256/);
    expect(checked.stdout).toMatch(/param cachePages defaults to 1 now \(the baseline ran with 5\)/);
  });

  it('--policy FILE replaces the baseline policy of the same name', async () => {
    writeFileSync(at('mine-smaller.ts'), policySource('mine', 1));
    const file = copyOfBaseline('replaced.json');
    const checked = await inFolder(['check', '--baseline', file, '--policy', './mine-smaller.ts', '--json', '--jobs', '1']);
    expect(checked.status, checked.stderr).toBe(1);
    const report = JSON.parse(checked.stdout);
    expect(report.status).toBe('regressed');
    const mine = report.policies.find((entry: { policy: string }) => entry.policy === 'mine');
    const row = (metric: string) => mine.metrics.find((entry: { metric: string }) => entry.metric === metric);
    expect(row('failures.count').verdict).toBe('regressed');
    expect(row('failures.count').test).toBe('paired-t');
    expect(row('reserve.avgPages').verdict).toBe('improved');
    expect(report.notes.join('\n')).toMatch(/from \.\/mine-smaller\.ts \(--policy\) instead of \.\/mine\.ts/);

    writeFileSync(at('other.ts'), policySource('other', 5));
    const unknown = await inFolder(['check', '--baseline', file, '--policy', './other.ts']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/defines policy "other", which is not in baseline replaced\.json \(mine, upstream\)/);
  });

  it('a tiny, noisy difference across seeds: inconclusive, exit 0', async () => {
    // Today's code is unchanged, so its per-seed numbers are the baseline's. Move the baseline's
    // reserve.avgPages of `mine` per seed so that today's mean is ~20 % higher than the
    // baseline's (beyond 10 % and 1 page) but carried by one seed: not significant.
    const baseline = JSON.parse(baselineText);
    const mine = baseline.result.results[0];
    const perSeed = mine.perSeed as Metrics[];
    const average = perSeed.reduce((sum, metrics) => sum + metrics.reserve.avgPages, 0) / perSeed.length;
    expect(average, 'the fixture policy must keep several pages in reserve for this test').toBeGreaterThan(10);
    [0.6, -0.05, -0.05].forEach((share, index) => (perSeed[index]!.reserve.avgPages -= share * average));
    mine.metrics = meanMetrics(perSeed);
    mine.ci95 = intervalMetrics(perSeed);
    writeFileSync(at('noisy.json'), JSON.stringify(baseline, null, 2));

    const checked = await inFolder(['check', '--baseline', 'noisy.json', '--jobs', '1']);
    expect(checked.status, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/│ mine +│ reserve\.avgPages +│.*│ inconclusive │/);
    expect(checked.stdout).toMatch(/OK: 0 regressed, 0 improved, 1 inconclusive, 75 unchanged/);
    expect(checked.stdout).toMatch(/inconclusive: beyond the threshold but not significant at 95 %/);

    const json = JSON.parse((await inFolder(['check', '--baseline', 'noisy.json', '--json', '--jobs', '1'])).stdout);
    const row = json.policies[0].metrics.find((entry: { metric: string }) => entry.metric === 'reserve.avgPages');
    expect(row).toMatchObject({ verdict: 'inconclusive', significant: false, test: 'paired-t', seeds: 3 });
    expect(row.relativeChange).toBeGreaterThan(0.1);
  });

  it('an unusable baseline (another schemaVersion, truncated, a field missing from the means only): exit 2 with the reason', async () => {
    // More cases, without spawning: test/baseline-file.test.ts.
    const edited = (edit: (baseline: Record<string, any>) => void) => {
      const baseline = JSON.parse(baselineText);
      edit(baseline);
      return JSON.stringify(baseline, null, 2);
    };
    const files: Record<string, string> = {
      'v1.json': edited((b) => (b.schemaVersion = 1)),
      'cut.json': baselineText.slice(0, Math.floor(baselineText.length / 2)),
      'no-failures.json': edited((b) => delete b.result.results[1].metrics.failures.count),
    };
    const checked = await Promise.all(
      Object.entries(files).map(([name, text]) => {
        writeFileSync(at(name), text);
        return inFolder(['check', '--baseline', name]);
      }),
    );
    for (const result of checked) {
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
    }
    const [version, truncated, missing] = checked.map((result) => result.stderr);
    expect(version).toMatch(/^rcupool: baseline v1\.json: schemaVersion 1 is older than this rcupool's results \(2\); re-record it: rcupool baseline --force --out v1\.json/);
    expect(truncated).toMatch(/^rcupool: baseline cut\.json: the file is truncated/);
    // Missing from the means while every seed has it: a damaged file (a metric the baseline predates is missing everywhere; check-new-metric.test.ts).
    expect(missing).toBe('rcupool: baseline no-failures.json: missing field "result.results[1].metrics.failures.count" (it is in "result.results[1].perSeed[0]")\n');
  });

  it('baseline refuses to overwrite without --force, and writes the same bytes whatever --jobs', async () => {
    writeFileSync(at('taken.json'), 'precious');
    const refused = await inFolder(['baseline', '--out', 'taken.json', '--policy', './mine.ts,upstream', ...RUN]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--out taken\.json: the file exists; add --force to overwrite it/);
    expect(refused.stdout).toBe('');
    expect(readFileSync(at('taken.json'), 'utf8')).toBe('precious');

    const forced = await inFolder(['baseline', '--out', 'taken.json', '--force', '--policy', './mine.ts,upstream', ...RUN, '-q']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toBe('');
    // Deterministic and free of timestamps: the same file as the shared baseline (made with --jobs 2).
    expect(readFileSync(at('taken.json'), 'utf8')).toBe(baselineText);
  });

  it('--update accepts a deliberate change: exit 0, the baseline is rewritten, the next check passes', async () => {
    writeFileSync(at('mine-smaller.ts'), policySource('mine', 1));
    const file = copyOfBaseline('update.json');
    const updated = await inFolder(['check', '--baseline', file, '--policy', './mine-smaller.ts', '--update', '--jobs', '1']);
    expect(updated.status, updated.stderr).toBe(0);
    expect(updated.stderr).toMatch(/^rcupool: accepted: mine failures\.count/m);
    expect(updated.stderr).toMatch(/baseline update\.json updated/);
    const rewritten = JSON.parse(readFileSync(at(file), 'utf8'));
    expect(rewritten.policies[0]).toMatchObject({ name: 'mine', location: './mine-smaller.ts', params: { cachePages: 1 } });
    const before = JSON.parse(baselineText).result.results[0].metrics;
    expect(metricValue(rewritten.result.results[0].metrics, 'failures.count')).toBeGreaterThan(metricValue(before, 'failures.count'));
    for (const path of METRIC_PATHS) expect(typeof metricValue(rewritten.result.results[0].metrics, path)).toBe('number');

    const again = await inFolder(['check', '--baseline', file, '--jobs', '1']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/OK: 0 regressed/);
  });
});
