// Other users take and free pages many at a time (other-users.ts): allocAboveLow() and freeMany()
// must leave the allocator exactly as the same number of alloc() and free() calls would, at every
// level of free memory and of the PCP list, with kswapd awake (a lower `high`) or not.
import { describe, expect, it } from 'vitest';
import type { Allocator } from '../src/model/allocator.js';
import { allocatorFor, quietScenario } from './helpers/model-harness.js';

/** Everything a later call could see of the allocator. */
function state(allocator: Allocator) {
  return {
    free: allocator.freePages,
    pcp: Array.from(allocator.pcp),
    epoch: allocator.epoch,
    zoneLockBy: { ...allocator.zoneLockBy },
    pcpRefillsBy: { ...allocator.pcpRefillsBy },
    costUs: allocator.costUs,
    lowestFree: allocator.takeLowestFree(),
  };
}

/** Two allocators in the same state: free memory `aboveLowBy` pages above LOW, CPU 0's list holding `pcp`. */
function twin(aboveLowBy: number, pcp: number, kswapdAwake: boolean) {
  const make = () => {
    const { allocator } = allocatorFor(quietScenario());
    allocator.freePages = allocator.lowPages + aboveLowBy;
    allocator.pcp[0] = pcp;
    allocator.kswapdAwake = kswapdAwake;
    allocator.takeLowestFree();
    return allocator;
  };
  return [make(), make()] as const;
}

describe('the allocator\'s bulk paths', () => {
  it.each([
    [500, 0, 20],
    [500, 7, 200],
    [70, 3, 300],
    [1, 0, 5],
    [0, 10, 5],
  ])('allocAboveLow() with free memory LOW + %i and %i pages on the list takes what %i alloc() calls would take above LOW', (aboveLowBy, pcp, count) => {
    const [bulk, single] = twin(aboveLowBy, pcp, false);
    const taken = bulk.allocAboveLow(0, 'others', count);
    let singles = 0;
    while (singles < count && single.freePages > single.lowPages) {
      expect(single.alloc(0, 'KERNEL', 'others')).toBe(true);
      singles++;
    }
    expect(taken).toBe(singles);
    expect(state(bulk)).toEqual(state(single));
  });

  it.each([
    [0, 1, false],
    [0, 500, false],
    [377, 3, false],
    [300, 40, true],
    [100, 1_000, true],
  ])('freeMany() onto a list of %i pages frees what %i free() calls would (kswapd awake: %s)', (pcp, count, kswapdAwake) => {
    const [bulk, single] = twin(1_000, pcp, kswapdAwake);
    bulk.freeMany(0, 'others', count);
    for (let index = 0; index < count; index++) single.free(0, 'others');
    expect(state(bulk)).toEqual(state(single));
  });
});
