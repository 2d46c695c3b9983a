// A sweep: the grid of --vary axes over one base scenario and a set of policies, every point run
// on the same seeds (common random numbers: a point's workload depends only on its scenario and
// the seed, never on the policy or on the other points), all runs through the one runner pool.
//
// Points are ordered like nested loops: scenario axes (first axis slowest), then the policies in
// their order, then that policy's own param axes. A policy with no param axis gets one point per
// scenario combination.
import { parseParamValue } from '../policy/params.js';
import { PolicyLoadError } from '../policy/validate.js';
import { applyOverrides } from '../scenario/overrides.js';
import { ScenarioError } from '../scenario/validate.js';
import type { Scenario } from '../scenario/types.js';
import { TOOL_VERSION } from '../version.js';
import { baselinePolicy, type RunPolicy } from './baseline-file.js';
import { policyResult, runTasks } from './compare.js';
import { combinations, GridError, type AxisSpec } from './grid.js';
import { assignShards, expectedCost } from './shard.js';
import type { AxisValue, PointParams, SweepAxis, SweepPointResult, SweepResult } from '../contract/sweep-types.js';
import type { RunTask } from './task-message.js';

export interface SweepPlan {
  /** The resolved scenario before any scenario axis. */
  scenario: Scenario;
  seeds: number[];
  policies: RunPolicy[];
  axes: SweepAxis[];
  checkInvariants: boolean;
}

export interface SweepPoint {
  index: number;
  values: Record<string, AxisValue>;
  policyIndex: number;
  params: PointParams;
  scenario: Scenario;
}

/** Past this many points × seeds a sweep is a typo, not a plan (and would hold every result in memory). */
export const MAX_SWEEP_RUNS = 1_000_000;

/** Value at a `--set`-style path (a.b[2].c) of a resolved scenario; undefined when absent. */
function valueAt(scenario: Scenario, path: string): unknown {
  let node: unknown = scenario;
  for (const [, key, index] of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[index ?? key!];
  }
  return node;
}

/** The policy a `<policy>.<param>` name points at, if its policy part is one of the run's. */
function policyOf(name: string, policies: readonly RunPolicy[]): RunPolicy | undefined {
  const dot = name.lastIndexOf('.');
  return policies.find(({ loaded }) => loaded.policy.name === name.slice(0, dot));
}

function scenarioWith(base: Scenario, sets: readonly string[]): Scenario {
  return applyOverrides(base, sets);
}

function unitFromName(name: string): string | undefined {
  const match = /(Ms|Us|Pages|Kbytes|Share|PerSec\w*)$/.exec(name);
  const units: Record<string, string> = { Ms: 'ms', Us: 'µs', Pages: 'pages', Kbytes: 'KiB', Share: 'fraction' };
  return match ? (units[match[1]!] ?? 'per s') : undefined;
}

