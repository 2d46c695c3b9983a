// `npm run bench`: wall-clock speed of the model on the presets that stress it. Prints
// kvfree_rcu() calls simulated per second, events per second and peak RSS per preset, for one
// policy on one core (the runner's worker threads are not used here). Not a test: numbers
// vary with the machine; compare runs on the same machine, as ratios.
import { performance } from 'node:perf_hooks';
import { Simulation } from '../src/model/simulation.js';
import { loadPolicies } from '../src/policy/loader.js';
import { resolveParams } from '../src/policy/validate.js';
import { resolveScenario } from '../src/scenario/load.js';
import { benchTraceParse } from './trace-parse.js';

interface BenchCase {
  scenario: string;
  policy: string;
}

const DEFAULT_CASES: BenchCase[] = [
  { scenario: 'flood', policy: 'upstream' },
  { scenario: 'rcuscale', policy: 'upstream' },
  { scenario: 'default', policy: 'upstream' },
];

function parseCases(argv: string[]): BenchCase[] {
  // bench [scenario:policy ...] [trace-parse]
  if (argv.length === 0) return DEFAULT_CASES;
  return argv.filter((text) => text !== 'trace-parse').map((text) => {
    const [scenario, policy = 'upstream'] = text.split(':');
    return { scenario, policy };
  });
}

async function main(): Promise<void> {
  const cases = parseCases(process.argv.slice(2));
  // CPU seconds are printed too: on a shared machine they vary less than wall-clock seconds.
  console.log('scenario     policy        calls          wall s    cpu s   M calls/s   M calls/cpu-s   M events/s   peak RSS MiB');
  for (const { scenario: name, policy: policyName } of cases) {
    const scenario = resolveScenario(name);
    const [loaded] = await loadPolicies([policyName]);
    const params = resolveParams(loaded.policy, {});
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = new Simulation(scenario, loaded.policy, params, { seed: 1 }).run();
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(
      [
        name.padEnd(12),
        policyName.padEnd(13),
        result.metrics.calls.toExponential(3).padEnd(14),
        wallSeconds.toFixed(2).padStart(6),
        cpuSeconds.toFixed(2).padStart(8),
        (result.metrics.calls / wallSeconds / 1e6).toFixed(1).padStart(11),
        (result.metrics.calls / cpuSeconds / 1e6).toFixed(1).padStart(15),
        (result.eventsRun / wallSeconds / 1e6).toFixed(2).padStart(12),
        peakRssMiB.toFixed(0).padStart(14),
      ].join(' '),
    );
  }
}

await main();
// Reading captures (`rcupool trace stats|fit`): lines per second, the ≥ 1 M lines/s goal.
const args = process.argv.slice(2);
if (args.length === 0 || args.includes('trace-parse')) await benchTraceParse();
