// Invariants checked after every event with --check-invariants (and in tests): pages are
// conserved, no page is in two places, and every kvfree_rcu() object is accounted for.
import type { Page } from '../policy/api.js';
import { PageState, pageStateName } from './page-ledger.js';
import type { Simulation } from './simulation.js';

export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** Visits (a page, or one CPU's lists) the checks may cost per event, on average: a fraction of what an event itself costs. */
export const VISITS_PER_EVENT = 16;
/** What the count checks visit per CPU: its PCP count, its other users' pages, its reserve parts and pointer-page queues. */
const COUNT_VISITS_PER_CPU = 8;

/**
 * Runs the checks of one simulation after its events, each as often as the events since it last
 * ran could pay for it at VISITS_PER_EVENT, and all of them at the end of the run. The counts
 * (pages conserved, none negative, the reserves' and the pointer-page queues' lengths against the
 * ledger and the trackers) cost a few visits per CPU: on a phone they run after every event, on
 * 64 CPUs every 32 events. They catch a page lost, gained or counted twice. The walk over every
 * tracked page (no page in two places, each where the ledger says, every object in a pointer
 * page) costs as much as the pages tracked — a phone's reserves hold ~1,000, a flood ~400,000 in
 * flight: with up to 16 pages tracked it runs after every event, with 400,000 every 25,000. It is
 * one pass that stamps each page with the walk's number in a typed array and compares the
 * ledger; only when that pass finds something does the slower walk run, to name both places.
 */
export class InvariantChecker {
  private stamps = new Uint32Array(1024);
  private generation = 0;
  private eventsSinceWalk = 0;
  private eventsSinceCounts = 0;

  constructor(private readonly simulation: Simulation) {}

  /** After an event. */
  check(): void {
    this.eventsSinceCounts++;
    if (this.eventsSinceCounts * VISITS_PER_EVENT >= COUNT_VISITS_PER_CPU * this.simulation.scenario.machine.cpus) this.counts();
    this.eventsSinceWalk++;
    const ledger = this.simulation.host.ledger.counts;
    if (this.eventsSinceWalk * VISITS_PER_EVENT >= ledger[PageState.Reserved] + ledger[PageState.InFlight]) this.walk();
  }

  /** Every check once more, whenever each last ran: the end of a run. */
  finish(): void {
    this.counts();
    this.walk();
  }

  private counts(): void {
    this.eventsSinceCounts = 0;
    const { allocator, others, host, kvfree } = this.simulation;
    const ledger = host.ledger.counts;
    const policyPages = ledger[PageState.Held] + ledger[PageState.Reserved] + ledger[PageState.InFlight];
    const accounted = allocator.freePages + allocator.pcpTotal() + others.totalPages + policyPages;
    const managed = this.simulation.scenario.machine.managedPages;
    if (accounted !== managed) {
      throw new InvariantError(
        `pages not conserved ${this.where()}: managed ${managed} ≠ free ${allocator.freePages} + PCP ${allocator.pcpTotal()} + other users ${others.totalPages} + policy ${policyPages} (= ${accounted})`,
      );
    }
    if (allocator.freePages < 0) throw new InvariantError(`negative free pages ${this.where()}: ${allocator.freePages}`);
    for (let cpu = 0; cpu < allocator.pcp.length; cpu++) {
      if (allocator.pcp[cpu] < 0) throw new InvariantError(`negative PCP count on cpu ${cpu} ${this.where()}: ${allocator.pcp[cpu]}`);
    }
    this.checkReserved(host.countReservedPages());
    this.checkInflight(kvfree.countInflightPages());
  }

  private walk(): void {
    this.eventsSinceWalk = 0;
    const { host, kvfree } = this.simulation;
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
    this.checkReserved(reserved);
    let inflight = 0;
    kvfree.forEachInflightPage((page) => {
      inflight++;
      visit(page, PageState.InFlight);
    });
    this.checkInflight(inflight);
    if (misplaced) checkNoPageInTwoPlaces(this.simulation, () => this.where());
    const outstanding = kvfree.objectsOutstanding;
    const held = kvfree.countInflightObjects();
    if (outstanding !== held) {
      throw new InvariantError(`objects ${this.where()}: ${kvfree.counters.calls} calls - ${kvfree.counters.objectsFreed} freed = ${outstanding}, but queues hold ${held}`);
    }
  }

  private checkReserved(reserved: number): void {
    const { host } = this.simulation;
    const ledger = host.ledger.counts[PageState.Reserved];
    if (ledger !== reserved || host.reservePages() !== reserved) {
      throw new InvariantError(`reserve pages ${this.where()}: ledger says ${ledger}, reserves hold ${reserved}, reserve level ${host.reservePages()}`);
    }
  }

  private checkInflight(pages: number): void {
    const { host, kvfree } = this.simulation;
    const ledger = host.ledger.counts[PageState.InFlight];
    if (ledger !== pages || kvfree.inflight.value !== pages) {
      throw new InvariantError(`pointer pages ${this.where()}: ledger says ${ledger} in flight, tracker ${kvfree.inflight.value}, queues hold ${pages}`);
    }
  }

  private where(): string {
    const { scheduler } = this.simulation;
    return `at ${(scheduler.now / 1000).toFixed(3)} ms (event ${scheduler.eventsRun})`;
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

/** Every check once (tests; a run keeps one InvariantChecker). */
export function checkInvariants(simulation: Simulation): void {
  new InvariantChecker(simulation).finish();
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