/** Checks every value of every axis against its param spec or the scenario schema; throws GridError naming the --vary. */
export function resolveAxes(specs: readonly AxisSpec[], base: Scenario, policies: readonly RunPolicy[]): SweepAxis[] {
  return specs.map((spec) => {
    const flag = `--vary ${spec.name}=${spec.spec}`;
    const owner = policyOf(spec.name, policies);
    if (owner) {
      const policy = owner.loaded.policy;
      const param = spec.name.slice(spec.name.lastIndexOf('.') + 1);
      if (owner.overridden?.includes(param)) throw new GridError(`${flag}: --param ${spec.name} also sets it; drop one of the two`);
      const values = spec.texts.map((text) => {
        try {
          return parseParamValue(policy, param, text);
        } catch (error) {
          if (error instanceof PolicyLoadError) throw new GridError(`${flag}: ${error.message.replace(/^--param /, 'value ')}`);
          throw error;
        }
      });
      const unit = policy.params.find((entry) => entry.name === param)?.unit;
      return { name: spec.name, target: 'param', policy: policy.name, param, spec: spec.spec, values, ...(unit ? { unit } : {}) };
    }
    const values = spec.texts.map((text) => {
      try {
        const value = valueAt(scenarioWith(base, [`${spec.name}=${text}`]), spec.name);
        return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : text;
      } catch (error) {
        if (error instanceof ScenarioError) {
          const reason = error.message.replace(/^--set [^:]*: /, '');
          const section = spec.name.split(/[.[]/)[0]!;
          const names = policies.map(({ loaded }) => loaded.policy.name).join(', ');
          const otherField = !reason.startsWith(`${spec.name}:`);
          // Unknown section: say so first, as messages are cut to one short line.
          if (!(section in base)) throw new GridError(`${flag}: "${section}" is neither a policy of this run (${names}) nor a scenario section`);
          const hint = otherField ? ` (the rest of scenario ${base.name} must fit every value: change it with --set, or start from a scenario made for it)` : '';
          throw new GridError(`${flag}: value ${text}: ${reason}${hint}`);
        }
        throw error;
      }
    });
    const unit = unitFromName(spec.name);
    return { name: spec.name, target: 'scenario', spec: spec.spec, values, ...(unit ? { unit } : {}) };
  });
}

/** Every point of the plan, in report order. */
export function planPoints(plan: SweepPlan): SweepPoint[] {
  const scenarioAxes = plan.axes.filter((axis) => axis.target === 'scenario');
  const points: SweepPoint[] = [];
  for (const scenarioCombo of combinations(scenarioAxes.map((axis) => axis.values.length))) {
    const values: Record<string, AxisValue> = {};
    const sets = scenarioAxes.map((axis, at) => {
      const value = axis.values[scenarioCombo[at]!]!;
      values[axis.name] = value;
      return `${axis.name}=${String(value)}`;
    });
    const scenario = scenarioWith(plan.scenario, sets);
    plan.policies.forEach((entry, policyIndex) => {
      const paramAxes = plan.axes.filter((axis) => axis.target === 'param' && axis.policy === entry.loaded.policy.name);
      for (const paramCombo of combinations(paramAxes.map((axis) => axis.values.length))) {
        const params: PointParams = { ...entry.params };
        const own = { ...values };
        paramAxes.forEach((axis, at) => {
          const value = axis.values[paramCombo[at]!]!;
          params[axis.param!] = value;
          own[axis.name] = value;
        });
        // Values in --vary order, whatever the axis kinds.
        const ordered = Object.fromEntries(plan.axes.filter((axis) => axis.name in own).map((axis) => [axis.name, own[axis.name]!]));
        points.push({ index: points.length, values: ordered, policyIndex, params, scenario });
      }
    });
  }
  return points;
}

/** How many points the plan has, without building them (to refuse a huge grid before any work). */
export function countPoints(plan: Pick<SweepPlan, 'axes' | 'policies'>): number {
  const size = (axes: readonly SweepAxis[]) => axes.reduce((product, axis) => product * axis.values.length, 1);
  const scenarioPoints = size(plan.axes.filter((axis) => axis.target === 'scenario'));
  const perScenario = plan.policies.reduce((sum, entry) => sum + size(plan.axes.filter((axis) => axis.policy === entry.loaded.policy.name)), 0);
  return scenarioPoints * perScenario;
}

export interface SweepOptions {
  jobs: number;
  /** Run only this share of the points (`--shard i/n`, 0-based i). */
  shard?: { index: number; count: number };
  onProgress?: (done: number, total: number) => void;
}

export async function runSweep(plan: SweepPlan, options: SweepOptions): Promise<SweepResult> {
  const all = planPoints(plan);
  const shardOf = options.shard ? assignShards(all.map((point) => expectedCost(point.scenario)), options.shard.count) : undefined;
  const points = shardOf ? all.filter((point) => shardOf[point.index] === options.shard!.index) : all;
  const tasks: RunTask[] = points.flatMap((point) =>
    plan.seeds.map((seed) => ({
      index: 0,
      location: plan.policies[point.policyIndex]!.loaded.location,
      policyName: plan.policies[point.policyIndex]!.loaded.policy.name,
      params: point.params,
      scenario: point.scenario,
      seed,
      checkInvariants: plan.checkInvariants,
      timelinePoints: 0,
    })),
  );
  tasks.forEach((task, index) => (task.index = index));
  let done = 0;
  const outcomes = await runTasks(tasks, options.jobs, () => options.onProgress?.(++done, tasks.length));
  const seedCount = plan.seeds.length;
  const results: SweepPointResult[] = points.map((point, at) => {
    const own = outcomes.slice(at * seedCount, (at + 1) * seedCount);
    return { index: point.index, values: point.values, ...policyResult(plan.policies[point.policyIndex]!.loaded, point.params, own, 0) };
  });
  const result: SweepResult = {
    schemaVersion: 1,
    kind: 'sweep',
    tool: { name: 'rcupool', version: TOOL_VERSION },
    scenario: plan.scenario,
    seeds: plan.seeds,
    vary: plan.axes,
    policies: plan.policies.map(({ loaded, params, overridden }) => baselinePolicy(loaded, params, overridden)),
    points: results,
  };
  if (options.shard) result.shard = { ...options.shard, points: points.map((point) => point.index), totalPoints: all.length };
  return result;
}
