// The baseline file `rcupool baseline` writes and `rcupool check` reads: JSON, versioned.
//
//   {
//     "baselineVersion": 1,            // this file's layout
//     "schemaVersion": 1,              // the results layout (the `compare --json` document)
//     "tool": { "name": "rcupool", "version": "0.1.0" },
//     "scenario": { ...fully resolved... },
//     "seeds": [1, 2, 3],
//     "policies": [ { "name", "kind": "builtin" | "file", "location", "params", "paramOverrides", "sha256"? } ],
//     "result": { ...the CompareResult, exactly what `compare --json` prints... }
//   }
//
// The top-level scenario, seeds and policies are what `check` reruns; `result` is what came out
// (`jq .result` gives a `compare --json` document). No timestamp: an unchanged rerun with
// `check --update` writes the same bytes, so the file only shows in a diff when numbers move.
// Reading checks the versions first (another version may have another layout), then every field
// `check` uses, and names the first one that is missing or wrong.
import { METRIC_PATHS } from '../contract/metrics.js';
import { BASELINE_POLICY, type BaselinePolicy } from '../contract/baseline-policy.js';
import { firstProblem } from '../contract/first-problem.js';
import type { ParamValues } from '../policy/api.js';
import type { LoadedPolicy } from '../policy/loader.js';
import { InputTooLargeError, MAX_INPUT_BYTES, readTextAtMost } from '../scenario/bounded-read.js';
import { DEFAULT_EXTENDS } from '../scenario/load.js';
import { presetScenario } from '../scenario/presets.js';
import { applyLayer, ScenarioError } from '../scenario/validate.js';
import type { Scenario } from '../scenario/types.js';
import { TOOL_VERSION } from '../version.js';
import { RESULT_SCHEMA_VERSION, type CompareResult } from '../contract/result-types.js';

export const BASELINE_VERSION = 1;
export { RESULT_SCHEMA_VERSION };

/** A baseline is a few hundred kB even with 1000 seeds; past this it is not one (and would only exhaust memory). */
export const MAX_BASELINE_BYTES = MAX_INPUT_BYTES;

export interface BaselineFile {
  baselineVersion: typeof BASELINE_VERSION;
  schemaVersion: typeof RESULT_SCHEMA_VERSION;
  tool: { name: 'rcupool'; version: string };
  scenario: Scenario;
  seeds: number[];
  policies: BaselinePolicy[];
  result: CompareResult;
}

/** An unreadable or incompatible baseline. One line naming the file and the field or version; the CLI exits 2. */
export class BaselineError extends Error {
  override name = 'BaselineError';
}

export function baselinePolicy(loaded: LoadedPolicy, params: ParamValues, overridden: readonly string[] = []): BaselinePolicy {
  const paramOverrides: ParamValues = {};
  for (const name of overridden) if (name in params) paramOverrides[name] = params[name]!;
  const { name } = loaded.policy;
  const location = loaded.location.spec;
  // Keys in the order the file has always had them: an unchanged rerun writes the same bytes.
  if (loaded.location.kind === 'builtin') return { name, kind: 'builtin', location, params, paramOverrides };
  if (loaded.fileHash === undefined) throw new Error(`policy file ${location} was loaded without its sha256`);
  return { name, kind: 'file', location, params, paramOverrides, sha256: loaded.fileHash };
}

/** A policy as run, with the names of the params that were set explicitly (`--param`). */
export interface RunPolicy {
  loaded: LoadedPolicy;
  params: ParamValues;
  overridden?: readonly string[];
}

export function makeBaseline(run: { scenario: Scenario; seeds: number[]; policies: RunPolicy[] }, result: CompareResult): BaselineFile {
  // Timelines are for `run`; a baseline holds numbers only.
  const results = result.results.map(({ timeline: _timeline, ...rest }) => rest);
  return {
    baselineVersion: BASELINE_VERSION,
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'rcupool', version: TOOL_VERSION },
    scenario: run.scenario,
    seeds: [...run.seeds],
    policies: run.policies.map(({ loaded, params, overridden }) => baselinePolicy(loaded, params, overridden)),
    result: { ...result, results },
  };
}

