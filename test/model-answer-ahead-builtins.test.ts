// Reusing a remembered null answer for the calls after it, and answering those ahead of the
// clock in bulk, must give exactly what the run gives when needPage is asked on every call, one
// event at a time (speed issue, point 1): every built-in on the presets where fallbacks come in
// runs — memory exhausted (flood), late workers (sched-latency), raided pools (pool-abuse), drains
// after failed reclaim (pcp-drained), the phone's default — compared as the whole result's JSON,
// byte for byte. Runs of fallbacks counted in bulk (model-bulk-fallback-runs.test.ts) are part of
// the first run. (A memo kept across a work item's run, whose code had just cleared the policy's
// work_in_progress flag, once changed refill-worker's failures by half.)
import { describe, expect, it } from 'vitest';
import growAfterEmergency from '../policies/grow-after-emergency.js';
import inlineNowait from '../policies/inline-nowait.js';
import locklessPcp from '../policies/lockless-pcp.js';
import mempool from '../policies/mempool.js';
import nolockAlloc from '../policies/nolock-alloc.js';
import preemptCount from '../policies/preempt-count.js';
import refillWorker from '../policies/refill-worker.js';
import upstream from '../policies/upstream.js';
import { Simulation } from '../src/model/simulation.js';
import { resolveScenario } from '../src/scenario/load.js';
import { defaultParams } from './helpers/model-harness.js';

const BUILTINS = [upstream, mempool, refillWorker, growAfterEmergency, locklessPcp, nolockAlloc, inlineNowait, preemptCount];
// Short windows keep the file quick; each preset's timeline is squeezed with it.
const SCENARIOS: Array<[string, number, string[]]> = [
  ['default', 1_000, []],
  ['flood', 400, ['workload.activeCpus=8']],
  ['sched-latency', 600, []],
  ['pool-abuse', 600, []],
  ['pcp-drained', 3_000, []],
  // Closed callers with a call budget and half the calls headless.
  ['rcuscale', 300, ['workload.activeCpus=8']],
];

describe('remembered answers and answer-ahead are exact for every built-in', () => {
  it.each(SCENARIOS)('%s (%i ms)', (name, durationMs, sets) => {
    for (const policy of BUILTINS) {
      const json = (bulk: boolean) => {
        const scenario = resolveScenario(name, sets, durationMs);
        const options = { seed: 7, timelinePoints: 50, answerAhead: bulk, rememberAnswers: bulk };
        const result = new Simulation(scenario, policy, defaultParams(policy), options).run();
        return JSON.stringify({ metrics: result.metrics, timeline: result.timeline, simulatedMs: result.simulatedMs });
      };
      expect(json(true), `${policy.name} on ${name}`).toBe(json(false));
    }
  }, 300_000);
});
