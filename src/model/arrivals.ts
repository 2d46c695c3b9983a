// kvfree_rcu() arrivals per CPU, handled in bulk. Calls on a CPU form a Poisson process with a
// time-varying rate. Each CPU's calls are numbered; the position of call n in "cumulative rate"
// space (Λ) comes from blocks of CALLS_PER_BLOCK calls whose lengths are Gamma draws addressed
// by block number, with calls spaced evenly inside a block. So the arrival times are fixed by
// (seed, cpu) alone — identical for every policy — and the model can jump straight to "the
// time of the call that finds this page full" or "how many calls arrived by time t".
import { numberList } from '../engine/lists.js';
import type { IndexedStream } from '../engine/random.js';
import type { RatePhase } from '../scenario/types.js';

export const CALLS_PER_BLOCK = 256;

/** A piecewise-linear rate (calls per µs) and its integral Λ(t). */
export class RateProfile {
  /** Segment i spans [starts[i], starts[i+1]) with rate rates0[i] + slopes[i]·(t - starts[i]). */
  private readonly starts = numberList();
  private readonly rates0 = numberList();
  private readonly slopes = numberList();
  private readonly lambdaAtStart = numberList();
  readonly endUs: number;
  readonly totalLambda: number;

  constructor(phases: RatePhase[], durationUs: number) {
    let time = 0;
    const perUs = (perSec: number) => perSec / 1e6;
    const add = (lengthUs: number, from: number, to: number) => {
      if (lengthUs <= 0 || time >= durationUs) return;
      const clipped = Math.min(lengthUs, durationUs - time);
      const slope = (to - from) / lengthUs;
      this.starts.push(time);
      this.rates0.push(from);
      this.slopes.push(slope);
      time += clipped;
    };
    for (const phase of phases) {
      const lengthUs = phase.durationMs * 1000;
      if (phase.kind === 'constant') add(lengthUs, perUs(phase.callsPerSecPerCpu), perUs(phase.callsPerSecPerCpu));
      else if (phase.kind === 'ramp') add(lengthUs, perUs(phase.fromCallsPerSecPerCpu), perUs(phase.toCallsPerSecPerCpu));
      else {
        const phaseEnd = time + lengthUs;
        const periodUs = phase.periodMs * 1000;
        const burstUs = Math.min(phase.burstMs * 1000, periodUs);
        while (time < phaseEnd && time < durationUs) {
          const burst = Math.min(burstUs, phaseEnd - time);
          add(burst, perUs(phase.burstCallsPerSecPerCpu), perUs(phase.burstCallsPerSecPerCpu));
          const rest = Math.min(periodUs - burstUs, phaseEnd - time);
          add(rest, perUs(phase.baseCallsPerSecPerCpu), perUs(phase.baseCallsPerSecPerCpu));
        }
      }
    }
    this.endUs = Math.min(time, durationUs);
    let lambda = 0;
    for (let index = 0; index < this.starts.length; index++) {
      this.lambdaAtStart.push(lambda);
      const length = this.segmentEnd(index) - this.starts[index];
      lambda += this.rates0[index] * length + (this.slopes[index] * length * length) / 2;
    }
    this.totalLambda = lambda;
  }

  private segmentEnd(index: number): number {
    return index + 1 < this.starts.length ? this.starts[index + 1] : this.endUs;
  }

  /** Segment containing time t (last one at or before), searched from a hint. */
  private segmentAt(time: number, hint: number): number {
    let index = Math.min(Math.max(hint, 0), this.starts.length - 1);
    while (index + 1 < this.starts.length && this.starts[index + 1] <= time) index++;
    while (index > 0 && this.starts[index] > time) index--;
    return index;
  }

  /** Λ(t): expected calls per CPU in [0, t]. */
  lambdaAt(time: number, hint = 0): number {
    if (this.starts.length === 0 || time <= 0) return 0;
    if (time >= this.endUs) return this.totalLambda;
    const index = this.segmentAt(time, hint);
    const dt = time - this.starts[index];
    return this.lambdaAtStart[index] + this.rates0[index] * dt + (this.slopes[index] * dt * dt) / 2;
  }

