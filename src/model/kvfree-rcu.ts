// The kvfree_rcu() batching pipeline of docs/model.md §1–2, the same for every policy: per-CPU
// pointer pages, the monitor with its drain delay and 1-jiffy flood re-arm, two batch slots,
// per-page GP snapshots (v6.3), the reclaim work, and the two fallbacks. Calls that land in a
// page with room are handled in bulk (CallSequence), and so is a run of rcu_head fallbacks whose
// null answer holds for every two-argument caller: such a run is counted, not visited, up to the
// next headless call (call-kinds.ts), or with open callers while a GP runs past headless calls
// too (openBulkRun()). Other calls that need a page are looked at one by one, and
// a run of fallbacks between two events is answered from the first (memo).
import { ExactSum, Histogram, LevelTracker } from '../engine/histogram.js';
import { Priority, type Scheduler } from '../engine/scheduler.js';
import type { RandomStreams, Stream } from '../engine/random.js';
import { objectList } from '../engine/lists.js';
import type { CallForm, Page, PageRequest } from '../policy/api.js';
import type { Scenario } from '../scenario/types.js';
import type { Allocator } from './allocator.js';
import { CALLER_KINDS, visibleRequest, type CallerKind } from './caller-context.js';
import { ALL_TWO_ARG_CODES, CallKinds, HEADLESS_CODE } from './call-kinds.js';
import { CallSequence, RateProfile } from './arrivals.js';
import { ClosedCallSequence, type CallStream } from './callers.js';
import type { GracePeriods } from './grace-periods.js';
import { PageState, PolicyError } from './page-ledger.js';
import { PointerPageList } from './pointer-page-list.js';
import type { PolicyHost } from './policy-host.js';
import { MemoryKey } from './memory-key.js';
import { SyncWaiters } from './sync-waiters.js';
import type { TraceSink } from './trace-sink.js';
import type { WakeLatency } from './workqueues.js';

/** The page a CPU is filling, or one a caller slept for; once queued it lives in a PointerPageList. */
interface PointerPage {
  page: Page;
  objects: number;
  /** GP cookie at the last insertion (v6.3 per-page snapshot). */
  snapshot: number;
}

interface Batch {
  pages: PointerPageList;
  headObjects: number;
}

/**
 * A null answer to needPage, valid until the CPU's or the shared state moves, and (if it looked
 * at memory) while its MemoryKey holds, or without a usable key until memory moves at all.
 */
interface Memo {
  signatures: number;
  costUs: number;
  cpuEpoch: number;
  sharedEpoch: number;
  memoryEpoch: number;
  memoryDependent: boolean;
  memoryKey: MemoryKey;
}

/** The request kernel code could build for each signature code, made once. */
function requestsByCode(kernel: Scenario['kernel']): PageRequest[] {
  const requests = objectList<PageRequest>();
  for (let code = 0; code <= HEADLESS_CODE; code++) {
    const headless = code === HEADLESS_CODE;
    requests.push(visibleRequest(0, headless ? 'headless' : 'two-arg', headless ? 'task' : CALLER_KINDS[code >> 1], kernel));
  }
  return requests;
}

/** A bulk run looks this far ahead for its end at most; a longer one goes on as the next run. */
const BULK_RUN_CALLS = 1 << 16;
const HEADLESS_BIT = 1 << HEADLESS_CODE;
const MIN_BULK_WINDOW = 32;

class CpuState {
  processed = 0;
  /** Pages callers got through direct reclaim, waiting for their caller to resume (then the CPU's page). */
  resuming = objectList<PointerPage>();
  current: PointerPage | null = null;
  queued = new PointerPageList();
  headObjects = 0;
  /** krcp->count: objects waiting for the monitor (queued pages, current page, rcu_head list). */
  waitingObjects = 0;
  slots: Array<Batch | null> = [null, null];
  monitorDue = Infinity;
  monitorToken = 0;
  /** When the next call that needs a page arrives; a queued need event for another time is stale. */
  needTime = Infinity;
  needAction: () => void = () => {};
  memo: Memo | null = null;
  /**
   * While a run of rcu_head fallbacks is counted in bulk: the first call not in it (the next
   * headless call, or the one whose fallback re-arms the monitor); -1 when no such run is open.
   */
  bulkUntil = -1;
  /** The run's answer cost (the memo's), µs per call. */
  bulkCostUs = 0;
  /** Whether the run takes headless calls too (open callers while a GP runs; openBulkRun()). */
  bulkHeadless = false;
  /** Whether the run's null rests on its memo's MemoryKey (allocator.memoryWatchers counts it). */
  bulkOnMemory = false;
  /**
   * A run whose null holds for some caller kinds only looks this many calls ahead for a call of
   * another kind; the window doubles while runs reach its end, and starts small again after a
   * run that something else ended (runs that memory ends are often short).
   */
  bulkWindow = MIN_BULK_WINDOW;
  /** Where the last such run would have ended at its window's end (-1: none). */
  bulkWindowEnd = -1;
  /**
   * When syncCalls() last counted this CPU's calls, and how many had come: counting again at the
   * same instant finds nothing new unless the current page or the bulk run changed (which resets
   * syncedAt). The shrinker asks every CPU's count several times per reclaim step.
   */
  syncedAt = NaN;
  syncedProcessed = 0;
  /**
   * The PageRequest for each signature code, made once per CPU: its fields never change. A slot
   * per code from the start, so that filling them in never makes the array holey (lists.ts).
   */
  readonly requests: Array<PageRequest | undefined> = Array.from({ length: HEADLESS_CODE + 1 }, () => undefined);

  constructor(
    readonly cpu: number,
    readonly calls: CallStream,
    /** The same stream when the callers are closed (they block and lose CPU time), else null. */
    readonly closed: ClosedCallSequence | null,
    readonly kinds: CallKinds,
  ) {}
}

