// The Kernel handle a policy gets, and the host that calls the policy's hooks in the right
// context. It enforces the context rules (docs/policies.md) on the caller's true context, which the
// policy cannot see: an allocator call that would sleep outside a sleepable task, any page
// allocator call (GFP_ATOMIC included) from a non-preemptible context on PREEMPT_RT, or one that
// re-takes an allocator lock the caller holds is refused and counted; page ownership is kept in
// the ledger.
import { objectList } from '../engine/lists.js';
import { LevelTracker } from '../engine/histogram.js';
import { Priority, type Scheduler } from '../engine/scheduler.js';
import type { Stream } from '../engine/random.js';
import type { CallForm, Gfp, Kernel, MemoryView, Page, PageRequest, PolicyHooks, Reserve, WorkQueue } from '../policy/api.js';
import type { Allocator } from './allocator.js';
import { isPreemptible, isSleepable, type CallerKind } from './caller-context.js';
import { MemoryKey } from './memory-key.js';
import { PageLedger, PageState, PolicyError } from './page-ledger.js';
import type { TraceGfp, TraceSink } from './trace-sink.js';
import { doShrinkSlab } from './shrinker.js';
import type { WakeLatency } from './workqueues.js';

/** A count from a policy hook: a non-negative finite number, else 0. */
function finiteCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

export interface Violations {
  sleepInAtomic: number;
  /** On PREEMPT_RT: the (sleeping) zone/PCP lock taken from a non-preemptible context. */
  zoneLockUnderRawLock: number;
  lockRecursion: number;
}

interface HookContext {
  kind: CallerKind;
  holdsAllocatorLock: boolean;
  /** Something in the call looked at or changed allocator state. */
  touchedMemory: boolean;
  violated: boolean;
  /** needPage's CPU (-1 in other hooks), and whether the answer rests on more than the memo tracks. */
  cpu: number;
  unrepeatable: boolean;
  /** The hook read the caller's context from its request, or made a call the model judged by the true context. */
  usedContext: boolean;
  /** needPage only: what its memory reads rest on (memory-key.ts); null in other hooks. */
  memoryKey: MemoryKey | null;
}

/**
 * A PageRequest whose context fields note that they were read: an answer that read none of them
 * and made no call judged by the true context holds for every two-argument caller alike.
 */
class RequestView implements PageRequest {
  // Private for real (#): a policy sees the request's fields and nothing of the model behind them.
  readonly #shape: PageRequest;
  readonly #host: PolicyHost;

  constructor(
    readonly cpu: number,
    readonly form: CallForm,
    shape: PageRequest,
    host: PolicyHost,
  ) {
    this.#shape = shape;
    this.#host = host;
  }

  get irqsDisabled(): boolean {
    this.#host.noteContextUsed();
    return this.#shape.irqsDisabled;
  }

  get inHardirq(): boolean {
    this.#host.noteContextUsed();
    return this.#shape.inHardirq;
  }

  get inServingSoftirq(): boolean {
    this.#host.noteContextUsed();
    return this.#shape.inServingSoftirq;
  }

  get preemptible(): boolean | undefined {
    // Without PREEMPT_COUNT it is undefined for every caller: reading it tells them apart no more than not reading it.
    if (this.#shape.preemptible !== undefined) this.#host.noteContextUsed();
    return this.#shape.preemptible;
  }

  /** JSON.stringify() and console.log() show the fields like a plain object's. */
  toJSON(): PageRequest {
    return { cpu: this.cpu, form: this.form, irqsDisabled: this.irqsDisabled, inHardirq: this.inHardirq, inServingSoftirq: this.inServingSoftirq, preemptible: this.preemptible };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): PageRequest {
    return this.toJSON();
  }
}

/** A page a work item put into a reserve, usable once that work has finished. */
interface LandingPage {
  reserve: ReserveHolder;
  index: number;
  page: Page;
}

class ReserveHolder implements Reserve {
  private readonly parts: Page[][];
  /** Pages a running work item has put that land when the work gets that far. */
  private readonly landing: Page[][];

