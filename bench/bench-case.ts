// One bench case in its own process, so its peak RSS is its own: runs one policy on one
// scenario (seed 1, one thread) and prints one JSON line of figures for bench.ts.
import { performance } from 'node:perf_hooks';
import { Simulation } from '../src/model/simulation.js';
import { loadPolicies } from '../src/policy/loader.js';
import { resolveParams } from '../src/policy/params.js';
import { resolveScenario } from '../src/scenario/load.js';

export interface CaseFigures {
  calls: number;
  events: number;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}

async function runCase(scenarioName: string, policyName: string, durationMs?: number): Promise<CaseFigures> {
  const scenario = resolveScenario(scenarioName, [], durationMs);
  const [loaded] = await loadPolicies([policyName]);
  const params = resolveParams(loaded.policy, {});
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const result = new Simulation(scenario, loaded.policy, params, { seed: 1 }).run();
  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    calls: result.metrics.calls,
    events: result.eventsRun,
    wallSeconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

const [scenarioName, policyName, durationText] = process.argv.slice(2);
const figures = await runCase(scenarioName, policyName, durationText ? Number(durationText) : undefined);
process.stdout.write(`${JSON.stringify(figures)}\n`);
