// The baseline file: what `rcupool baseline` writes and how reading names what is wrong.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { PolicyModule } from '../src/policy/api.js';
import type { LoadedPolicy } from '../src/policy/loader.js';
import { BaselineError, makeBaseline, parseBaseline, readBaseline, serializeBaseline, type BaselineFile } from '../src/runner/baseline-file.js';
import { TOOL_VERSION } from '../src/version.js';
import { multiSeedResult } from './fixtures/compare-result.js';

function policyModule(name: string): PolicyModule {
  return {
    name,
    summary: 'test',
    source: 'test',
    params: [{ name: 'cachePages', default: 5, unit: 'pages', description: '' }],
    create: () => ({ needPage: () => null, pageEmptied: () => {} }),
  };
}

function sampleBaseline(): BaselineFile {
  const compared = multiSeedResult();
  compared.results = compared.results.slice(0, 2);
  const [first, second] = compared.results as [(typeof compared.results)[0], (typeof compared.results)[0]];
  first.policy = 'upstream';
  second.policy = 'mine';
  const builtin: LoadedPolicy = { location: { spec: 'upstream', kind: 'builtin', path: '/x/upstream.js' }, policy: policyModule('upstream') };
  const file: LoadedPolicy = { location: { spec: './mine.ts', kind: 'file', path: '/x/mine.ts' }, policy: policyModule('mine'), fileHash: 'ab'.repeat(32) };
  return makeBaseline(
    {
      scenario: compared.scenario,
      seeds: compared.seeds,
      policies: [
        { loaded: builtin, params: { cachePages: 5 } },
        { loaded: file, params: { cachePages: 9 }, overridden: ['cachePages'] },
      ],
    },
    compared,
  );
}

const text = (edit?: (baseline: Record<string, any>) => void) => {
  const baseline = JSON.parse(serializeBaseline(sampleBaseline()));
  edit?.(baseline);
  return JSON.stringify(baseline, null, 2);
};

function reason(content: string): string {
  try {
    parseBaseline(content, 'b.json');
  } catch (error) {
    expect(error).toBeInstanceOf(BaselineError);
    return (error as Error).message;
  }
  throw new Error('the baseline was accepted');
}