  constructor(
    readonly name: string,
    readonly shared: boolean,
    cpus: number,
    private readonly host: PolicyHost,
  ) {
    this.parts = Array.from({ length: shared ? 1 : cpus }, () => []);
    this.landing = Array.from({ length: shared ? 1 : cpus }, () => []);
  }

  size(cpu: number): number {
    return this.part(cpu).length + this.landing[this.shared ? 0 : cpu].length;
  }

  total(): number {
    // Every CPU's part: as for part(), a null answer that counted other CPUs' pages is not kept.
    if (!this.shared && this.parts.length > 1 && this.host.needPageCpu >= 0) this.host.markUnrepeatable();
    let total = 0;
    for (const part of this.parts) total += part.length;
    for (const part of this.landing) total += part.length;
    return total;
  }

  put(cpu: number, page: Page): void {
    this.host.ledger.move(page, PageState.Held, PageState.Reserved, `reserve "${this.name}".put`);
    const part = this.part(cpu);
    this.host.reserveLevel.add(this.host.scheduler.now, 1);
    if (this.host.inWork) {
      // A work item's allocations delay its completion: the page is the policy's, usable when the work ends.
      const index = this.shared ? 0 : cpu;
      this.landing[index].push(page);
      this.host.landsWithWork({ reserve: this, index, page });
      return;
    }
    part.push(page);
    this.bumped(cpu);
  }

  /**
   * A work item that put `page` has finished: the page is usable now. Only that work's own pages:
   * another work item still running on the same part lands its pages when it ends.
   */
  land(index: number, page: Page): void {
    const landing = this.landing[index];
    landing.splice(landing.lastIndexOf(page), 1);
    this.parts[index].push(page);
  }

  /** After land(): what a null answer rested on changed for that part. */
  landed(index: number): void {
    this.bumped(index);
  }

  private bumped(cpu: number): void {
    if (this.shared) this.host.bumpShared();
    else this.host.bumpCpu(cpu);
  }

  take(cpu: number): Page | null {
    const page = this.part(cpu).pop();
    if (page === undefined) return null;
    this.host.ledger.move(page, PageState.Reserved, PageState.Held, `reserve "${this.name}".take`);
    this.host.reserveLevel.add(this.host.scheduler.now, -1);
    return page;
  }

  /** Pages resting in this reserve, from its lists' lengths (for the invariant check; unlike total(), no effect on answers). */
  pageCount(): number {
    let count = 0;
    for (const part of this.parts) count += part.length;
    for (const part of this.landing) count += part.length;
    return count;
  }

  /** Visits every page resting in this reserve (for the invariant check). */
  forEachPage(visit: (page: Page) => void): void {
    for (const part of this.parts) for (const page of part) visit(page);
    for (const part of this.landing) for (const page of part) visit(page);
  }

  /** Another subsystem empties (part of) a shared pool (docs/model.md §6 claim 7). */
  steal(maxPages: number): number {
    let stolen = 0;
    for (const part of this.parts) {
      while (stolen < maxPages && part.length > 0) {
        const page = part.pop()!;
        this.host.ledger.move(page, PageState.Reserved, PageState.Returned, `reserve "${this.name}" raided`);
        this.host.reserveLevel.add(this.host.scheduler.now, -1);
        stolen++;
      }
    }
    return stolen;
  }

  private part(cpu: number): Page[] {
    // A null answer that looked at another CPU's part is not one the memo can keep.
    if (cpu !== this.host.needPageCpu && this.host.needPageCpu >= 0 && !this.shared) this.host.markUnrepeatable();
    if (this.shared) return this.parts[0];
    const part = this.parts[cpu];
    if (!part) throw new PolicyError(`reserve "${this.name}": cpu ${cpu} is out of range 0..${this.parts.length - 1}`);
    return part;
  }
}

export class PolicyHost {
  readonly ledger = new PageLedger();
  readonly reserveLevel: LevelTracker;
  readonly cpuEpoch: Int32Array;
  sharedEpoch = 0;
  pagesAllocated = 0;
  readonly violations: Violations = { sleepInAtomic: 0, zoneLockUnderRawLock: 0, lockRecursion: 0 };
  hooks!: PolicyHooks;
  readonly kernel: Kernel;
  /** `run --trace-out` only (trace-sink.ts). */
  trace?: TraceSink;
  private readonly reserves = objectList<ReserveHolder>();
  private current: HookContext = { kind: 'task', holdsAllocatorLock: false, touchedMemory: false, violated: false, cpu: -1, unrepeatable: false, usedContext: false, memoryKey: null };
  private started = false;

