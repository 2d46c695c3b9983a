import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Ajv } from 'ajv';
import { METRIC_PATHS } from '../src/contract/metrics.js';
import { renderJson } from '../src/report/json.js';
import type { CompareResult } from '../src/contract/result-types.js';
import { multiSeedResult, singleSeedResult } from './fixtures/compare-result.js';

const schema = JSON.parse(readFileSync(new URL('../schema/compare.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true }).compile(schema);

/** What a script reading `--json` gets. */
const asDocument = (result: CompareResult): Record<string, any> => JSON.parse(renderJson(result));

function errorsOf(document: unknown): string {
  return validate(document) ? '' : JSON.stringify(validate.errors);
}

/** Dotted paths of every required leaf of a schema object (following nested objects). */
function requiredPaths(node: { required?: string[]; properties?: Record<string, any> }, prefix = ''): string[] {
  return (node.required ?? []).flatMap((key) => {
    const child = node.properties?.[key];
    return child?.type === 'object' ? requiredPaths(child, `${prefix}${key}.`) : [`${prefix}${key}`];
  });
}

describe('renderJson', () => {
  it('is pretty JSON with a trailing newline, keys in the order of the result', () => {
    const text = renderJson(singleSeedResult());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schemaVersion": 2,');
    expect(Object.keys(JSON.parse(text))).toEqual(['schemaVersion', 'tool', 'scenario', 'seeds', 'results']);
  });

  it('writes non-finite numbers as null, never as NaN or Infinity', () => {
    const result = singleSeedResult();
    result.results[0]!.metrics!.latencyUs.max = Number.POSITIVE_INFINITY;
    result.results[0]!.metrics!.latencyUs.mean = Number.NaN;
    const text = renderJson(result);
    expect(text).not.toMatch(/NaN|Infinity/);
    expect(text).toContain('"max": null');
  });
});

describe('compare.schema.json', () => {
  it('accepts the single-seed and multi-seed documents', () => {
    expect(errorsOf(asDocument(singleSeedResult()))).toBe('');
    expect(errorsOf(asDocument(multiSeedResult()))).toBe('');
  });

  it('requires exactly the metric names of METRIC_PATHS', () => {
    const metrics = (schema.definitions as Record<string, any>).metrics;
    expect(requiredPaths(metrics).sort()).toEqual([...METRIC_PATHS].sort());
  });

  it('rejects a renamed metric', () => {
    const document = asDocument(singleSeedResult());
    const failures = document.results[0].metrics.failures;
    failures.total = failures.count;
    delete failures.count;
    expect(errorsOf(document)).toMatch(/total|count/);
  });

  it('rejects a renamed metric in perSeed and ci95 too', () => {
    const perSeed = asDocument(multiSeedResult());
    perSeed.results[0].perSeed[1].latencyUs.p99_9 = 1;
    expect(errorsOf(perSeed)).toContain('p99_9');

    const ci = asDocument(multiSeedResult());
    ci.results[0].ci95.harm.oomKill = ci.results[0].ci95.harm.oomKills;
    delete ci.results[0].ci95.harm.oomKills;
    expect(errorsOf(ci)).not.toBe('');
  });

  it('rejects a non-finite metric (written as null) and a negative one', () => {
    const result = singleSeedResult();
    result.results[0]!.metrics!.latencyUs.max = Number.NaN;
    expect(errorsOf(asDocument(result))).toContain('/metrics/latencyUs/max');

    const negative = asDocument(singleSeedResult());
    negative.results[1].metrics.reserve.avgPages = -1;
    expect(errorsOf(negative)).toContain('/metrics/reserve/avgPages');
  });

  it('rejects a result that has both an error and metrics, or neither', () => {
    const both = asDocument(singleSeedResult());
    both.results[3].metrics = both.results[0].metrics;
    expect(errorsOf(both)).not.toBe('');

    const neither = asDocument(singleSeedResult());
    delete neither.results[3].error;
    expect(errorsOf(neither)).not.toBe('');
  });

  it('pins the envelope: schemaVersion 2, tool, integer seeds, scenario core fields', () => {
    const wrongVersion = asDocument(singleSeedResult());
    wrongVersion.schemaVersion = 1;
    expect(errorsOf(wrongVersion)).toContain('schemaVersion');

    const fractionalSeed = asDocument(singleSeedResult());
    fractionalSeed.seeds = [1.5];
    expect(errorsOf(fractionalSeed)).toContain('/seeds/0');

    const noWorkload = asDocument(singleSeedResult());
    delete noWorkload.scenario.workload;
    expect(errorsOf(noWorkload)).toContain('workload');
  });
});
