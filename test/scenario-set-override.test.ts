import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadTiming } from '../src/scenario/base.js';
import { resolveScenario } from '../src/scenario/load.js';
import { presetScenario } from '../src/scenario/presets.js';
import { totalPhaseMs } from '../src/scenario/timeline.js';
import { ScenarioError } from '../src/scenario/validate.js';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/scenarios/${name}`, import.meta.url));

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).not.toContain('\n');
    return (error as Error).message;
  }
  return expect.unreachable('no error');
}

describe('--set path=value', () => {
  it('changes one field and leaves the rest as the preset has it', () => {
    const s = resolveScenario('steady', ['workload.activeCpus=4']);
    expect(s).toEqual({ ...presetScenario('steady'), workload: { ...presetScenario('steady').workload, activeCpus: 4 } });
  });

  it('reads values as YAML scalars with units, and JSON', () => {
    const s = resolveScenario('steady', [
      'kernel.preemptRt=true',
      'timing.hrtimerUs=2us',
      'timing.kswapd.reclaimPagesPerSec=50k',
      'others.pageCachePages=1GiB',
      'workload.context={"sleepable": 0.25, "atomic": 0.25, "atomicRaw": 0.5}',
      'name=my run',
    ]);
    expect(s.kernel.preemptRt).toBe(true);
    expect(s.timing.hrtimerUs).toBe(2);
    expect(s.timing.kswapd.reclaimPagesPerSec).toBe(50_000);
    expect(s.others.pageCachePages).toBe(262_144);
    expect(s.workload.context).toEqual({ sleepable: 0.25, atomic: 0.25, atomicRaw: 0.5 });
    expect(s.name).toBe('my run');
  });

  it('treats all overrides as one layer, so fields that must agree can change together', () => {
    expect(errorOf(() => resolveScenario('steady', ['timing.gp.medianMs=100']))).toBe(
      '--set timing.gp.medianMs=100: timing.gp.p99Ms: expected at least medianMs (100), found 25',
    );
    const s = resolveScenario('steady', ['timing.gp.medianMs=100', 'timing.gp.p99Ms=400ms']);
    expect(s.timing.gp).toMatchObject({ medianMs: 100, p99Ms: 400 });
  });

  it('reaches into lists by index, in both spellings', () => {
    const bracket = resolveScenario('default', ['workload.phases[1].burstMs=50']);
    const dotted = resolveScenario('default', ['workload.phases.1.burstMs=50']);
    expect(bracket.workload.phases[1]).toMatchObject({ kind: 'burst', burstMs: 50 });
    expect(dotted).toEqual(bracket);
    expect(bracket.workload.phases[0]).toEqual(presetScenario('default').workload.phases[0]);
  });

  it('lets durationMs follow a changed phase length', () => {
    const s = resolveScenario('default', ['workload.phases[0].durationMs=3s']);
    expect(s.workload.phases[0]!.durationMs).toBe(3_000);
    expect(s.durationMs).toBe(11_000);
  });

  it('appends a list item at index = length, and refuses gaps', () => {
    const s = resolveScenario('steady', ['events[0]={atMs: 100, kind: drainAllPages}']);
    expect(s.events).toEqual([{ atMs: 100, kind: 'drainAllPages' }]);
    expect(errorOf(() => resolveScenario('steady', ['events[2]={atMs: 100, kind: drainAllPages}']))).toBe(
      '--set events[2]={atMs: 100, kind: drainAllPages}: events[2]: expected an index from 0 to 0 (0 appends), found 2',
    );
    expect(errorOf(() => resolveScenario('steady', ['events[0].atMs=5']))).toMatch(/^--set events\[0\]\.atMs=5: events\[0\]: expected an existing item/);
  });

  it('expands shorthands: timing.load, machine.preset, machine.memory', () => {
    expect(resolveScenario('steady', ['timing.load=loaded']).timing).toMatchObject(loadTiming('loaded'));
    const big = resolveScenario('embedded', ['machine.memory=1GiB']);
    expect(big.machine).toMatchObject({ preset: 'custom', cpus: 2, managedPages: 243_793 });
    expect(resolveScenario('flood', ['machine.preset=server']).machine).toEqual(presetScenario('flood').machine);
  });

  it('validates like a file: unknown key with did-you-mean, range, type', () => {
    expect(errorOf(() => resolveScenario('steady', ['workload.activCpus=4']))).toMatch(
      /^--set workload\.activCpus=4: workload\.activCpus: expected a key of workload \(.*\), found unknown key "activCpus"; did you mean "activeCpus"\?$/,
    );
    expect(errorOf(() => resolveScenario('steady', ['workload.headlessShare=2']))).toBe(
      '--set workload.headlessShare=2: workload.headlessShare: expected a share from 0 to 1, found 2',
    );
    expect(errorOf(() => resolveScenario('steady', ['durationMs=-5s']))).toBe('--set durationMs=-5s: durationMs: expected a duration in ms > 0, found "-5s" (= -5000)');
    expect(errorOf(() => resolveScenario('steady', ['kernel.preemptRt=yes']))).toBe('--set kernel.preemptRt=yes: kernel.preemptRt: expected true or false, found "yes"');
    expect(errorOf(() => resolveScenario('steady', ['workload.phases[0].kind=rmap']))).toMatch(/found "rmap"; did you mean "ramp"\?$/);
  });

  it('names cross-field problems and the machine that caused them', () => {
    expect(errorOf(() => resolveScenario('steady', ['machine.preset=embedded']))).toBe(
      '--set machine.preset=embedded: others.anonInitialPages: expected anonInitialPages + pageCachePages at most machine.managedPages (120000; a preset made for this machine may fit better), found 800000',
    );
    expect(errorOf(() => resolveScenario('rcuscale', ['machine.cpus=8']))).toBe(
      '--set machine.cpus=8: workload.activeCpus: expected at most machine.cpus (8), found 16',
    );
  });

  it('rejects malformed overrides', () => {
    expect(errorOf(() => resolveScenario('steady', ['workload.activeCpus']))).toBe('--set workload.activeCpus: expected path=value (e.g. workload.activeCpus=4), found no "="');
    expect(errorOf(() => resolveScenario('steady', ['=4']))).toMatch(/found no path$/);
    expect(errorOf(() => resolveScenario('steady', ['workload..activeCpus=4']))).toMatch(/^--set workload\.\.activeCpus=4: expected path=value with a dotted path/);
    expect(errorOf(() => resolveScenario('steady', ['name=[']))).toMatch(/^--set name=\[: name: expected a YAML or JSON value, found "\["/);
    expect(errorOf(() => resolveScenario('steady', ['extends=flood']))).toMatch(/extends: expected only in scenario files/);
    expect(errorOf(() => resolveScenario('steady', ['workload=1', 'workload.activeCpus=2']))).toMatch(
      /^--set workload\.activeCpus=2: workload: expected a mapping or list to set a field in/,
    );
  });

  it('applies after a file', () => {
    const s = resolveScenario(fixture('phases.yaml'), ['workload.activeCpus=1']);
    expect(s.workload.activeCpus).toBe(1);
    expect(s.durationMs).toBe(1_500);
  });
});

describe('--duration', () => {
  it('rescales the timeline: phases, events and anon steps keep their place in the run', () => {
    const base = presetScenario('default');
    const s = resolveScenario('default', [], 2_000);
    expect(s.durationMs).toBe(2_000);
    expect(s.workload.phases.map((phase) => phase.durationMs)).toEqual([400, 1_600]);
    // The shape inside a burst phase (how bursts look) stays; only its length changes.
    expect(s.workload.phases[1]).toEqual({ ...base.workload.phases[1], durationMs: 1_600 });
    expect(s.events.map((event) => event.atMs)).toEqual(base.events.map((event) => event.atMs / 5));
    expect(s.others.anonSteps).toEqual(base.others.anonSteps.map((step) => ({ ...step, atMs: step.atMs / 5, rampMs: step.rampMs / 5 })));
    // Everything else is untouched.
    expect({ ...s, durationMs: 0, workload: 0, events: 0, others: { ...s.others, anonSteps: 0 } }).toEqual({
      ...base,
      durationMs: 0,
      workload: 0,
      events: 0,
      others: { ...base.others, anonSteps: 0 },
    });
  });

  it('keeps phase lengths adding up exactly, even for millisecond phases', () => {
    const s = resolveScenario('ramp', [], 1_234);
    expect(totalPhaseMs(s.workload.phases)).toBeCloseTo(1_234, 9);
    expect(s.workload.phases.map((phase) => phase.durationMs)).toEqual([370.2, 0.617, 246.183, 617]);
    const stretched = resolveScenario('flood', [], 60_000);
    expect(stretched.workload.phases).toEqual([{ ...presetScenario('flood').workload.phases[0], durationMs: 60_000 }]);
    expect(stretched.events[0]!.atMs).toBe(30_000);
  });

  it('scales stolen-reserve hold times with the run', () => {
    const s = resolveScenario('pool-abuse', [], 5_000);
    expect(s.events).toEqual([
      { atMs: 1_500, kind: 'stealSharedReserve', pages: 100_000, holdMs: 1_500 },
      { atMs: 3_500, kind: 'stealSharedReserve', pages: 100_000, holdMs: 1_000 },
    ]);
  });

  it('wins over --set durationMs, and is validated', () => {
    expect(resolveScenario('steady', ['durationMs=20s'], 3_000).durationMs).toBe(3_000);
    expect(errorOf(() => resolveScenario('steady', [], -5))).toBe('--duration: durationMs: expected a duration in ms > 0, found -5');
    expect(errorOf(() => resolveScenario('steady', [], Number.NaN))).toMatch(/^--duration: durationMs: expected a duration .*, found NaN$/);
  });

  it('leaves events alone when the same layer gives them', () => {
    const s = resolveScenario('default', ['durationMs=5s', 'events=[]']);
    expect(s.events).toEqual([]);
    expect(totalPhaseMs(s.workload.phases)).toBe(5_000);
  });
});


describe('keys that every object inherits', () => {
  it('are unknown keys, not a way into Object.prototype', () => {
    expect(errorOf(() => resolveScenario('steady', ['__proto__.polluted=1']))).toMatch(/^--set __proto__\.polluted=1: __proto__: expected a key of a scenario .*found unknown key "__proto__"$/);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(errorOf(() => resolveScenario('steady', ['workload.constructor=1']))).toMatch(/found unknown key "constructor"/);
    expect(errorOf(() => resolveScenario('steady', ['events[0]={kind: constructor, atMs: 1}']))).toMatch(/events\[0\]\.kind: expected one of drainAllPages/);
    expect(errorOf(() => resolveScenario('steady', ['durationMs=5constructor']))).toMatch(/durationMs: expected a duration/);
  });
});
