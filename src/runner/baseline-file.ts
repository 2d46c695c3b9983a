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
// The layout is declared once, in src/contract/baseline-types.ts (schema/baseline.schema.json).
// Reading checks the versions first (another version may have another layout), then the file
// against that declaration, then what a schema cannot say (seeds that agree, one result per
// policy, a metric in every seed or in none), and names the first field that is wrong.
import { METRIC_PATHS } from '../contract/metrics.js';
import { BASELINE_POLICY, type BaselinePolicy } from '../contract/baseline-policy.js';
import { BASELINE_FILE, BASELINE_VERSION, type BaselineFile } from '../contract/baseline-types.js';
import { dottedPath, firstProblem, shownValue, type Problem } from '../contract/first-problem.js';
import type { ParamValues } from '../policy/api.js';
import type { LoadedPolicy } from '../policy/loader.js';
import { InputTooLargeError, MAX_INPUT_BYTES, readTextAtMost } from '../scenario/bounded-read.js';
import { DEFAULT_EXTENDS } from '../scenario/load.js';
import { presetScenario } from '../scenario/presets.js';
import { applyLayer, ScenarioError } from '../scenario/validate.js';
import type { Scenario } from '../scenario/types.js';
import { TOOL_VERSION } from '../version.js';
import { RESULT_SCHEMA_VERSION, type CompareResult } from '../contract/result-types.js';

export { BASELINE_VERSION, RESULT_SCHEMA_VERSION, type BaselineFile };

/** A baseline is a few hundred kB even with 1000 seeds; past this it is not one (and would only exhaust memory). */
export const MAX_BASELINE_BYTES = MAX_INPUT_BYTES;

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

type Path = Array<string | number>;

class Reader {
  constructor(readonly file: string) {}

  fail(message: string): never {
    throw new BaselineError(`baseline ${this.file}: ${message}`);
  }

  /** The value at `path` of a file the declaration has accepted. */
  at(root: unknown, path: Path): unknown {
    let node = root;
    for (const segment of path) node = (node as Record<string | number, unknown>)[segment];
    return node;
  }

  /** The metrics recorded at `path` (the declaration checked their values); the ones it lacks are `check`'s "new". */
  metrics(root: unknown, path: Path): string[] {
    const metrics = this.at(root, path) as Record<string, Record<string, unknown> | number | undefined>;
    return METRIC_PATHS.filter((metric) => {
      const [head, leaf] = metric.split('.') as [string, string | undefined];
      const group = metrics[head];
      return group !== undefined && (leaf === undefined || (group as Record<string, unknown>)[leaf] !== undefined);
    });
  }
}