export interface CallCounters {
  calls: number;
  fallbacks: number;
  rcuHead: number;
  syncInline: number;
  objectsFreed: number;
  objectsInSync: number;
  /** Callers blocked in synchronize_rcu() or direct reclaim, and for how long (µs). */
  stalls: number;
  stallSyncUs: ExactSum;
  stallReclaimUs: ExactSum;
  /** Time of the last call (µs). */
  lastCallUs: number;
}

export class KvfreeRcu {
  readonly latency = new Histogram();
  readonly inflight = new LevelTracker(0);
  readonly counters: CallCounters = {
    calls: 0,
    fallbacks: 0,
    rcuHead: 0,
    syncInline: 0,
    objectsFreed: 0,
    objectsInSync: 0,
    stalls: 0,
    stallSyncUs: new ExactSum(),
    stallReclaimUs: new ExactSum(),
    lastCallUs: 0,
  };
  /** Latency of the calls that needed a page (got one, or took a fallback). */
  readonly slowPath = new Histogram();
  /** Time a call that needed a page spent in the policy with IRQs off or under krcp->lock. */
  readonly irqsOff = new Histogram();
  /** How long each blocked caller stayed blocked (µs). */
  readonly stallLength = new Histogram();
  /** Objects in a pointer page when it goes to the reclaim work. */
  readonly pageFill = new Histogram();
  private readonly cpus = objectList<CpuState>();
  private readonly ptrsPerPage: number;
  private readonly extraFreeNsPerRcuHead: number;
  private readonly jiffyUs: number;
  private readonly fastPathUs: number;
  private readonly requestShapes: PageRequest[];
  /** Per CPU, so one CPU's extra monitor runs never shift another CPU's wake-ups. */
  private readonly modelWork = objectList<Stream>();
  /** `run --trace-out` only (trace-sink.ts). */
  trace?: TraceSink;
  /**
   * Called before a call moves the clock forward inside one event (the next call comes before
   * any other event): what samples the state between events must read it before it moves.
   */
  beforeClockMoves: (time: number) => void = () => {};

  constructor(
    private readonly scheduler: Scheduler,
    streams: RandomStreams,
    private readonly scenario: Scenario,
    private readonly allocator: Allocator,
    private readonly host: PolicyHost,
    private readonly gp: GracePeriods,
    private readonly wakeLatency: WakeLatency,
  ) {
    this.ptrsPerPage = scenario.kernel.ptrsPerPage;
    this.jiffyUs = 1e6 / scenario.kernel.hz;
    this.fastPathUs = scenario.timing.callFastPathNs / 1000;
    this.requestShapes = requestsByCode(scenario.kernel);
    const profile = new RateProfile(scenario.workload.phases, scenario.durationMs * 1000);
    const callers = scenario.workload.callers;
    this.extraFreeNsPerRcuHead = scenario.timing.freeCostNs.rcuHeadPerObject - scenario.timing.freeCostNs.bulkPerObject;
    for (let cpu = 0; cpu < scenario.workload.activeCpus; cpu++) {
      const kinds = new CallKinds(scenario.workload, streams.indexedStream(`calls/cpu${cpu}`));
      if (callers.mode === 'closed') {
        const total = callers.callsPerThread > 0 ? callers.callsPerThread * callers.threadsPerCpu : Infinity;
        const closed = new ClosedCallSequence((callers.thinkNs + scenario.timing.callFastPathNs) / 1000, callers.threadsPerCpu, total, scenario.durationMs * 1000);
        this.cpus.push(new CpuState(cpu, closed, closed, kinds));
      } else this.cpus.push(new CpuState(cpu, new CallSequence(profile, streams.indexedStream(`arrivals/cpu${cpu}`)), null, kinds));
      this.modelWork.push(streams.stream(`wq/kvfree-rcu/cpu${cpu}`));
    }
    // A change to what a CPU's null answer rests on ends the run counted in bulk there, first.
    host.onCpuStateChange = (cpu) => {
      const state = this.cpus[cpu];
      if (state && state.bulkUntil >= 0) this.endBulkRun(state);
    };
    // A headless call's synchronize_rcu() waits for the GP after the one running: when that one
    // ends, the calls before its end must have joined the waiters of the GP they waited for.
    gp.beforeEnd = () => {
      for (const state of this.cpus) if (state.bulkHeadless && state.bulkUntil >= 0) this.endBulkRun(state);
    };
    allocator.onMemoryRose = () => this.endRunsMemoryEnded();
    // For the policy's shrinker hooks: krcp->count, and kfree_rcu_monitor() run on demand.
    host.pipeline = {
      waitingObjects: (cpu) => {
        const state = this.cpus[cpu];
        if (!state) return 0;
        this.syncCalls(state);
        return state.waitingObjects;
      },
      runMonitor: (cpu) => {
        if (this.cpus[cpu]) this.runMonitor(this.cpus[cpu]);
      },
    };
  }

  start(): void {
    for (const state of this.cpus) {
      state.needAction = () => {
        if (this.scheduler.now !== state.needTime) return; // rescheduled since
        state.needTime = Infinity;
        this.callEventCpu = state.cpu;
        this.onNeed(state);
        this.callEventCpu = -1;
      };
      this.scheduleNeed(state);
    }
  }

  /** Objects handed to kvfree_rcu() and not yet freed. */
  get objectsOutstanding(): number {
    return this.counters.calls - this.counters.objectsFreed;
  }

  /**
   * Objects handed to kvfree_rcu() by time t and not yet freed, with no event pending before t:
   * calls into a page with room come without events, calls answered ahead may lie past t.
   */
  objectsWaitingAt(t: number): number {
    let objects = this.objectsOutstanding;
    for (const state of this.cpus) {
      objects -= this.callsAfter(state, t);
      objects += this.bulkCallsBy(state, t);
      if (!state.current) continue;
      const room = this.ptrsPerPage - state.current.objects;
      objects += Math.min(state.calls.countBy(t, state.processed) - state.processed, room);
    }
    return objects;
  }

  /** Calls of this CPU's open bulk run that came by t and are not counted yet. */
  private bulkCallsBy(state: CpuState, t: number): number {
    if (state.bulkUntil < 0) return 0;
    return Math.max(0, Math.min(state.calls.countBy(t, state.processed), state.bulkUntil) - state.processed);
  }

