// One run: one policy, one seed, one scenario. Used the same way inline, in the shared worker
// pool (built-ins) and in a user policy's own thread.
import { METRIC_PATHS, metricValue, type Metrics } from '../contract/metrics.js';
import { Simulation } from '../model/simulation.js';
import { importPolicy, type LoadedPolicy, type PolicyLocation } from '../policy/loader.js';
import { describeThrown } from '../policy/thrown.js';
import { RunProgress, watchPolicy } from './policy-watch.js';
import type { RunOutcome, RunTask } from './task-message.js';

/** Loaded built-in policy modules, per thread (built-ins keep no module-level state). */
export class PolicyCache {
  private readonly loaded = new Map<string, Promise<LoadedPolicy>>();

  get(location: PolicyLocation): Promise<LoadedPolicy> {
    // A user's file is loaded afresh for every run: module-level state in it must not carry from
    // one seed to the next, or results would depend on how runs fall on threads (--jobs).
    if (location.kind === 'file') return importPolicy(location);
    let policy = this.loaded.get(location.path);
    if (!policy) {
      policy = importPolicy(location);
      this.loaded.set(location.path, policy);
    }
    return policy;
  }
}

/** The first metric that is NaN or infinite: a report or a baseline must never carry one. */
export function nonFiniteMetric(metrics: Metrics): string | undefined {
  return METRIC_PATHS.find((path) => !Number.isFinite(metricValue(metrics, path)));
}

/** `onLoaded` is called once the policy module is loaded, just before the simulation starts. */
export async function runTask(task: RunTask, cache: PolicyCache, progress = new RunProgress(), onLoaded?: () => void): Promise<RunOutcome> {
  try {
    progress.enter('loading the module', 0);
    const { policy } = await cache.get(task.location);
    progress.enter('the model', 0);
    onLoaded?.();
    let scheduler: { now: number } = { now: 0 };
    const watched = watchPolicy(policy, progress, () => scheduler.now);
    const simulation = new Simulation(task.scenario, watched, task.params, {
      seed: task.seed,
      checkInvariants: task.checkInvariants,
      timelinePoints: task.timelinePoints,
    });
    scheduler = simulation.scheduler;
    const result = simulation.run();
    progress.enter('the model', scheduler.now);
    const bad = nonFiniteMetric(result.metrics);
    if (bad !== undefined) {
      return { index: task.index, ok: false, error: `${task.policyName}, seed ${task.seed}: metric ${bad} came out ${String(metricValue(result.metrics, bad as never))}, not a finite number` };
    }
    return { index: task.index, ok: true, metrics: result.metrics, timeline: result.timeline, eventsRun: result.eventsRun };
  } catch (error) {
    if (process.env.RCUPOOL_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return { index: task.index, ok: false, error: describeThrown(error) };
  }
}
