// Where every page the policy ever received is: held in the policy's hands, resting in a reserve,
// in flight as a pointer page, or given back. A page in two places, a page returned twice or a
// page the policy never owned is a PolicyError that stops the run.
import type { Page } from '../policy/api.js';

export const enum PageState {
  Returned = 0,
  Held = 1,
  Reserved = 2,
  InFlight = 3,
}

const STATE_NAMES = ['given back to the allocator', 'held by the policy', 'in a reserve', 'in flight as a pointer page'];

/** "in a reserve", "held by the policy", ... for messages. */
export function pageStateName(state: PageState): string {
  return STATE_NAMES[state] ?? `in unknown state ${state}`;
}

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export class PageLedger {
  private states = new Uint8Array(1024);
  private nextPage = 1;
  /** Pages in each state (index = PageState); Returned is not counted. */
  readonly counts = [0, 0, 0, 0];

  mint(): Page {
    const page = this.nextPage++;
    if (page >= this.states.length) {
      const grown = new Uint8Array(this.states.length * 2);
      grown.set(this.states);
      this.states = grown;
    }
    this.states[page] = PageState.Held;
    this.counts[PageState.Held]++;
    return page as Page;
  }

  stateOf(page: Page): PageState {
    return this.isMinted(page) ? (this.states[page] as PageState) : PageState.Returned;
  }

  isMinted(page: unknown): page is Page {
    return typeof page === 'number' && Number.isInteger(page) && page >= 1 && page < this.nextPage;
  }

  /** Moves a page from `from` to `to`, or explains in `action` terms why it cannot. */
  move(page: unknown, from: PageState, to: PageState, action: string): void {
    if (!this.isMinted(page)) throw new PolicyError(`${action}: ${String(page)} is not a page the model gave out`);
    const state = this.states[page] as PageState;
    if (state !== from) {
      const twice = state === PageState.Returned ? ' (returned twice?)' : '';
      throw new PolicyError(`${action}: page ${page} is ${STATE_NAMES[state]}, expected it ${STATE_NAMES[from]}${twice}`);
    }
    this.states[page] = to;
    if (from !== PageState.Returned) this.counts[from]--;
    if (to !== PageState.Returned) this.counts[to]++;
  }

  get heldPages(): number {
    return this.counts[PageState.Held];
  }
}
