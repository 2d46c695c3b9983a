// `rcupool list` and `rcupool explain`: what there is, what it does, and a scenario written out
// in full that loads back to the very same runs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, QUICK, rcupool } from './helpers/cli.js';

const FIXTURE_POLICY = 'test/fixtures/policies/give-back.ts';
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'rcupool-explain-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('rcupool list', { timeout: E2E_TIMEOUT_MS }, () => {
  it('lists policies as JSON: name, summary, source, origin', () => {
    const result = rcupool(['list', 'policies', '--json']);
    expect(result.status, result.stderr).toBe(0);
    const { policies, scenarios } = JSON.parse(result.stdout) as { policies: Record<string, string>[]; scenarios?: unknown };
    expect(scenarios).toBeUndefined();
    const upstream = policies.find((policy) => policy.name === 'upstream');
    expect(upstream).toMatchObject({ name: 'upstream', origin: 'builtin', summary: expect.any(String), source: expect.stringContaining('56292e8609e3') });
    for (const policy of policies) expect(Object.keys(policy)).toEqual(['name', 'summary', 'source', 'origin']);
  });

  it('adds --policy files after the built-ins', () => {
    const result = rcupool(['list', 'policies', '--json', '--policy', FIXTURE_POLICY]);
    expect(result.status, result.stderr).toBe(0);
    const { policies } = JSON.parse(result.stdout) as { policies: Record<string, string>[] };
    expect(policies.at(-1)).toMatchObject({ name: 'give-back', origin: FIXTURE_POLICY, source: 'test fixture (not a kernel design)' });
    expect(policies.filter((policy) => policy.origin === 'builtin').length).toBe(policies.length - 1);
  });

  it('lists policies for people: each name with its summary', () => {
    const result = rcupool(['list', 'policies', '--policy', FIXTURE_POLICY]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^upstream +built-in$/m);
    expect(result.stdout).toMatch(new RegExp(`^give-back +${FIXTURE_POLICY.replace(/\./g, '\\.')}$`, 'm'));
    expect(result.stdout).toContain('No reserve: GFP_NOWAIT on demand');
  });

  it('lists every scenario preset with description, claim, machine and duration', () => {
    const result = rcupool(['list', 'scenarios', '--json']);
    expect(result.status, result.stderr).toBe(0);
    const { scenarios } = JSON.parse(result.stdout) as { scenarios: Record<string, unknown>[] };
    const names = scenarios.map((scenario) => scenario.name);
    expect(names[0]).toBe('default');
    for (const name of ['steady', 'flood', 'pcp-drained', 'pcp-monopoly', 'sched-latency', 'ramp', 'pool-abuse', 'rt', 'embedded', 'rcuscale']) expect(names).toContain(name);
    for (const scenario of scenarios) {
      expect(scenario).toMatchObject({ description: expect.any(String), claim: expect.any(String), machine: expect.stringMatching(/^(phone|embedded|server|custom)$/), durationMs: expect.any(Number) });
    }
    const text = rcupool(['list', 'scenarios']);
    expect(text.stdout).toMatch(/^flood +server, 64 CPUs, 10 s$/m);
  });

  it('lists both with no argument, and rejects anything else', () => {
    const both = JSON.parse(rcupool(['list', '--json']).stdout) as Record<string, unknown>;
    expect(Object.keys(both)).toEqual(['policies', 'scenarios']);
    const bad = rcupool(['list', 'widgets']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^rcupool: .*'widgets' is invalid.*policies, scenarios/);
  });
});

describe('rcupool explain <policy>', { timeout: E2E_TIMEOUT_MS }, () => {
  it('shows summary, source and every param with default, unit, range and description', () => {
    const result = rcupool(['explain', 'upstream']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^upstream \(built-in\)$/m);
    expect(result.stdout).toContain('Models: commit 56292e8609e3');
    expect(result.stdout).toMatch(/^ +name +default +unit +range +description$/m);
    expect(result.stdout).toMatch(/^ +cachePages +5 +pages per CPU +0 … 10,000, whole +rcu_min_cached_objs$/m);
    expect(result.stdout).toMatch(/^ +shrinker +true +on\/off +true\/false /m);
    expect(result.stdout).toContain('--param upstream.cachePages=5');
  });

  it('gives the same as JSON, and works for a policy file', () => {
    const result = rcupool(['explain', FIXTURE_POLICY, '--json']);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      name: 'give-back',
      summary: 'No reserve: GFP_NOWAIT on demand where legal, every emptied page freed at once.',
      source: 'test fixture (not a kernel design)',
      origin: FIXTURE_POLICY,
      params: [{ name: 'gfp', default: 'NOWAIT', unit: 'GFP class', range: ['NOWAIT', 'ATOMIC'], integer: false, description: 'allocation class on demand' }],
    });
  });

  it('suggests the closest name for a typo', () => {
    const result = rcupool(['explain', 'upstrem']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^rcupool: unknown policy "upstrem"; did you mean "upstream"/);
  });
});

