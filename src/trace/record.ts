// `rcupool run --trace-out`: the run of one policy and seed again, in this thread, with a
// TraceWriter listening. The sink only observes, so the run (and its metrics) is the same one
// the table shows for that seed.
import { Simulation, type SimulationResult } from '../model/simulation.js';
import type { ParamValues, PolicyModule } from '../policy/api.js';
import type { Scenario } from '../scenario/types.js';
import { TOOL_VERSION } from '../version.js';
import { TraceWriter, type TraceHeader } from './writer.js';

export interface TracedRunRequest {
  scenario: Scenario;
  policy: PolicyModule;
  params: ParamValues;
  seed: number;
  everyCall: boolean;
}

export interface TracedRun {
  writer: TraceWriter;
  header: TraceHeader;
  result: SimulationResult;
}

export function traceRun(request: TracedRunRequest): TracedRun {
  const writer = new TraceWriter({ everyCall: request.everyCall });
  const result = new Simulation(request.scenario, request.policy, request.params, { seed: request.seed, traceSink: writer }).run();
  const calls = request.everyCall ? 'one rcu_kvfree_callback per call' : 'rcu_kvfree_callback only for calls that needed a new pointer page (--trace-calls for every call)';
  const header: TraceHeader = {
    cpus: request.scenario.machine.cpus,
    notes: [
      `rcupool ${TOOL_VERSION}: simulated, not captured. Scenario "${request.scenario.name}", policy ${request.policy.name}, seed ${request.seed}.`,
      `Timestamps are simulated time from 0; ${calls}.`,
    ],
  };
  return { writer, header, result };
}
