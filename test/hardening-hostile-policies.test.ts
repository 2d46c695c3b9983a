// One test per row of issue 11's table of hostile or buggy user policies: each ends as that
// policy's error row (or a one-line load error) naming the policy, the hook and the simulated
// time, the other rows untouched, exit code 2 — and never a hang (every run has a short
// --run-timeout), a crash, "internal error" or a line over 200 characters.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, E2E_TIMEOUT_MS, ROOT, type CliResult } from './helpers/cli.js';

const HOSTILE = 'test/fixtures/policies/hostile';
const fixture = (name: string) => `${HOSTILE}/${name}.ts`;
const QUICK = ['--scenario', 'steady', '--duration', '5ms', '--seed', '7'];
/** Budgets that bound every test (a busy machine compiles a policy file in seconds). */
const BOUNDS = ['--run-timeout', '30s', '--run-heap', '64'];
/** A spinning policy costs this much wall time (and a core) per run. */
const SPIN_BOUNDS = ['--run-timeout', '2s'];

/** Policies that each fail their own run; one comparison holds them all, with upstream. */
const IN_ONE_RUN = [
  'runaway-work',
  'exit-zero',
  'exit-three',
  'abort',
  'heap-on-start',
  'async-throw',
  'unhandled-rejection',
  'set-interval',
  'patch-globals',
  'date-now',
  'new-date',
  'performance-now',
  'thrown-proxy',
  'long-message',
  'math-random',
];

interface Row {
  policy: string;
  error?: string;
  metrics?: Record<string, unknown>;
}

interface Comparison {
  result: CliResult;
  rows: Map<string, Row>;
}

/** The CLI without blocking this thread (long runs would starve vitest's own messages). */
function rcupoolAsync(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: cleanEnv(), timeout: E2E_TIMEOUT_MS, maxBuffer: 64 << 20, encoding: 'utf8' }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ status, stdout, stderr });
    });
  });
}

async function compareJson(policies: string[], extra: string[] = []): Promise<Comparison> {
  const result = await rcupoolAsync(['compare', '--json', ...QUICK, ...BOUNDS, ...extra, '--policy', policies.join(',')]);
  const rows = new Map<string, Row>();
  if (result.stdout.trim() !== '') for (const row of (JSON.parse(result.stdout) as { results: Row[] }).results) rows.set(row.policy, row);
  return { result, rows };
}

/** Every stderr line: one line per problem, at most 200 characters, never "internal error" or a stack frame. */
function expectCleanStderr(result: CliResult): void {
  for (const line of result.stderr.split('\n').filter(Boolean)) {
    expect(line.length).toBeLessThanOrEqual(200);
    expect(line).toMatch(/^rcupool: /);
    expect(line).not.toMatch(/internal error|^\s+at /);
  }
}

const byJobs = new Map<number, Comparison>();
let upstreamAlone: Row | undefined;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'rcupool-hostile-'));
  for (const jobs of [1, 2]) byJobs.set(jobs, await compareJson(['upstream', ...IN_ONE_RUN.map(fixture)], ['--jobs', String(jobs)]));
  upstreamAlone = (await compareJson(['upstream'], ['--jobs', '1'])).rows.get('upstream');
}, 4 * E2E_TIMEOUT_MS);

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The error row of `policy` in the run with `jobs` threads, after checking the run as a whole. */
function errorOf(policy: string, jobs: number): string {
  const { result, rows } = byJobs.get(jobs)!;
  expect(result.status).toBe(2);
  expectCleanStderr(result);
  const row = rows.get(policy);
  expect(row?.metrics).toBeUndefined();
  expect(row?.error).toBeDefined();
  expect(result.stderr).toContain(`rcupool: policy ${policy} failed: `);
  return row!.error!;
}