/** Non-finite numbers are not JSON; they become null, which reading then rejects by name. */
export function serializeBaseline(baseline: BaselineFile): string {
  return JSON.stringify(baseline, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}

// ---- reading ----

type Path = ReadonlyArray<string | number>;

function formatField(path: Path): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  return text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

class Reader {
  constructor(readonly file: string) {}

  fail(message: string): never {
    throw new BaselineError(`baseline ${this.file}: ${message}`);
  }

  /** The value at `path`, which must be present. */
  field(root: unknown, path: Path): unknown {
    let node: unknown = root;
    for (let depth = 0; depth < path.length; depth++) {
      const segment = path[depth]!;
      if (typeof node !== 'object' || node === null) this.fail(`field "${formatField(path.slice(0, depth))}": expected ${typeof segment === 'number' ? 'a list' : 'an object'}, found ${describe(node)}`);
      const next = (node as Record<string | number, unknown>)[segment];
      if (next === undefined) this.fail(`missing field "${formatField(path.slice(0, depth + 1))}"`);
      node = next;
    }
    return node;
  }

  expect<T>(root: unknown, path: Path, what: string, ok: (value: unknown) => boolean): T {
    const value = this.field(root, path);
    if (!ok(value)) this.fail(`field "${formatField(path)}": expected ${what}, found ${describe(value)}`);
    return value as T;
  }

  number(root: unknown, path: Path): number {
    return this.expect(root, path, 'a number', (value) => typeof value === 'number' && Number.isFinite(value));
  }

  string(root: unknown, path: Path): string {
    return this.expect(root, path, 'a string', (value) => typeof value === 'string');
  }

  object(root: unknown, path: Path): Record<string, unknown> {
    return this.expect(root, path, 'an object', (value) => typeof value === 'object' && value !== null && !Array.isArray(value));
  }

  list(root: unknown, path: Path, nonEmpty = false): unknown[] {
    return this.expect(root, path, nonEmpty ? 'a non-empty list' : 'a list', (value) => Array.isArray(value) && (!nonEmpty || value.length > 0));
  }

  /** Every metric present must be a number; one the baseline lacks (older than the metric) is `check`'s "new". */
  /** The metrics recorded at `path`, each checked to be a number; the ones it lacks are none of its business. */
  metrics(root: unknown, path: Path): string[] {
    const metrics = this.object(root, path);
    return METRIC_PATHS.filter((metric) => {
      const [head, leaf] = metric.split('.') as [string, string | undefined];
      if (metrics[head] === undefined) return false;
      if (leaf !== undefined && this.object(root, [...path, head])[leaf] === undefined) return false;
      this.number(root, [...path, head, ...(leaf === undefined ? [] : [leaf])]);
      return true;
    });
  }
}

/** JSON that stops inside a string or with an object or list still open was cut short. */
function endsEarly(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
  }
  return inString || depth > 0;
}

function parseJson(text: string, reader: Reader): unknown {
  if (text.trim() === '') reader.fail('the file is empty (expected the JSON that `rcupool baseline` writes)');
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    if (/end of (JSON )?input|Unterminated/i.test(message) || endsEarly(text)) {
      reader.fail(`the file is truncated: the JSON ends early, after ${Buffer.byteLength(text)} bytes (write it again with \`rcupool baseline --force\`)`);
    }
    reader.fail(`not valid JSON (${message.split('\n')[0]})`);
  }
}

function checkVersions(data: Record<string, unknown>, reader: Reader): void {
  const writtenBy = (() => {
    const tool = data['tool'] as { version?: unknown } | undefined;
    return typeof tool?.version === 'string' ? `rcupool ${tool.version}` : 'another rcupool';
  })();
  if (data['baselineVersion'] === undefined) {
    if (data['schemaVersion'] !== undefined && Array.isArray(data['results'])) {
      reader.fail('missing field "baselineVersion": this looks like `rcupool compare --json` output, not a baseline; write one with `rcupool baseline --out FILE`');
    }
    reader.fail('missing field "baselineVersion" (is it a file written by `rcupool baseline`?)');
  }
  const baselineVersion = data['baselineVersion'];
  if (baselineVersion !== BASELINE_VERSION) {
    reader.fail(
      `baselineVersion ${describe(baselineVersion).replace(/^number /, '')} is not supported: rcupool ${TOOL_VERSION} reads baselineVersion ${BASELINE_VERSION} (the file was written by ${writtenBy}); write it again with \`rcupool baseline --force\``,
    );
  }
  if (data['schemaVersion'] === undefined) reader.fail('missing field "schemaVersion"');
  const schemaVersion = data['schemaVersion'];
  if (typeof schemaVersion === 'number' && schemaVersion < RESULT_SCHEMA_VERSION) {
    reader.fail(`schemaVersion ${schemaVersion} is older than this rcupool's results (${RESULT_SCHEMA_VERSION}); re-record it: ${rerecordCommand(data, reader.file)}`);
  }
  if (schemaVersion !== RESULT_SCHEMA_VERSION) {
    reader.fail(
      `schemaVersion ${describe(schemaVersion).replace(/^number /, '')} is not supported: rcupool ${TOOL_VERSION} reads results with schemaVersion ${RESULT_SCHEMA_VERSION} (the file was written by ${writtenBy}); write it again with \`rcupool baseline --force\``,
    );
  }
}

