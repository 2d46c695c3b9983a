// The named scenario presets. The names are a contract (scripts and `--scenario` use them);
// each preset's numbers live in its own file under presets/.
import { defaultScenario } from './presets/default.js';
import { embeddedScenario } from './presets/embedded.js';
import { floodScenario } from './presets/flood.js';
import { pcpDrainedScenario } from './presets/pcp-drained.js';
import { pcpMonopolyScenario } from './presets/pcp-monopoly.js';
import { poolAbuseScenario } from './presets/pool-abuse.js';
import { rampScenario } from './presets/ramp.js';
import { rcuscaleScenario } from './presets/rcuscale.js';
import { rtScenario } from './presets/rt.js';
import { schedLatencyScenario } from './presets/sched-latency.js';
import { steadyScenario } from './presets/steady.js';
import type { MachineSpec, Scenario } from './types.js';

/** In the order `list scenarios` shows them. */
export const PRESET_NAMES = [
  'default',
  'steady',
  'flood',
  'pcp-drained',
  'pcp-monopoly',
  'sched-latency',
  'ramp',
  'pool-abuse',
  'rt',
  'embedded',
  'rcuscale',
] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

const BUILDERS: Record<PresetName, () => Scenario> = {
  default: defaultScenario,
  steady: steadyScenario,
  flood: floodScenario,
  'pcp-drained': pcpDrainedScenario,
  'pcp-monopoly': pcpMonopolyScenario,
  'sched-latency': schedLatencyScenario,
  ramp: rampScenario,
  'pool-abuse': poolAbuseScenario,
  rt: rtScenario,
  embedded: embeddedScenario,
  rcuscale: rcuscaleScenario,
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** A fresh copy of the preset: callers may change it freely. */
export function presetScenario(name: PresetName): Scenario {
  return BUILDERS[name]();
}

export interface PresetSummary {
  name: PresetName;
  description: string;
  claim: string;
  machine: MachineSpec['preset'];
  cpus: number;
  activeCpus: number;
  durationMs: number;
}

/** What `list scenarios` and `explain scenario` show about each preset. */
export function listPresets(): PresetSummary[] {
  return PRESET_NAMES.map((name) => {
    const s = presetScenario(name);
    return {
      name,
      description: s.description,
      claim: s.claim,
      machine: s.machine.preset,
      cpus: s.machine.cpus,
      activeCpus: s.workload.activeCpus,
      durationMs: s.durationMs,
    };
  });
}