describe.each([1, 2])('hostile policies in one comparison, --jobs %i', (jobs) => {
  it('while (true) in needPage: exceeds --run-timeout, naming the hook and the simulated time; upstream\'s row kept', async () => {
    const { result, rows } = await compareJson(['upstream', fixture('loop-need-page')], ['--jobs', String(jobs), ...SPIN_BOUNDS]);
    expect(result.status).toBe(2);
    expectCleanStderr(result);
    expect(rows.get('loop-need-page')?.error).toMatch(/^exceeded 2 s in needPage \(simulated t = \d+\.\d{3} s\), seed 7; --run-timeout/);
    expect(rows.get('upstream')).toEqual(upstreamAlone);
  }, E2E_TIMEOUT_MS);

  it('work items that queue work without bound: an error at the simulated time, not a hang', () => {
    expect(errorOf('runaway-work', jobs)).toMatch(/^runaway-work at \d+\.\d{3} ms: .*more than 100,000 work items and hrtimers pending/);
  }, E2E_TIMEOUT_MS);

  it('process.exit(0), process.exit(3) and process.abort() in needPage: that policy\'s error row', () => {
    expect(errorOf('exit-zero', jobs)).toMatch(/^exit-zero at \d+\.\d{3} ms: needPage threw: process\.exit\(\) is not available to a policy/);
    expect(errorOf('exit-three', jobs)).toMatch(/needPage threw: process\.exit\(\) is not available/);
    expect(errorOf('abort', jobs)).toMatch(/needPage threw: process\.abort\(\) is not available/);
  }, E2E_TIMEOUT_MS);

  it('onStart allocating forever: exceeds the heap limit, naming the policy and the hook', () => {
    expect(errorOf('heap-on-start', jobs)).toMatch(/^exceeded the 64 MiB heap limit in onStart \(simulated t = 0\.000 s\)/);
  }, E2E_TIMEOUT_MS);

  it('setTimeout throwing later, an unhandled rejection and setInterval: each that policy\'s error row', () => {
    expect(errorOf('async-throw', jobs)).toMatch(/needPage threw: setTimeout\(\) is not available to a policy: .*kernel\.hrtimer\(\)/);
    expect(errorOf('unhandled-rejection', jobs)).toMatch(/an error escaped the policy asynchronously .*: rejected boom/);
    expect(errorOf('set-interval', jobs)).toMatch(/onStart threw: setInterval\(\) is not available/);
  }, E2E_TIMEOUT_MS);

  it('Date.now(), new Date() and performance.now(): an error saying to use kernel.now()', () => {
    for (const policy of ['date-now', 'new-date', 'performance-now']) expect(errorOf(policy, jobs)).toMatch(/needPage threw: .* is not available to a policy: use kernel\.now\(\)/);
  }, E2E_TIMEOUT_MS);

  it('a thrown Proxy and a 100 kB message: one short line with the hook and the time', () => {
    expect(errorOf('thrown-proxy', jobs)).toMatch(/^thrown-proxy at \d+\.\d{3} ms: needPage threw: a value that cannot be shown/);
    const long = errorOf('long-message', jobs);
    expect(long).toMatch(/^long-message at \d+\.\d{3} ms: needPage threw: x+…$/);
    expect(`rcupool: policy long-message failed: ${long}`.length).toBeLessThanOrEqual(200);
  }, E2E_TIMEOUT_MS);

  it('Math.floor and Array.prototype.push patched by a policy: upstream\'s row is exactly as when run alone', () => {
    const { rows } = byJobs.get(jobs)!;
    expect(rows.get('upstream')?.metrics).toBeDefined();
    expect(rows.get('upstream')).toEqual(upstreamAlone);
    expect(rows.get('patch-globals')).toBeDefined();
  }, E2E_TIMEOUT_MS);

  it('a policy drawing Math.random runs, on a stream seeded by the run', () => {
    expect(byJobs.get(jobs)!.rows.get('math-random')?.metrics).toBeDefined();
  }, E2E_TIMEOUT_MS);
});

describe('hostile policies on their own', () => {
  it('while (true) at a module\'s top level: loading exceeds the budget, one line naming the file', async () => {
    const result = await rcupoolAsync(['compare', ...QUICK, ...SPIN_BOUNDS, '--policy', `upstream,${fixture('loop-top-level')}`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`rcupool: ${fixture('loop-top-level')}: loading the policy module exceeded 15 s (a loop at its top level?); --run-timeout above 15 s raises it\n`);
  }, E2E_TIMEOUT_MS);

  it('Math.random in needPage, same seed twice: byte-identical JSON', async () => {
    const args = ['compare', '--json', ...QUICK, ...BOUNDS, '--policy', `upstream,${fixture('math-random')}`];
    const first = await rcupoolAsync(args);
    const second = await rcupoolAsync([...args, '--jobs', '1']);
    expect(first.status).toBe(0);
    expect(second.stdout).toBe(first.stdout);
  }, E2E_TIMEOUT_MS);

  it('a param whose default is NaN: refused at load time, before a baseline is written', async () => {
    const out = join(folder, 'nan.json');
    const result = await rcupoolAsync(['baseline', '--out', out, ...QUICK, '--policy', `upstream,${fixture('nan-default')}`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`rcupool: ${fixture('nan-default')}: params "reservePages".default must be a finite number (got NaN)\n`);
    expect(() => readFileSync(out)).toThrow();
  }, E2E_TIMEOUT_MS);

  it('a getter that throws and `export default null`: one line naming the file', async () => {
    const getter = await rcupoolAsync(['compare', ...QUICK, '--policy', fixture('throwing-getter')]);
    expect(getter.status).toBe(2);
    expect(getter.stderr).toBe(`rcupool: ${fixture('throwing-getter')}: reading the exported policy object threw: getter boom\n`);
    const exportNull = await rcupoolAsync(['compare', ...QUICK, '--policy', fixture('export-null')]);
    expect(exportNull.status).toBe(2);
    expect(exportNull.stderr).toMatch(new RegExp(`^rcupool: ${fixture('export-null')}: must default-export a policy object`));
  }, E2E_TIMEOUT_MS);

  it('process.exit(0) in baseline: exit 2, the policy named, no baseline written', async () => {
    const out = join(folder, 'exit.json');
    const result = await rcupoolAsync(['baseline', '--out', out, ...QUICK, ...BOUNDS, '--policy', `upstream,${fixture('exit-zero')}`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: policy exit-zero failed: .*process\.exit\(\)/m);
    expect(result.stderr).toMatch(/no baseline written/);
    expect(() => readFileSync(out)).toThrow();
  }, E2E_TIMEOUT_MS);

  it('process.exit(0) and an unhandled rejection in check: exit 2 naming the policy, never "OK"', async () => {
    const baseline = join(folder, 'give-back.json');
    expect((await rcupoolAsync(['baseline', '--out', baseline, ...QUICK, '--policy', 'test/fixtures/policies/give-back.ts'])).status).toBe(0);
    for (const replacement of ['give-back-exits', 'give-back-rejects']) {
      const result = await rcupoolAsync(['check', '--baseline', baseline, ...BOUNDS, '--policy', fixture(replacement)]);
      expect(result.status).toBe(2);
      expect(result.stdout).not.toMatch(/\bOK\b/);
      expect(result.stderr).toMatch(/^rcupool: policy give-back could not be compared: /m);
      expectCleanStderr(result);
    }
  }, E2E_TIMEOUT_MS);
});