  /** Fallbacks so far at time t (now), the open bulk runs' included: for the timeline. */
  fallbacksBy(t: number): number {
    let fallbacks = this.counters.fallbacks;
    for (const state of this.cpus) fallbacks += this.bulkCallsBy(state, t);
    return fallbacks;
  }

  /** Extra free time of the objects sent down the rcu_head path instead of a pointer page (ns). */
  get extraFreeNs(): number {
    return this.counters.rcuHead * this.extraFreeNsPerRcuHead;
  }

  /** Calls answered from the memo ahead of the clock on this CPU that come after t. */
  private callsAfter(state: CpuState, t: number): number {
    if (this.host.answeredAheadUntil[state.cpu] <= t) return 0;
    let ahead = 0;
    while (state.processed - ahead > 0 && state.calls.timeOf(state.processed - ahead - 1) > t) ahead++;
    return ahead;
  }

  /**
   * How far the run is at time t, in [0, 1]: for closed callers with a call budget, CPU 0's
   * share of its calls made (rcuscale's reporting thread counts its own loops); else the share
   * of the window.
   */
  progress(t: number): number {
    const callers = this.scenario.workload.callers;
    const first = this.cpus[0];
    if (callers.mode === 'closed' && callers.callsPerThread > 0 && first) {
      const ahead = this.callsAfter(first, t);
      const made = ahead > 0 ? first.processed - ahead : first.calls.countBy(t, first.processed);
      return made / (callers.callsPerThread * callers.threadsPerCpu);
    }
    return t / (this.scenario.durationMs * 1000);
  }

  /** Pointer pages in flight, counted from the structures' lengths (for the invariant check's counts). */
  countInflightPages(): number {
    let pages = this.pagesInReclaim;
    for (const state of this.cpus) {
      pages += state.queued.length + state.resuming.length + (state.current ? 1 : 0);
      for (const slot of state.slots) if (slot) pages += slot.pages.length;
    }
    return pages;
  }

  /** Objects the structures hold, page by page (for the invariant check's walk). */
  countInflightObjects(): number {
    let objects = this.counters.objectsInSync + this.objectsInReclaim;
    for (const state of this.cpus) {
      objects += state.queued.objectTotal();
      for (const pointerPage of state.resuming) objects += pointerPage.objects;
      if (state.current) objects += state.current.objects;
      objects += state.headObjects;
      for (const slot of state.slots) {
        if (!slot) continue;
        objects += slot.pages.objectTotal();
        objects += slot.headObjects;
      }
    }
    return objects;
  }

  /** Records of pages no longer filling, reused: few, so they stay in the cache. */
  private readonly sparePointerPages = objectList<PointerPage>();
  /** Lists of reclaimed batches, reused with the room they grew. */
  private readonly spareLists = objectList<PointerPageList>();
  private pagesInReclaim = 0;
  private objectsInReclaim = 0;
  /** The page lists being freed right now (between reclaim() and its completion), for the invariant check. */
  private readonly reclaiming = new Set<PointerPageList>();

  /** Visits every pointer page in flight: filling, queued, in a batch slot, or being freed (for the invariant check). */
  forEachInflightPage(visit: (page: Page, cpu: number) => void): void {
    const visitList = (pages: PointerPageList, cpu: number) => {
      for (let index = 0; index < pages.length; index++) visit(pages.pageAt(index), cpu);
    };
    for (const state of this.cpus) {
      if (state.current) visit(state.current.page, state.cpu);
      visitList(state.queued, state.cpu);
      for (const pointerPage of state.resuming) visit(pointerPage.page, state.cpu);
      for (const slot of state.slots) if (slot) visitList(slot.pages, state.cpu);
    }
    for (const pages of this.reclaiming) visitList(pages, -1);
  }

  // ---- calls ---------------------------------------------------------------------------

  /** Schedules the next call that needs a page: the one after the current page's room. */
  private scheduleNeed(state: CpuState): void {
    if (state.bulkUntil >= 0) return this.scheduleNeedAt(state, state.calls.timeOf(state.bulkUntil));
    const room = state.current ? this.ptrsPerPage - state.current.objects : 0;
    this.scheduleNeedAt(state, state.calls.timeOf(state.processed + room));
  }

  private scheduleNeedAt(state: CpuState, time: number): void {
    state.needTime = time < this.scheduler.now ? this.scheduler.now : time; // as atCall() will place it
    if (time === Infinity) return;
    this.scheduler.atCall(time, state.cpu, state.needAction);
  }

  /** Brings every CPU's call count up to now (the end-of-window snapshot counts every call). */
  syncAllCalls(): void {
    for (const state of this.cpus) this.syncCalls(state, true);
  }

  /**
   * Accounts the calls that went into the current page up to now. `callsAtNowCame`: this runs
   * after the calls due at now (a CPU's own call event, the end-of-window snapshot). Otherwise
   * (a timer, work item, memory event) a call of an open bulk run due exactly at now has not come
   * yet: call by call, its event (Priority.calls) runs after this one and sees what it changed.
   */
  private syncCalls(state: CpuState, callsAtNowCame = false): void {
    const now = this.scheduler.now;
    if (now === state.syncedAt && state.processed === state.syncedProcessed) return;
    const heldBack = this.countArrivedCalls(state, callsAtNowCame);
    state.syncedAt = heldBack ? NaN : now;
    state.syncedProcessed = state.processed;
  }

  /** Returns true when it held back a bulk-run call due at now (see syncCalls()). */
  private countArrivedCalls(state: CpuState, callsAtNowCame: boolean): boolean {
    if (state.bulkUntil >= 0) {
      const now = this.scheduler.now;
      let upTo = Math.min(state.calls.countBy(now, state.processed), state.bulkUntil);
      let heldBack = false;
      while (!callsAtNowCame && upTo > state.processed && state.calls.timeOf(upTo - 1) >= now) {
        upTo--;
        heldBack = true;
      }
      if (upTo > state.processed) this.bulkFallbacks(state, upTo - state.processed);
      return heldBack;
    }
    if (!state.current) return false;
    const room = this.ptrsPerPage - state.current.objects;
    const arrived = Math.min(state.calls.countBy(this.scheduler.now, state.processed) - state.processed, room);
    if (arrived <= 0) return false;
    this.fastCalls(state, arrived);
    state.current.objects += arrived;
    state.current.snapshot = this.gp.snapshot();
    return false;
  }

