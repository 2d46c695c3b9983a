// Which of a CPU's calls are headless, and the true context of each two-argument call, drawn
// from the call number alone: the same calls come whatever the policy did before (common random
// numbers), in whatever order the model looks at them.
//
// A run of two-argument fallbacks is counted, not visited: all it needs is where the next
// headless call is. That is one 32-bit hash per call (headlessFrom()), against the full visit of
// a call that needs a page (its context draws, the memo, the fallback's bookkeeping). A run whose
// null holds only for some caller kinds needs where the next call of another kind is: up to
// three hashes per call (firstOutside()).
import type { IndexedStream } from '../engine/random.js';
import type { WorkloadSpec } from '../scenario/types.js';
import { twoArgKindIndex } from './caller-context.js';

/** Signature code of a headless call; two-argument calls use kind index × 2 + lock held (0..11). */
export const HEADLESS_CODE = 12;
/** Every two-argument signature code, as a bit set. */
export const ALL_TWO_ARG_CODES = (1 << HEADLESS_CODE) - 1;

export class CallKinds {
  constructor(
    private readonly workload: WorkloadSpec,
    /** Per call: slot 0 the form, slots 1–3 a two-argument caller's context and lock. */
    private readonly draws: IndexedStream,
  ) {}

  isHeadless(call: number): boolean {
    return this.draws.uniform32At(call, 0) < this.workload.headlessShare;
  }

  /** The first headless call in [call, limit), else limit. */
  headlessFrom(call: number, limit: number): number {
    if (this.workload.headlessShare <= 0) return limit;
    for (let next = call; next < limit; next++) if (this.isHeadless(next)) return next;
    return limit;
  }

  /** The first call in [call, limit) whose signature bit is not in `signatures`, else limit. */
  firstOutside(call: number, limit: number, signatures: number): number {
    if ((signatures & ALL_TWO_ARG_CODES) === ALL_TWO_ARG_CODES) return (signatures & (1 << HEADLESS_CODE)) !== 0 ? limit : this.headlessFrom(call, limit);
    for (let next = call; next < limit; next++) if ((this.signatureBit(next) & signatures) === 0) return next;
    return limit;
  }

  /** The call's signature code as one bit: headless, or its true kind × lock held. */
  signatureBit(call: number): number {
    if (this.isHeadless(call)) return 1 << HEADLESS_CODE;
    const workload = this.workload;
    const draws = this.draws;
    // A kvfree_rcu_mightsleep() caller cannot hold a spinlock, let alone an allocator lock.
    const lock = workload.allocatorLockShare > 0 && draws.uniform32At(call, 2) < workload.allocatorLockShare;
    const contextU = draws.uniform32At(call, 1);
    const atomicU = contextU >= workload.context.sleepable ? draws.uniform32At(call, 3) : 0;
    return 1 << (twoArgKindIndex(workload, contextU, atomicU, lock) * 2 + (lock ? 1 : 0));
  }
}
