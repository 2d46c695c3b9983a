// Every kind of bad input ends the same way: exit code 2 and one line on stderr saying what is
// wrong and how to fix it — no stack trace (unless RCUPOOL_DEBUG=1), nothing on stdout.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, QUICK, rcupool } from './helpers/cli.js';

let folder: string;
const isRoot = process.getuid?.() === 0;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'rcupool-bad-input-'));
  writeFileSync(join(folder, 'locked.yaml'), 'durationMs: 300\n');
  chmodSync(join(folder, 'locked.yaml'), 0o000);
  writeFileSync(join(folder, 'locked.ts'), 'export default {};\n');
  chmodSync(join(folder, 'locked.ts'), 0o000);
  writeFileSync(join(folder, 'no-summary.ts'), "export default { name: 'x', source: 's', params: [], create() { return {}; } };\n");
  writeFileSync(join(folder, 'syntax.ts'), 'export default {{{\n');
  writeFileSync(join(folder, 'broken.yaml'), 'workload: [unclosed\n');
  // Returns the same page twice: the model must stop the run with a clear message.
  writeFileSync(
    join(folder, 'double-free.ts'),
    `import { definePolicy } from 'rcupool';
export default definePolicy({
  name: 'double-free', summary: 'frees every emptied page twice', source: 'test', params: [],
  create(kernel) {
    return {
      needPage(request) { return request.form === 'headless' ? kernel.alloc(request.cpu, 'KERNEL') : null; },
      pageEmptied(cpu, page) { kernel.free(cpu, page); kernel.free(cpu, page); },
    };
  },
});
`,
  );
}, E2E_TIMEOUT_MS);

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** Runs the CLI and checks the shape every usage error shares; returns the message. */
function usageError(args: string[]): string {
  const result = rcupool(args);
  expect(result.status, `${args.join(' ')}\n${result.stderr}`).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter(Boolean);
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rcupool: /);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  return lines[0]!;
}

