// A sweep as a baseline (`rcupool baseline --vary ...`) and its judgement (`rcupool check`).
//
// The file is the sweep's --json document with `baselineVersion` in front: the resolved base
// scenario, seeds, axes and policies (location, params, --param overrides, sha256) are what
// `check` reruns; `points` are what came out. Every point × metric is then judged exactly as
// `check` judges a policy (regression.ts: thresholds and a paired t-test on the common seeds),
// each point named by its policy and varied values.
import { readFileSync } from 'node:fs';
import { loadPolicy, locatePolicy } from '../policy/loader.js';
import { resolveParams } from '../policy/params.js';
import { DEFAULT_EXTENDS } from '../scenario/load.js';
import { presetScenario } from '../scenario/presets.js';
import { applyLayer, ScenarioError } from '../scenario/validate.js';
import type { Scenario } from '../scenario/types.js';
import type { BaselinePolicy } from '../contract/baseline-policy.js';
import { BASELINE_VERSION, BaselineError, policyRecordProblem, type RunPolicy } from './baseline-file.js';
import { compareResults } from './regression.js';
import type { PolicyComparison, RegressionReport, ThresholdSet, VerdictCounts } from '../contract/check-result.js';
import { RESULT_SCHEMA_VERSION, type CompareResult } from '../contract/result-types.js';
import { firstDifference } from './shard.js';
import { resolveAxes, type SweepPlan } from './sweep.js';
import { pointLabel, type SweepPointResult, type SweepResult } from '../contract/sweep-types.js';

export type SweepBaseline = { baselineVersion: typeof BASELINE_VERSION } & SweepResult;

export function makeSweepBaseline(result: SweepResult): SweepBaseline {
  const { shard: _shard, front: _front, ...whole } = result;
  return { baselineVersion: BASELINE_VERSION, ...whole };
}

export function serializeSweepBaseline(baseline: SweepBaseline): string {
  return JSON.stringify(baseline, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
}

/** Whether a file holds a sweep (so `check` reads it here); false for anything else, which the compare baseline reader then explains. */
export function isSweepBaselineFile(file: string): boolean {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { kind?: unknown };
    return typeof data === 'object' && data !== null && data.kind === 'sweep';
  } catch {
    return false;
  }
}

function fail(file: string, message: string): never {
  throw new BaselineError(`baseline ${file}: ${message}`);
}

/** Reads a sweep baseline; throws BaselineError naming the missing or wrong field. */
export function readSweepBaseline(file: string): SweepBaseline {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    fail(file, `cannot read it as JSON (${(error as Error).message.split('\n')[0]})`);
  }
  if (data['baselineVersion'] === undefined) fail(file, 'missing field "baselineVersion": this looks like `sweep --json` output; record a baseline with `rcupool baseline --out FILE --vary ...`');
  if (data['baselineVersion'] !== BASELINE_VERSION) fail(file, `baselineVersion ${JSON.stringify(data['baselineVersion'])} is not supported (this rcupool reads ${BASELINE_VERSION}); write it again with \`rcupool baseline --force\``);
  if (data['schemaVersion'] !== 1) fail(file, `schemaVersion ${JSON.stringify(data['schemaVersion'])} is not supported (expected 1)`);
  if (data['shard'] !== undefined) fail(file, 'field "shard": a shard is not a baseline; merge the shards first (`rcupool merge`)');
  for (const field of ['tool', 'scenario'] as const) if (typeof data[field] !== 'object' || data[field] === null) fail(file, `missing field "${field}"`);
  for (const field of ['seeds', 'vary', 'policies', 'points'] as const) if (!Array.isArray(data[field])) fail(file, `field "${field}": expected a list`);
  (data['policies'] as unknown[]).forEach((entry, index) => {
    const problem = policyRecordProblem(entry, index);
    if (problem !== undefined) fail(file, problem);
  });
  const points = data['points'] as SweepPointResult[];
  points.forEach((point, at) => {
    if (point.index !== at) fail(file, `field "points[${at}].index" is ${JSON.stringify(point.index)}, expected ${at}`);
    if (point.error !== undefined) fail(file, `point ${at} (${point.policy}) failed when the baseline was made (${point.error}); write the baseline again once it runs`);
    if (typeof point.metrics !== 'object' || point.metrics === null) fail(file, `missing field "points[${at}].metrics"`);
  });
  return data as unknown as SweepBaseline;
}

