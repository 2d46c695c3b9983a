import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTiming } from '../src/scenario/base.js';
import { resolveScenario } from '../src/scenario/load.js';
import { presetScenario } from '../src/scenario/presets.js';
import { ScenarioError } from '../src/scenario/validate.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/scenarios/${name}`, import.meta.url));

/** The ScenarioError message of loading `file`; fails the test if it loads. */
function errorOf(file: string): string {
  try {
    resolveScenario(file);
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    const message = (error as ScenarioError).message;
    expect(message, 'one line').not.toContain('\n');
    expect(message.startsWith(file), `names the file: ${message}`).toBe(true);
    return message.slice(file.length);
  }
  return expect.unreachable(`${file} loaded without an error`);
}

describe('bad scenario files: one line naming file, line, field path, expected and found', () => {
  it('wrong type', () => {
    expect(errorOf(fixture('wrong-type.yaml'))).toBe(':2: workload.activeCpus: expected a number (e.g. 20000, "20k", "3M"), found "four"');
  });

  it('unknown key, with a did-you-mean', () => {
    const message = errorOf(fixture('unknown-key.yaml'));
    expect(message).toMatch(/^:3: workload\.activCpus: expected a key of workload \(activeCpus, phases, .*\), found unknown key "activCpus"; did you mean "activeCpus"\?$/);
  });

  it('negative duration', () => {
    expect(errorOf(fixture('negative-duration.yaml'))).toBe(':8: workload.phases[1].durationMs: expected a duration in ms > 0, found "-3s" (= -3000)');
  });

  it('unreadable file: missing, or a directory', () => {
    expect(errorOf(fixture('no-such-file.yaml'))).toBe(': expected a readable scenario file, found no such file (ENOENT)');
    const directory = mkdtempSync(join(tmpdir(), 'rcupool-dir-'));
    expect(errorOf(`${directory}/`)).toBe(': expected a readable scenario file, found it is a directory (EISDIR)');
  });

  it('invalid YAML, with line and column', () => {
    expect(errorOf(fixture('invalid.yaml'))).toMatch(/^:5:\d+: invalid YAML: .+/);
  });

  it('invalid JSON, with line and column', () => {
    expect(errorOf(fixture('invalid.json'))).toMatch(/^:4:1: invalid JSON: .+/);
  });

  it('share outside [0, 1]', () => {
    expect(errorOf(fixture('bad-share.yaml'))).toBe(':2: workload.headlessShare: expected a share from 0 to 1, found 1.5');
  });

  it('context shares that do not add up to 1', () => {
    expect(errorOf(fixture('bad-context.yaml'))).toBe(':2: workload.context: expected sleepable + atomic + atomicRaw = 1, found a sum of 0.7');
  });

  it('more active CPUs than the machine has', () => {
    expect(errorOf(fixture('too-many-active.yaml'))).toBe(':2: workload.activeCpus: expected at most machine.cpus (8), found 16');
  });

  it('unknown event kind, with a did-you-mean', () => {
    expect(errorOf(fixture('bad-kind.yaml'))).toBe(
      ':3: events[0].kind: expected one of drainAllPages, load, stealSharedReserve, found "drainAllPage"; did you mean "drainAllPages"?',
    );
  });

  it('phases that do not fill durationMs', () => {
    expect(errorOf(fixture('phases-disagree.yaml'))).toBe(':3: workload.phases: expected phase durations adding up to durationMs (5000 ms), found 4000 ms');
  });

  it('a list or nothing at the top', () => {
    expect(errorOf(fixture('list.yaml'))).toBe(': (top level): expected a mapping of scenario fields, found a list of 1 item');
    expect(errorOf(fixture('empty.yaml'))).toBe(': (top level): expected a mapping of scenario fields, found an empty document');
  });

  it('a missing field inside a list item', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rcupool-')), 'missing.yaml');
    writeFileSync(file, 'events:\n  - kind: stealSharedReserve\n    atMs: 10\n    pages: 5\n');
    expect(errorOf(file)).toBe(':2: events[0].holdMs: expected a duration in ms ≥ 0 (required here), found nothing');
  });

  it('a bad extends, with a did-you-mean', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rcupool-')), 'extends.yml');
    writeFileSync(file, 'extends: flod\n');
    expect(errorOf(file)).toMatch(/^:1: extends: expected a preset name \(base, default, .*\), found "flod"; did you mean "flood"\?$/);
  });

  it('an unquoted kernel version', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rcupool-')), 'version.yaml');
    writeFileSync(file, 'kernel:\n  version: 6.10\n');
    expect(errorOf(file)).toBe(':2: kernel.version: expected a string, quoted (e.g. "6.3"), found 6.1');
    writeFileSync(file, 'kernel:\n  version: "4.19"\n');
    expect(errorOf(file)).toBe(':2: kernel.version: expected a kernel version from "5.5" (when pointer pages appeared), quoted, e.g. "6.3", found "4.19"');
  });
});

