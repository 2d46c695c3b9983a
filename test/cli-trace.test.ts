// `rcupool run --trace-out`, `rcupool trace stats` and `rcupool trace fit` end to end: the
// written trace reads back, the fitted file loads with --scenario, and bad input fails in one
// line with exit code 2.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, rcupool, type CliResult } from './helpers/cli.js';

const folder = mkdtempSync(join(tmpdir(), 'rcupool-cli-trace-'));
const traceFile = join(folder, 'run.txt');
const fittedFile = join(folder, 'fitted.yaml');
let run: CliResult;
let fit: CliResult;

beforeAll(() => {
  run = rcupool(['run', '--policy', 'upstream', '--scenario', 'steady', '--duration', '1s', '--json', '--trace-out', traceFile]);
  fit = rcupool(['trace', 'fit', traceFile, '--base', 'steady', '--out', fittedFile]);
}, E2E_TIMEOUT_MS);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('rcupool trace', { timeout: E2E_TIMEOUT_MS }, () => {
  it('run --trace-out writes the kernel trace file header and says how many lines, on stderr', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^rcupool: wrote [\d,]+ trace lines \(seed 1\) to .*run\.txt\n$/);
    const text = readFileSync(traceFile, 'utf8');
    expect(text.startsWith('# tracer: nop\n')).toBe(true);
    expect(text).toMatch(/^# entries-in-buffer\/entries-written: \d+\/\d+ {3}#P:8$/m);
    expect(text).toMatch(/^ +rcu_preempt-16 +\[000\] d\.\.1\. +\d+\.\d{6}: rcu_grace_period: rcu_preempt \d+ start$/m);
    expect(text).toMatch(/: rcu_invoke_kfree_bulk_callback: rcu_preempt bulk=0x[0-9a-f]{16} nr_records=\d+$/m);
  });

  it('trace stats --json gives the run\'s own calls and pointer pages', () => {
    const stats = rcupool(['trace', 'stats', traceFile, '--json']);
    expect(stats.status, stats.stderr).toBe(0);
    const metrics = JSON.parse(run.stdout).results[0].metrics;
    const figures = JSON.parse(stats.stdout).metrics;
    expect(figures.calls).toBe(metrics.calls);
    expect(figures.pagesAllocated).toBe(metrics.pagesAllocated);
    expect(figures.failures.rcuHead).toBe(metrics.failures.rcuHead);
  });

  it('trace stats prints the table: metrics, records per page, latencies, events per CPU', () => {
    const stats = rcupool(['trace', 'stats', 'test/fixtures/traces/ftrace-irq.txt']);
    expect(stats.status).toBe(0);
    for (const heading of ['Simulator metrics this capture shows', 'Records per freed pointer page', 'Latencies', 'Events per CPU']) expect(stats.stdout).toContain(heading);
    expect(stats.stderr).toBe('rcupool: test/fixtures/traces/ftrace-irq.txt: 1 line skipped (not ftrace event lines in a known format), first at line 32: this line is not from ftrace at all\n');
  });

  it('trace fit writes a commented scenario that --scenario loads, and lists what it kept on stderr', () => {
    expect(fit.status, fit.stderr).toBe(0);
    expect(fit.stderr).toMatch(/^rcupool: kept from preset steady \(the capture does not show them\): .*killers/s);
    const yaml = readFileSync(fittedFile, 'utf8');
    expect(yaml).toMatch(/# from \d+ rcu_grace_period start\/end pairs/);
    const explained = rcupool(['explain', 'scenario', fittedFile, '--json']);
    expect(explained.status, explained.stderr).toBe(0);
    expect(JSON.parse(explained.stdout).scenario.workload.activeCpus).toBe(8);
  });

  it('a capture without usable events: exit 2, one line naming the events looked for', () => {
    const result = rcupool(['trace', 'stats', 'test/fixtures/traces/no-events.txt']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: test\/fixtures\/traces\/no-events\.txt: no usable events: looked for rcu_grace_period, .*\n$/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });

  it('bad input: a missing file, an unknown --base, --trace-calls without --trace-out', () => {
    const missing = rcupool(['trace', 'fit', join(folder, 'none.txt')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/none\.txt: expected a readable ftrace text capture, found no such file/);
    const base = rcupool(['trace', 'fit', traceFile, '--base', 'stedy']);
    expect(base.status).toBe(2);
    expect(base.stderr).toMatch(/^rcupool: --base stedy: expected a preset .*did you mean "steady"\?\n$/);
    const calls = rcupool(['run', '--policy', 'upstream', '--scenario', 'steady', '--duration', '100ms', '--trace-calls']);
    expect(calls.status).toBe(2);
    expect(calls.stderr).toBe('rcupool: --trace-calls needs --trace-out <file>\n');
  });
});