describe('rcupool explain scenario', { timeout: E2E_TIMEOUT_MS }, () => {
  it('shows purpose, claim, machine with watermarks, duration and workload', () => {
    const result = rcupool(['explain', 'scenario', 'default']);
    expect(result.status, result.stderr).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/^Scenario default \(preset\)$/m);
    expect(text).toContain('Phone under memory pressure');
    expect(text).toMatch(/^Claim$/m);
    expect(text).toMatch(/^Machine: phone, 8 CPUs, 950,000 pages/m);
    // docs/model.md §5: phone MIN / LOW / HIGH ≈ 1,950 / 2,900 / 3,850 pages.
    expect(text).toMatch(/MIN 1,9\d\d · LOW 2,[89]\d\d · HIGH 3,8\d\d pages/);
    expect(text).toMatch(/^Duration: 10 s /m);
    expect(text).toMatch(/^Workload: 8 of 8 CPUs call kvfree_rcu\(\)$/m);
    expect(text).toMatch(/bursts of 1,500,000 calls\/s per CPU for 100 ms every 1 s/);
  });

  it('explains a server preset with its own watermarks', () => {
    const result = rcupool(['explain', 'scenario', 'flood', '--json']);
    expect(result.status, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as { watermarks: Record<string, number>; scenario: { name: string } };
    expect(doc.scenario.name).toBe('flood');
    expect(doc.watermarks.minPages).toBeGreaterThan(20_000);
    expect(doc.watermarks.lowPages).toBeGreaterThan(doc.watermarks.minPages);
    expect(doc.watermarks.highPages).toBeGreaterThan(doc.watermarks.lowPages);
  });

  it('--yaml writes a file that loads back to the same scenario and the same results', () => {
    const file = join(folder, 'steady-short.yaml');
    const yaml = rcupool(['explain', 'scenario', 'steady', '--duration', '300ms', '--set', 'workload.headlessShare=0.3', '--yaml']);
    expect(yaml.status, yaml.stderr).toBe(0);
    expect(yaml.stdout).toMatch(/^durationMs: 300\b/m);
    writeFileSync(file, yaml.stdout);
    const fromPreset = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--set', 'workload.headlessShare=0.3', '--json']);
    const fromFile = rcupool(['compare', '--policy', 'upstream', '--scenario', file, '--json']);
    expect(fromPreset.status, fromPreset.stderr).toBe(0);
    expect(fromFile.status, fromFile.stderr).toBe(0);
    const preset = JSON.parse(fromPreset.stdout) as { scenario: unknown; results: unknown };
    const loaded = JSON.parse(fromFile.stdout) as { scenario: unknown; results: unknown };
    expect(loaded.scenario).toEqual(preset.scenario);
    expect(JSON.stringify(loaded.results)).toBe(JSON.stringify(preset.results));
    // And explaining the file again prints the same YAML.
    expect(rcupool(['explain', 'scenario', file, '--yaml']).stdout).toBe(yaml.stdout);
  });

  it('rejects a missing name, a typo and --yaml on a policy', () => {
    const missing = rcupool(['explain', 'scenario']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^rcupool: explain scenario: which one\?/);
    const typo = rcupool(['explain', 'scenario', 'stedy']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toMatch(/^rcupool: explain scenario stedy: expected a preset .*did you mean "steady"\?/);
    const noPolicy = rcupool(['explain', 'policy']);
    expect(noPolicy.status).toBe(2);
    expect(noPolicy.stderr).toMatch(/^rcupool: explain policy: which one\?/);
    const yaml = rcupool(['explain', 'upstream', '--yaml']);
    expect(yaml.status).toBe(2);
    expect(yaml.stderr).toMatch(/--yaml is for scenarios/);
  });
});
