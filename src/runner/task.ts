// One run: one policy, one seed, one scenario. Used the same way inline and in worker threads.
import type { Metrics } from '../contract/metrics.js';
import { Simulation, type TimelineSample } from '../model/simulation.js';
import type { ParamValues } from '../policy/api.js';
import { loadPolicy, type LoadedPolicy, type PolicyLocation } from '../policy/loader.js';
import type { Scenario } from '../scenario/types.js';

export interface RunTask {
  index: number;
  location: PolicyLocation;
  params: ParamValues;
  scenario: Scenario;
  seed: number;
  checkInvariants: boolean;
  timelinePoints: number;
}

export type RunOutcome =
  | { index: number; ok: true; metrics: Metrics; timeline: TimelineSample[]; eventsRun: number }
  | { index: number; ok: false; error: string };

/** Loaded built-in policy modules, per thread (built-ins keep no module-level state). */
export class PolicyCache {
  private readonly loaded = new Map<string, Promise<LoadedPolicy>>();

  get(location: PolicyLocation): Promise<LoadedPolicy> {
    // A user's file is loaded afresh for every run: module-level state in it must not carry from
    // one seed to the next, or results would depend on how runs fall on threads (--jobs).
    if (location.kind === 'file') return loadPolicy(location);
    let policy = this.loaded.get(location.path);
    if (!policy) {
      policy = loadPolicy(location);
      this.loaded.set(location.path, policy);
    }
    return policy;
  }
}

export async function runTask(task: RunTask, cache: PolicyCache): Promise<RunOutcome> {
  try {
    const { policy } = await cache.get(task.location);
    const simulation = new Simulation(task.scenario, policy, task.params, {
      seed: task.seed,
      checkInvariants: task.checkInvariants,
      timelinePoints: task.timelinePoints,
    });
    const result = simulation.run();
    return { index: task.index, ok: true, metrics: result.metrics, timeline: result.timeline, eventsRun: result.eventsRun };
  } catch (error) {
    if (process.env.RCUPOOL_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    const message = error instanceof Error ? error.message : String(error);
    return { index: task.index, ok: false, error: message.split('\n')[0] };
  }
}