  private fastCalls(state: CpuState, count: number): void {
    this.trace?.bulkCalls?.(state.cpu, state.processed, count, state.calls); // trace: rcu_kvfree_callback per call (--trace-calls)
    // An open CPU's call times never move, so its last one is read at the end (lastCallUs).
    if (state.closed) this.noteCallAt(state.calls.timeOf(state.processed + count - 1));
    state.processed += count;
    state.waitingObjects += count;
    this.counters.calls += count;
    this.latency.add(this.fastPathUs, count);
  }

  /** When the last call so far came (µs). */
  get lastCallUs(): number {
    let last = this.counters.lastCallUs;
    for (const state of this.cpus) {
      if (state.closed || state.processed === 0) continue;
      const time = state.calls.timeOf(state.processed - 1);
      if (time > last && time !== Infinity) last = time;
    }
    return last;
  }

  private noteCallAt(time: number): void {
    if (time > this.counters.lastCallUs && time !== Infinity) this.counters.lastCallUs = time;
  }

  private onNeed(state: CpuState): void {
    this.syncCalls(state, true);
    this.closeBulkRun(state);
    if (state.current) {
      // The current page is full: it joins the queue and this call needs another.
      this.queueCurrent(state);
      state.syncedAt = NaN;
    }
    for (;;) {
      const call = state.processed;
      const time = state.calls.timeOf(call);
      if (time === Infinity) return;
      if (time > this.scheduler.now && time >= this.scheduler.nextTime()) {
        // Other events come first. When they are only other CPUs' calls, a remembered
        // fallback can be answered now: nothing those calls do may change it.
        if (time < this.scheduler.nextNonCallTime() && this.answerAhead(state, call, time) > 0) continue;
        this.scheduleNeedAt(state, time);
        return;
      }
      if (time > this.scheduler.now) {
        this.beforeClockMoves(time);
        this.scheduler.now = time;
      }
      if (this.handleCallWithoutPage(state, call)) {
        this.armMonitor(state);
        this.scheduleNeed(state);
        return;
      }
      this.armMonitor(state);
      if (this.openBulkRun(state)) {
        this.scheduleNeed(state);
        return;
      }
    }
  }

  /**
   * After a two-argument fallback: when the null answer holds for every two-argument caller (the
   * policy read nothing of the caller's context and made no call judged by it) and rests on
   * nothing other CPUs' calls move, the calls up to the next headless one all take the rcu_head
   * path the same way. They are counted from the call sequence (syncCalls()) instead of visited,
   * until a change on this CPU (host.onCpuStateChange), its monitor or a delay of its callers
   * ends the run. The call whose fallback would re-arm the monitor early (the flood re-arm) stays
   * out of the run. Headless calls end it too, except with open callers (a headless caller that
   * sleeps stops no other call) while a GP runs and the memo holds a null for them: each then
   * joins the synchronize_rcu() waiters as it would one by one, and the end of that GP ends the
   * run (gp.beforeEnd). Off with a trace (which records every call) or without the memo.
   */
  private openBulkRun(state: CpuState): boolean {
    if (this.trace || !this.host.rememberAnswers || !this.memoValid(state)) return false;
    const memo = state.memo!;
    if (memo.memoryDependent && !memo.memoryKey.usable) return false;
    if (state.current || state.monitorDue === Infinity) return false;
    const first = state.processed;
    if (state.closed && !state.closed.canOpenStretch(first, memo.costUs)) return false;
    let limit = first + BULK_RUN_CALLS;
    if (this.scenario.kernel.floodRearm && state.waitingObjects < this.ptrsPerPage) {
      limit = Math.min(limit, first + this.ptrsPerPage - state.waitingObjects - 1);
    }
    const headlessToo = !state.closed && (memo.signatures & HEADLESS_BIT) !== 0 && this.gp.inProgress;
    const allowed = headlessToo ? memo.signatures : memo.signatures & ALL_TWO_ARG_CODES;
    let until: number;
    if ((allowed & ALL_TWO_ARG_CODES) === ALL_TWO_ARG_CODES) until = state.kinds.firstOutside(first, limit, allowed);
    else {
      // The null holds for some caller kinds only (the policy's answer used the caller's context).
      state.bulkWindow = first === state.bulkWindowEnd + 1 ? Math.min(2 * state.bulkWindow, BULK_RUN_CALLS) : MIN_BULK_WINDOW;
      const windowEnd = Math.min(limit, first + state.bulkWindow);
      until = state.kinds.firstOutside(first, windowEnd, allowed);
      state.bulkWindowEnd = until === windowEnd ? until : -1;
    }
    if (until <= first) return false;
    state.bulkUntil = until;
    state.bulkHeadless = headlessToo;
    state.syncedAt = NaN;
    state.bulkCostUs = memo.costUs;
    state.closed?.openStretch(memo.costUs);
    if (memo.memoryDependent) {
      state.bulkOnMemory = true;
      this.allocator.memoryWatchers++;
    }
    return true;
  }

  /** Counts `count` calls of the open bulk run: what fallback() and the memo path do per call. */
  private bulkFallbacks(state: CpuState, count: number): void {
    const costUs = state.bulkCostUs;
    if (state.closed) this.noteCallAt(state.calls.timeOf(state.processed + count - 1));
    const headless = state.bulkHeadless ? this.bulkSyncs(state, state.processed, state.processed + count, costUs) : 0;
    const twoArg = count - headless;
    state.processed += count;
    state.headObjects += twoArg;
    state.waitingObjects += twoArg;
    this.counters.calls += count;
    this.counters.fallbacks += count;
    this.counters.rcuHead += twoArg;
    if (twoArg > 0) this.recordRcuHeadFallback(this.fastPathUs + costUs, costUs, twoArg);
  }

