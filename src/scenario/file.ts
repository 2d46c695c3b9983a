// Reading a scenario file (YAML or JSON) into one validated layer over the preset it extends.
// Errors point at the line of the offending key: "my.yaml:12: workload.activeCpus: ...".
import { basename, extname } from 'node:path';
import YAML, { isMap, isScalar, isSeq, LineCounter, type Document } from 'yaml';
import { InputTooLargeError, readTextAtMost } from './bounded-read.js';
import { presetScenario } from './presets.js';
import { describeFound } from './units.js';
import { applyLayer, ScenarioError, type Layer, type PathSegment } from './validate.js';
import type { Scenario } from './types.js';

/** What a file that says nothing about `extends` builds on. */
export const DEFAULT_EXTENDS = 'default';

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

/** YAML aliases one document may expand: a few are handy, thousands are an alias bomb. */
export const MAX_YAML_ALIASES = 100;

/** Longest name, description and claim a scenario file may give (they are printed under every table). */
export const SCENARIO_TEXT_LIMITS = { name: 80, description: 1000, claim: 1000 } as const;

function readText(file: string): string {
  try {
    return readTextAtMost(file);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new ScenarioError(`${file}: ${error.message} for a scenario file; is it the right file?`);
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

/** The node to point at for `path`: a mapping entry's key (the value of a block list starts a line later), else the list item. */
function locateNode(doc: Document, path: readonly PathSegment[]): { range?: [number, number, number] | null } | undefined {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1) as PathSegment[], true);
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
    return pair && isScalar(pair.key) ? pair.key : undefined;
  }
  if (isSeq(parent) && typeof last === 'number') return parent.items[last] as { range?: [number, number, number] } | undefined;
  return undefined;
}

interface ParsedFile {
  data: unknown;
  /** Line of the key (or list item) at `path`, for error messages. */
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
    try {
      data = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 120);
      // yaml's own message ("Excessive alias count indicates a resource exhaustion attack") names neither the file nor the limit.
      if (/alias/i.test(reason)) throw new ScenarioError(`${file}: invalid YAML: its aliases expand past the limit of ${MAX_YAML_ALIASES}; write the values out`);
      throw new ScenarioError(`${file}: invalid YAML: ${reason}`);
    }
  }
  const lineOf = (path: readonly PathSegment[]): number | undefined => {
    const node = locateNode(doc, path);
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

/** The scenario a file describes; name, description and claim default to the file's own, not the preset's. */
export function loadScenarioFile(file: string): Scenario {
  const parsed = parseFile(file, readText(file));
  const { data } = parsed;
  if (data === null || data === undefined) throw new ScenarioError(`${file}: (top level): expected a mapping of scenario fields, found an empty document`);
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ScenarioError(`${file}: (top level): expected a mapping of scenario fields, found ${describeFound(data)}`);
  }
  const input = data as Record<string, unknown>;
  for (const [field, limit] of Object.entries(SCENARIO_TEXT_LIMITS)) {
    const text = input[field];
    if (typeof text === 'string' && text.length > limit) throw new ScenarioError(`${fileWhere(file, parsed)([field])}: ${field}: ${text.length} characters long; at most ${limit}`);
  }
  const scenario = applyLayer(presetScenario(DEFAULT_EXTENDS), { input, where: fileWhere(file, parsed) });
  // A file's own identity: not the name, story and claim of the preset it extends.
  const extended = typeof input['extends'] === 'string' ? input['extends'] : DEFAULT_EXTENDS;
  return {
    ...scenario,
    name: Object.hasOwn(input, 'name') ? scenario.name : basename(file, extname(file)),
    description: Object.hasOwn(input, 'description') ? scenario.description : `From ${basename(file)}, based on preset "${extended}".`,
    claim: Object.hasOwn(input, 'claim') ? scenario.claim : '',
  };
}