/** The `rcupool baseline` command that writes `file` again from the configuration it records. */
function rerecordCommand(data: Record<string, unknown>, file: string): string {
  const words = ['rcupool baseline --force', `--out ${file}`];
  const policies = Array.isArray(data['policies']) ? (data['policies'] as Array<{ location?: unknown }>).map((entry) => entry?.location).filter((name) => typeof name === 'string') : [];
  if (policies.length > 0) words.push(`--policy ${policies.join(',')}`);
  const scenario = (data['scenario'] as { name?: unknown } | undefined)?.name;
  if (typeof scenario === 'string') words.push(`--scenario ${scenario}`);
  const seeds = data['seeds'];
  if (Array.isArray(seeds) && seeds.length > 0 && typeof seeds[0] === 'number') words.push(`--seed ${seeds[0]} --seeds ${seeds.length}`);
  return words.join(' ');
}

/** What is wrong with `policies[index]` of a baseline (compare or sweep), in one phrase; undefined when nothing is. */
export function policyRecordProblem(entry: unknown, index: number): string | undefined {
  const problem = firstProblem(BASELINE_POLICY, entry, ['policies', index]);
  if (problem === undefined) return undefined;
  const field = formatField(problem.path);
  if (problem.unexpected) return `field "${field}" is not part of a baseline policy (is the file from a newer rcupool?)`;
  if (problem.expected === undefined) return `missing field "${field}"`;
  return `field "${field}": expected ${problem.expected}, found ${describe(problem.found)}`;
}

function checkPolicies(data: unknown, reader: Reader): void {
  reader.list(data, ['policies'], true).forEach((entry, index) => {
    const problem = policyRecordProblem(entry, index);
    if (problem !== undefined) reader.fail(problem);
  });
}

function checkResult(data: unknown, reader: Reader, seeds: number[], names: string[]): void {
  reader.object(data, ['result']);
  const version = reader.field(data, ['result', 'schemaVersion']);
  if (version !== RESULT_SCHEMA_VERSION) reader.fail(`result.schemaVersion ${describe(version).replace(/^number /, '')} is not supported (expected ${RESULT_SCHEMA_VERSION})`);
  const resultSeeds = reader.list(data, ['result', 'seeds']);
  if (JSON.stringify(resultSeeds) !== JSON.stringify(seeds)) reader.fail(`field "result.seeds" ${JSON.stringify(resultSeeds)} disagrees with "seeds" ${JSON.stringify(seeds)}`);
  const results = reader.list(data, ['result', 'results']);
  if (results.length !== names.length) reader.fail(`field "result.results" has ${results.length} entries for ${names.length} policies`);
  results.forEach((_entry, index) => {
    const at = ['result', 'results', index];
    const name = reader.string(data, [...at, 'policy']);
    if (name !== names[index]) reader.fail(`field "${formatField([...at, 'policy'])}" is "${name}" but policies[${index}] is "${names[index]}"`);
    const error = (results[index] as Record<string, unknown>)['error'];
    if (error !== undefined) reader.fail(`policy "${name}" failed when the baseline was made (${String(error)}); write the baseline again once it runs`);
    // A metric the baseline predates is simply absent (check shows it as new); one in the means
    // but not in a seed's values, or the other way round, is a damaged file.
    const recorded = reader.metrics(data, [...at, 'metrics']);
    if (seeds.length > 1) {
      const perSeed = reader.list(data, [...at, 'perSeed']);
      if (perSeed.length !== seeds.length) reader.fail(`field "${formatField([...at, 'perSeed'])}" has ${perSeed.length} entries for ${seeds.length} seeds`);
      perSeed.forEach((_metrics, seedIndex) => {
        const seedPath = [...at, 'perSeed', seedIndex];
        const own = reader.metrics(data, seedPath);
        const lacking = recorded.find((metric) => !own.includes(metric));
        if (lacking !== undefined) reader.fail(`missing field "${formatField([...seedPath, ...lacking.split('.')])}" (it is in "${formatField([...at, 'metrics'])}")`);
        const extra = own.find((metric) => !recorded.includes(metric));
        if (extra !== undefined) reader.fail(`missing field "${formatField([...at, 'metrics', ...extra.split('.')])}" (it is in "${formatField(seedPath)}")`);
      });
    }
  });
}

