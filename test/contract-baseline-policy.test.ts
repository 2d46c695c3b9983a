// The baseline policy record is declared once (src/contract/baseline-policy.ts, TypeBox): the
// sweep JSON Schema's `policy` definition is that declaration, and reading a baseline reports
// the first problem against it in rcupool's words (dotted path, expected, found).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { BASELINE_POLICY, jsonSchemaOf } from '../src/contract/baseline-policy.js';
import { firstProblem } from '../src/contract/first-problem.js';
import { sweepJsonSchema } from '../src/contract/sweep-schema.js';
import { BASELINE_VERSION } from '../src/runner/baseline-file.js';
import { readSweepBaseline } from '../src/runner/sweep-baseline.js';

const BUILTIN = { name: 'upstream', kind: 'builtin', location: 'upstream', params: {}, paramOverrides: {} };
const FILE = { name: 'mine', kind: 'file', location: './mine.ts', params: { cachePages: 9, mode: 'eager', on: true }, paramOverrides: { cachePages: 9 }, sha256: 'ab'.repeat(32) };

const BAD: Array<[string, unknown, ReturnType<typeof firstProblem>]> = [
  ['a file without its sha256', { ...FILE, sha256: undefined }, { path: ['sha256'] }],
  ['an unknown kind', { ...BUILTIN, kind: 'plugin' }, { path: ['kind'], expected: '"builtin" or "file"', found: 'plugin' }],
  ['no kind', { ...BUILTIN, kind: undefined }, { path: ['kind'] }],
  ['an empty location', { ...BUILTIN, location: '' }, { path: ['location'], expected: 'a non-empty string', found: '' }],
  ['a param value that is a list', { ...FILE, params: { cachePages: [1] } }, { path: ['params', 'cachePages'], expected: 'a number, string or boolean', found: [1] }],
  ['a short sha256', { ...FILE, sha256: 'abc' }, { path: ['sha256'], expected: 'a sha256 in hex (64 characters)', found: 'abc' }],
  ['a built-in with a sha256', { ...BUILTIN, sha256: 'ab'.repeat(32) }, { path: ['sha256'], unexpected: true }],
  ['not an object', 'upstream', { path: [], expected: 'an object', found: 'upstream' }],
];

const withoutUndefined = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('the baseline policy contract', () => {
  const validate = new Ajv({ allErrors: true }).compile(jsonSchemaOf(BASELINE_POLICY));

  it('is the `policy` definition of the sweep JSON Schema', () => {
    expect((sweepJsonSchema()['definitions'] as Record<string, unknown>)['policy']).toEqual(jsonSchemaOf(BASELINE_POLICY));
    expect(JSON.stringify(jsonSchemaOf(BASELINE_POLICY))).not.toContain('expected');
  });

  it('accepts what `rcupool baseline` writes, for built-ins and files', () => {
    for (const entry of [BUILTIN, FILE]) {
      expect(firstProblem(BASELINE_POLICY, entry)).toBeUndefined();
      expect(validate(entry)).toBe(true);
    }
  });

  it.each(BAD)('names the first problem of %s, and the JSON Schema refuses it too', (_what, entry, problem) => {
    const value = withoutUndefined(entry);
    expect(firstProblem(BASELINE_POLICY, value, ['policies', 1])).toEqual({ ...problem!, path: ['policies', 1, ...problem!.path] });
    expect(validate(value)).toBe(false);
  });
});

describe('a sweep baseline', () => {
  it('checks its policies against the same contract', () => {
    const folder = mkdtempSync(join(tmpdir(), 'rcupool-sweep-policy-'));
    try {
      const file = join(folder, 'sweep-baseline.json');
      const sweep = { baselineVersion: BASELINE_VERSION, schemaVersion: 1, kind: 'sweep', tool: { name: 'rcupool', version: '0' }, scenario: {}, seeds: [1], vary: [], points: [] };
      writeFileSync(file, JSON.stringify({ ...sweep, policies: [BUILTIN, { ...FILE, sha256: undefined }] }));
      expect(() => readSweepBaseline(file)).toThrow(`baseline ${file}: missing field "policies[1].sha256"`);
      writeFileSync(file, JSON.stringify({ ...sweep, policies: [BUILTIN, FILE] }));
      expect(readSweepBaseline(file).policies).toEqual([BUILTIN, FILE]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
