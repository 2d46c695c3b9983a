// Input-only keys and the rules that tie fields together when a file or `--set` changes some of
// them. Each handler runs around the generic merge in validate.ts:
//   rebase(): before the object's fields merge, may replace what they merge onto
//             (a machine preset, a load level, the preset a file extends);
//   finish(): after the merge, recomputes what follows from the changed fields.
import { MACHINE_PRESETS, defaultMinFreeKbytes, defaultPcpBatch, defaultPcpHigh } from './machines.js';
import { baseScenario, loadTiming, type LoadLevel } from './base.js';
import { didYouMean } from '../shared/did-you-mean.js';
import { PRESET_NAMES, isPresetName, presetScenario } from './presets.js';
import type { ShorthandName } from './schema.js';
import { rescaleTimeline, totalPhaseMs } from './timeline.js';
import type { KernelSpec, LoadChange, MachineSpec, Scenario } from './types.js';

export interface ShorthandContext {
  /** Throws the one-line ScenarioError for `key` of the object being resolved ('' = the object itself). */
  fail(key: string, expected: string, found: string): never;
}

export interface MergeInfo {
  /** What the fields merged onto (after rebase). */
  rebased: Record<string, unknown> | undefined;
  /** The raw input mapping of this object. */
  input: Record<string, unknown>;
  /** Parsed values of the rebase keys that were given. */
  values: Record<string, unknown>;
}

export interface ShorthandHandler {
  /** Keys (fields or shorthands) whose parsed values rebase() needs; they must be scalars. */
  rebaseKeys: readonly string[];
  rebase(inherited: Record<string, unknown> | undefined, values: Record<string, unknown>, ctx: ShorthandContext): Record<string, unknown> | undefined;
  finish(merged: Record<string, unknown>, info: MergeInfo, ctx: ShorthandContext): Record<string, unknown>;
}

/** Share of installed memory the buddy allocator manages (the kernel image, memmap etc. take the rest). */
export const MANAGED_SHARE_OF_MEMORY = 0.93;

function has(input: unknown, ...path: string[]): boolean {
  let cursor = input;
  for (const key of path) {
    if (typeof cursor !== 'object' || cursor === null || !Object.hasOwn(cursor, key)) return false;
    cursor = (cursor as Record<string, unknown>)[key];
  }
  return true;
}

// ---- scenario: `extends`, CPUs that follow the machine, duration vs phases ----

const scenarioHandler: ShorthandHandler = {
  rebaseKeys: ['extends'],
  rebase(inherited, values, ctx) {
    const name = values['extends'];
    if (name === undefined) return inherited;
    if (name === 'base') return baseScenario() as unknown as Record<string, unknown>;
    if (typeof name === 'string' && isPresetName(name)) return presetScenario(name) as unknown as Record<string, unknown>;
    const choices = ['base', ...PRESET_NAMES];
    return ctx.fail('extends', `a preset name (${choices.join(', ')})`, `${JSON.stringify(name)}${didYouMean(String(name), choices)}`);
  },
  finish(merged, { rebased, input }) {
    const before = rebased as unknown as Scenario;
    let after = merged as unknown as Scenario;
    // "All CPUs call" stays true when only the machine changes: activeCpus follows cpus.
    const cpusChanged = after.machine.cpus !== before.machine.cpus;
    if (cpusChanged && !has(input, 'workload', 'activeCpus') && before.workload.activeCpus === before.machine.cpus) {
      after = { ...after, workload: { ...after.workload, activeCpus: after.machine.cpus } };
    }
    const durationGiven = has(input, 'durationMs');
    const phasesGiven = has(input, 'workload', 'phases');
    if (durationGiven && !phasesGiven && after.durationMs !== before.durationMs) {
      after = rescaleTimeline(after, before, after.durationMs, { events: has(input, 'events'), anonSteps: has(input, 'others', 'anonSteps') });
    } else if (phasesGiven && !durationGiven) {
      after = { ...after, durationMs: totalPhaseMs(after.workload.phases) };
    }
    return after as unknown as Record<string, unknown>;
  },
};

// ---- machine: `preset`, `memory`, and the allocator numbers that follow size and CPUs ----

const MACHINE_NUMBERS = ['cpus', 'managedPages', 'minFreeKbytes', 'watermarkScaleFactor', 'pcpBatch', 'pcpHigh'] as const;

/** The preset these numbers are, or "custom". */
export function machinePresetName(machine: MachineSpec): MachineSpec['preset'] {
  for (const preset of Object.values(MACHINE_PRESETS)) {
    if (MACHINE_NUMBERS.every((key) => preset[key] === machine[key])) return preset.preset;
  }
  return 'custom';
}

