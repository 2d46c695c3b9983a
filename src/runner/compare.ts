// The runner: every policy × every seed on one scenario, side by side in worker threads, then
// aggregated in a fixed order so the output is byte-identical whatever --jobs is.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ParamValues } from '../policy/api.js';
import type { LoadedPolicy } from '../policy/loader.js';
import type { Scenario } from '../scenario/types.js';
import { TOOL_VERSION } from '../version.js';
import type { CompareResult, PolicyResult, TimelinePoint } from './result-types.js';
import { intervalMetrics, meanMetrics } from './statistics.js';
import { PolicyCache, runTask, type RunOutcome, type RunTask } from './task.js';

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
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

async function runInline(tasks: RunTask[], onDone: () => void): Promise<RunOutcome[]> {
  const cache = new PolicyCache();
  const outcomes: RunOutcome[] = [];
  for (const task of tasks) {
    outcomes.push(await runTask(task, cache));
    onDone();
  }
  return outcomes;
}

function runInWorkers(tasks: RunTask[], jobs: number, onDone: () => void): Promise<RunOutcome[]> {
  return new Promise((resolve, reject) => {
    const outcomes: RunOutcome[] = new Array(tasks.length);
    let next = 0;
    let finished = 0;
    const workers: Worker[] = [];
    const retired = new Set<Worker>();
    const feed = (worker: Worker) => {
      if (next < tasks.length) worker.postMessage(tasks[next++]);
      else {
        retired.add(worker);
        void worker.terminate();
      }
    };
    for (let index = 0; index < Math.min(jobs, tasks.length); index++) {
      const worker = new Worker(WORKER_URL);
      workers.push(worker);
      worker.on('message', (outcome: RunOutcome) => {
        outcomes[outcome.index] = outcome;
        finished++;
        onDone();
        if (finished === tasks.length) {
          for (const other of workers) {
            retired.add(other);
            void other.terminate();
          }
          resolve(outcomes);
        } else feed(worker);
      });
      worker.on('error', (error) => {
        for (const other of workers) void other.terminate();
        reject(error);
      });
      worker.on('exit', (code) => {
        // A worker that dies without an 'error' event would otherwise leave the runs waiting forever.
        if (finished < tasks.length && code !== 0 && !retired.has(worker)) {
          for (const other of workers) void other.terminate();
          reject(new Error(`a worker thread exited with code ${code} before the runs finished`));
        }
      });
      feed(worker);
    }
  });
}

export async function compare(request: CompareRequest): Promise<CompareResult> {
  const tasks: RunTask[] = [];
  for (const { loaded, params } of request.policies) {
    for (const seed of request.seeds) {
      tasks.push({
        index: tasks.length,
        location: loaded.location,
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
  const canUseWorkers = existsSync(fileURLToPath(WORKER_URL));
  const outcomes = request.jobs > 1 && tasks.length > 1 && canUseWorkers ? await runInWorkers(tasks, request.jobs, onDone) : await runInline(tasks, onDone);

  const results: PolicyResult[] = request.policies.map(({ loaded, params }, policyIndex) => {
    const own = outcomes.slice(policyIndex * request.seeds.length, (policyIndex + 1) * request.seeds.length);
    const base: PolicyResult = {
      policy: loaded.policy.name,
      source: loaded.location.kind === 'builtin' ? 'builtin' : loaded.location.spec,
      ...(loaded.fileHash ? { fileHash: loaded.fileHash } : {}),
      params,
    };
    const failed = own.find((outcome) => !outcome.ok);
    if (failed && !failed.ok) return { ...base, error: failed.error };
    const perSeed = own.map((outcome) => (outcome.ok ? outcome.metrics : undefined)!);
    const result: PolicyResult = { ...base, metrics: perSeed.length === 1 ? perSeed[0] : meanMetrics(perSeed) };
    if (perSeed.length > 1) {
      result.perSeed = perSeed;
      result.ci95 = intervalMetrics(perSeed);
    }
    const first = own[0];
    if ((request.timelinePoints ?? 0) > 0 && first.ok) result.timeline = first.timeline as TimelinePoint[];
    return result;
  });
  return { schemaVersion: 2, tool: { name: 'rcupool', version: TOOL_VERSION }, scenario: request.scenario, seeds: request.seeds, results };
}