  /** Smallest t with Λ(t) = lambda; Infinity past the end of the arrival window. */
  timeAt(lambda: number, hint = 0): number {
    if (lambda > this.totalLambda || this.starts.length === 0) return Infinity;
    let index = Math.min(Math.max(hint, 0), this.starts.length - 1);
    while (index + 1 < this.starts.length && this.lambdaAtStart[index + 1] < lambda) index++;
    while (index > 0 && this.lambdaAtStart[index] >= lambda) index--;
    const remaining = lambda - this.lambdaAtStart[index];
    const rate = this.rates0[index];
    const slope = this.slopes[index];
    let dt: number;
    if (Math.abs(slope) < 1e-18) dt = rate > 0 ? remaining / rate : 0;
    else {
      // rate·dt + slope·dt²/2 = remaining, the root on the rising side.
      const discriminant = Math.max(0, rate * rate + 2 * slope * remaining);
      dt = (2 * remaining) / (rate + Math.sqrt(discriminant));
    }
    return Math.min(this.starts[index] + dt, this.segmentEnd(index));
  }

  segmentHint(time: number, hint: number): number {
    return this.starts.length === 0 ? 0 : this.segmentAt(time, hint);
  }
}

/** The calls of one CPU. Call numbers start at 0; queries move forward in time. */
export class CallSequence {
  /** Λ-position where block (firstBlock + i) ends. */
  private blockEnds = numberList();
  private firstBlock = 0;
  private firstBlockStart = 0;
  private generatedEnd = 0;
  private hint = 0;

  constructor(
    private readonly profile: RateProfile,
    private readonly blockStream: IndexedStream,
  ) {}

  private ensureBlock(block: number): void {
    while (this.firstBlock + this.blockEnds.length <= block) {
      const index = this.firstBlock + this.blockEnds.length;
      this.generatedEnd += this.blockStream.at(index).gamma(CALLS_PER_BLOCK);
      this.blockEnds.push(this.generatedEnd);
    }
  }

  private blockStart(block: number): number {
    return block === this.firstBlock ? this.firstBlockStart : this.blockEnds[block - 1 - this.firstBlock];
  }

  /** Λ-position of call n. */
  private position(call: number): number {
    const block = Math.floor(call / CALLS_PER_BLOCK);
    this.ensureBlock(block);
    const start = this.blockStart(block);
    const end = this.blockEnds[block - this.firstBlock];
    return start + ((call - block * CALLS_PER_BLOCK + 1) / CALLS_PER_BLOCK) * (end - start);
  }

  /** Time of call n in µs, Infinity when it falls after the arrival window. */
  timeOf(call: number): number {
    const lambda = this.position(call);
    if (lambda > this.profile.totalLambda) return Infinity;
    return this.profile.timeAt(lambda, this.hint);
  }

  /** How many calls (numbered from 0) arrive at or before time t, given that `from` already have. */
  countBy(time: number, from: number): number {
    this.hint = this.profile.segmentHint(time, this.hint);
    const lambda = this.profile.lambdaAt(time, this.hint);
    let block = Math.floor(from / CALLS_PER_BLOCK);
    this.ensureBlock(block);
    while (this.blockEnds[block - this.firstBlock] < lambda) {
      block++;
      this.ensureBlock(block);
    }
    const start = this.blockStart(block);
    const end = this.blockEnds[block - this.firstBlock];
    const within = Math.floor(((lambda - start) / (end - start)) * CALLS_PER_BLOCK + 1e-9);
    let count = Math.max(from, block * CALLS_PER_BLOCK + Math.max(0, Math.min(CALLS_PER_BLOCK, within)));
    // Λ(t) and timeOf()'s inverse round differently (≈1e-16·Λ, a whole call's worth past Λ ≈ 1e7):
    // settle the boundary with timeOf() itself, so the call at exactly `time` has arrived by it.
    while (this.timeOf(count) <= time) count++;
    while (count > from && this.timeOf(count - 1) > time) count--;
    this.forget(Math.floor(from / CALLS_PER_BLOCK));
    return count;
  }

  /** Drops blocks before `block`: queries never go back. */
  private forget(block: number): void {
    const drop = block - this.firstBlock;
    if (drop < 64) return;
    this.firstBlockStart = this.blockEnds[drop - 1];
    this.blockEnds = this.blockEnds.slice(drop);
    this.firstBlock = block;
  }
}
