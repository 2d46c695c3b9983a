import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { resolveScenario, scenarioToYaml } from '../src/scenario/load.js';
import { PRESET_NAMES } from '../src/scenario/presets.js';
import type { Scenario } from '../src/scenario/types.js';

const directory = mkdtempSync(join(tmpdir(), 'rcupool-roundtrip-'));

function reload(s: Scenario, file: string, comments = false): { text: string; loaded: Scenario } {
  const text = scenarioToYaml(s, { comments });
  const path = join(directory, file);
  writeFileSync(path, text);
  return { text, loaded: resolveScenario(path) };
}

describe('scenarioToYaml → file → resolveScenario gives the identical scenario', () => {
  it.each(PRESET_NAMES)('preset %s', (name) => {
    const original = resolveScenario(name);
    const { text, loaded } = reload(original, `${name}.yaml`);
    expect(loaded).toEqual(original);
    // The same bytes too, key order included: --json output must not depend on how it was loaded.
    expect(JSON.stringify(loaded)).toBe(JSON.stringify(original));
    // Every field is written out: the file does not depend on what `default` happens to be.
    expect(text).not.toContain('extends');
    expect(YAML.parse(text)).toEqual(JSON.parse(JSON.stringify(original)));
  });

  it.each(PRESET_NAMES)('preset %s, with field comments', (name) => {
    const original = resolveScenario(name);
    const { text, loaded } = reload(original, `${name}-commented.yml`, true);
    expect(loaded).toEqual(original);
    expect(text).toContain('# [ms] how long kvfree_rcu() calls arrive');
  });

  it('a scenario built from a file, overrides and a --duration that leaves fractions of a ms', () => {
    const fixture = fileURLToPath(new URL('./fixtures/scenarios/custom-machine.yaml', import.meta.url));
    const original = resolveScenario(fixture, [`workload.headlessShare=${1 / 3}`, 'timing.hrtimerUs=1.1us'], 1_234.567);
    expect(original.workload.phases[0]!.durationMs).toBe(1_234.567);
    const { loaded } = reload(original, 'custom.yaml');
    expect(loaded).toEqual(original);
    expect(loaded.workload.headlessShare).toBe(1 / 3);
  });

  it('is stable: writing the reloaded scenario gives the same text', () => {
    const original = resolveScenario('sched-latency');
    const { text, loaded } = reload(original, 'stable.yaml');
    expect(scenarioToYaml(loaded)).toBe(text);
  });

  it('writes keys in schema order and no YAML aliases for shared objects', () => {
    // sched-latency uses one gp object twice (timing and its load event).
    const text = scenarioToYaml(resolveScenario('sched-latency'));
    expect(text).not.toMatch(/[&*]a\d/);
    const topKeys = text.split('\n').filter((line) => /^[a-z]\w*:/.test(line)).map((line) => line.split(':')[0]);
    expect(topKeys).toEqual(['name', 'description', 'claim', 'durationMs', 'machine', 'kernel', 'workload', 'others', 'timing', 'killers', 'events']);
  });
});
