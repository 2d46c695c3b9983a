// From what the user typed to a resolved Scenario: a preset name or a file, then `--set`
// overrides, then `--duration`, each layer validated as it is merged. And back again:
// scenarioToYaml() writes a resolved scenario that loads to the identical object.
import { didYouMean } from '../shared/did-you-mean.js';
import { loadScenarioFile } from './file.js';
import { applyOverrides } from './overrides.js';
import { isPresetName, presetScenario, PRESET_NAMES } from './presets.js';
import { applyLayer, ScenarioError } from './validate.js';
import { canonicalScenario, orderedScenario } from './yaml-order.js';
import type { Scenario } from './types.js';

export { DEFAULT_EXTENDS, loadScenarioFile } from './file.js';

/** A name is a preset; anything with a "/" or a .json/.yaml/.yml ending is a file. */
export function isScenarioPath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || /\.(json|ya?ml)$/i.test(nameOrPath);
}

function loadPreset(name: string, askedBy: string): Scenario {
  if (isPresetName(name)) return presetScenario(name);
  // The list of presets only without a suggestion: the line must stay within 200 characters.
  const hint = didYouMean(name, PRESET_NAMES);
  const presets = hint === '' ? ` (${PRESET_NAMES.join(', ')})` : '';
  throw new ScenarioError(`${askedBy}: expected a preset${presets} or a .yaml/.yml/.json file, found ${JSON.stringify(name.slice(0, 40))}${hint}`);
}

/**
 * The scenario to run: a preset name or file, then `--set path=value` overrides, then the
 * `--duration` override (ms), which rescales the timeline (see timeline.ts). Throws ScenarioError;
 * an unknown name is blamed on `askedBy`, the words the user typed to name it.
 */
export function resolveScenario(nameOrPath: string, overrides: readonly string[] = [], durationOverrideMs?: number, askedBy = '--scenario'): Scenario {
  let scenario = isScenarioPath(nameOrPath) ? loadScenarioFile(nameOrPath) : loadPreset(nameOrPath, askedBy);
  scenario = applyOverrides(scenario, overrides);
  if (durationOverrideMs !== undefined) scenario = applyLayer(scenario, { input: { durationMs: durationOverrideMs }, where: () => '--duration' });
  return canonicalScenario(scenario);
}

export interface YamlOptions {
  /** Each field's meaning and unit as a comment after it (for `explain --yaml`). */
  comments?: boolean;
}

/** The fully resolved scenario as YAML; loading that file gives a deep-equal Scenario. */
export function scenarioToYaml(s: Scenario, options: YamlOptions = {}): string {
  return orderedScenario(s, options.comments ?? false);
}