describe('writing', () => {
  it('records versions, tool, scenario, seeds, policies (location, params, overrides, sha256) and the result', () => {
    const baseline = sampleBaseline();
    expect(baseline.baselineVersion).toBe(1);
    expect(baseline.schemaVersion).toBe(2);
    expect(baseline.tool).toEqual({ name: 'rcupool', version: TOOL_VERSION });
    expect(baseline.seeds).toEqual([1, 2, 3]);
    expect(baseline.policies).toEqual([
      { name: 'upstream', kind: 'builtin', location: 'upstream', params: { cachePages: 5 }, paramOverrides: {} },
      { name: 'mine', kind: 'file', location: './mine.ts', params: { cachePages: 9 }, paramOverrides: { cachePages: 9 }, sha256: 'ab'.repeat(32) },
    ]);
    expect(baseline.result.results.map((entry) => entry.policy)).toEqual(['upstream', 'mine']);
  });

  it('reads back what it writes, identically', () => {
    const baseline = sampleBaseline();
    const loaded = parseBaseline(serializeBaseline(baseline), 'b.json');
    expect(loaded.filledScenarioFields).toEqual([]);
    expect(loaded.baseline).toEqual(JSON.parse(serializeBaseline(baseline)));
    expect(serializeBaseline(loaded.baseline)).toBe(serializeBaseline(baseline));
  });

  it('writes what schema/baseline.schema.json (the declaration written out) accepts, also with a metric it predates, and not with a damaged one', () => {
    const schema = JSON.parse(readFileSync(new URL('../schema/baseline.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    const valid = new Ajv({ allErrors: true }).compile(schema);
    const written = JSON.parse(text());
    expect(valid(written), JSON.stringify(valid.errors)).toBe(true);
    const older = JSON.parse(text((b) => delete b.result.results[0].metrics.failures.count));
    expect(valid(older), JSON.stringify(valid.errors)).toBe(true);
    expect(valid(JSON.parse(text((b) => (b.result.results[0].metrics.failures.count = -1))))).toBe(false);
    expect(valid(JSON.parse(text((b) => (b.seeds = []))))).toBe(false);
    expect(valid(JSON.parse(text((b) => (b.policies[0].kind = 'plugin'))))).toBe(false);
  });
});

describe('reading names what is wrong', () => {
  it('another version, before anything else', () => {
    expect(reason(text((b) => (b.baselineVersion = 2)))).toMatch(/^baseline b\.json: baselineVersion 2 is not supported: rcupool \S+ reads baselineVersion 1 \(the file was written by rcupool \S+\)/);
    expect(reason(text((b) => ((b.schemaVersion = 3), delete b.seeds)))).toMatch(/^baseline b\.json: schemaVersion 3 is not supported/);
    expect(reason(text((b) => (b.baselineVersion = '1')))).toMatch(/baselineVersion "1" is not supported/);
    expect(reason(text((b) => (b.result.schemaVersion = 1)))).toMatch(/result\.schemaVersion 1 is not supported/);
  });

  it('a truncated, empty or broken file', () => {
    const full = text();
    for (const length of [1, 10, Math.floor(full.length / 2), full.length - 2]) {
      expect(reason(full.slice(0, length))).toMatch(/^baseline b\.json: the file is truncated: the JSON ends early, after \d+ bytes/);
    }
    expect(reason('')).toMatch(/the file is empty/);
    expect(reason('{"a": 1,}')).toMatch(/not valid JSON/);
    expect(reason('[1, 2]')).toMatch(/expected a JSON object, found a list/);
  });

  it('something that is not a baseline', () => {
    expect(reason(JSON.stringify(sampleBaseline().result))).toMatch(/looks like `rcupool compare --json` output, not a baseline/);
    expect(reason('{}')).toMatch(/missing field "baselineVersion"/);
  });

  it('a missing field, by its path', () => {
    expect(reason(text((b) => delete b.seeds))).toBe('baseline b.json: missing field "seeds"');
    expect(reason(text((b) => delete b.tool.version))).toBe('baseline b.json: missing field "tool.version"');
    expect(reason(text((b) => delete b.policies[1].sha256))).toBe('baseline b.json: missing field "policies[1].sha256"');
    expect(reason(text((b) => delete b.policies[0].paramOverrides))).toBe('baseline b.json: missing field "policies[0].paramOverrides"');
    expect(reason(text((b) => delete b.result.results[1].metrics.latencyUs.p99))).toBe(
      'baseline b.json: missing field "result.results[1].metrics.latencyUs.p99" (it is in "result.results[1].perSeed[0]")',
    );
    expect(reason(text((b) => delete b.result.results[0].perSeed[2].harm))).toMatch(
      /^baseline b\.json: missing field "result\.results\[0\]\.perSeed\[2\]\.harm\.\w+" \(it is in "result\.results\[0\]\.metrics"\)$/,
    );
    expect(reason(text((b) => delete b.result))).toBe('baseline b.json: missing field "result"');
  });

  it('a field of the wrong kind, or fields that disagree', () => {
    expect(reason(text((b) => (b.seeds = [1, 'two', 3])))).toMatch(/field "seeds\[1\]": expected a whole number ≥ 0, found "two"/);
    expect(reason(text((b) => (b.seeds = [1, 1, 3])))).toMatch(/field "seeds" lists a seed twice/);
    expect(reason(text((b) => (b.seeds = [])))).toMatch(/field "seeds": expected a non-empty list/);
    expect(reason(text((b) => (b.policies[0].kind = 'plugin')))).toMatch(/field "policies\[0\]\.kind": expected "builtin" or "file", found "plugin"/);
    expect(reason(text((b) => (b.policies[1].sha256 = 'abc')))).toMatch(/field "policies\[1\]\.sha256": expected a sha256 in hex/);
    expect(reason(text((b) => (b.policies[0].sha256 = 'ab'.repeat(32))))).toMatch(/field "policies\[0\]\.sha256" is not part of a baseline policy/);
    expect(reason(text((b) => (b.policies[1].params.cachePages = [9])))).toMatch(/field "policies\[1\]\.params\.cachePages": expected a number, string or boolean, found a list/);
    expect(reason(text((b) => (b.result.results[0].metrics.failures.count = null)))).toMatch(/"result\.results\[0\]\.metrics\.failures\.count": expected a number ≥ 0, found null/);
    expect(reason(text((b) => (b.result.seeds = [1, 2])))).toMatch(/"result\.seeds" \[1,2\] disagrees with "seeds" \[1,2,3\]/);
    expect(reason(text((b) => b.result.results[0].perSeed.pop()))).toMatch(/"result\.results\[0\]\.perSeed" has 2 entries for 3 seeds/);
    expect(reason(text((b) => (b.result.results[1].policy = 'other')))).toMatch(/"result\.results\[1\]\.policy" is "other" but policies\[1\] is "mine"/);
    expect(reason(text((b) => (b.result.results[1].error = 'boom')))).toMatch(/policy "mine" failed when the baseline was made \(boom\)/);
    expect(reason(text((b) => (b.policies[1].name = 'upstream')))).toMatch(/names policy "upstream" twice/);
  });

  it('checks the scenario as a scenario file is checked; a field added since is filled and listed', () => {
    expect(reason(text((b) => (b.scenario.machine.cpus = 'many')))).toMatch(/^baseline b\.json: scenario: machine\.cpus: expected/);
    expect(reason(text((b) => (b.scenario.bogus = 1)))).toMatch(/^baseline b\.json: scenario: bogus: expected a key of a scenario/);
    const loaded = parseBaseline(text((b) => delete b.scenario.machine.pcpBatch), 'b.json');
    expect(loaded.filledScenarioFields).toEqual(['machine.pcpBatch']);
    expect(loaded.baseline.scenario.machine.pcpBatch).toBeGreaterThan(0);
  });

  it('a file that cannot be read', () => {
    const folder = mkdtempSync(join(tmpdir(), 'rcupool-baseline-'));
    try {
      expect(() => readBaseline(join(folder, 'nowhere.json'))).toThrow(/cannot read it: no such file \(write one with `rcupool baseline --out FILE`\)/);
      expect(() => readBaseline(folder)).toThrow(/cannot read it: it is a directory/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