  /** The headless calls in [first, end) of a bulk run: what fallback() does for each. Returns how many. */
  private bulkSyncs(state: CpuState, first: number, end: number, costUs: number): number {
    let headless = 0;
    for (let call = state.kinds.headlessFrom(first, end); call < end; call = state.kinds.headlessFrom(call + 1, end)) {
      const time = state.calls.timeOf(call);
      this.counters.syncInline++;
      this.counters.objectsInSync++;
      this.counters.stalls++;
      this.irqsOff.add(0);
      this.startSync(state, time - this.fastPathUs - costUs, 0, time);
      headless++;
    }
    return headless;
  }

  /**
   * Ends the open bulk run at now (its calls up to now counted); the caller schedules what comes
   * next. `callsAtNowCame`: as for syncCalls().
   */
  private closeBulkRun(state: CpuState, callsAtNowCame = false): void {
    if (state.bulkUntil < 0) return;
    this.syncCalls(state, callsAtNowCame);
    state.closed?.closeStretch(state.processed);
    state.bulkUntil = -1;
    state.bulkHeadless = false;
    state.syncedAt = NaN;
    if (state.bulkOnMemory) {
      state.bulkOnMemory = false;
      this.allocator.memoryWatchers--;
    }
  }

  /** The CPU whose call event is running, or -1. */
  private callEventCpu = -1;

  /**
   * Memory grew or kswapd slept: a run whose null rested on memory staying low ends here. Inside
   * another CPU's call event (its reclaim drained the PCP lists, say), a call due at this instant
   * has come if its CPU runs its calls first (calls at one instant run in CPU order).
   */
  private endRunsMemoryEnded(): void {
    for (const state of this.cpus) {
      if (!state.bulkOnMemory || (state.memo && state.memo.memoryKey.holds(this.allocator))) continue;
      this.closeBulkRun(state, this.callEventCpu >= 0 && state.cpu < this.callEventCpu);
      this.scheduleNeed(state);
    }
  }

  /** Ends the open bulk run at now; the next call is looked at on its own. */
  private endBulkRun(state: CpuState): void {
    this.closeBulkRun(state);
    this.scheduleNeed(state);
  }

  private memoValid(state: CpuState): boolean {
    const memo = state.memo;
    if (!memo) return false;
    const valid =
      memo.cpuEpoch === this.host.cpuEpoch[state.cpu] &&
      memo.sharedEpoch === this.host.sharedEpoch &&
      (!memo.memoryDependent || (memo.memoryKey.usable ? memo.memoryKey.holds(this.allocator) : memo.memoryEpoch === this.allocator.epoch));
    if (!valid) state.memo = null;
    return valid;
  }

  /**
   * Answers calls from `call` (at `time`, ahead of the clock) from the memo while that is exact:
   * the memo rests only on this CPU's and shared state, which other CPUs' calls do not change
   * (the host checks that), the calls come before any other kind of event, and a headless call's
   * synchronize_rcu() waits for the GP after the one now running, which ends after them.
   * Returns how many calls it answered.
   */
  private answerAhead(state: CpuState, call: number, time: number): number {
    if (!this.host.answerAheadSafe || !this.memoValid(state) || state.memo!.memoryDependent) return 0;
    // Another CPU's call may reclaim before the horizon, and a shrinker scan runs this CPU's
    // monitor: an answer given ahead would then be wrong and the whole run redone. Not worth it.
    if (this.host.hasShrinker() && this.allocator.reclaimNear()) return 0;
    const signatures = state.memo!.signatures;
    const costUs = state.memo!.costUs;
    let horizon = this.scheduler.nextNonCallTime();
    const gpRunning = this.gp.inProgress;
    const floodRearm = this.scenario.kernel.floodRearm;
    let answered = 0;
    let lastTime = time;
    while (time < horizon) {
      const bit = state.kinds.signatureBit(call);
      if ((signatures & bit) === 0) break;
      const headless = bit === 1 << HEADLESS_CODE;
      if (headless && !gpRunning) break;
      this.fallback(state, headless ? 'headless' : 'two-arg', costUs, 0, time);
      if (state.closed) {
        if (headless) state.closed.block(call);
        else state.closed.delayFrom(call + 1, costUs);
      }
      // armMonitor() only acts on the first call or when the flood re-arm would move it earlier.
      if (state.monitorDue === Infinity || (floodRearm && state.waitingObjects >= this.ptrsPerPage && state.monitorDue > time + this.jiffyUs)) {
        this.armMonitor(state, time);
        horizon = Math.min(horizon, this.scheduler.nextNonCallTime()); // the monitor comes first
      }
      answered++;
      lastTime = time;
      call++;
      time = state.calls.timeOf(call);
    }
    if (answered === 0) return 0;
    this.counters.calls += answered;
    state.processed += answered;
    this.noteCallAt(lastTime);
    this.host.answeredAheadUntil[state.cpu] = lastTime;
    return answered;
  }

