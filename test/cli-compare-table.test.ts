// `rcupool compare` as a person meets it: the table on stdout, one row per policy, units in
// the headers, one sentence per policy under it, nothing on stderr when piped.
import { beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, QUICK, rcupool, SGR, type CliResult } from './helpers/cli.js';

let builtins: string[];
let all: CliResult;

beforeAll(() => {
  const listed = rcupool(['list', 'policies', '--json']);
  expect(listed.status, listed.stderr).toBe(0);
  builtins = (JSON.parse(listed.stdout) as { policies: { name: string }[] }).policies.map((policy) => policy.name);
  // No --policy: every built-in, as `rcupool compare` with no flags does.
  all = rcupool(['compare', ...QUICK, '--jobs', '2']);
}, E2E_TIMEOUT_MS);

/** Table lines that hold a policy row: "│ name │ ...". */
function rowNames(table: string): string[] {
  return table
    .split('\n')
    .map((line) => (line.startsWith('│ ') ? line.split('│')[1]!.trim() : ''))
    .filter((name) => name !== '' && name !== 'policy');
}

describe('rcupool compare (table)', { timeout: E2E_TIMEOUT_MS }, () => {
  it('exits 0 with the report on stdout and nothing on stderr when piped', () => {
    expect(all.status, all.stderr).toBe(0);
    expect(all.stderr).toBe('');
    expect(all.stdout.endsWith('\n')).toBe(true);
  });

  it('runs every built-in policy, one row each, in the order listed', () => {
    expect(builtins).toContain('upstream');
    expect(rowNames(all.stdout)).toEqual(builtins);
  });

  it('groups columns as reserve · failures · stalls · latency · harm', () => {
    const groupLine = all.stdout.split('\n')[1]!;
    const order = ['reserve', 'failures', 'stalls', 'latency', 'harm'].map((group) => groupLine.indexOf(group));
    expect(order.every((index) => index > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('puts a unit in every metric header', () => {
    const lines = all.stdout.split('\n');
    const unitLine = lines.find((line) => line.startsWith('│ policy'))!;
    const units = unitLine.split('│').slice(2, -1).map((cell) => cell.trim());
    expect(units.length).toBeGreaterThanOrEqual(9);
    for (const unit of units) expect(['pages', 'KiB', '%', 'calls', 'count', 'µs', 'ms']).toContain(unit);
    for (const unit of ['pages', '%', 'calls', 'count', 'µs', 'ms']) expect(units).toContain(unit);
  });

  it('fits 120 columns when piped (the default column set, sentences wrapped)', () => {
    expect(Math.max(...all.stdout.split('\n').map((line) => [...line].length))).toBeLessThanOrEqual(120);
  });

  it('says in one sentence per policy what happened to it', () => {
    // A sentence wrapped to the width goes on in lines indented by two spaces.
    const unwrapped = all.stdout.slice(all.stdout.lastIndexOf('┘') + 1).trim().replace(/\n  /g, ' ');
    const [runLine, ...afterTable] = unwrapped.split('\n');
    // First what was run, so a pasted table can be reproduced; then one sentence per policy.
    expect(runLine).toMatch(/^Scenario steady \(phone, 8 CPUs; 300 ms of calls\), seed 1, rcupool \d+\.\d+\.\d+\.$/);
    expect(afterTable).toHaveLength(builtins.length);
    afterTable.forEach((sentence, index) => {
      expect(sentence.startsWith(`${builtins[index]}: `), sentence).toBe(true);
      expect(sentence).toMatch(/failures? .*in [\d,]+ calls with [\d,.]+ reserve pages? at peak/);
      expect(sentence.endsWith('.')).toBe(true);
    });
  });

  it('has no colour codes in a pipe', () => {
    expect(all.stdout).not.toMatch(SGR);
  });

  it('adds a relative column with --reference', () => {
    const result = rcupool(['compare', '--policy', builtins.includes('mempool') ? 'upstream,mempool' : 'upstream', ...QUICK, '--reference', 'upstream']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('vs upstream');
    expect(result.stdout).toContain('reference');
  });

  it('shows mean ± half-width and says so with --seeds 2', () => {
    const result = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--seeds', '2', '--jobs', '1']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(' ± ');
    expect(result.stdout).toContain('Means over 2 seeds (1, 2)');
  });

  it('puts examples first in --help', () => {
    const help = rcupool(['compare', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout.trimStart().startsWith('Examples:')).toBe(true);
    for (const flag of ['--policy', '--scenario', '--seed', '--seeds', '--duration', '--param', '--set', '--format', '--json', '--out', '--reference', '--jobs', '--no-color', '--check-invariants', '--quiet']) {
      expect(help.stdout).toContain(flag);
    }
  });
});
