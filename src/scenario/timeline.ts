// Changing a scenario's duration without losing its story.
//
// A new durationMs stretches or squeezes the whole timeline by one factor: the rate phases keep
// their share of the run, and timed events and anonymous-memory steps keep their place in it
// (a burst at 40 % of the run stays at 40 %). What stays as it is: every rate, every kernel and
// timing number, and the shape inside a burst phase (burstMs, periodMs), because those describe
// how the load behaves, not when things happen. So `--duration 2s` on a 10 s preset is a
// compressed preview of the same story, and `--duration 60s` a slower one.
import type { AnonStep, RatePhase, Scenario, TimedEvent } from './types.js';

/** Timeline points are kept to whole microseconds, the engine's resolution. */
function roundToUs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

export function totalPhaseMs(phases: readonly RatePhase[]): number {
  return phases.reduce((sum, phase) => sum + phase.durationMs, 0);
}

/**
 * Phase durations scaled so they add up to `durationMs`. Boundaries are scaled and rounded (not
 * each length), so rounding never accumulates; a phase squeezed below 1 µs is dropped.
 */
export function scalePhases(phases: readonly RatePhase[], durationMs: number): RatePhase[] {
  const factor = durationMs / totalPhaseMs(phases);
  const scaled: RatePhase[] = [];
  let startUs = 0;
  let elapsedMs = 0;
  phases.forEach((phase, index) => {
    elapsedMs += phase.durationMs;
    const endUs = index === phases.length - 1 ? Math.round(durationMs * 1000) : Math.round(elapsedMs * factor * 1000);
    if (endUs > startUs) scaled.push({ ...phase, durationMs: (endUs - startUs) / 1000 });
    startUs = endUs;
  });
  return scaled;
}

function scaleEvent(event: TimedEvent, factor: number): TimedEvent {
  const atMs = roundToUs(event.atMs * factor);
  if (event.kind === 'stealSharedReserve') return { ...event, atMs, holdMs: roundToUs(event.holdMs * factor) };
  return { ...event, atMs };
}

function scaleAnonStep(step: AnonStep, factor: number): AnonStep {
  return { ...step, atMs: roundToUs(step.atMs * factor), rampMs: roundToUs(step.rampMs * factor) };
}

export interface KeepAsGiven {
  /** The caller set these explicitly for the new duration: leave them alone. */
  events?: boolean;
  anonSteps?: boolean;
}

/** The scenario with `durationMs` and its timeline scaled from `from.durationMs` (see the file comment). */
export function rescaleTimeline(s: Scenario, from: Scenario, durationMs: number, keep: KeepAsGiven = {}): Scenario {
  const factor = durationMs / from.durationMs;
  return {
    ...s,
    durationMs,
    workload: { ...s.workload, phases: scalePhases(from.workload.phases, durationMs) },
    others: keep.anonSteps ? s.others : { ...s.others, anonSteps: from.others.anonSteps.map((step) => scaleAnonStep(step, factor)) },
    events: keep.events ? s.events : from.events.map((event) => scaleEvent(event, factor)),
  };
}