/** One phrase for the first thing the declaration finds wrong. */
function problemPhrase(problem: Problem): string {
  const field = dottedPath(problem.path);
  const part = problem.path[0] === 'policies' ? 'a baseline policy' : 'a baseline';
  if (problem.unexpected) return `field "${field}" is not part of ${part} (is the file from a newer rcupool?)`;
  if (problem.expected === undefined) return `missing field "${field}"`;
  return `field "${field}": expected ${problem.expected}, found ${shownValue(problem.found)}`;
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
      `baselineVersion ${shownValue(baselineVersion).replace(/^number /, '')} is not supported: rcupool ${TOOL_VERSION} reads baselineVersion ${BASELINE_VERSION} (the file was written by ${writtenBy}); write it again with \`rcupool baseline --force\``,
    );
  }
  if (data['schemaVersion'] === undefined) reader.fail('missing field "schemaVersion"');
  const schemaVersion = data['schemaVersion'];
  if (typeof schemaVersion === 'number' && schemaVersion < RESULT_SCHEMA_VERSION) {
    reader.fail(`schemaVersion ${schemaVersion} is older than this rcupool's results (${RESULT_SCHEMA_VERSION}); re-record it: ${rerecordCommand(data, reader.file)}`);
  }
  if (schemaVersion !== RESULT_SCHEMA_VERSION) {
    reader.fail(
      `schemaVersion ${shownValue(schemaVersion).replace(/^number /, '')} is not supported: rcupool ${TOOL_VERSION} reads results with schemaVersion ${RESULT_SCHEMA_VERSION} (the file was written by ${writtenBy}); write it again with \`rcupool baseline --force\``,
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
  return problem === undefined ? undefined : problemPhrase(problem);
}

/** What the declaration cannot say: seeds and policies each once, one result per policy in order, a metric in every seed or none. */
function checkBetweenFields(baseline: BaselineFile, reader: Reader): void {
  const seeds = baseline.seeds;
  if (new Set(seeds).size !== seeds.length) reader.fail('field "seeds" lists a seed twice');
  const names = baseline.policies.map((entry) => entry.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) reader.fail(`field "policies" names policy "${duplicate}" twice`);
  const resultSeeds = baseline.result.seeds;
  if (JSON.stringify(resultSeeds) !== JSON.stringify(seeds)) reader.fail(`field "result.seeds" ${JSON.stringify(resultSeeds)} disagrees with "seeds" ${JSON.stringify(seeds)}`);
  const results = baseline.result.results;
  if (results.length !== names.length) reader.fail(`field "result.results" has ${results.length} entries for ${names.length} policies`);
  results.forEach((entry, index) => {
    const at: Path = ['result', 'results', index];
    if (entry.policy !== names[index]) reader.fail(`field "${dottedPath([...at, 'policy'])}" is "${entry.policy}" but policies[${index}] is "${names[index]}"`);
    if (entry.error !== undefined) reader.fail(`policy "${entry.policy}" failed when the baseline was made (${entry.error}); write the baseline again once it runs`);
    if (entry.metrics === undefined) reader.fail(`missing field "${dottedPath([...at, 'metrics'])}"`);
    // A metric the baseline predates is simply absent (check shows it as new); one in the means
    // but not in a seed's values, or the other way round, is a damaged file.
    const recorded = reader.metrics(baseline, [...at, 'metrics']);
    if (seeds.length > 1) {
      const perSeed = entry.perSeed;
      if (perSeed === undefined) reader.fail(`missing field "${dottedPath([...at, 'perSeed'])}"`);
      if (perSeed.length !== seeds.length) reader.fail(`field "${dottedPath([...at, 'perSeed'])}" has ${perSeed.length} entries for ${seeds.length} seeds`);
      perSeed.forEach((_metrics, seedIndex) => {
        const seedPath = [...at, 'perSeed', seedIndex];
        const own = reader.metrics(baseline, seedPath);
        const lacking = recorded.find((metric) => !own.includes(metric));
        if (lacking !== undefined) reader.fail(`missing field "${dottedPath([...seedPath, ...lacking.split('.')])}" (it is in "${dottedPath([...at, 'metrics'])}")`);
        const extra = own.find((metric) => !recorded.includes(metric));
        if (extra !== undefined) reader.fail(`missing field "${dottedPath([...at, 'metrics', ...extra.split('.')])}" (it is in "${dottedPath(seedPath)}")`);
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
  if (typeof data !== 'object' || data === null || Array.isArray(data)) reader.fail(`expected a JSON object, found ${shownValue(data)}`);
  const record = data as Record<string, unknown>;
  checkVersions(record, reader);
  // Said apart from the declaration's "expected 2": results of another layout need another rcupool.
  const result = record['result'] as Record<string, unknown> | undefined;
  if (typeof result === 'object' && result !== null && result['schemaVersion'] !== undefined && result['schemaVersion'] !== RESULT_SCHEMA_VERSION) {
    reader.fail(`result.schemaVersion ${shownValue(result['schemaVersion']).replace(/^number /, '')} is not supported (expected ${RESULT_SCHEMA_VERSION})`);
  }
  const problem = firstProblem(BASELINE_FILE, data);
  if (problem !== undefined) reader.fail(problemPhrase(problem));
  const baseline = data as BaselineFile;
  checkBetweenFields(baseline, reader);
  const { scenario, filled } = resolveRecordedScenario(baseline.scenario as unknown as Record<string, unknown>, file);
  return { baseline: { ...baseline, scenario }, filledScenarioFields: filled };
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
