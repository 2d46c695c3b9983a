// Other users of memory (docs/model.md §3, issue 2 item 3): per-CPU background allocations with a
// lifetime, anonymous memory that steps towards targets, and a user-space low-memory killer.
// They act once per tick; their draws are addressed by (tick, cpu), so what they ask for is the
// same whatever the policy does — only whether the allocator can give it differs.
import { numberList } from '../engine/lists.js';
import { Priority, type Scheduler } from '../engine/scheduler.js';
import { BinomialSampler, PoissonSampler, type IndexedStream, type RandomStreams } from '../engine/random.js';
import type { Scenario } from '../scenario/types.js';
import type { Allocator } from './allocator.js';

export class OtherUsers {
  /** Background pages each CPU's users hold. */
  readonly backgroundPages: Int32Array;
  allocFailures = 0;
  lmkKills = 0;
  /** Pages another subsystem took from a shared reserve and still holds. */
  borrowedPages = 0;
  /** Anonymous memory freed by kills: those tasks are gone, so the targets shrink by it. */
  private killedAnonPages = 0;
  private lowSince = -1;
  /** Until when each CPU's faulting task sleeps in direct reclaim (__perform_reclaim()). */
  private readonly faultsBlockedUntil: Float64Array;
  private tick = 0;
  private readonly background: IndexedStream;
  /** Frees draw from their own stream: how many pages users hold depends on the policy, what they ask for must not. */
  private readonly backgroundFrees: IndexedStream;
  private readonly anonStartLevels: number[];
  /** Each tick's draws: the tick length, allocation rate and lifetime never change within a run. */
  private readonly allocDraws: PoissonSampler;
  private readonly freeDraws: BinomialSampler;

  constructor(
    private readonly scheduler: Scheduler,
    streams: RandomStreams,
    private readonly scenario: Scenario,
    private readonly allocator: Allocator,
  ) {
    this.backgroundPages = new Int32Array(scenario.machine.cpus);
    this.faultsBlockedUntil = new Float64Array(scenario.machine.cpus);
    this.background = streams.indexedStream('others/background');
    this.backgroundFrees = streams.indexedStream('others/background-frees');
    allocator.onOomKill = (pages) => (this.killedAnonPages += pages);
    const others = scenario.others;
    const tickUs = others.tickMs * 1000;
    this.allocDraws = new PoissonSampler((others.backgroundAllocsPerSecPerCpu * tickUs) / 1e6);
    this.freeDraws = new BinomialSampler(others.backgroundLifetimeMs > 0 ? 1 - Math.exp(-tickUs / (others.backgroundLifetimeMs * 1000)) : 1);
    // Level at which each step starts: where the steps before it had got to by then.
    this.anonStartLevels = numberList();
    for (let index = 0; index < scenario.others.anonSteps.length; index++) {
      this.anonStartLevels.push(this.anonTarget(scenario.others.anonSteps[index].atMs * 1000, index));
    }
  }

  /** Pages held outside the policy and the free lists: users, reclaim in progress, an exiting OOM victim. */
  get totalPages(): number {
    const allocator = this.allocator;
    let total = allocator.anonPages + allocator.pageCachePages + this.borrowedPages + allocator.isolatedPages + allocator.workingPages + allocator.exitingPages;
    for (let cpu = 0; cpu < this.backgroundPages.length; cpu++) total += this.backgroundPages[cpu];
    return total;
  }

  start(endUs: number): void {
    const tickUs = this.scenario.others.tickMs * 1000;
    const step = () => {
      this.act();
      if (this.scheduler.now + tickUs <= endUs) this.scheduler.after(tickUs, Priority.memory, step);
    };
    this.scheduler.at(tickUs, Priority.memory, step);
  }

  /** Another subsystem keeps `pages` for holdMs, then frees them. */
  borrow(pages: number, holdMs: number): void {
    if (pages <= 0) return;
    this.borrowedPages += pages;
    this.scheduler.after(holdMs * 1000, Priority.memory, () => {
      this.borrowedPages -= pages;
      this.allocator.freeToBuddy(pages);
    });
  }

