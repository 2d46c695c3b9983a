// The compare and sweep outputs are declared once (TypeBox, src/contract/result-types.ts and
// sweep-types.ts): the TypeScript types, the JSON Schema files and the check of a document read
// back all come from that declaration. These tests fail when the three could drift: real CLI
// outputs must pass both TypeBox's checker and Ajv on the committed files, typed fixtures must
// fit the schemas exactly, and the ran-or-failed rule must mean the same in both checkers.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { METRIC_PATHS } from '../src/contract/metrics.js';
import { compareResultProblem, problemText, sweepResultProblem } from '../src/contract/result-check.js';
import { COMPARE_RESULT, INTERVAL, METRICS_INTERVAL, METRICS_SCHEMA, POLICY_RESULT, TIMELINE_POINT, type CompareResult, type TimelinePoint } from '../src/contract/result-types.js';
import { SWEEP_RESULT, type SweepResult } from '../src/contract/sweep-types.js';
import { baseScenario } from '../src/scenario/base.js';
import { rcupool } from './helpers/cli.js';
import { LOCKLESS_METRICS, multiSeedResult, singleSeedResult, UPSTREAM_METRICS } from './fixtures/compare-result.js';

const schemaFile = (name: string) => JSON.parse(readFileSync(new URL(`../schema/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true });
const compareFile = ajv.compile(schemaFile('compare.schema.json'));
const sweepFile = ajv.compile(schemaFile('sweep.schema.json'));

const QUICK = ['--scenario', 'steady', '--duration', '100ms'];
const folder = mkdtempSync(join(tmpdir(), 'rcupool-declaration-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function jsonOf(args: string[]): unknown {
  const result = rcupool(args);
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** What a script reading the --json output gets (non-finite numbers as null). */
const asRead = (value: unknown): any => JSON.parse(JSON.stringify(value));

describe('real outputs fit the declaration, and the committed JSON Schema agrees', () => {
  it.each([
    ['compare, one seed', ['compare', '--json', ...QUICK, '--policy', 'upstream,mempool']],
    ['compare, three seeds (perSeed, ci95)', ['compare', '--json', ...QUICK, '--seeds', '3', '--policy', 'upstream']],
    ['run --timeline', ['run', '--json', ...QUICK, '--policy', 'upstream', '--timeline', '--timeline-points', '5']],
    ['a user policy file (fileHash)', ['compare', '--json', ...QUICK, '--policy', 'test/fixtures/policies/give-back.ts']],
  ])('%s', (_what, args) => {
    const document = jsonOf(args);
    expect(compareResultProblem(document)).toBeUndefined();
    expect(Value.Check(COMPARE_RESULT, document)).toBe(true);
    expect(compareFile(document), JSON.stringify(compareFile.errors)).toBe(true);
  });

  it.each([
    ['sweep, a param axis', ['sweep', '--json', ...QUICK, '--vary', 'mempool.reservePages=0..20:10']],
    ['sweep with a scenario axis, two seeds and a front', ['sweep', '--json', ...QUICK, '--seeds', '2', '--vary', 'mempool.reservePages=0,10', '--vary', 'workload.headlessShare=0,0.5', '--front', 'reserve.avgPages,failures.rate']],
    ['a shard', ['sweep', '--json', ...QUICK, '--vary', 'mempool.reservePages=0..20:10', '--shard', '1/2']],
  ])('%s', (_what, args) => {
    const document = jsonOf(args);
    expect(sweepResultProblem(document)).toBeUndefined();
    expect(Value.Check(SWEEP_RESULT, document)).toBe(true);
    expect(sweepFile(document), JSON.stringify(sweepFile.errors)).toBe(true);
  });

  it('a sweep baseline (the sweep with baselineVersion)', () => {
    const out = join(folder, 'sweep-baseline.json');
    const result = rcupool(['baseline', '--out', out, ...QUICK, '--vary', 'mempool.reservePages=0,10']);
    expect(result.status, result.stderr).toBe(0);
    const document = JSON.parse(readFileSync(out, 'utf8')) as unknown;
    expect(sweepResultProblem(document)).toBeUndefined();
    expect(sweepFile(document)).toBe(true);
  });
});

describe('the TypeScript types and the schemas are the same shape', () => {
  it('a Metrics object (typed from the registry) is exactly what the metrics schema accepts', () => {
    for (const metrics of [UPSTREAM_METRICS, LOCKLESS_METRICS]) expect(Value.Check(METRICS_SCHEMA, metrics)).toBe(true);
    const extra = { ...UPSTREAM_METRICS, notAMetric: 1 };
    expect(Value.Check(METRICS_SCHEMA, extra)).toBe(false);
    const { calls: _calls, ...lacking } = UPSTREAM_METRICS;
    expect(Value.Check(METRICS_SCHEMA, lacking)).toBe(false);
  });

  it('the metrics and interval schemas have one leaf per registry path', () => {
    // A group is an object of leaves; an interval leaf is an object too, told apart by its `low`.
    const leaves = (schema: any) =>
      Object.entries(schema.properties as Record<string, any>).flatMap(([key, node]) =>
        node.type === 'object' && node.properties.low === undefined ? Object.keys(node.properties).map((leaf) => `${key}.${leaf}`) : [key],
      );
    expect(leaves(METRICS_SCHEMA).sort()).toEqual([...METRIC_PATHS].sort());
    expect(leaves(METRICS_INTERVAL).sort()).toEqual([...METRIC_PATHS].sort());
  });

  it('typed fixtures fit their schemas: single-seed, multi-seed, a timeline point, a resolved scenario', () => {
    expect(compareResultProblem(asRead(singleSeedResult()))).toBeUndefined();
    expect(compareResultProblem(asRead(multiSeedResult()))).toBeUndefined();
    const point: TimelinePoint = { timeMs: 1, freePages: 2, reservePages: 3, inflightPages: 4, failures: 0, lowestFreePages: 1, belowMinMs: 0, peakInflightPages: 4 };
    expect(Value.Check(TIMELINE_POINT, point)).toBe(true);
    expect(Value.Check(INTERVAL, { low: 1, high: 2 })).toBe(true);
    const withScenario: CompareResult = { ...singleSeedResult(), scenario: baseScenario() };
    expect(compareResultProblem(asRead(withScenario))).toBeUndefined();
  });

  it('the JSON Schema files are the declarations written out (same properties, same required)', () => {
    const compare = schemaFile('compare.schema.json') as any;
    expect(Object.keys(compare.properties)).toEqual(Object.keys(COMPARE_RESULT.properties));
    expect(compare.required).toEqual(COMPARE_RESULT.required);
    expect(Object.keys(compare.definitions.policyResult.properties)).toEqual(Object.keys(POLICY_RESULT.properties));
    expect(compare.definitions.policyResult.required).toEqual(POLICY_RESULT.required);
    const sweep = schemaFile('sweep.schema.json') as any;
    expect(Object.keys(sweep.properties)).toEqual(Object.keys(SWEEP_RESULT.properties));
    expect(sweep.definitions.metrics).toEqual(compare.definitions.metrics);
    expect(JSON.stringify([compare, sweep])).not.toMatch(/"(expected|definition)"/);
  });
});

describe('a document read back: the first problem, in one phrase', () => {
  const sweep = () => asRead(jsonOf(['sweep', '--json', ...QUICK, '--vary', 'mempool.reservePages=0,10'])) as SweepResult & Record<string, any>;
  const base = sweep();
  const problemOf = (edit: (document: any) => void) => {
    const document = structuredClone(base);
    edit(document);
    const problem = sweepResultProblem(document);
    // Whatever rcupool refuses, the committed JSON Schema refuses too.
    expect(sweepFile(document)).toBe(problem === undefined);
    return problem === undefined ? undefined : problemText(problem, 'a sweep');
  };

  it.each<[string, (document: any) => void, string]>([
    ['a metric written as null', (d) => (d.points[1].metrics.latencyUs.max = null), 'field "points[1].metrics.latencyUs.max": expected a number ≥ 0, found null'],
    ['a negative metric', (d) => (d.points[0].metrics.reserve.avgPages = -1), 'field "points[0].metrics.reserve.avgPages": expected a number ≥ 0, found number -1'],
    ['a point that ran without metrics', (d) => delete d.points[0].metrics, 'missing field "points[0].metrics"'],
    ['a failed point that has metrics', (d) => (d.points[0].error = 'boom'), 'field "points[0].metrics": expected no metrics in a failed run (it has an error), found an object'],
    ['a policy of an unknown kind', (d) => (d.policies[0].kind = 'plugin'), 'field "policies[0].kind": expected "builtin" or "file", found "plugin"'],
    ['a field from elsewhere', (d) => (d.points[0].timeline = []), 'field "points[0].timeline" is not part of a sweep'],
    ['no seeds', (d) => (d.seeds = []), 'field "seeds": expected a list of at least 1 item, found a list'],
    ['a compare document', (d) => delete d.kind, 'missing field "kind"'],
  ])('%s', (_what, edit, phrase) => {
    expect(problemOf(edit)).toBe(phrase);
  });

  it('a compare document with both an error and metrics, or neither', () => {
    const both = asRead(singleSeedResult());
    both.results[3].metrics = both.results[0].metrics;
    expect(problemText(compareResultProblem(both)!, 'a comparison')).toBe('field "results[3].metrics": expected no metrics in a failed run (it has an error), found an object');
    expect(compareFile(both)).toBe(false);
    const neither = asRead(singleSeedResult());
    delete neither.results[3].error;
    expect(problemText(compareResultProblem(neither)!, 'a comparison')).toBe('missing field "results[3].metrics"');
    expect(compareFile(neither)).toBe(false);
  });
});
