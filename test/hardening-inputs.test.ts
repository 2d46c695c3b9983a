// Issue 11, points 4-6, in-process: inputs above 16 MiB refused (a device such as /dev/zero
// included), YAML alias bombs refused, a BOM accepted in JSON, text fields capped, a baseline
// from an older result schema refused with the command that re-records it, non-finite values
// never judged "unchanged", param defaults that are not finite refused at load, and whatever a
// policy throws turned into one short line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clipLine, describeThrown, MAX_MESSAGE_CHARS } from '../src/policy/thrown.js';
import { PolicyLoadError, validatePolicyModule } from '../src/policy/validate.js';
import { BaselineError, makeBaseline, parseBaseline, readBaseline, serializeBaseline } from '../src/runner/baseline-file.js';
import { compareResults } from '../src/runner/regression.js';
import { RESULT_SCHEMA_VERSION, type CompareResult } from '../src/contract/result-types.js';
import { loadScenarioFile } from '../src/scenario/load.js';
import { ScenarioError } from '../src/scenario/validate.js';
import { multiSeedResult } from './fixtures/compare-result.js';

const folder = mkdtempSync(join(tmpdir(), 'rcupool-inputs-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = join(folder, name);
  writeFileSync(file, content);
  return file;
}

function scenarioError(file: string): string {
  try {
    loadScenarioFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as Error).message;
  }
  throw new Error(`${file} was accepted`);
}

describe('scenario files', () => {
  it('refuse /dev/zero and a 17 MiB description with a line saying the 16 MiB limit', () => {
    expect(scenarioError('/dev/zero')).toBe('/dev/zero: larger than the 16 MiB input limit for a scenario file; is it the right file?');
    const big = write('big.yaml', `description: "${'d'.repeat(17 * 1024 * 1024)}"\n`);
    expect(scenarioError(big)).toBe(`${big}: larger than the 16 MiB input limit for a scenario file; is it the right file?`);
  });

  it('refuse a YAML alias bomb, naming the file and the limit', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level <= 9; level++) lines.push(`b${level}: &b${level} [${Array(10).fill(`*${level === 1 ? 'a' : `b${level - 1}`}`).join(', ')}]`);
    const bomb = write('bomb.yaml', `${lines.join('\n')}\n`);
    expect(scenarioError(bomb)).toBe(`${bomb}: invalid YAML: its aliases expand past the limit of 100; write the values out`);
  });

  it('accept a BOM in JSON as in YAML', () => {
    const json = write('bom.json', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"durationMs": 5}')]));
    expect(loadScenarioFile(json).durationMs).toBe(5);
    const yaml = write('bom.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('durationMs: 5\n')]));
    expect(loadScenarioFile(yaml).durationMs).toBe(5);
  });

  it('cap the length of name, description and claim', () => {
    const long = write('long.yaml', `durationMs: 5\ndescription: ${'x'.repeat(5000)}\n`);
    expect(scenarioError(long)).toBe(`${long}:2: description: 5000 characters long; at most 1000`);
  });
});

