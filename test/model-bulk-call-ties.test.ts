// Calls of several CPUs due at the same instant must run in one order whether a run of fallbacks
// is counted in bulk or visited call by call. Closed callers with the same period keep CPUs in
// step, so such ties are common, and a run counted in bulk (or an answer given ahead) schedules a
// CPU's next call event at another moment than call by call does. When the tie was broken by the
// order of scheduling, CPUs 0 and 4 here both asked refill-worker at 96.809938 ms in the other
// order, their refill works drew their wake-ups from the policy's work stream the other way round,
// and the runs parted. The scheduler now orders the call events of one instant by CPU.
import { describe, expect, it } from 'vitest';
import refillWorker from '../policies/refill-worker.js';
import { Simulation } from '../src/model/simulation.js';
import { resolveScenario } from '../src/scenario/load.js';
import { defaultParams } from './helpers/model-harness.js';

const inStep = ['workload.callers.mode=closed', 'workload.callers.thinkNs=950', 'workload.callers.threadsPerCpu=2', 'workload.headlessShare=0.01'];

function json(everyCall: boolean): string {
  const options = { seed: 5, timelinePoints: 20, rememberAnswers: !everyCall, answerAhead: !everyCall };
  const result = new Simulation(resolveScenario('default', inStep, 100), refillWorker, defaultParams(refillWorker), options).run();
  return JSON.stringify({ metrics: result.metrics, timeline: result.timeline, simulatedMs: result.simulatedMs });
}

describe('calls of several CPUs due at the same instant', () => {
  it('run in the same order whether a run of fallbacks is counted in bulk or visited call by call', () => {
    expect(json(false)).toBe(json(true));
  });
});
