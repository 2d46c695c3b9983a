// What a run's thread is sent and answers. Apart from task.ts (which runs the model) so the
// host process, which only hands tasks out, never loads the model to know their shape.
import type { Metrics } from '../contract/metrics.js';
import type { TimelineSample } from '../model/simulation.js';
import type { ParamValues } from '../policy/api.js';
import type { PolicyLocation } from '../policy/loader.js';
import type { Scenario } from '../scenario/types.js';

export interface RunTask {
  index: number;
  location: PolicyLocation;
  /** The policy's own name, for messages about a run that never answered. */
  policyName: string;
  params: ParamValues;
  scenario: Scenario;
  seed: number;
  checkInvariants: boolean;
  timelinePoints: number;
}

export type RunOutcome =
  | { index: number; ok: true; metrics: Metrics; timeline: TimelineSample[]; eventsRun: number }
  | { index: number; ok: false; error: string };

/** A run's thread posts this once the policy is loaded: the run's own wall-time budget starts there. */
export const STARTED = 'started';