describe('good scenario files', () => {
  it('fill omitted fields from the preset they extend and expand machine, timing and kernel shorthands', () => {
    const s = resolveScenario(fixture('custom-machine.yaml'));
    const steady = presetScenario('steady');
    expect(s.name).toBe('big-phone');
    expect(s.description).toBe('From custom-machine.yaml, based on preset "steady".');
    expect(s.claim).toBe('');
    // machine: 8 GiB, 4 CPUs, allocator numbers from the kernel's formulas.
    expect(s.machine).toEqual({
      preset: 'custom',
      cpus: 4,
      managedPages: 1_950_351, // 0.93 × 2,097,152
      minFreeKbytes: 11_172, // int_sqrt(16 × 7,801,404 KiB)
      watermarkScaleFactor: 10,
      pcpBatch: 63,
      pcpHigh: 1_185, // WMARK_LOW / 4 CPUs
    });
    // steady had every CPU calling: activeCpus follows the new CPU count.
    expect(s.workload.activeCpus).toBe(4);
    // load: loaded, then gp.medianMs on top.
    expect(s.timing.workqueues).toEqual(loadTiming('loaded').workqueues);
    expect(s.timing.gp).toEqual({ ...loadTiming('loaded').gp, medianMs: 80 });
    // kernel 5.10: 510 pointers a page, 20 ms drain, no flood re-arm, no per-page snapshots.
    expect(s.kernel).toEqual({ ...steady.kernel, ptrsPerPage: 510, drainDelayMs: 20, floodRearm: false, perPageGpSnapshots: false });
    // 20 s instead of 10 s: the one phase stretches with it.
    expect(s.durationMs).toBe(20_000);
    expect(s.workload.phases).toEqual([{ ...steady.workload.phases[0], durationMs: 20_000 }]);
    expect(s.others).toEqual(steady.others);
  });

  it('read units, list items and event shorthands; durationMs follows the phases', () => {
    const s = resolveScenario(fixture('phases.yaml'));
    expect(s.durationMs).toBe(1_500);
    expect(s.workload.phases).toEqual([
      { kind: 'constant', durationMs: 1_000, callsPerSecPerCpu: 20_000 },
      { kind: 'ramp', durationMs: 500, fromCallsPerSecPerCpu: 20_000, toCallsPerSecPerCpu: 3_000_000 },
    ]);
    expect(s.others.pageCachePages).toBe(32_768);
    expect(s.events).toEqual([
      { atMs: 1_000, kind: 'drainAllPages' },
      { atMs: 1_200, kind: 'load', change: loadTiming('loaded') },
    ]);
  });

  it('read JSON', () => {
    const s = resolveScenario(fixture('valid.json'));
    const flood = presetScenario('flood');
    expect(s.workload).toEqual({ ...flood.workload, headlessShare: 0.25, context: { sleepable: 0.5, atomic: 0.25, atomicRaw: 0.25 } });
    expect(s.machine).toEqual(flood.machine);
    expect(s.name).toBe('valid');
  });

  it('without extends build on the default preset', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rcupool-')), 'tweak.yaml');
    writeFileSync(file, 'workload:\n  headlessShare: 50%\n');
    const s = resolveScenario(file);
    expect(s).toEqual({
      ...presetScenario('default'),
      name: 'tweak',
      description: 'From tweak.yaml, based on preset "default".',
      claim: '',
      workload: { ...presetScenario('default').workload, headlessShare: 0.5 },
    });
  });

  it('tell a file from a preset name', () => {
    expect(() => resolveScenario('flod')).toThrow(/--scenario: expected a preset .*found "flod"; did you mean "flood"\?/);
    expect(() => resolveScenario('flood.yaml')).toThrow(/flood\.yaml: expected a readable scenario file/);
  });
});

describe('the example in docs/scenarios.md', () => {
  it('loads and means what its comments say', () => {
    const readme = readFileSync(fileURLToPath(new URL('../docs/scenarios.md', import.meta.url)), 'utf8');
    const example = /```yaml\n(# my-phone\.yaml[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), 'rcupool-')), 'my-phone.yaml');
    writeFileSync(file, example!);
    const s = resolveScenario(file);
    expect(s.name).toBe('my-phone');
    expect(s.durationMs).toBe(20_000);
    expect(s.machine).toMatchObject({ preset: 'custom', cpus: 4, managedPages: 1_950_351 });
    expect(s.workload.activeCpus).toBe(4);
    expect(s.kernel).toMatchObject({ ptrsPerPage: 510, drainDelayMs: 5_000, floodRearm: true, perPageGpSnapshots: false });
    expect(s.timing.gp).toEqual({ ...loadTiming('loaded').gp, medianMs: 80 });
    expect(s.workload.phases.map((phase) => phase.kind)).toEqual(['constant', 'ramp', 'burst']);
    expect(s.events.map((event) => event.kind)).toEqual(['drainAllPages', 'load', 'stealSharedReserve']);
  });
});
