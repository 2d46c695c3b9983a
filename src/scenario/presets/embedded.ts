// `embedded`: the 512 MiB, 2-CPU board, memory slowly filling, modest bursts. Every page a
// policy keeps idle is a larger share of what this machine has.
import type { Scenario } from '../types.js';
import { bursts, constant, embedded } from './parts.js';

export function embeddedScenario(): Scenario {
  const s = embedded();
  return {
    ...s,
    name: 'embedded',
    description:
      '512 MiB, 2 CPUs, HZ 100: free memory slowly falls towards LOW while bursts of 300,000 calls/s per CPU arrive each second.',
    claim:
      'Claim 1 on a small machine: reserves are held "needlessly most of the time" (McKenney), and here 100–300 pages (Rezki) ' +
      'are a real share of memory ("does anybody … actually care about 300 pages?", Hocko).',
    durationMs: 10_000,
    workload: {
      ...s.workload,
      phases: [constant(2_000, 10_000), bursts(8_000, { base: 10_000, burst: 300_000, burstMs: 100, periodMs: 1_000 })],
    },
    others: { ...s.others, anonSteps: [{ atMs: 1_000, targetPages: 85_000, rampMs: 5_000 }] },
    events: [],
  };
}