describe('bad input: exit code 2 and one line', { timeout: E2E_TIMEOUT_MS }, () => {
  it('unknown flag (with a suggestion when one is close)', () => {
    expect(usageError(['compare', '--bogus'])).toBe("rcupool: unknown option '--bogus'");
    expect(usageError(['compare', '--seeed', '3'])).toBe("rcupool: unknown option '--seeed'; did you mean --seed?");
    expect(usageError(['--bogus'])).toBe("rcupool: unknown option '--bogus'");
  });

  it('unknown command', () => {
    expect(usageError(['compar'])).toBe("rcupool: unknown command 'compar'; did you mean compare?");
  });

  it('bad numbers', () => {
    expect(usageError(['compare', '--seeds', 'x'])).toBe('rcupool: --seeds x: expected a whole number ≥ 1');
    expect(usageError(['compare', '--seed', '1.5'])).toBe('rcupool: --seed 1.5: expected a whole number ≥ 0');
    expect(usageError(['compare', '--jobs', '0'])).toBe('rcupool: --jobs 0: expected a whole number ≥ 1');
    expect(usageError(['compare', '--duration', '5 parsecs'])).toMatch(/--duration 5 parsecs: expected a duration such as 30s/);
    expect(usageError(['run', '--policy', 'upstream', '--timeline-points', 'many'])).toMatch(/--timeline-points many: expected a whole number/);
    expect(usageError(['compare', '--duration', '10'])).toBe('rcupool: --duration 10: give a unit, e.g. 10s or 10ms');
    expect(usageError(['compare', '--duration', '1e9s'])).toBe('rcupool: --duration 1e9s: at most 24h');
    expect(usageError(['compare', '--seeds', '100000'])).toMatch(/^rcupool: --seeds 100000: at most 1000/);
  });

  it('a missing option value and a bad choice', () => {
    expect(usageError(['compare', '--seeds'])).toMatch(/option '--seeds <n>' argument missing/);
    expect(usageError(['compare', '--format', 'xml'])).toMatch(/'xml' is invalid.*table, json, markdown, csv/);
    expect(usageError(['compare', '--json', '--format', 'csv'])).toMatch(/--json and --format csv disagree/);
    expect(usageError(['compare', '--columns', 'failures.cont'])).toMatch(/^rcupool: --columns failures\.cont: not a metric; did you mean "failures\.count"\?/);
    expect(usageError(['compare', '-p', 'upstream,upstream'])).toBe('rcupool: --policy upstream: given twice; name each policy once');
    expect(usageError(['compare', '--format', 'csv', '--format', 'json'])).toBe('rcupool: --format given twice (csv, then json); give it once');
    // Every command with --format says so, not only compare and run.
    expect(usageError(['check', '--baseline', 'b.json', '--format', 'json', '--format', 'markdown'])).toBe('rcupool: --format given twice (json, then markdown); give it once');
    expect(usageError(['sweep', '--vary', 'mempool.reservePages=1,2', '--format', 'csv', '--format', 'json'])).toBe('rcupool: --format given twice (csv, then json); give it once');
  });

  it('unknown scenario, with did-you-mean', () => {
    expect(usageError(['compare', '--scenario', 'flod'])).toMatch(/expected a preset .*found "flod"; did you mean "flood"\?$/);
  });

  it('unknown policy, with did-you-mean and the list of built-ins', () => {
    const message = usageError(['compare', '--policy', 'upstrem']);
    expect(message).toMatch(/unknown policy "upstrem"/);
    expect(message).toMatch(/did you mean "upstream"/);
    expect(message).toMatch(/built-ins: .*upstream/);
    expect(message).not.toMatch(/…/); // whole: the 200-character cap does not cut the hint
  });

  it('unreadable scenario file: missing, a directory, no permission, not YAML', () => {
    expect(usageError(['compare', '--scenario', join(folder, 'missing.yaml')])).toMatch(/missing\.yaml: expected a readable scenario file, found no such file/);
    expect(usageError(['compare', '--scenario', `${folder}/`])).toMatch(/it is a directory/);
    if (!isRoot) expect(usageError(['compare', '--scenario', join(folder, 'locked.yaml')])).toMatch(/permission denied/);
    expect(usageError(['compare', '--scenario', join(folder, 'broken.yaml')])).toMatch(/broken\.yaml:\d+:\d+: invalid YAML/);
  });

  it('bad --set', () => {
    expect(usageError(['compare', '--set', 'workload.activeCpus=many'])).toMatch(/--set workload\.activeCpus=many: workload\.activeCpus: expected a number/);
    expect(usageError(['compare', '--set', 'nosuch=1'])).toMatch(/unknown key "nosuch"/);
  });

  it('unreadable or invalid policy file', () => {
    expect(usageError(['compare', '--policy', './missing-policy.ts'])).toMatch(/\.\/missing-policy\.ts: no such policy file/);
    if (!isRoot) expect(usageError(['compare', '--policy', join(folder, 'locked.ts')])).toMatch(/locked\.ts: could not load the policy module/);
    expect(usageError(['compare', '--policy', join(folder, 'syntax.ts')])).toMatch(/syntax\.ts: could not load the policy module/);
    expect(usageError(['compare', '--policy', join(folder, 'no-summary.ts')])).toMatch(/no-summary\.ts: summary must be a one-line string/);
  });

  it('bad --param: shape, unknown policy, unknown name, bad value, out of range', () => {
    expect(usageError(['compare', '--policy', 'upstream', '--param', 'cachePages'])).toMatch(/--param cachePages: expected <policy>\.<name>=<value>/);
    expect(usageError(['compare', '--policy', 'upstream', '--param', 'other.cachePages=3'])).toMatch(/no policy named "other" in this run \(running: upstream\)/);
    expect(usageError(['compare', '--policy', 'upstream', '--param', 'upstream.cachPages=3'])).toMatch(/unknown param; did you mean "cachePages"\?/);
    expect(usageError(['compare', '--policy', 'upstream', '--param', 'upstream.cachePages=abc'])).toMatch(/--param upstream\.cachePages=abc: expected a number/);
    expect(usageError(['compare', '--policy', 'upstream', '--param', 'upstream.cachePages=-1'])).toMatch(/out of range 0\.\.10000/);
    expect(usageError(['compare', '--policy', 'upstream', '--param', 'upstream.shrinker=maybe'])).toMatch(/expected true or false/);
  });

  it('--reference naming a policy that is not in the run', () => {
    expect(usageError(['compare', '--policy', 'upstream', '--reference', 'mempol'])).toMatch(/--reference mempol: not one of the policies in this run/);
  });

  it('run with no policy, or with two', () => {
    expect(usageError(['run'])).toMatch(/run needs one --policy/);
    expect(usageError(['run', '--policy', 'upstream,upstream2'])).toMatch(/run takes one policy, got 2/);
  });

  it('an unwritable --out', () => {
    expect(usageError(['compare', '--policy', 'upstream', ...QUICK, '--out', join(folder, 'no', 'such', 'dir', 'r.txt')])).toMatch(/--out .*r\.txt: cannot write it \(ENOENT\)/);
  });
});

describe('a policy that breaks the rules while running', { timeout: E2E_TIMEOUT_MS }, () => {
  it('fails with exit code 2, a row saying so, and one line on stderr', () => {
    const result = rcupool(['compare', '--policy', `upstream,${join(folder, 'double-free.ts')}`, ...QUICK, '--jobs', '1']);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stdout, result.stderr).toContain('│ upstream');
    expect(result.stdout).toMatch(/double-free: run failed: /);
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^rcupool: policy double-free failed: double-free at [\d.]+ ms: /);
  });
});

describe('RCUPOOL_DEBUG=1', { timeout: E2E_TIMEOUT_MS }, () => {
  it('adds the stack trace', () => {
    const result = rcupool(['compare', '--scenario', 'flod'], { env: { RCUPOOL_DEBUG: '1' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^\s+at /m);
  });
});
