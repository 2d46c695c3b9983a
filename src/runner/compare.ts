// The runner: every policy × every seed on one scenario, side by side in worker threads, then
// aggregated in a fixed order so the output is byte-identical whatever --jobs is.
import type { ParamValues } from '../policy/api.js';
import type { LoadedPolicy } from '../policy/loader.js';
import { clipLine, MAX_MESSAGE_CHARS } from '../policy/thrown.js';
import type { Scenario } from '../scenario/types.js';
import { TOOL_VERSION } from '../version.js';
import { RESULT_SCHEMA_VERSION } from '../contract/schema-version.js';
import type { CompareResult, PolicyResult, TimelinePoint } from '../contract/result-types.js';
import { intervalMetrics, meanMetrics } from './statistics.js';
import { DEFAULT_RUN_LIMITS, type RunLimits } from './limits.js';
import type { RunOutcome, RunTask } from './task-message.js';
import { runInWorkers, workersAvailable, type SpareThread } from './worker-pool.js';

export interface CompareRequest {
  scenario: Scenario;
  policies: Array<{ loaded: LoadedPolicy; params: ParamValues }>;
  seeds: number[];
  jobs: number;
  checkInvariants?: boolean;
  /** Timeline samples per run (0: none). */
  timelinePoints?: number;
  /** Called after each finished run (for progress). */
  onProgress?: (done: number, total: number) => void;
  /** Per-run wall-time budget and heap limit (DEFAULT_RUN_LIMITS for what is not given). */
  limits?: Partial<RunLimits>;
  /** A thread started early (startSpareThread), for the first built-in runs. */
  spare?: SpareThread;
}

async function runInline(tasks: RunTask[], onDone: () => void): Promise<RunOutcome[]> {
  // The model is loaded only here: in the CLI the host process never runs it.
  const { PolicyCache, runTask } = await import('./task.js');
  const cache = new PolicyCache();
  const outcomes: RunOutcome[] = [];
  for (const task of tasks) {
    outcomes.push(await runTask(task, cache));
    onDone();
  }
  return outcomes;
}

export async function compare(request: CompareRequest): Promise<CompareResult> {
  const tasks: RunTask[] = [];
  for (const { loaded, params } of request.policies) {
    for (const seed of request.seeds) {
      tasks.push({
        index: tasks.length,
        location: loaded.location,
        policyName: loaded.policy.name,
        params,
        scenario: request.scenario,
        seed,
        checkInvariants: request.checkInvariants ?? false,
        timelinePoints: request.timelinePoints ?? 0,
      });
    }
  }
  let done = 0;
  const onDone = () => request.onProgress?.(++done, tasks.length);
  const outcomes = await runTasks(tasks, request.jobs, onDone, request.limits, request.spare);
  const results: PolicyResult[] = request.policies.map(({ loaded, params }, policyIndex) =>
    policyResult(loaded, params, outcomes.slice(policyIndex * request.seeds.length, (policyIndex + 1) * request.seeds.length), request.timelinePoints ?? 0),
  );
  return { schemaVersion: RESULT_SCHEMA_VERSION, tool: { name: 'rcupool', version: TOOL_VERSION }, scenario: request.scenario, seeds: request.seeds, results };
}

/**
 * Any list of runs (sweeps build their own), outcomes in task order. Threads whenever the
 * compiled worker exists (the CLI), even for --jobs 1: that is what gives every run its budgets
 * and a user's policy its own globals. Tests running from source go inline.
 */
export function runTasks(tasks: RunTask[], jobs: number, onDone: () => void, limits: Partial<RunLimits> = {}, spare?: SpareThread): Promise<RunOutcome[]> {
  return workersAvailable() ? runInWorkers(tasks, jobs, { ...DEFAULT_RUN_LIMITS, ...limits }, onDone, spare) : runInline(tasks, onDone);
}

/** One policy's runs (one per seed, in seed order) folded into its result: mean, perSeed, ci95, or the first error. */
export function policyResult(loaded: LoadedPolicy, params: ParamValues, own: RunOutcome[], timelinePoints: number): PolicyResult {
  const base: PolicyResult = {
    policy: loaded.policy.name,
    source: loaded.location.kind === 'builtin' ? 'builtin' : loaded.location.spec,
    ...(loaded.fileHash ? { fileHash: loaded.fileHash } : {}),
    params,
  };
  const failed = own.find((outcome) => !outcome.ok);
  // Cut so that the CLI's "rcupool: policy NAME failed: …" line stays within MAX_MESSAGE_CHARS.
  if (failed && !failed.ok) return { ...base, error: clipLine(failed.error, MAX_MESSAGE_CHARS - `rcupool: policy ${base.policy} failed: `.length) };
  const perSeed = own.map((outcome) => (outcome.ok ? outcome.metrics : undefined)!);
  const result: PolicyResult = { ...base, metrics: perSeed.length === 1 ? perSeed[0] : meanMetrics(perSeed) };
  if (perSeed.length > 1) {
    result.perSeed = perSeed;
    result.ci95 = intervalMetrics(perSeed);
  }
  const first = own[0];
  if (timelinePoints > 0 && first.ok) result.timeline = first.timeline as TimelinePoint[];
  return result;
}