describe('policy modules', () => {
  const valid = { name: 'p', summary: 's', source: 'test', params: [] as unknown[], create: () => ({}) };
  const refusal = (candidate: unknown) => {
    try {
      validatePolicyModule(candidate, 'p.ts');
    } catch (error) {
      expect(error).toBeInstanceOf(PolicyLoadError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('refuse a param default that is NaN, infinite or outside a finite range, at load time', () => {
    const param = { name: 'pages', unit: 'pages', description: '' };
    expect(refusal({ ...valid, params: [{ ...param, default: Number.NaN }] })).toBe('p.ts: params "pages".default must be a finite number (got NaN)');
    expect(refusal({ ...valid, params: [{ ...param, default: Infinity }] })).toBe('p.ts: params "pages".default must be a finite number (got Infinity)');
    expect(refusal({ ...valid, params: [{ ...param, default: 1, range: { min: 0, max: Infinity } }] })).toMatch(/range must be \{ min, max \} finite numbers/);
    expect(refusal({ ...valid, params: [{ ...param, default: 1.5, integer: true }] })).toMatch(/default 1\.5 must be a whole number/);
  });

  it('cap text fields and name a getter that throws', () => {
    expect(refusal({ ...valid, summary: 's'.repeat(301) })).toBe('p.ts: summary is 301 characters long; at most 300');
    expect(refusal({ get name(): string { throw new Error('getter boom'); } })).toBe('p.ts: reading the exported policy object threw: getter boom');
  });
});

describe('what policy code throws', () => {
  it('becomes one line of at most 200 characters, whatever it is', () => {
    const trap = () => {
      throw new Error('trap');
    };
    expect(describeThrown(new Proxy({}, { get: trap, getPrototypeOf: trap }))).toBe('a value that cannot be shown (reading it threw)');
    expect(describeThrown(new Error(`first\nsecond`))).toBe('first');
    const long = describeThrown(new Error('y'.repeat(100_000)));
    expect(long).toHaveLength(MAX_MESSAGE_CHARS);
    expect(long.endsWith('…')).toBe(true);
    expect(clipLine('a\u0000b\tc')).toBe('a b c');
  });
});

describe('baselines', () => {
  const baselineText = (edit: (data: Record<string, any>) => void = () => {}) => {
    const result = multiSeedResult();
    result.results = result.results.filter((entry) => entry.error === undefined).slice(0, 1);
    const loaded = { location: { spec: 'upstream', kind: 'builtin' as const, path: '/x.js' }, policy: { ...validPolicy(), name: result.results[0]!.policy } };
    const data = JSON.parse(serializeBaseline(makeBaseline({ scenario: result.scenario, seeds: result.seeds, policies: [{ loaded, params: {} }] }, result)));
    edit(data);
    return JSON.stringify(data);
  };
  const refusal = (text: string) => {
    try {
      parseBaseline(text, 'b.json');
    } catch (error) {
      expect(error).toBeInstanceOf(BaselineError);
      return (error as Error).message;
    }
    throw new Error('accepted');
  };

  it('from an older result schema: refused with the command that records it again', () => {
    const message = refusal(baselineText((data) => (data.schemaVersion = RESULT_SCHEMA_VERSION - 1)));
    expect(message).toMatch(new RegExp(`^baseline b\\.json: schemaVersion ${RESULT_SCHEMA_VERSION - 1} is older than this rcupool's results \\(${RESULT_SCHEMA_VERSION}\\); re-record it: rcupool baseline --force --out b\\.json --policy \\S+ --scenario \\S+ --seed 1 --seeds 3$`));
  });

  it('above 16 MiB: refused with a line saying the limit', () => {
    const big = write('big-baseline.json', ' '.repeat(17 * 1024 * 1024));
    expect(() => readBaseline(big)).toThrow(`baseline ${big}: larger than the 16 MiB input limit; is it the right file?`);
  });

  it('a per-seed value that is not a finite number is refused by name', () => {
    expect(refusal(baselineText((data) => (data.result.results[0].perSeed[1].latencyUs.max = null)))).toMatch(/field "result\.results\[0\]\.perSeed\[1\]\.latencyUs\.max": expected a number ≥ 0, found null/);
  });

  it('per-seed values of 1e308 (whose mean overflows) make check fail closed, naming the metric, never "unchanged"', () => {
    const baseline: CompareResult = JSON.parse(baselineText((data) => {
      for (const seed of data.result.results[0].perSeed) seed.latencyUs.max = 1e308;
      data.result.results[0].metrics.latencyUs.max = 1e308;
    })).result;
    const current: CompareResult = JSON.parse(baselineText()).result;
    const report = compareResults(baseline, current);
    expect(report.incomplete).toBe(true);
    expect(report.policies[0]).toMatchObject({ status: 'error', error: expect.stringMatching(/^latencyUs\.max: the baseline values give no finite mean \(Infinity\)/) });
  });
});

function validPolicy() {
  return { name: 'p', summary: 's', source: 'test', params: [], create: () => ({ needPage: () => null, pageEmptied: () => {} }) };
}
