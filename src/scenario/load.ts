// From what the user typed to a resolved Scenario: a preset name or a file, then `--set`
// overrides, then `--duration`, each layer validated as it is merged. And back again:
// scenarioToYaml() writes a resolved scenario that loads to the identical object.
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import YAML, { LineCounter, type Document } from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { isPresetName, presetScenario, PRESET_NAMES } from './presets.js';
import { describeFound } from './units.js';
import { applyLayer, formatPath, ScenarioError, type Layer, type PathSegment } from './validate.js';
import { orderedScenario } from './yaml-order.js';
import type { Scenario } from './types.js';

/** What a file that says nothing about `extends` builds on. */
export const DEFAULT_EXTENDS = 'default';

/** A name is a preset; anything with a "/" or a .json/.yaml/.yml ending is a file. */
export function isScenarioPath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || /\.(json|ya?ml)$/i.test(nameOrPath);
}

// ---- files ----

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new ScenarioError(`${file}: expected a readable scenario file, found ${READ_ERRORS[code] ?? (error as Error).message} (${code})`);
  }
}

/** "Unexpected token } in JSON at position 12" → line and column, when the message gives a position. */
function jsonErrorPosition(message: string, text: string): { line: number; col: number } | undefined {
  const lineCol = /line (\d+) column (\d+)/.exec(message);
  if (lineCol) return { line: Number(lineCol[1]), col: Number(lineCol[2]) };
  const position = /at position (\d+)/.exec(message);
  if (!position) return undefined;
  const before = text.slice(0, Number(position[1]));
  const lines = before.split('\n');
  return { line: lines.length, col: lines[lines.length - 1]!.length + 1 };
}

interface ParsedFile {
  data: unknown;
  /** Line of the value at `path`, for error messages. */
  lineOf(path: readonly PathSegment[]): number | undefined;
}

function parseFile(file: string, text: string): ParsedFile {
  const lineCounter = new LineCounter();
  const doc: Document = YAML.parseDocument(text, { lineCounter });
  let data: unknown;
  if (/\.json$/i.test(file)) {
    // JSON.parse is strict where YAML is lenient (trailing commas, comments); YAML still finds lines.
    try {
      data = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const at = jsonErrorPosition(message, text);
      const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '');
      throw new ScenarioError(`${file}${at ? `:${at.line}:${at.col}` : ''}: invalid JSON: ${reason}`);
    }
  } else {
    const [first] = doc.errors;
    if (first) {
      const at = first.linePos?.[0];
      const reason = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new ScenarioError(`${file}${at ? `:${at.line}:${at.col}` : ''}: invalid YAML: ${reason}`);
    }
    data = doc.toJS();
  }
  const lineOf = (path: readonly PathSegment[]): number | undefined => {
    const node = doc.getIn(path as PathSegment[], true) as { range?: [number, number, number] } | undefined;
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  return { data, lineOf };
}

/** "file.yaml:12" for the innermost part of `path` that is written in the file. */
function fileWhere(file: string, parsed: ParsedFile): Layer['where'] {
  return (path) => {
    for (let length = path.length; length > 0; length--) {
      const line = parsed.lineOf(path.slice(0, length));
      if (line !== undefined) return `${file}:${line}`;
    }
    return file;
  };
}

function loadFile(file: string): Scenario {
  const parsed = parseFile(file, readText(file));
  const { data } = parsed;
  if (data === null || data === undefined) throw new ScenarioError(`${file}: (top level): expected a mapping of scenario fields, found an empty document`);
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(`${file}: (top level): expected a mapping of scenario fields, found ${describeFound(data)}`);
  }
  const input = data as Record<string, unknown>;
  const scenario = applyLayer(presetScenario(DEFAULT_EXTENDS), { input, where: fileWhere(file, parsed) });
  // A file's own identity: not the name, story and claim of the preset it extends.
  const extended = typeof input['extends'] === 'string' ? input['extends'] : DEFAULT_EXTENDS;
  return {
    ...scenario,
    name: 'name' in input ? scenario.name : basename(file, extname(file)),
    description: 'description' in input ? scenario.description : `From ${basename(file)}, based on preset "${extended}".`,
    claim: 'claim' in input ? scenario.claim : '',
  };
}

function loadPreset(name: string): Scenario {
  if (isPresetName(name)) return presetScenario(name);
  throw new ScenarioError(
    `--scenario: expected a preset (${PRESET_NAMES.join(', ')}) or a file path (with "/" or ending .yaml, .yml, .json), ` +
      `found ${JSON.stringify(name)}${didYouMean(name, PRESET_NAMES)}`,
  );
}

// ---- --set ----

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
    const sourceNext = typeof source === 'object' && source !== null ? asRecord(source)[key] : undefined;
    let next = asRecord(target)[key];
    if (next === undefined) {
      if (inList) failAt(depth, `an existing item to change (there are ${length}; give a whole new item as its value)`, String(segment));
      next = Array.isArray(sourceNext) ? structuredClone(sourceNext) : {};
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

function applyOverrides(current: Scenario, args: readonly string[]): Scenario {
  if (args.length === 0) return current;
  const overrides = args.map(parseOverride);
  const patch: Record<string, unknown> = {};
  for (const override of overrides) addToPatch(patch, current, override);
  // All overrides form one layer, so fields that must agree (median ≤ p99) can change together.
  const where: Layer['where'] = (path) => {
    const owner = [...overrides].reverse().find((o) => startsWith(path, o.path) || startsWith(o.path, path));
    return owner ? `--set ${owner.arg}` : overrides.length === 1 ? `--set ${overrides[0]!.arg}` : '--set';
  };
  return applyLayer(current, { input: patch, where });
}

// ---- the entry points ----

/**
 * The scenario to run: a preset name or file, then `--set path=value` overrides, then the
 * `--duration` override (ms), which rescales the timeline (see timeline.ts). Throws ScenarioError.
 */
export function resolveScenario(nameOrPath: string, overrides: readonly string[] = [], durationOverrideMs?: number): Scenario {
  let scenario = isScenarioPath(nameOrPath) ? loadFile(nameOrPath) : loadPreset(nameOrPath);
  scenario = applyOverrides(scenario, overrides);
  if (durationOverrideMs !== undefined) scenario = applyLayer(scenario, { input: { durationMs: durationOverrideMs }, where: () => '--duration' });
  return scenario;
}

export interface YamlOptions {
  /** Each field's meaning and unit as a comment after it (for `explain --yaml`). */
  comments?: boolean;
}

/** The fully resolved scenario as YAML; loading that file gives a deep-equal Scenario. */
export function scenarioToYaml(s: Scenario, options: YamlOptions = {}): string {
  return orderedScenario(s, options.comments ?? false);
}