function recordedScenario(file: string, recorded: Scenario): Scenario {
  try {
    const checked = applyLayer(presetScenario(DEFAULT_EXTENDS), { input: recorded, where: () => `baseline ${file}: scenario` });
    // The same values keep the recorded key order, so `check --update` of an unchanged sweep rewrites the same bytes.
    return firstDifference(checked, recorded) === undefined ? recorded : checked;
  } catch (error) {
    if (error instanceof ScenarioError) throw new BaselineError(error.message);
    throw error;
  }
}

async function recordedPolicy(file: string, recorded: BaselinePolicy, notes: string[]): Promise<RunPolicy> {
  const loaded = await loadPolicy(locatePolicy(recorded.location)).catch((error: unknown) => fail(file, `policy ${recorded.name} from ${recorded.location}: ${(error as Error).message}`));
  const policy = loaded.policy;
  if (policy.name !== recorded.name) fail(file, `${recorded.location} now defines policy "${policy.name}", not "${recorded.name}"; rename it back, or write a new baseline`);
  if (recorded.kind === 'file' && loaded.fileHash !== recorded.sha256) notes.push(`${recorded.name}: ${recorded.location} changed since the baseline.`);
  const overrides = Object.fromEntries(Object.entries(recorded.paramOverrides).filter(([name]) => policy.params.some((spec) => spec.name === name)).map(([name, value]) => [name, String(value)]));
  let params;
  try {
    params = resolveParams(policy, overrides);
  } catch (error) {
    fail(file, `policy ${recorded.name}: ${(error as Error).message}`);
  }
  for (const [name, value] of Object.entries(recorded.params)) {
    if (!(name in recorded.paramOverrides) && params[name] !== value) notes.push(`${recorded.name}: param ${name} defaults to ${String(params[name])} now (the baseline ran with ${String(value)}).`);
  }
  return { loaded, params, overridden: Object.keys(overrides) };
}

/** Today's plan for the baseline's sweep: its scenario, seeds and axes; its policies with today's code and defaults. */
export async function planFromSweepBaseline(file: string, baseline: SweepBaseline, notes: string[]): Promise<SweepPlan> {
  const scenario = recordedScenario(file, baseline.scenario);
  const policies: RunPolicy[] = [];
  for (const recorded of baseline.policies) policies.push(await recordedPolicy(file, recorded, notes));
  let axes;
  try {
    axes = resolveAxes(baseline.vary.map((axis) => ({ name: axis.name, spec: axis.spec, texts: axis.values.map(String) })), scenario, policies);
  } catch (error) {
    fail(file, (error as Error).message);
  }
  return { scenario, seeds: baseline.seeds, policies, axes, checkInvariants: false };
}

function asCompare(result: SweepResult, point: SweepPointResult): CompareResult {
  return { schemaVersion: RESULT_SCHEMA_VERSION, tool: result.tool, scenario: result.scenario, seeds: result.seeds, results: [{ ...point, policy: pointLabel(point) }] };
}

/** Every point × metric judged as `check` judges a policy; points matched by index and name. */
export function compareSweeps(baseline: SweepResult, current: SweepResult, thresholds: ThresholdSet): RegressionReport {
  const policies: PolicyComparison[] = [];
  const counts: VerdictCounts = { regressed: 0, improved: 0, inconclusive: 0, unchanged: 0 };
  baseline.points.forEach((before, at) => {
    const after = current.points[at];
    if (after === undefined || pointLabel(after) !== pointLabel(before)) {
      policies.push({ policy: pointLabel(before), status: 'missing', error: 'not in the current run', metrics: [] });
      return;
    }
    const report = compareResults(asCompare(baseline, before), asCompare(current, after), thresholds);
    policies.push(...report.policies);
    for (const verdict of Object.keys(counts) as Array<keyof VerdictCounts>) counts[verdict] += report.counts[verdict];
  });
  return {
    seeds: baseline.seeds.filter((seed) => current.seeds.includes(seed)),
    thresholds,
    policies,
    counts,
    regressed: counts.regressed > 0,
    incomplete: policies.some((entry) => entry.status !== 'compared'),
  };
}
