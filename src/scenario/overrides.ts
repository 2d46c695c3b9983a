// `--set path=value`: every override of one command line becomes one patch, merged as one layer
// (so fields that must agree, like a median and its p99, can change together).
import YAML from 'yaml';
import { describeFound } from './units.js';
import { applyLayer, formatPath, ScenarioError, type Layer, type PathSegment } from './validate.js';
import type { Scenario } from './types.js';

interface Override {
  arg: string;
  path: PathSegment[];
  value: unknown;
}

/** "workload.phases[1].durationMs" → ["workload", "phases", 1, "durationMs"]; "phases.1" works too. */
function parseSetPath(arg: string, text: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const token = /([^.[\]]+)|\[(\d+)\]/g;
  let consumed = '';
  for (let match = token.exec(text); match !== null; match = token.exec(text)) {
    consumed += match[0];
    if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(/^\d+$/.test(match[1]!) ? Number(match[1]) : match[1]!);
  }
  if (segments.length === 0 || consumed !== text.replace(/\.(?=[^.])/g, '')) {
    throw new ScenarioError(`--set ${arg}: expected path=value with a dotted path (e.g. workload.phases[1].durationMs=2s), found path ${JSON.stringify(text)}`);
  }
  return segments;
}

function parseOverride(arg: string): Override {
  const equals = arg.indexOf('=');
  if (equals <= 0) throw new ScenarioError(`--set ${arg}: expected path=value (e.g. workload.activeCpus=4), found ${equals < 0 ? 'no "="' : 'no path'}`);
  const path = parseSetPath(arg, arg.slice(0, equals).trim());
  const valueText = arg.slice(equals + 1);
  let value: unknown;
  try {
    // YAML reads scalars, lists and mappings, and every JSON value.
    value = YAML.parse(valueText) ?? null;
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new ScenarioError(`--set ${arg}: ${formatPath(path)}: expected a YAML or JSON value, found ${JSON.stringify(valueText)} (${reason})`);
  }
  if (path[0] === 'extends') {
    throw new ScenarioError(`--set ${arg}: extends: expected only in scenario files (choose the preset with --scenario), found --set extends`);
  }
  return { arg, path, value };
}

function asRecord(value: unknown): Record<string | number, unknown> {
  return value as Record<string | number, unknown>;
}

/**
 * Adds one override to the patch all overrides share. Lists are replaced whole in a layer, so a
 * path through a list copies the current list into the patch and changes the copy.
 */
function addToPatch(patch: Record<string, unknown>, current: Scenario, override: Override): void {
  const { arg, path, value } = override;
  const failAt = (depth: number, expected: string, found: string): never => {
    throw new ScenarioError(`--set ${arg}: ${formatPath(path.slice(0, depth + 1))}: expected ${expected}, found ${found}`);
  };
  let target: unknown = patch;
  let source: unknown = current;
  path.forEach((segment, depth) => {
    const inList = Array.isArray(target);
    if (inList && typeof segment !== 'number') failAt(depth, 'a list index', JSON.stringify(segment));
    const length = inList ? (target as unknown[]).length : 0;
    if (inList && (segment as number) > length) failAt(depth, `an index from 0 to ${length} (${length} appends)`, String(segment));
    const key = inList ? segment : String(segment);
    if (depth === path.length - 1) {
      asRecord(target)[key] = value;
      return;
    }
    const sourceNext = typeof source === 'object' && source !== null && Object.hasOwn(source, key) ? asRecord(source)[key] : undefined;
    let next = asRecord(target)[key];
    if (next === undefined) {
      if (inList) failAt(depth, `an existing item to change (there are ${length}; give a whole new item as its value)`, String(segment));
      // No prototype: a path like __proto__.x stays an (unknown) key instead of reaching Object.prototype.
      next = Array.isArray(sourceNext) ? structuredClone(sourceNext) : Object.create(null);
      asRecord(target)[key] = next;
    } else if (typeof next !== 'object' || next === null) {
      failAt(depth, 'a mapping or list to set a field in (an earlier --set gave a plain value here)', describeFound(next));
    }
    target = next;
    source = sourceNext;
  });
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.every((segment, index) => path[index] === segment);
}

/** `current` with the `--set` overrides applied; throws ScenarioError naming the override. */
export function applyOverrides(current: Scenario, args: readonly string[]): Scenario {
  if (args.length === 0) return current;
  const overrides = args.map(parseOverride);
  const patch: Record<string, unknown> = Object.create(null);
  for (const override of overrides) addToPatch(patch, current, override);
  // All overrides form one layer, so fields that must agree (median ≤ p99) can change together.
  const where: Layer['where'] = (path) => {
    const owner = [...overrides].reverse().find((o) => startsWith(path, o.path) || startsWith(o.path, path));
    return owner ? `--set ${owner.arg}` : overrides.length === 1 ? `--set ${overrides[0]!.arg}` : '--set';
  };
  return applyLayer(current, { input: patch, where });
}
