// Generators for the property-based tests (fast-check): valid scenario layers inside every
// field's range, on a small machine and a few ms of calls so a case costs a few ms; and
// invalid documents. RCUPOOL_PROPERTY_RUNS sets how many cases run (`npm run fuzz`: 10,000).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { PolicyModule } from '../../src/policy/api.js';
import { ROOT } from './cli.js';

/** Cases per property: 1,000 in `npm test`, more under `npm run fuzz`. */
export const PROPERTY_RUNS = Number(process.env.RCUPOOL_PROPERTY_RUNS ?? 1000);
/** Fixed unless RCUPOOL_PROPERTY_SEED is given, so `npm test` is the same every time. */
export const PROPERTY_SEED = Number(process.env.RCUPOOL_PROPERTY_SEED ?? 20201);

export async function builtinPolicies(): Promise<PolicyModule[]> {
  const folder = join(ROOT, 'policies');
  const files = readdirSync(folder).filter((file) => file.endsWith('.ts')).sort();
  return Promise.all(files.map(async (file) => ((await import(join(folder, file))) as { default: PolicyModule }).default));
}

const share = fc.double({ min: 0, max: 1, noNaN: true });

/** Three shares summing to 1 (the two-argument call contexts). */
const contextShares = fc.tuple(share, share).map(([a, b]) => {
  const low = Math.min(a, b);
  const high = Math.max(a, b);
  const sleepable = low;
  const atomic = high - low;
  return { sleepable, atomic, atomicRaw: Math.max(0, 1 - sleepable - atomic) };
});

/** A scenario layer (as a file would give it) over a preset, on 1-4 CPUs and 16-256 MiB, 1-5 ms of calls. */
export const validLayer = fc
  .record({
    cpus: fc.integer({ min: 1, max: 4 }),
    activeShare: share,
    memoryMiB: fc.integer({ min: 16, max: 256 }),
    durationMs: fc.integer({ min: 1, max: 5 }),
    callsPerSecPerCpu: fc.integer({ min: 0, max: 2_000_000 }),
    headlessShare: share,
    allocatorLockShare: fc.double({ min: 0, max: 0.2, noNaN: true }),
    context: contextShares,
    preemptRt: fc.boolean(),
    floodRearm: fc.boolean(),
    perPageGpSnapshots: fc.boolean(),
    anonShare: fc.double({ min: 0, max: 0.9, noNaN: true }),
    backgroundAllocsPerSecPerCpu: fc.integer({ min: 0, max: 200_000 }),
    gpMedianMs: fc.double({ min: 0.5, max: 40, noNaN: true }),
    gpTail: fc.double({ min: 1, max: 5, noNaN: true }),
    drainDelayMs: fc.constantFrom(20, 5000),
  })
  .map((draw) => {
    const managedPages = Math.floor((draw.memoryMiB * 256 * 93) / 100);
    return {
      extends: 'steady',
      durationMs: draw.durationMs,
      machine: { memory: `${draw.memoryMiB}MiB`, cpus: draw.cpus },
      kernel: { preemptRt: draw.preemptRt, floodRearm: draw.floodRearm, perPageGpSnapshots: draw.perPageGpSnapshots, drainDelayMs: draw.drainDelayMs },
      workload: {
        activeCpus: Math.max(1, Math.ceil(draw.activeShare * draw.cpus)),
        phases: [{ kind: 'constant', durationMs: draw.durationMs, callsPerSecPerCpu: draw.callsPerSecPerCpu }],
        headlessShare: draw.headlessShare,
        allocatorLockShare: draw.allocatorLockShare,
        context: draw.context,
      },
      others: {
        anonInitialPages: Math.floor(draw.anonShare * managedPages),
        anonSteps: [],
        pageCachePages: Math.floor(managedPages / 10),
        backgroundAllocsPerSecPerCpu: draw.backgroundAllocsPerSecPerCpu,
      },
      timing: { gp: { medianMs: draw.gpMedianMs, p99Ms: draw.gpMedianMs * draw.gpTail } },
      events: [],
    };
  });

/** One value that no scenario field accepts: wrong type, out of range, not a number. */
const badValue = fc.oneof(
  fc.constantFrom(-1, -1e9, 'many', '', '12 parsecs', true, null, [], {}, [1, 2], 'NaN', '-5ms', '∞'),
  fc.string({ maxLength: 12 }).map((text) => `${text}!?`),
);

/** A path into the scenario that exists (so the error is about the value), or a misspelt one. */
const fieldPath = fc.constantFrom(
  ['durationMs'],
  ['machine', 'cpus'],
  ['machine', 'memory'],
  ['workload', 'activeCpus'],
  ['workload', 'headlessShare'],
  ['workload', 'phases'],
  ['workload', 'context', 'atomic'],
  ['kernel', 'hz'],
  ['kernel', 'preemptRt'],
  ['others', 'tickMs'],
  ['timing', 'gp', 'medianMs'],
  ['timing', 'hrtimerUs'],
  ['events'],
  ['extends'],
  ['workload', 'headlesShare'],
  ['machin'],
);

function nest(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

/** A scenario document that must be refused: a bad value at a real or misspelt path, as JSON or YAML, or broken syntax. */
export const invalidDocument = fc.oneof(
  fc
    .record({ path: fieldPath, value: badValue, json: fc.boolean() })
    // The two draws that are valid after all: a boolean flag, and no timed events.
    .filter(({ path, value }) => !(path.at(-1) === 'preemptRt' && typeof value === 'boolean') && !(path[0] === 'events' && Array.isArray(value) && value.length === 0))
    .map(({ path, value, json }) => {
      const document = nest(path, value);
      return { json, text: json ? JSON.stringify(document) : toYamlish(document) };
    }),
  // Past a field's maximum (most fields have none: a huge value is slow, not invalid).
  fc.constantFrom({ durationMs: 1e300 }, { machine: { cpus: 1e6 } }, { workload: { headlessShare: 1.5 } }).chain((document) => fc.boolean().map((json) => ({ json, text: JSON.stringify(document) }))),
  fc.constantFrom('{', '[1, 2', 'durationMs: [', 'a: b: c', '"\\u0000', '- 1\n- 2', '42', 'null', '\t- x: [}', '{"durationMs": 5,}').map((text) => ({ json: text.startsWith('{') || text.startsWith('['), text })),
);

function toYamlish(document: Record<string, unknown>): string {
  // JSON is YAML: written as flow style it keeps the same values through the YAML reader.
  return JSON.stringify(document);
}
