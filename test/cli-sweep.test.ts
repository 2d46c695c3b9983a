// `rcupool sweep` end to end: common random numbers across points, the same bytes for any
// --jobs, the JSON contract, long-form CSV, the front, bad --vary input, and shard + merge.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, rcupool, rcupoolOnTerminal, ROOT, SCRIPT } from './helpers/cli.js';

const QUICK = ['--scenario', 'steady', '--duration', '100ms'];
const GRID = ['sweep', ...QUICK, '--policy', 'mempool,upstream', '--vary', 'mempool.reservePages=0..50:25', '--vary', 'workload.headlessShare=0,0.5'];
const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'sweep.schema.json'), 'utf8')) as Record<string, unknown>;
const compareSchema = JSON.parse(readFileSync(join(ROOT, 'schema', 'compare.schema.json'), 'utf8')) as { definitions: Record<string, unknown> };

/** One thread unless the test says otherwise: on runs this small, starting workers costs more than it saves. */
function run(args: string[]) {
  const result = rcupool(args.includes('--jobs') || args[0] !== 'sweep' ? args : [...args, '--jobs', '1']);
  expect(result.status, result.stderr).toBe(0);
  return result;
}

describe('rcupool sweep', { timeout: E2E_TIMEOUT_MS }, () => {
  let jobsTwo = '';

  it('every point sees the same workload per seed (common random numbers), a param axis only the policy it names', () => {
    jobsTwo = run([...GRID, '--seeds', '2', '--json', '--jobs', '2']).stdout;
    const document = JSON.parse(jobsTwo);
    // 2 headless shares × (3 mempool sizes + 1 upstream row).
    expect(document.points).toHaveLength(8);
    expect(document.points.map((point: any) => point.policy)).toEqual(['mempool', 'mempool', 'mempool', 'upstream', 'mempool', 'mempool', 'mempool', 'upstream']);
    expect(document.points[3].values).toEqual({ 'workload.headlessShare': 0 });
    expect(document.points[1].values).toEqual({ 'mempool.reservePages': 25, 'workload.headlessShare': 0 });
    expect(document.points[1].params.reservePages).toBe(25);
    for (const share of [0, 0.5]) {
      const same = document.points.filter((point: any) => point.values['workload.headlessShare'] === share);
      const callsPerSeed = same.map((point: any) => point.perSeed.map((metrics: any) => metrics.calls));
      for (const calls of callsPerSeed) expect(calls).toEqual(callsPerSeed[0]);
    }
    // The reserve follows the varied param: 8 CPUs × reservePages.
    expect(document.points.slice(0, 3).map((point: any) => point.metrics.reserve.peakPages)).toEqual([0, 200, 400]);
  });

  it('--jobs 1 and --jobs 2 print the same bytes, and the JSON validates against schema/sweep.schema.json', () => {
    const one = run([...GRID, '--seeds', '2', '--json', '--jobs', '1']);
    expect(jobsTwo).not.toBe('');
    expect(jobsTwo).toBe(one.stdout);
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(JSON.parse(one.stdout)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("the schema's metric definitions are compare's (a metric added there must be copied here)", () => {
    const own = (schema as { definitions: Record<string, unknown> }).definitions;
    for (const name of ['metrics', 'interval', 'metricsInterval']) expect(own[name], name).toEqual(compareSchema.definitions[name]);
  });

  it('CSV is long form: one record per point × seed × metric, axes as columns, empty where an axis does not apply', () => {
    const csv = run([...GRID, '--format', 'csv']).stdout.split('\r\n');
    expect(csv[0]).toBe('point,mempool.reservePages,workload.headlessShare,policy,seed,metric,value,ci95Low,ci95High,error');
    const upstream = csv.filter((line) => line.startsWith('3,'));
    expect(upstream[0]).toMatch(/^3,,0,upstream,1,calls,\d+,,,$/);
    const metrics = new Set(csv.slice(1).filter(Boolean).map((line) => line.split(',')[5]));
    expect(csv.filter(Boolean)).toHaveLength(1 + 8 * metrics.size);
  });

  it('the table has the varied values first, then the policy and metrics with units, and a one-line summary', () => {
    const text = run([...GRID, '--metrics', 'failures.rate,reserve.avgPages']).stdout;
    const [names, units] = text.split('\n').slice(1, 3);
    expect(names).toMatch(/mempool\.reservePages.*workload\.headlessShare.*failure rate.*reserve avg/);
    expect(units).toMatch(/\(pages\).*\(fraction\).*policy.*\(%\).*\(pages\)/);
    expect(text).toMatch(/│ —\s+│ 0\s+│ upstream │/);
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^Sweep: 8 points × 1 seed = 8 runs; failure rate from 0 % \(mempool /);
  });

  it('--front shows the non-dominated points as a table and a scatter plot with labelled axes', () => {
    const text = run([...GRID, '--front', 'reserve.avgPages,failures.rate']).stdout;
    expect(text).toMatch(/│ A │ mempool reservePages=0, workload\.headlessShare=0 /);
    expect(text).toMatch(/failure rate \(%\) ↑/);
    expect(text).toMatch(/→ reserve avg \(pages\)/);
    expect(text).toMatch(/are on the trade-off front of reserve avg and failure rate/);
    // Upstream (27 pages, failures > 0) is beaten on both by mempool with 0 pages: off the front.
    expect(text).not.toMatch(/│ [A-Z] │ upstream/);
  });

  it.skipIf(!SCRIPT)('shows a progress bar with runs done/total and ETA on a terminal, none on pipes', () => {
    const terminal = rcupoolOnTerminal([...GRID, '--jobs', '1', '--metrics', 'calls']);
    expect(terminal.status, terminal.stdout).toBe(0);
    expect(terminal.stdout).toMatch(/sweep \[.*\] \d+\/8 runs \| ETA /);
    expect(run([...GRID, '--metrics', 'calls']).stderr).toBe('');
  });

  it.each([
    [['--vary', 'mempool.reservePages=0..100'], /^rcupool: --vary mempool\.reservePages=0\.\.100: a range needs a step/],
    [['--vary', 'mempool.reservePages=-5,10'], /^rcupool: --vary mempool\.reservePages=-5,10: value mempool\.reservePages=-5: out of range/],
    [['--vary', 'bogus.field=1,2'], /^rcupool: --vary bogus\.field=1,2: "bogus" is neither a policy of this run \(mempool, upstream\) nor a scenario section/],
    [['--vary', 'workload.headlessShare=0,2'], /^rcupool: --vary workload\.headlessShare=0,2: value 2: /],
    [['--vary', 'mempool.reservePages=1,2', '--shard', '2/2', '--json'], /^rcupool: --shard 2\/2: i must be below n/],
    [['--vary', 'mempool.reservePages=1,2', '--front', 'reserve.avgPages'], /^rcupool: --front reserve\.avgPages: expected two different metrics/],
    [[], /^rcupool: --vary: give at least one axis/],
  ])('bad input %j: one line naming the flag, exit 2', (extra, message) => {
    const result = rcupool(['sweep', ...QUICK, '--policy', 'mempool,upstream', ...extra]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('sweep --shard and rcupool merge', { timeout: E2E_TIMEOUT_MS }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'rcupool-shard-'));
  const shardFile = (index: number) => join(folder, `shard-${index}.json`);

  it('the merged shards are byte-identical to the unsharded sweep, in every format', () => {
    const whole = run([...GRID, '--json', '--jobs', '1']).stdout;
    for (const index of [0, 1, 2]) writeFileSync(shardFile(index), run([...GRID, '--json', '--jobs', '1', '--shard', `${index}/3`]).stdout);
    const shards = [0, 1, 2].map((index) => JSON.parse(readFileSync(shardFile(index), 'utf8')));
    expect(shards.map((shard) => shard.points.length).reduce((a, b) => a + b)).toBe(8);
    expect(shards.every((shard) => shard.points.length >= 2)).toBe(true);
    const validate = new Ajv({ allErrors: true }).compile(schema);
    for (const shard of shards) expect(validate(shard), JSON.stringify(validate.errors)).toBe(true);
    expect(run(['merge', shardFile(2), shardFile(0), shardFile(1), '--json']).stdout).toBe(whole);
    expect(run(['merge', shardFile(0), shardFile(1), shardFile(2), '--format', 'csv']).stdout).toBe(run([...GRID, '--format', 'csv']).stdout);
  });

  it('refuses shards of another configuration or tool version, naming the field; and a missing shard', () => {
    const edited = JSON.parse(readFileSync(shardFile(1), 'utf8'));
    edited.tool.version = '9.9.9';
    writeFileSync(join(folder, 'other-version.json'), JSON.stringify(edited));
    const version = rcupool(['merge', shardFile(0), join(folder, 'other-version.json'), shardFile(2)]);
    expect(version.status).toBe(2);
    expect(version.stderr).toMatch(/field "tool\.version" is "9\.9\.9" in .*other-version\.json but "[^"]+" in .*shard-0\.json/);

    const otherSeeds = run([...GRID, '--json', '--seed', '5', '--shard', '1/3']).stdout;
    writeFileSync(join(folder, 'other-seeds.json'), otherSeeds);
    const seeds = rcupool(['merge', shardFile(0), join(folder, 'other-seeds.json'), shardFile(2)]);
    expect(seeds.status).toBe(2);
    expect(seeds.stderr).toMatch(/field "seeds\[0\]" is 5 in/);

    const missing = rcupool(['merge', shardFile(0), shardFile(2)]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^rcupool: merge: shard 1\/3 missing/);

    // A damaged shard is checked against the sweep output's declaration, field by field.
    const damaged = JSON.parse(readFileSync(shardFile(1), 'utf8'));
    damaged.points[0].metrics.calls = 'many';
    writeFileSync(join(folder, 'damaged.json'), JSON.stringify(damaged));
    const broken = rcupool(['merge', shardFile(0), join(folder, 'damaged.json'), shardFile(2)]);
    expect(broken.status).toBe(2);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
    expect(broken.stderr).toMatch(/^rcupool: merge .*damaged\.json: .*points\[0\]\.metrics\.calls.*expected a number/);
  });
});