/** A baseline as read, ready to rerun. */
export interface LoadedBaseline {
  baseline: BaselineFile;
  /**
   * Scenario fields the file lacks (dotted paths): fields added to rcupool since it was written.
   * They run with the default preset's value; `check` lists them so nobody is surprised.
   */
  filledScenarioFields: string[];
}

/** Leaf paths present in `resolved` but not in `recorded`. */
function missingLeaves(resolved: unknown, recorded: unknown, path: string): string[] {
  if (typeof resolved !== 'object' || resolved === null) return [];
  if (typeof recorded !== 'object' || recorded === null) return [path];
  return Object.entries(resolved as Record<string, unknown>).flatMap(([key, value]) => {
    const next = Array.isArray(resolved) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
    const own = (recorded as Record<string, unknown>)[key];
    return own === undefined ? [next] : missingLeaves(value, own, next);
  });
}

/**
 * The recorded scenario, checked field by field the way a scenario file is (it is a fully
 * resolved scenario, so this gives the identical object back). A field rcupool added since
 * the baseline was written gets the default preset's value and is reported, rather than making
 * every older baseline unreadable.
 */
function resolveRecordedScenario(recorded: Record<string, unknown>, file: string): { scenario: Scenario; filled: string[] } {
  try {
    const scenario = applyLayer(presetScenario(DEFAULT_EXTENDS), { input: recorded, where: () => `baseline ${file}: scenario` });
    return { scenario, filled: missingLeaves(scenario, recorded, '') };
  } catch (error) {
    if (error instanceof ScenarioError) throw new BaselineError(error.message);
    throw error;
  }
}

/** Parses and validates a baseline; throws BaselineError naming the field or version. */
export function parseBaseline(text: string, file: string): LoadedBaseline {
  const reader = new Reader(file);
  const data = parseJson(text, reader);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) reader.fail(`expected a JSON object, found ${describe(data)}`);
  const record = data as Record<string, unknown>;
  checkVersions(record, reader);
  reader.string(data, ['tool', 'version']);
  const { scenario, filled } = resolveRecordedScenario(reader.object(data, ['scenario']), file);
  const seeds = reader.list(data, ['seeds'], true);
  seeds.forEach((_seed, index) => reader.expect(data, ['seeds', index], 'a whole number ≥ 0', (value) => Number.isSafeInteger(value) && (value as number) >= 0));
  if (new Set(seeds).size !== seeds.length) reader.fail('field "seeds" lists a seed twice');
  checkPolicies(data, reader);
  const names = (record['policies'] as BaselinePolicy[]).map((entry) => entry.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) reader.fail(`field "policies" names policy "${duplicate}" twice`);
  checkResult(data, reader, seeds as number[], names);
  return { baseline: { ...(data as BaselineFile), scenario }, filledScenarioFields: filled };
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file (write one with `rcupool baseline --out FILE`)',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

export function readBaseline(file: string): LoadedBaseline {
  let text: string;
  try {
    text = readTextAtMost(file, MAX_BASELINE_BYTES);
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new BaselineError(`baseline ${file}: ${error.message}; is it the right file?`);
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new BaselineError(`baseline ${file}: cannot read it: ${READ_ERRORS[code] ?? (error as Error).message}`);
  }
  return parseBaseline(text, file);
}