  /** One call that finds no room. True when the CPU got a page (which holds it). */
  private handleCallWithoutPage(state: CpuState, call: number): boolean {
    const bit = state.kinds.signatureBit(call);
    this.counters.calls++;
    state.processed++;
    this.noteCallAt(this.scheduler.now);
    const code = 31 - Math.clz32(bit);
    const form: CallForm = code === HEADLESS_CODE ? 'headless' : 'two-arg';
    if (this.memoValid(state) && (state.memo!.signatures & bit) !== 0) {
      const costUs = state.memo!.costUs;
      this.fallback(state, form, costUs, 0);
      if (state.closed) {
        if (form === 'headless') state.closed.block(call);
        else state.closed.delayFrom(call + 1, costUs);
      }
      return false;
    }
    const kind: CallerKind = code === HEADLESS_CODE ? 'task' : CALLER_KINDS[code >> 1];
    const lock = code !== HEADLESS_CODE && (code & 1) === 1;
    const request = state.requests[code] ?? (state.requests[code] = this.host.request(state.cpu, form, this.requestShapes[code]));
    this.host.takeCostUs();
    const heldBefore = this.host.ledger.heldPages;
    const reclaimRoundsBefore = this.allocator.directReclaimRounds;
    const page = this.host.askNeedPage(request, kind, lock);
    const blockedUs = this.host.takeReclaimUs();
    const costUs = this.host.takeCostUs();
    // The caller sleeps through its direct reclaim; the rest of its cost is CPU time it spends.
    if (blockedUs > 0) {
      this.counters.stallReclaimUs.add(blockedUs);
      if (state.closed) state.closed.block(call);
    }
    if (state.closed) state.closed.delayFrom(call + 1, costUs - blockedUs);
    if (page !== null && page !== undefined) {
      this.host.ledger.move(page, PageState.Held, PageState.InFlight, 'needPage returned a page');
      this.checkNoLeak(heldBefore, 'needPage');
      const pointerPage = this.pointerPageFor(page);
      this.trace?.call(state.cpu, this.scheduler.now); // trace: rcu_kvfree_callback
      this.inflight.add(this.scheduler.now, 1);
      this.latency.add(this.fastPathUs + costUs);
      this.slowPath.add(this.fastPathUs + costUs);
      this.irqsOff.add(form === 'two-arg' ? costUs - blockedUs : 0);
      // A page for this call leaves the remembered nulls standing: taking a page from a reserve
      // can only make a null likelier, and whatever could turn one into a page moves an epoch.
      if (blockedUs === 0) {
        state.current = pointerPage;
        state.syncedAt = NaN;
        state.waitingObjects++;
        return true;
      }
      // add_ptr_to_bulk_krc_lock(): the page the caller slept for becomes the CPU's page when it
      // has retaken krcp->lock; meanwhile the CPU's other callers find no page.
      this.counters.stalls++;
      this.stallLength.add(blockedUs);
      state.resuming.push(pointerPage);
      this.scheduler.after(blockedUs, Priority.work, this.resumeWithPageAction(state, pointerPage));
      return false;
    }
    this.checkNoLeak(heldBefore, 'needPage');
    this.fallback(state, form, costUs, blockedUs);
    // A headless caller sleeps in synchronize_rcu() next (one that slept in reclaim already blocked).
    if (state.closed && form === 'headless' && blockedUs === 0) state.closed.block(call);
    if (blockedUs > 0 && form === 'two-arg') {
      this.counters.stalls++;
      this.stallLength.add(blockedUs);
      if (state.closed) this.scheduler.after(blockedUs, Priority.work, this.resumeCallerAction(state));
    }
    if (this.host.hooks.onFallback) this.callOnFallback(kind, lock, request);
    // Violations must be counted per call, and a "no" reached through direct reclaim (which
    // frees pages and draws a new cost each time) would not repeat: ask again next time.
    const repeatable = !this.host.lastViolated && !this.host.lastUnrepeatable && this.allocator.directReclaimRounds === reclaimRoundsBefore;
    // An answer that used nothing of the caller's context holds for every two-argument caller.
    const bits = form === 'two-arg' && this.host.lastContextFree ? ALL_TWO_ARG_CODES : bit;
    if (repeatable && this.host.rememberAnswers) this.remember(state, bits, costUs, this.host.lastTouchedMemory);
    return false;
  }

  // The closures live in helpers of their own: a function whose closure captures a parameter
  // allocates its context on every call, and these run on a small share of the calls.
  private resumeWithPageAction(state: CpuState, pointerPage: PointerPage): () => void {
    return () => this.resumeWithPage(state, pointerPage);
  }

  private resumeCallerAction(state: CpuState): () => void {
    return () => this.resumeCaller(state);
  }

  private callOnFallback(kind: CallerKind, lock: boolean, request: PageRequest): void {
    this.host.call('onFallback', kind, lock, () => this.host.hooks.onFallback!(request));
  }

  /** The CPU's current page joins its queue with a fresh GP snapshot; the CPU has no page then. */
  private queueCurrent(state: CpuState): void {
    this.moveCurrentTo(state, state.queued, this.gp.snapshot());
  }

  /** The CPU's current page goes to the end of `into`; its record is kept for the next page. */
  private moveCurrentTo(state: CpuState, into: PointerPageList, snapshot: number): void {
    const current = state.current!;
    into.push(current.page, current.objects, snapshot);
    this.sparePointerPages.push(current);
    state.current = null;
  }

  private takeList(): PointerPageList {
    return this.spareLists.pop() ?? new PointerPageList();
  }

  private pointerPageFor(page: Page): PointerPage {
    const pointerPage = this.sparePointerPages.pop();
    if (!pointerPage) return { page, objects: 1, snapshot: this.gp.snapshot() };
    pointerPage.page = page;
    pointerPage.objects = 1;
    pointerPage.snapshot = this.gp.snapshot();
    return pointerPage;
  }

  /** The caller that slept in direct reclaim for a page is back: its page becomes the CPU's. */
  private resumeWithPage(state: CpuState, pointerPage: PointerPage): void {
    state.resuming.splice(state.resuming.indexOf(pointerPage), 1);
    this.syncCalls(state);
    this.closeBulkRun(state);
    // list_add() of the new page at the head: a page another caller started meanwhile stays queued.
    if (state.current) this.queueCurrent(state);
    pointerPage.snapshot = this.gp.snapshot();
    state.current = pointerPage;
    state.syncedAt = NaN;
    state.waitingObjects++;
    this.armMonitor(state);
    this.resumeCaller(state);
  }

  /** A blocked caller runs again: with closed callers the CPU's calls may come again. */
  private resumeCaller(state: CpuState): void {
    this.closeBulkRun(state);
    if (state.closed) state.closed.resume(this.scheduler.now);
    this.scheduleNeed(state);
  }

