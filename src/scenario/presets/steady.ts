// `steady` (claim 1): plenty of free memory and a modest, even call rate. Nothing ever runs
// short, so any page a policy keeps in reserve only sits there.
import type { Scenario } from '../types.js';
import { constant, phone } from './parts.js';

export function steadyScenario(): Scenario {
  const s = phone();
  return {
    ...s,
    name: 'steady',
    description: 'Phone with ≈ 150,000 free pages and a steady 20,000 calls/s per CPU: nobody runs short, so reserved pages sit idle.',
    claim:
      'Claim 1: preallocation wastes memory "needlessly most of the time" (McKenney); phones care about 100–300 pages (Rezki); ' +
      '"does anybody … actually care about 300 pages?" (Hocko).',
    durationMs: 10_000,
    workload: { ...s.workload, phases: [constant(10_000, 20_000)] },
    others: { ...s.others, anonInitialPages: 500_000, pageCachePages: 300_000, anonSteps: [] },
    events: [],
  };
}