const machineHandler: ShorthandHandler = {
  rebaseKeys: ['preset', 'memory'],
  rebase(inherited, values) {
    let machine = inherited as unknown as MachineSpec;
    const preset = values['preset'] as MachineSpec['preset'] | undefined;
    if (preset !== undefined && preset !== 'custom') machine = { ...MACHINE_PRESETS[preset] };
    const memoryPages = values['memory'] as number | undefined;
    if (memoryPages !== undefined) machine = { ...machine, managedPages: Math.floor(memoryPages * MANAGED_SHARE_OF_MEMORY) };
    return machine as unknown as Record<string, unknown>;
  },
  finish(merged, { rebased, input }) {
    const before = rebased as unknown as MachineSpec;
    const machine = { ...(merged as unknown as MachineSpec) };
    // Derived numbers follow a changed input unless the file gives them too; "changed" and not
    // "given", so restating a preset's own cpus keeps the preset's table values.
    const changed = (key: keyof MachineSpec): boolean => machine[key] !== before[key];
    const sizeChanged = has(input, 'memory') || changed('managedPages');
    if (sizeChanged && !has(input, 'minFreeKbytes')) machine.minFreeKbytes = defaultMinFreeKbytes(machine.managedPages);
    if (sizeChanged && !has(input, 'pcpBatch')) machine.pcpBatch = defaultPcpBatch(machine.managedPages);
    const highInputsChanged = sizeChanged || changed('cpus') || changed('watermarkScaleFactor') || changed('minFreeKbytes') || changed('pcpBatch');
    if (highInputsChanged && !has(input, 'pcpHigh')) {
      machine.pcpHigh = defaultPcpHigh(machine.managedPages, machine.minFreeKbytes, machine.watermarkScaleFactor, machine.cpus, machine.pcpBatch);
    }
    machine.preset = machinePresetName(machine);
    return machine as unknown as Record<string, unknown>;
  },
};

// ---- kernel: `version` sets the version-dependent fields ----

/** The kvfree_rcu() settings of a kernel version (docs/model.md §1, §2, §7). */
export function kernelSettingsFor(major: number, minor: number): Pick<KernelSpec, 'ptrsPerPage' | 'drainDelayMs' | 'floodRearm' | 'perPageGpSnapshots'> {
  const atLeast = (wantMajor: number, wantMinor: number): boolean => major > wantMajor || (major === wantMajor && minor >= wantMinor);
  return {
    ptrsPerPage: atLeast(6, 3) ? 507 : 510,
    drainDelayMs: atLeast(6, 0) ? 5_000 : 20,
    floodRearm: atLeast(6, 0),
    perPageGpSnapshots: atLeast(6, 3),
  };
}

const kernelHandler: ShorthandHandler = {
  rebaseKeys: ['version'],
  rebase(inherited, values, ctx) {
    const version = values['version'];
    if (version === undefined) return inherited;
    const expected = 'a kernel version from "5.5" (when pointer pages appeared), quoted, e.g. "6.3"';
    const match = typeof version === 'string' ? /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version.trim()) : null;
    if (!match) return ctx.fail('version', expected, JSON.stringify(version));
    const major = Number(match[1]);
    const minor = Number(match[2]);
    if (major < 5 || (major === 5 && minor < 5)) return ctx.fail('version', expected, JSON.stringify(version));
    return { ...inherited, ...kernelSettingsFor(major, minor) };
  },
  finish: (merged) => merged,
};

// ---- timing and load events: `load: idle | loaded` ----

const timingHandler: ShorthandHandler = {
  rebaseKeys: ['load'],
  rebase(inherited, values) {
    const level = values['load'] as LoadLevel | undefined;
    return level === undefined ? inherited : { ...inherited, ...loadTiming(level) };
  },
  finish: (merged) => merged,
};

const loadChangeHandler: ShorthandHandler = {
  rebaseKeys: ['load'],
  rebase: timingHandler.rebase,
  finish(merged, _info, ctx) {
    const change = merged as LoadChange;
    if (change.gp === undefined && change.workqueues === undefined) {
      return ctx.fail('', 'load: idle | loaded, or gp and/or workqueues', 'none of them');
    }
    return merged;
  },
};

export const SHORTHAND_HANDLERS: Record<ShorthandName, ShorthandHandler> = {
  scenario: scenarioHandler,
  machine: machineHandler,
  kernel: kernelHandler,
  timing: timingHandler,
  loadChange: loadChangeHandler,
};
