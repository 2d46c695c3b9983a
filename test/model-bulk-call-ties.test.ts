// Calls of two CPUs due at the same instant run in the order their events were scheduled (the
// scheduler's sequence number). Closed callers with the same period keep CPUs in step, so such
// ties are common; a run counted in bulk (and an answer given ahead) schedules a CPU's next call
// event at another moment than call by call does, so the tied calls run in another order. When
// both arm an hrtimer that queues work, the works draw their wake-ups from the one policy work
// stream in the other order too: here CPUs 0 and 4 both ask refill-worker at 96.809938 ms, CPU 4
// first in bulk and CPU 0 first call by call, so their refill works swap wake-ups and the runs
// part. Known difference, kept as `it.fails` until the order of a tie no longer depends on when
// its events were scheduled (ordering the call events of one instant by CPU instead of by
// sequence made this case and 500 randomised small runs agree): then drop `.fails`.
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
  it.fails('run in the same order whether a run of fallbacks is counted in bulk or visited call by call', () => {
    expect(json(false)).toBe(json(true));
  });
});