  private remember(state: CpuState, bits: number, costUs: number, memoryDependent: boolean): void {
    const fresh = !this.memoValid(state);
    const memo: Memo = fresh
      ? {
          signatures: 0,
          costUs,
          cpuEpoch: this.host.cpuEpoch[state.cpu],
          sharedEpoch: this.host.sharedEpoch,
          memoryEpoch: this.allocator.epoch,
          memoryDependent,
          memoryKey: this.host.lastMemoryKey.copy(),
        }
      : state.memo!;
    if (!fresh && memo.costUs !== costUs) return; // memoised answers must cost the same
    if (!fresh) memo.memoryKey.mergeFrom(this.host.lastMemoryKey);
    memo.signatures |= bits;
    memo.memoryDependent ||= memoryDependent;
    state.memo = memo;
  }

  private checkNoLeak(heldBefore: number, hook: string): void {
    if (this.host.ledger.heldPages > heldBefore) throw new PolicyError(`${hook} leaked ${this.host.ledger.heldPages - heldBefore} page(s): keep spare pages in a reserve`);
  }

  private fallback(state: CpuState, form: CallForm, costUs: number, blockedUs: number, callTime = this.scheduler.now): void {
    this.trace?.fallback(state.cpu, callTime, form, this.gp.snapshot()); // trace: rcu_kvfree_callback; later the object's free
    this.counters.fallbacks++;
    if (form === 'two-arg') {
      // Channel 3: the object is chained through its own rcu_head; no memory needed, freed one by one later.
      this.counters.rcuHead++;
      state.headObjects++;
      state.waitingObjects++;
      this.recordRcuHeadFallback(this.fastPathUs + costUs, costUs - blockedUs);
      return;
    }
    // Headless: synchronize_rcu() inline (after any direct reclaim it slept in), then the caller
    // frees the object itself.
    this.counters.syncInline++;
    this.counters.objectsInSync++;
    this.counters.stalls++;
    this.irqsOff.add(0); // it dropped krcp->lock to allocate
    const latencyStart = callTime - this.fastPathUs - costUs;
    if (blockedUs > 0) this.startSyncAfter(state, latencyStart, blockedUs);
    else this.startSync(state, latencyStart, 0, callTime);
  }

  private startSyncAfter(state: CpuState, latencyStart: number, blockedUs: number): void {
    this.scheduler.after(blockedUs, Priority.work, () => this.startSync(state, latencyStart, blockedUs, this.scheduler.now));
  }

  /**
   * Runs of rcu_head fallbacks mostly cost the same: they are counted as one run and added to
   * the histograms when the cost changes or a report reads them (flushHistograms()).
   */
  private pendingLatencyUs = 0;
  private pendingIrqsOffUs = 0;
  private pendingCount = 0;

  private recordRcuHeadFallback(latencyUs: number, irqsOffUs: number, count = 1): void {
    if (this.pendingCount > 0 && (latencyUs !== this.pendingLatencyUs || irqsOffUs !== this.pendingIrqsOffUs)) this.flushHistograms();
    this.pendingLatencyUs = latencyUs;
    this.pendingIrqsOffUs = irqsOffUs;
    this.pendingCount += count;
  }

  /** Brings latency, slowPath and irqsOff up to date (call before reading them). */
  flushHistograms(): void {
    if (this.pendingCount === 0) return;
    this.latency.add(this.pendingLatencyUs, this.pendingCount);
    this.slowPath.add(this.pendingLatencyUs, this.pendingCount);
    this.irqsOff.add(this.pendingIrqsOffUs, this.pendingCount);
    this.pendingCount = 0;
  }

  /** synchronize_rcu() from now: callers waiting for the same GP share one request. */
  private startSync(state: CpuState, latencyStart: number, blockedUs: number, syncStart: number): void {
    const cookie = this.gp.snapshot();
    let waiters = this.syncWaiters.get(cookie);
    if (!waiters) waiters = this.newSyncWaiters(cookie);
    waiters.add(latencyStart, syncStart, blockedUs, state.cpu);
  }

  private newSyncWaiters(cookie: number): SyncWaiters {
    const list = this.spareSyncWaiters.pop() ?? new SyncWaiters();
    this.syncWaiters.set(cookie, list);
    this.gp.request((endTime) => this.syncDone(cookie, list, endTime));
    return list;
  }

  /** The callers waiting in synchronize_rcu(), by the GP cookie they wait for. */
  private readonly syncWaiters = new Map<number, SyncWaiters>();
  private readonly spareSyncWaiters = objectList<SyncWaiters>();

  private syncDone(cookie: number, waiters: SyncWaiters, endTime: number): void {
    this.syncWaiters.delete(cookie);
    const callers = waiters.count;
    for (let index = 0; index < callers; index++) {
      const latencyUs = endTime - waiters.latencyStartUs(index);
      this.latency.add(latencyUs);
      this.slowPath.add(latencyUs);
      const syncUs = endTime - waiters.syncStartUs(index);
      this.counters.stallSyncUs.add(syncUs);
      this.stallLength.add(syncUs + waiters.blockedUs(index));
      const state = this.cpus[waiters.cpu(index)];
      if (state.closed) this.resumeCaller(state);
    }
    waiters.clear();
    this.spareSyncWaiters.push(waiters);
    this.counters.objectsInSync -= callers;
    this.counters.objectsFreed += callers;
  }

  // ---- monitor and batches ---------------------------------------------------------------

  /** schedule_delayed_monitor_work(): drain delay, or 1 jiffy once a page worth is waiting. */
  private armMonitor(state: CpuState, now = this.scheduler.now): void {
    const kernel = this.scenario.kernel;
    const flood = kernel.floodRearm && state.waitingObjects >= this.ptrsPerPage;
    const delay = flood ? this.jiffyUs : kernel.drainDelayMs * 1000;
    if (state.monitorDue !== Infinity && !(flood && state.monitorDue > now + delay)) return;
    this.startMonitorTimer(state, now + delay);
  }