  private act(): void {
    const others = this.scenario.others;
    const cpus = this.scenario.machine.cpus;
    for (let cpu = 0; cpu < cpus; cpu++) {
      const key = this.tick * cpus + cpu;
      const frees = this.freeDraws.draw(this.backgroundFrees.at(key), this.backgroundPages[cpu]);
      this.allocator.freeMany(cpu, 'others', frees);
      this.backgroundPages[cpu] -= frees;
      const stream = this.background.at(key);
      const allocs = this.allocDraws.draw(stream);
      // Above LOW every GFP class takes the same path: those pages are taken in one step and
      // their class draws passed over, so the draws of the pages after them stay the same.
      const aboveLow = this.allocator.allocAboveLow(cpu, 'others', allocs);
      stream.skip(aboveLow);
      this.backgroundPages[cpu] += aboveLow;
      for (let index = aboveLow; index < allocs; index++) {
        const gfp = stream.uniform() < others.backgroundAtomicShare ? 'ATOMIC' : 'KERNEL';
        if (this.allocator.alloc(cpu, gfp, 'others')) this.backgroundPages[cpu]++;
        else this.allocFailures++;
      }
    }
    // Other users are an open load (they do not wait for their reclaim): their costs are dropped.
    this.allocator.costUs = 0;
    this.allocator.reclaimUs = 0;
    this.moveAnon(this.tick % cpus);
    this.lowMemoryKiller();
    this.tick++;
  }

  private anonTarget(timeUs: number, stepsBefore = this.scenario.others.anonSteps.length): number {
    const steps = this.scenario.others.anonSteps;
    let level = this.scenario.others.anonInitialPages;
    for (let index = 0; index < stepsBefore; index++) {
      const step = steps[index];
      const startUs = step.atMs * 1000;
      if (timeUs < startUs) break;
      const startLevel = this.anonStartLevels[index] ?? level;
      const fraction = step.rampMs > 0 ? Math.min(1, (timeUs - startUs) / (step.rampMs * 1000)) : 1;
      level = startLevel + (step.targetPages - startLevel) * fraction;
    }
    return Math.round(level);
  }

  private moveAnon(cpu: number): void {
    const wanted = Math.max(0, this.anonTarget(this.scheduler.now) - this.killedAnonPages);
    let delta = wanted - this.allocator.anonPages;
    if (delta < 0) {
      this.allocator.anonPages += delta;
      this.allocator.freeToBuddy(-delta);
      return;
    }
    // Page faults: GFP_KERNEL-class allocations, which may reclaim and call the OOM killer. A
    // fault that went into direct reclaim puts its task to sleep for the round: that CPU's
    // faults wait until it wakes (the target is caught up later).
    if (this.faultsBlockedUntil[cpu] > this.scheduler.now) return;
    const allocator = this.allocator;
    allocator.reclaimUs = 0;
    while (delta > 0) {
      const aboveLow = allocator.allocAboveLow(cpu, 'others', delta);
      allocator.anonPages += aboveLow;
      delta -= aboveLow;
      if (delta === 0) break;
      const ok = allocator.alloc(cpu, 'KERNEL', 'others');
      if (ok) {
        allocator.anonPages++;
        delta--;
      } else this.allocFailures++;
      if (!ok || allocator.reclaimUs > 0) break;
    }
    this.faultsBlockedUntil[cpu] = this.scheduler.now + allocator.reclaimUs;
    allocator.costUs = 0;
    allocator.reclaimUs = 0;
  }

  private lowMemoryKiller(): void {
    const killers = this.scenario.killers;
    if (killers.lmkThresholdPages <= 0) return;
    if (this.allocator.freePages >= killers.lmkThresholdPages) {
      this.lowSince = -1;
      return;
    }
    if (this.lowSince < 0) this.lowSince = this.scheduler.now;
    else if (this.scheduler.now - this.lowSince >= killers.lmkDelayMs * 1000) {
      const victim = Math.min(killers.lmkVictimPages, this.allocator.anonPages);
      if (victim > 0) {
        this.allocator.killVictim(victim);
        this.lmkKills++;
      }
      this.lowSince = this.scheduler.now;
    }
  }
}
