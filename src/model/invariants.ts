// Invariants checked after every event with --check-invariants (and in tests): pages are
// conserved, no page is in two places, and every kvfree_rcu() object is accounted for.
import type { Page } from '../policy/api.js';
import { PageState, pageStateName } from './page-ledger.js';
import type { Simulation } from './simulation.js';

export class InvariantError extends Error {
  override name = 'InvariantError';
}

/**
 * Runs the checks of one simulation after each of its events. The page walk is the cost (a
 * phone's reserves hold ~1,000 pages, a flood ~400,000 in flight), so it is one pass that
 * stamps each page with the check's number in a typed array and compares the ledger; only
 * when that pass finds something does the slower walk run, to name both places.
 */
export class InvariantChecker {
  private stamps = new Uint32Array(1024);
  private generation = 0;

  constructor(private readonly simulation: Simulation) {}

  check(): void {
    const { allocator, others, host, kvfree, scheduler } = this.simulation;
    const where = () => `at ${(scheduler.now / 1000).toFixed(3)} ms (event ${scheduler.eventsRun})`;
    const ledger = host.ledger.counts;
    const policyPages = ledger[PageState.Held] + ledger[PageState.Reserved] + ledger[PageState.InFlight];
    const accounted = allocator.freePages + allocator.pcpTotal() + others.totalPages + policyPages;
    const managed = this.simulation.scenario.machine.managedPages;
    if (accounted !== managed) {
      throw new InvariantError(
        `pages not conserved ${where()}: managed ${managed} ≠ free ${allocator.freePages} + PCP ${allocator.pcpTotal()} + other users ${others.totalPages} + policy ${policyPages} (= ${accounted})`,
      );
    }
    if (allocator.freePages < 0) throw new InvariantError(`negative free pages ${where()}: ${allocator.freePages}`);
    for (let cpu = 0; cpu < allocator.pcp.length; cpu++) {
      if (allocator.pcp[cpu] < 0) throw new InvariantError(`negative PCP count on cpu ${cpu} ${where()}: ${allocator.pcp[cpu]}`);
    }
    const generation = this.nextGeneration();
    let misplaced = false;
    const visit = (page: Page, state: PageState) => {
      if (page >= this.stamps.length) this.grow(page);
      if (this.stamps[page] === generation || host.ledger.stateOf(page) !== state) misplaced = true;
      this.stamps[page] = generation;
    };
    let reserved = 0;
    host.forEachReservedPage((page) => {
      reserved++;
      visit(page, PageState.Reserved);
    });
    if (ledger[PageState.Reserved] !== reserved || host.reservePages() !== reserved) {
      throw new InvariantError(`reserve pages ${where()}: ledger says ${ledger[PageState.Reserved]}, reserves hold ${reserved}, reserve level ${host.reservePages()}`);
    }
    const inflight = kvfree.countInflightPages();
    if (ledger[PageState.InFlight] !== inflight.pages || kvfree.inflight.value !== inflight.pages) {
      throw new InvariantError(
        `pointer pages ${where()}: ledger says ${ledger[PageState.InFlight]} in flight, tracker ${kvfree.inflight.value}, queues hold ${inflight.pages}`,
      );
    }
    kvfree.forEachInflightPage((page) => visit(page, PageState.InFlight));
    if (misplaced) checkNoPageInTwoPlaces(this.simulation, where);
    const outstanding = kvfree.objectsOutstanding;
    if (outstanding !== inflight.objects) {
      throw new InvariantError(`objects ${where()}: ${kvfree.counters.calls} calls - ${kvfree.counters.objectsFreed} freed = ${outstanding}, but queues hold ${inflight.objects}`);
    }
  }

  private nextGeneration(): number {
    if (this.generation === 0xffffffff) {
      this.stamps.fill(0);
      this.generation = 0;
    }
    return ++this.generation;
  }

  private grow(page: number): void {
    let length = this.stamps.length;
    while (length <= page) length *= 2;
    const grown = new Uint32Array(length);
    grown.set(this.stamps);
    this.stamps = grown;
  }
}

/** The checks once (tests; a run keeps one InvariantChecker). */
export function checkInvariants(simulation: Simulation): void {
  new InvariantChecker(simulation).check();
}

/** Every page the model tracks is in exactly one place, and that place agrees with the ledger. */
function checkNoPageInTwoPlaces(simulation: Simulation, where: () => string): void {
  const { host, kvfree } = simulation;
  const places = new Map<number, { here: string; state: PageState }>();
  const place = (page: Page, here: string, state: PageState) => {
    const before = places.get(page);
    if (before !== undefined) throw new InvariantError(`page ${page} is in two places ${where()}: ${before.here} and ${here}`);
    places.set(page, { here, state });
  };
  host.forEachReservedPage((page, reserve) => place(page, `in reserve "${reserve}"`, PageState.Reserved));
  kvfree.forEachInflightPage((page, cpu) => place(page, cpu >= 0 ? `in flight on cpu ${cpu}` : 'in flight, being freed', PageState.InFlight));
  for (const [page, { here, state }] of places) {
    const ledgerState = host.ledger.stateOf(page as Page);
    if (ledgerState !== state) {
      throw new InvariantError(`page ${page} is ${here} ${where()}, but the ledger has it ${pageStateName(ledgerState)}`);
    }
  }
}
