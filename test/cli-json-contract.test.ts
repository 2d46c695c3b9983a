// The `--json` contract (docs/cli.md and docs/json.md): one document on stdout that validates
// against schema/compare.schema.json, schemaVersion 2, every metric named as in docs/json.md.
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUT_MS, QUICK, rcupool, SCHEMA_FILE } from './helpers/cli.js';

const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true }).compile(schema);

/** docs/json.md (the metric names), spelled out here so a rename in the code cannot pass silently. */
const CONTRACT_METRICS = [
  'calls',
  'pagesAllocated',
  'reserve.avgPages',
  'reserve.peakPages',
  'inflight.avgPages',
  'inflight.peakPages',
  'failures.count',
  'failures.rate',
  'failures.rcuHead',
  'failures.syncInline',
  'violations.count',
  'violations.sleepInAtomic',
  'violations.zoneLockUnderRawLock',
  'violations.lockRecursion',
  'latencyUs.p50',
  'latencyUs.p99',
  'latencyUs.p999',
  'latencyUs.max',
  'latencyUs.mean',
  'harm.otherAllocFailures',
  'harm.oomKills',
  'harm.pcpRefills',
  'harm.belowMinMs',
  'harm.kswapdWakeups',
  // schemaVersion 2 (the fidelity issue): who was blocked, what the fallback costs, the slow path, memory held.
  'stalls.count',
  'stalls.totalMs',
  'stalls.p99Ms',
  'stalls.syncMs',
  'stalls.reclaimMs',
  'fallbackCost.extraFreeCpuMs',
  'slowPathUs.p50',
  'slowPathUs.p99',
  'slowPathUs.max',
  'irqsOffUs.p99',
  'irqsOffUs.max',
  'footprint.avgKiB',
  'footprint.peakKiB',
  'footprint.rcuscaleKiB',
  'pageFill.p10',
  'pageFill.p50',
  'pageFill.p90',
  'gp.count',
  'callsEndMs',
];

function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

type Doc = Record<string, any>;
let single: { status: number | null; stdout: string; stderr: string };
let multi: { status: number | null; stdout: string; stderr: string };
let singleDoc: Doc;
let multiDoc: Doc;

beforeAll(() => {
  single = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--json']);
  multi = rcupool(['compare', '--policy', 'upstream', ...QUICK, '--seed', '7', '--seeds', '2', '--format', 'json', '--jobs', '2']);
  singleDoc = JSON.parse(single.stdout) as Doc;
  multiDoc = JSON.parse(multi.stdout) as Doc;
}, E2E_TIMEOUT_MS);

describe('rcupool compare --json', { timeout: E2E_TIMEOUT_MS }, () => {
  it('exits 0 and writes exactly one JSON document to stdout, nothing to stderr', () => {
    expect(single.status, single.stderr).toBe(0);
    expect(single.stderr).toBe('');
    expect(single.stdout.endsWith('}\n')).toBe(true);
    expect(() => JSON.parse(single.stdout)).not.toThrow();
  });

  it('validates against schema/compare.schema.json (one seed and several)', () => {
    expect(validate(singleDoc), JSON.stringify(validate.errors)).toBe(true);
    expect(multi.status, multi.stderr).toBe(0);
    expect(validate(multiDoc), JSON.stringify(validate.errors)).toBe(true);
  });

  it('carries schemaVersion 2, the tool version, the resolved scenario and the seeds', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(Object.keys(singleDoc)).toEqual(['schemaVersion', 'tool', 'scenario', 'seeds', 'results']);
    expect(singleDoc.schemaVersion).toBe(2);
    expect(singleDoc.tool).toEqual({ name: 'rcupool', version: pkg.version });
    expect(singleDoc.scenario.name).toBe('steady');
    expect(singleDoc.scenario.durationMs).toBe(300);
    expect(singleDoc.scenario.machine.cpus).toBeGreaterThan(0);
    expect(singleDoc.seeds).toEqual([1]);
    expect(multiDoc.seeds).toEqual([7, 8]);
  });

  it('names every metric as docs/json.md does', () => {
    const [result] = singleDoc.results as Doc[];
    expect(result!.policy).toBe('upstream');
    expect(result!.source).toBe('builtin');
    expect(result!.params).toMatchObject({ cachePages: 5 });
    const paths = leafPaths(result!.metrics);
    for (const metric of CONTRACT_METRICS) expect(paths, metric).toContain(metric);
    const valueAt = (path: string) => path.split('.').reduce<any>((node, key) => node[key], result!.metrics);
    for (const path of paths) expect(typeof valueAt(path), path).toBe('number');
  });

  it('has perSeed and ci95 with several seeds, and neither with one', () => {
    const [one] = singleDoc.results as Doc[];
    expect(one!.perSeed).toBeUndefined();
    expect(one!.ci95).toBeUndefined();
    const [many] = multiDoc.results as Doc[];
    expect(many!.perSeed).toHaveLength(2);
    expect(leafPaths(many!.perSeed[0]).sort()).toEqual(leafPaths(many!.metrics).sort());
    expect(many!.ci95.failures.count).toEqual({ low: expect.any(Number), high: expect.any(Number) });
    expect(many!.metrics.calls).toBeCloseTo((many!.perSeed[0].calls + many!.perSeed[1].calls) / 2, 6);
  });

  it('records a user policy file by path and content hash', () => {
    const result = rcupool(['compare', '--policy', 'test/fixtures/policies/give-back.ts', ...QUICK, '--json']);
    expect(result.status, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as Doc;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.results[0].policy).toBe('give-back');
    expect(doc.results[0].source).toBe('test/fixtures/policies/give-back.ts');
    expect(doc.results[0].fileHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
