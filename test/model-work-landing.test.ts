// Point 1 of the fidelity issue: a work item's allocations delay its completion, so the pages
// it puts into a reserve become usable only when that work item has finished. Two work items
// running side by side each land their own pages: the quick one finishing first must not make
// the slow one's pages usable early (src/model/policy-host.ts, runWork()).
import { describe, expect, it } from 'vitest';
import { deterministicTiming, quietScenario, simulate, testPolicy } from './helpers/model-harness.js';

describe('pages put by a work item land when that work item finishes', () => {
  it('a quick work item on CPU 0 does not land the pages a slow one on CPU 1 is still allocating', () => {
    const seen: Array<{ atUs: number; usable: boolean }> = [];
    const policy = testPolicy('two-refills', (kernel) => {
      const cache = kernel.reserve('cache', { shared: false });
      const refill = (cpu: number, pages: number) => () => {
        for (let index = 0; index < pages; index++) {
          const page = kernel.alloc(cpu, 'KERNEL');
          if (page) cache.put(cpu, page);
        }
      };
      const look = () => {
        const page = cache.take(1);
        seen.push({ atUs: kernel.now(), usable: page !== null });
        if (page) cache.put(1, page);
      };
      return {
        onStart() {
          // Both start after the 50 µs wake-up: one page (≈ 5 µs of allocator time) and 200 (≈ 60 µs).
          kernel.queueWork(0, 'highpri', refill(0, 1));
          kernel.queueWork(1, 'highpri', refill(1, 200));
          kernel.hrtimer(1, 75, look); // ≈ 80 µs: the quick one is done, the slow one is not
          kernel.hrtimer(1, 295, look); // ≈ 300 µs: both are done
        },
        needPage: () => null,
        pageEmptied: (cpu, page) => kernel.free(cpu, page),
      };
    });
    simulate(deterministicTiming(quietScenario(), { wakeUs: 50 }), policy);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatchObject({ usable: false });
    expect(seen[0]!.atUs).toBeGreaterThan(56);
    expect(seen[1]).toMatchObject({ usable: true });
  });
});