  constructor(
    readonly scheduler: Scheduler,
    private readonly allocator: Allocator,
    private readonly wakeLatency: WakeLatency,
    private readonly workStream: Stream,
    private readonly hrtimerUs: number,
    readonly cpus: number,
    readonly preemptRt: boolean,
    readonly preemptCount: boolean,
  ) {
    this.reserveLevel = new LevelTracker(0);
    this.cpuEpoch = new Int32Array(cpus);
    this.answeredAheadUntil = new Float64Array(cpus);
    this.monitorRunAt = new Float64Array(cpus).fill(-1);
    this.monitorRunWaiting = new Float64Array(cpus);
    this.kernel = this.makeKernel();
  }

  /**
   * How far each CPU has answered remembered fallbacks ahead of the clock (see KvfreeRcu). A
   * change to what such an answer rested on, made before that time, means answering ahead is
   * not safe for this policy: it is switched off for the rest of the run.
   */
  readonly answeredAheadUntil: Float64Array;
  answerAheadSafe = true;
  /** Reuse a null answer for the calls after it while nothing it rests on moved (the memo); off asks needPage on every call. */
  rememberAnswers = true;
  /** Set when a change came too late for answers already given: the run must be redone without them. */
  answerAheadTripped = false;

  /** Told first when a CPU's null answer may stop holding (KvfreeRcu ends a run counted in bulk there). */
  onCpuStateChange: (cpu: number) => void = () => {};

  /** Something that may turn a CPU's null answer into a page changed on that CPU. */
  bumpCpu(cpu: number): void {
    this.onCpuStateChange(cpu);
    this.cpuEpoch[cpu]++;
    if (this.answeredAheadUntil[cpu] > this.scheduler.now) this.tripAnswerAhead();
  }

  /** ... or in a shared reserve. */
  bumpShared(): void {
    for (let cpu = 0; cpu < this.cpus; cpu++) this.onCpuStateChange(cpu);
    this.sharedEpoch++;
    for (let cpu = 0; cpu < this.cpus; cpu++) if (this.answeredAheadUntil[cpu] > this.scheduler.now) this.tripAnswerAhead();
  }

  /** A CPU's closed callers were delayed: answers given ahead of the clock there may now be at the wrong times. */
  noteCallTimesMoved(cpu: number): void {
    if (this.answeredAheadUntil[cpu] > this.scheduler.now) this.tripAnswerAhead();
  }

  private tripAnswerAhead(): void {
    this.answerAheadSafe = false;
    this.answerAheadTripped = true;
  }

  get violationCount(): number {
    return this.violations.sleepInAtomic + this.violations.zoneLockUnderRawLock + this.violations.lockRecursion;
  }

  /** Pages resting in every reserve right now. */
  reservePages(): number {
    return this.reserveLevel.value;
  }

  /** Pages resting in every reserve, from the lists' lengths (for the invariant check). */
  countReservedPages(): number {
    let count = 0;
    for (const reserve of this.reserves) count += reserve.pageCount();
    return count;
  }

  /** Visits every page resting in every reserve, with the reserve's name (for the invariant check). */
  forEachReservedPage(visit: (page: Page, reserve: string) => void): void {
    for (const reserve of this.reserves) reserve.forEachPage((page) => visit(page, reserve.name));
  }

  stealShared(pages: number): number {
    let stolen = 0;
    for (const reserve of this.reserves) if (reserve.shared) stolen += reserve.steal(pages - stolen);
    if (stolen > 0) this.bumpShared();
    return stolen;
  }