  /** armMonitor() runs on every call that needs a page and mostly finds the timer armed: only arming allocates, here. */
  private startMonitorTimer(state: CpuState, due: number): void {
    state.monitorDue = due;
    const token = ++state.monitorToken;
    this.scheduler.at(due, Priority.timer, () => {
      if (token !== state.monitorToken) return;
      // The monitor is delayed work on system_wq: it runs after a normal wake-up.
      const wake = this.wakeLatency.sample('normal', this.modelWork[state.cpu]);
      const work = this.trace?.workQueued(state.cpu, 'kfree_rcu_monitor', 'normal', this.scheduler.now) ?? 0; // trace: workqueue_queue_work
      this.scheduler.after(wake, Priority.work, () => {
        this.trace?.workStarted(work, this.scheduler.now); // trace: workqueue_execute_start
        if (token === state.monitorToken) this.runMonitor(state);
      });
    });
  }

  private runMonitor(state: CpuState): void {
    state.monitorDue = Infinity;
    this.syncCalls(state);
    let ready: PointerPageList | null = null;
    const queued = state.queued;
    if (this.scenario.kernel.perPageGpSnapshots && queued.length > 0 && this.gp.hasCompleted(queued.snapshotAt(0))) {
      // v6.3 kvfree_rcu_drain_ready(): pages whose GP already passed are freed right here.
      // Snapshots only grow along the queue, so the ready pages are a prefix of it.
      let readyCount = 1;
      while (readyCount < queued.length && this.gp.hasCompleted(queued.snapshotAt(readyCount))) readyCount++;
      ready = this.takeList();
      queued.moveFrontTo(readyCount, ready);
      state.waitingObjects -= ready.objectTotal();
    }
    const slotIndex = state.slots.indexOf(null);
    const hasWork = state.queued.length > 0 || (state.current !== null && state.current.objects > 0) || state.headObjects > 0;
    if (slotIndex >= 0 && hasWork) {
      const batch: Batch = { pages: state.queued, headObjects: state.headObjects };
      const tookCurrent = state.current !== null;
      if (state.current) this.moveCurrentTo(state, batch.pages, state.current.snapshot);
      state.queued = this.takeList();
      state.syncedAt = NaN;
      state.headObjects = 0;
      state.waitingObjects = 0;
      state.slots[slotIndex] = batch;
      this.requestBatchGracePeriod(state, slotIndex);
      if (tookCurrent) this.scheduleNeed(state);
    }
    if (state.waitingObjects > 0) this.armMonitor(state);
    // The monitor's state and the count towards the flood re-arm moved: the next call decides afresh.
    if (state.bulkUntil >= 0) this.endBulkRun(state);
    if (ready) this.reclaim(state.cpu, ready, 0);
  }

  private requestBatchGracePeriod(state: CpuState, slotIndex: number): void {
    this.gp.request(() => this.batchGracePeriodDone(state, slotIndex));
  }

  /**
   * Before v6.3 kfree_rcu_monitor() handed each batch to queue_rcu_work(), whose call_rcu()
   * callback queues kfree_rcu_work() only once it is invoked — by an rcuo kthread on a NOCB CPU
   * (kernel.batchCallbackDelayMs). The per-page-snapshot code that was measured (cc37d52076a9)
   * polls the GP state from a plain queue_work() instead, so the delay applies only without
   * per-page snapshots.
   */
  private batchGracePeriodDone(state: CpuState, slotIndex: number): void {
    const kernel = this.scenario.kernel;
    const callbackUs = kernel.perPageGpSnapshots ? 0 : kernel.batchCallbackDelayMs * 1000;
    const wake = this.wakeLatency.sample('normal', this.modelWork[state.cpu]);
    const work = this.trace?.workQueued(state.cpu, 'kfree_rcu_work', 'normal', this.scheduler.now) ?? 0; // trace: workqueue_queue_work
    this.scheduler.after(callbackUs + wake, Priority.work, () => {
      this.trace?.workStarted(work, this.scheduler.now); // trace: workqueue_execute_start
      const batch = state.slots[slotIndex]!;
      state.slots[slotIndex] = null; // kfree_rcu_work() detaches the lists first
      this.reclaim(state.cpu, batch.pages, batch.headObjects);
    });
  }

  /**
   * The reclaim work runs on the CPU whose krcp it drains (kfree_rcu_work() is queued on the
   * monitor's CPU, kvfree_rcu_drain_ready() runs in the monitor): closed callers there wait.
   * Open callers' arrivals stay fixed, so every policy sees the same workload.
   */
  private takeCpuTime(cpu: number, us: number): void {
    const state = this.cpus[cpu];
    if (!state?.closed || us <= 0) return;
    this.closeBulkRun(state);
    this.host.noteCallTimesMoved(cpu);
    state.closed.delayFrom(state.calls.countBy(this.scheduler.now, state.processed), us);
    this.scheduleNeed(state);
  }

  /** Frees the objects (bulk per page, one by one for rcu_head objects) then hands the pages back. */
  private reclaim(cpu: number, pages: PointerPageList, headObjects: number): void {
    const costs = this.scenario.timing.freeCostNs;
    const pageObjects = pages.objectTotal();
    const workUs = (pageObjects * costs.bulkPerObject + headObjects * costs.rcuHeadPerObject) / 1000;
    this.trace?.reclaim(cpu, this.scheduler.now, pages.objectCounts(), headObjects); // trace: rcu_invoke_kfree_bulk_callback, rcu_invoke_kvfree_callback
    for (let index = 0; index < pages.length; index++) this.pageFill.add(pages.objectsAt(index));
    this.takeCpuTime(cpu, workUs);
    this.pagesInReclaim += pages.length;
    this.objectsInReclaim += pageObjects + headObjects;
    this.reclaiming.add(pages);
    this.scheduler.after(workUs, Priority.work, () => {
      this.reclaiming.delete(pages);
      this.pagesInReclaim -= pages.length;
      this.objectsInReclaim -= pageObjects + headObjects;
      this.counters.objectsFreed += pageObjects + headObjects;
      for (let index = 0; index < pages.length; index++) {
        this.inflight.add(this.scheduler.now, -1);
        this.host.pageEmptied(cpu, pages.pageAt(index));
      }
      pages.clear();
      this.spareLists.push(pages);
    });
  }
}