  /** Runs one hook in a context; returns its result plus whether it was clean for memoising. */
  call<T>(hook: string, kind: CallerKind, holdsAllocatorLock: boolean, body: () => T): { value: T; touchedMemory: boolean; violated: boolean } {
    const outer = this.current;
    const inner: HookContext = { kind, holdsAllocatorLock, touchedMemory: false, violated: false, cpu: -1, unrepeatable: false, usedContext: false, memoryKey: null };
    this.current = inner;
    const heldBefore = this.ledger.heldPages;
    let value: T;
    try {
      value = body();
    } catch (error) {
      if (error instanceof PolicyError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new PolicyError(`${hook} threw: ${message}`);
    } finally {
      this.current = outer;
    }
    if (this.ledger.heldPages > heldBefore && hook !== 'needPage') {
      throw new PolicyError(`${hook} leaked ${this.ledger.heldPages - heldBefore} page(s): a page must end in a reserve, in flight, or freed`);
    }
    return { value, touchedMemory: inner.touchedMemory, violated: inner.violated };
  }

  /** Set by askNeedPage(): whether the last needPage looked at memory, broke a context rule, or gave an answer the memo cannot keep. */
  lastTouchedMemory = false;
  lastViolated = false;
  lastUnrepeatable = false;

  /** The CPU whose needPage is running, or -1. */
  get needPageCpu(): number {
    return this.current.cpu;
  }

  markUnrepeatable(): void {
    this.current.unrepeatable = true;
  }

  noteContextUsed(): void {
    this.current.usedContext = true;
  }

  /** The request kernel code could build for a call of this shape (see RequestView); frozen, as the model hands it out again. */
  request(cpu: number, form: CallForm, shape: PageRequest): PageRequest {
    return Object.freeze(new RequestView(cpu, form, shape, this));
  }

  /** Set by askNeedPage(): the answer read nothing of the caller's context and made no call judged by it. */
  lastContextFree = false;
  private readonly needPageContext: HookContext = { kind: 'task', holdsAllocatorLock: false, touchedMemory: false, violated: false, cpu: -1, unrepeatable: false, usedContext: false, memoryKey: new MemoryKey() };
  /** Set by askNeedPage(): what its memory reads rest on, if it touched memory. */
  readonly lastMemoryKey = new MemoryKey();

  /** needPage on the hot path: call() without its allocations (it runs once per page or miss). */
  askNeedPage(request: PageRequest, kind: CallerKind, holdsAllocatorLock: boolean): Page | null {
    const outer = this.current;
    const inner = this.needPageContext;
    inner.kind = kind;
    inner.holdsAllocatorLock = holdsAllocatorLock;
    inner.touchedMemory = false;
    inner.violated = false;
    inner.cpu = request.cpu;
    inner.unrepeatable = false;
    inner.usedContext = false;
    inner.memoryKey!.reset();
    this.current = inner;
    try {
      return this.hooks.needPage(request);
    } catch (error) {
      if (error instanceof PolicyError) throw error;
      throw new PolicyError(`needPage threw: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.current = outer;
      this.lastTouchedMemory = inner.touchedMemory;
      this.lastViolated = inner.violated;
      this.lastUnrepeatable = inner.unrepeatable;
      this.lastContextFree = !inner.usedContext;
      this.lastMemoryKey.setTo(inner.memoryKey!);
      inner.cpu = -1;
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.hooks.onStart) this.call('onStart', 'task', false, () => this.hooks.onStart!());
  }

  /** A CPU's pointer page came back empty: the policy keeps it or frees it. */
  pageEmptied(cpu: number, page: Page): void {
    // Count held pages before the emptied page joins them: call()'s own check would let the
    // policy keep it in hand (a leak seen only at the end of the run, with the wrong time).
    const heldBefore = this.ledger.heldPages;
    this.ledger.move(page, PageState.InFlight, PageState.Held, 'pageEmptied');
    // Once per page: call()'s work without its allocations.
    const outer = this.current;
    const inner = this.emptiedContext;
    inner.touchedMemory = false;
    inner.violated = false;
    this.current = inner;
    try {
      this.hooks.pageEmptied(cpu, page);
    } catch (error) {
      if (error instanceof PolicyError) throw error;
      throw new PolicyError(`pageEmptied threw: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.current = outer;
    }
    if (this.ledger.heldPages > heldBefore) {
      throw new PolicyError(`pageEmptied leaked ${this.ledger.heldPages - heldBefore} page(s): put the emptied page in a reserve or free it`);
    }
    this.bumpCpu(cpu);
  }

  private readonly emptiedContext: HookContext = { kind: 'task', holdsAllocatorLock: false, touchedMemory: false, violated: false, cpu: -1, unrepeatable: false, usedContext: false, memoryKey: null };

  hasShrinker(): boolean {
    return this.hooks.shrinkCount !== undefined && this.hooks.shrinkScan !== undefined;
  }

  /** The policy's shrinker at one reclaim priority, as do_shrink_slab() calls it. */
  shrink(priority: number): number {
    const hooks = this.hooks;
    if (!hooks || !hooks.shrinkCount || !hooks.shrinkScan) return 0;
    let effectsBefore = 0;
    const shrinker = {
      count: () => finiteCount(this.call('shrinkCount', 'task', false, () => hooks.shrinkCount!()).value),
      scan: (nrToScan: number) => {
        effectsBefore = this.shrinkerEffects;
        return finiteCount(this.call('shrinkScan', 'task', false, () => hooks.shrinkScan!(nrToScan)).value);
      },
      // A scan that freed no page and ran no monitor left everything as it was.
      lastScanChangedNothing: () => this.shrinkerEffects === effectsBefore,
    };
    return doShrinkSlab(shrinker, priority);
  }

  /** The kvfree_rcu pipeline, for the shrinker hooks (wired by KvfreeRcu). */
  pipeline: { waitingObjects(cpu: number): number; runMonitor(cpu: number): void } = { waitingObjects: () => 0, runMonitor: () => {} };

  /** A work item is running: reserve puts land when it ends. */
  inWork = false;
  /** The pages the running work item has put, in order; they land when it finishes. */
  private workLanding = objectList<LandingPage>();

  landsWithWork(landing: LandingPage): void {
    this.workLanding.push(landing);
  }
  /** Bumped by every page freed and every monitor run: what a shrinker scan can change. */
  private shrinkerEffects = 0;
  private readonly monitorRunAt: Float64Array;
  private readonly monitorRunWaiting: Float64Array;

  /** A work item: it finishes after its allocator cost, and its CPU's state changes then. */
  private runWork(cpu: number, queue: WorkQueue, fn: () => void): void {
    const allocator = this.allocator;
    const outerCostUs = allocator.costUs;
    const outerReclaimUs = allocator.reclaimUs;
    allocator.costUs = 0;
    allocator.reclaimUs = 0;
    this.inWork = true;
    let elapsedUs = 0;
    try {
      this.call(`work on ${queue}`, 'task', false, fn);
    } finally {
      this.inWork = false;
      elapsedUs = allocator.costUs;
      allocator.costUs = outerCostUs;
      allocator.reclaimUs = outerReclaimUs;
    }
    // The policy's own state (a work_in_progress flag, say) changed when its code ran: a null
    // answer given before must not be reused for the calls that come while the work finishes.
    this.bumpCpu(cpu);
    // The work finishes after its allocator cost (now + what its allocations took): its
    // reserve puts land and its CPU's state changes then.
    const landing = this.workLanding;
    this.workLanding = objectList();
    const finish = () => {
      for (const { reserve, index, page } of landing) reserve.land(index, page);
      landing.forEach(({ reserve, index }, position) => {
        if (landing.findIndex((other) => other.reserve === reserve && other.index === index) === position) reserve.landed(index);
      });
      this.bumpCpu(cpu);
    };
    if (elapsedUs > 0) this.scheduler.after(elapsedUs, Priority.work, finish);
    else finish();
  }

  /** The allocator costs the current call has run up, in µs (reset by taking them). */
  takeCostUs(): number {
    const cost = this.allocator.costUs;
    this.allocator.costUs = 0;
    this.allocator.reclaimUs = 0;
    return cost;
  }

  /**
   * µs of the last call's allocator cost (`costUs`, just taken) that the caller spent asleep:
   * in direct-reclaim rounds or waiting for an OOM victim (allocator.reclaimUs, reset here;
   * takeCostUs() before the call reset it too).
   */
  takeReclaimUs(): number {
    const asleep = this.allocator.reclaimUs;
    this.allocator.reclaimUs = 0;
    return asleep;
  }

  private violation(kind: keyof Violations): null {
    this.violations[kind]++;
    this.current.violated = true;
    return null;
  }

  /**
   * The context rules for a call that takes the zone/PCP lock; null when it may go on. On
   * PREEMPT_RT those locks are sleeping locks (spinlock_t is an rtmutex), so any page-allocator
   * call from a context that may not be preempted is a bug ("BUG: sleeping function called from
   * invalid context"), GFP_ATOMIC and GFP_NOWAIT included (Documentation/locking/locktypes.rst).
   */
  private lockRule(sleeps: boolean): null | 'refused' {
    const context = this.current;
    context.usedContext = true;
    if (context.holdsAllocatorLock) return this.violation('lockRecursion') ?? 'refused';
    if (this.preemptRt && !isPreemptible(context.kind, true)) return this.violation('zoneLockUnderRawLock') ?? 'refused';
    if (sleeps && !isSleepable(context.kind)) return this.violation('sleepInAtomic') ?? 'refused';
    return null;
  }

  private mint(cpu: number, gfp: TraceGfp): Page {
    this.pagesAllocated++;
    const page = this.ledger.mint();
    this.trace?.pageAllocated(cpu, page, gfp, this.scheduler.now); // trace: mm_page_alloc
    return page;
  }

  private checkCpu(cpu: number, what: string): void {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) throw new PolicyError(`${what}: cpu ${cpu} is out of range 0..${this.cpus - 1}`);
  }

  private makeKernel(): Kernel {
    const host = this;
    const allocator = this.allocator;
    const memory: MemoryView = {
      get freePages() {
        host.current.touchedMemory = true;
        host.current.memoryKey?.markUnusable();
        return allocator.freePages;
      },
      minPages: allocator.minPages,
      lowPages: allocator.lowPages,
      highPages: allocator.highPages,
      pcpCount(cpu: number) {
        host.current.touchedMemory = true;
        host.current.memoryKey?.markUnusable();
        if (host.current.cpu >= 0 && cpu !== host.current.cpu) host.current.unrepeatable = true;
        return allocator.pcp[cpu] ?? 0;
      },
    };
    return {
      cpus: this.cpus,
      preemptRt: this.preemptRt,
      preemptCount: this.preemptCount,
      memory,
      now: () => {
        // An answer that depends on the time cannot be reused for later calls.
        this.current.unrepeatable = true;
        return this.scheduler.now;
      },
      alloc: (cpu: number, gfp: Gfp) => {
        this.checkCpu(cpu, 'alloc');
        this.current.touchedMemory = true;
        if (gfp !== 'NOWAIT' && gfp !== 'ATOMIC' && gfp !== 'KERNEL' && gfp !== 'KERNEL_NORETRY') throw new PolicyError(`alloc: unknown GFP class "${gfp}"`);
        const sleeps = gfp === 'KERNEL' || gfp === 'KERNEL_NORETRY';
        if (this.lockRule(sleeps)) return null;
        if (allocator.alloc(cpu, gfp, 'pointerPages')) {
          this.current.memoryKey?.markUnusable();
          return this.mint(cpu, gfp);
        }
        // A sleeping class failed after reclaim, which an identical call would not repeat.
        if (sleeps) this.current.memoryKey?.markUnusable();
        else this.current.memoryKey?.noteFloor(allocator.floorPages(gfp), true);
        return null;
      },
      free: (cpu: number, page: Page) => {
        this.checkCpu(cpu, 'free');
        this.ledger.move(page, PageState.Held, PageState.Returned, 'free');
        this.trace?.pageFreed(cpu, page, this.scheduler.now); // trace: mm_page_free
        this.shrinkerEffects++;
        this.current.memoryKey?.markUnusable();
        // A free takes the PCP lock too; it is counted when illegal but still done, or the page would be lost.
        this.lockRule(false);
        allocator.free(cpu, 'pointerPages');
      },
      grabPcpLockless: (cpu: number) => {
        this.checkCpu(cpu, 'grabPcpLockless');
        this.current.touchedMemory = true;
        if (allocator.grabPcpLockless(cpu)) {
          this.current.memoryKey?.markUnusable();
          return this.mint(cpu, 'lockless-pcp');
        }
        this.current.memoryKey?.noteEmptyPcp(cpu);
        return null;
      },
      allocNolock: (cpu: number) => {
        this.checkCpu(cpu, 'allocNolock');
        this.current.touchedMemory = true;
        // Trylock semantics: a held allocator lock makes the trylock fail. Raw-lock regions are
        // fine even on RT ("can be called from raw_spin_lock_irqsave region", 97769a53f117), but
        // on RT alloc_pages_nolock() gives up at once in NMI or hardirq context, where even a
        // trylock of an rtmutex is not allowed (mm/page_alloc.c).
        this.current.usedContext = true;
        if (this.current.holdsAllocatorLock) return null;
        if (this.preemptRt && this.current.kind === 'hardirq') return null;
        if (allocator.allocNolock(cpu)) {
          this.current.memoryKey?.markUnusable();
          return this.mint(cpu, 'nolock');
        }
        this.current.memoryKey?.noteFloor(allocator.minPages, false);
        return null;
      },
      reserve: (name: string, options: { shared: boolean }) => {
        const reserve = new ReserveHolder(String(name), Boolean(options?.shared), this.cpus, this);
        this.reserves.push(reserve);
        return reserve;
      },
      queueWork: (cpu: number, queue: WorkQueue, fn: () => void) => {
        this.checkCpu(cpu, 'queueWork');
        if (queue !== 'highpri' && queue !== 'normal' && queue !== 'reclaim') throw new PolicyError(`queueWork: unknown queue "${queue}" (highpri, normal, reclaim)`);
        const delay = this.wakeLatency.sample(queue, this.workStream);
        const work = this.trace?.workQueued(cpu, fn.name || 'policy_work', queue, this.scheduler.now) ?? 0; // trace: workqueue_queue_work
        this.scheduler.after(delay, Priority.work, () => {
          this.trace?.workStarted(work, this.scheduler.now); // trace: workqueue_execute_start
          this.runWork(cpu, queue, fn);
        });
      },
      waitingObjects: (cpu: number) => {
        this.checkCpu(cpu, 'waitingObjects');
        // krcp->count grows with every call, each fallback included: an answer that read it
        // cannot stand for the calls after it (a shrinker's count is not memoised anyway).
        this.current.unrepeatable = true;
        return this.pipeline.waitingObjects(cpu);
      },
      runMonitor: (cpu: number) => {
        this.checkCpu(cpu, 'runMonitor');
        // Objects answered ahead of the clock on that CPU would be batched early: redo the run without.
        if (this.answeredAheadUntil[cpu] > this.scheduler.now) this.tripAnswerAhead();
        // do_shrink_slab() may call the scan again at once while nothing moved (both batch
        // slots busy): a second monitor run at the same instant on the same state does nothing.
        const waiting = this.pipeline.waitingObjects(cpu);
        if (this.monitorRunAt[cpu] === this.scheduler.now && this.monitorRunWaiting[cpu] === waiting) return;
        this.pipeline.runMonitor(cpu);
        this.shrinkerEffects++;
        this.monitorRunAt[cpu] = this.scheduler.now;
        this.monitorRunWaiting[cpu] = this.pipeline.waitingObjects(cpu);
      },
      hrtimer: (cpu: number, delayUs: number, fn: () => void) => {
        this.checkCpu(cpu, 'hrtimer');
        this.scheduler.after(Math.max(0, delayUs) + this.hrtimerUs, Priority.timer, () => {
          // On PREEMPT_RT an hrtimer not set up with HRTIMER_MODE_HARD expires in softirq context
          // (kernel/time/hrtimer.c, __hrtimer_init()); elsewhere in hardirq context.
          this.call('hrtimer', this.preemptRt ? 'softirq' : 'hardirq', false, fn);
          this.bumpCpu(cpu);
        });
      },
    };
  }
}
