// One simulation = one object: a scenario, a policy and a seed in; metrics out. Nothing here
// is shared between simulations, so runs can go side by side in worker threads.
import { RandomStreams } from '../engine/random.js';
import { Priority, Scheduler } from '../engine/scheduler.js';
import type { ParamValues, PolicyModule } from '../policy/api.js';
import type { Scenario, TimedEvent } from '../scenario/types.js';
import { Allocator } from './allocator.js';
import { GracePeriods } from './grace-periods.js';
import { FootprintProbe } from './footprint.js';
import { InvariantChecker, InvariantError } from './invariants.js';
import { KvfreeRcu } from './kvfree-rcu.js';
import type { Metrics } from '../contract/metrics.js';
import type { TimelinePoint } from '../contract/result-types.js';
import { OtherUsers } from './other-users.js';
import { PolicyError } from './page-ledger.js';
import { PolicyHost } from './policy-host.js';
import type { TraceSink } from './trace-sink.js';
import { WakeLatency } from './workqueues.js';

export interface SimulationOptions {
  seed: number;
  checkInvariants?: boolean;
  /** Samples for a timeline (0 = none). */
  timelinePoints?: number;
  /** Answer remembered fallbacks ahead of other CPUs' calls (on unless a run had to be redone). */
  answerAhead?: boolean;
  /** Reuse remembered null answers (on); off asks the policy on every call that needs a page: for tests of exactness. */
  rememberAnswers?: boolean;
  /** Receives the run's kernel-tracepoint moments (`run --trace-out`); the run is the same with or without it. */
  traceSink?: TraceSink;
}

/** One timeline sample: the result format's point, declared once in src/contract. */
export type TimelineSample = TimelinePoint;

export interface SimulationResult {
  metrics: Metrics;
  timeline: TimelineSample[];
  eventsRun: number;
  simulatedMs: number;
}

/** Keep simulating this long after the arrival window at most, for the queues to drain. */
const DRAIN_LIMIT_US = 300e6;

export class Simulation {
  readonly scheduler = new Scheduler();
  readonly streams: RandomStreams;
  readonly allocator: Allocator;
  readonly others: OtherUsers;
  readonly host: PolicyHost;
  readonly gracePeriods: GracePeriods;
  readonly kvfree: KvfreeRcu;
  private readonly wakeLatency: WakeLatency;
  private readonly endUs: number;
  private snapshot: Metrics | null = null;
  private readonly timeline: TimelineSample[] = [];
  private readonly footprint: FootprintProbe;

  constructor(
    readonly scenario: Scenario,
    readonly policy: PolicyModule,
    readonly params: ParamValues,
    readonly options: SimulationOptions,
  ) {
    this.streams = new RandomStreams(options.seed);
    this.endUs = scenario.durationMs * 1000;
    this.allocator = new Allocator(this.scheduler, this.streams, scenario);
    this.others = new OtherUsers(this.scheduler, this.streams, scenario, this.allocator);
    this.wakeLatency = new WakeLatency(scenario.timing.workqueues);
    this.gracePeriods = new GracePeriods(this.scheduler, this.streams.stream('gp'), scenario.timing.gp);
    this.host = new PolicyHost(
      this.scheduler,
      this.allocator,
      this.wakeLatency,
      this.streams.stream('wq/policy'),
      scenario.timing.hrtimerUs,
      scenario.machine.cpus,
      scenario.kernel.preemptRt,
      scenario.kernel.preemptCount,
    );
    this.kvfree = new KvfreeRcu(this.scheduler, this.streams, scenario, this.allocator, this.host, this.gracePeriods, this.wakeLatency);
    this.allocator.shrink = (pages) => this.host.shrink(pages);
    const objectBytes = scenario.workload.objectBytes;
    this.footprint = new FootprintProbe(
      {
        objectBytes: (t) => this.kvfree.objectsWaitingAt(t) * objectBytes,
        policyPages: () => this.kvfree.inflight.value + this.host.reservePages(),
        progress: (t) => this.kvfree.progress(t),
      },
      this.endUs,
    );
    this.kvfree.beforeClockMoves = (time) => this.footprint.sampleUntil(time);
    if (options.answerAhead === false) this.host.answerAheadSafe = false;
    if (options.rememberAnswers === false) this.host.rememberAnswers = false;
    this.gracePeriods.trace = this.kvfree.trace = this.host.trace = options.traceSink; // trace: the sink, if any
  }

  run(): SimulationResult {
    try {
      this.host.hooks = this.host.call('create', 'task', false, () => this.policy.create(this.host.kernel, this.params)).value;
      if (!this.host.hooks || typeof this.host.hooks.needPage !== 'function' || typeof this.host.hooks.pageEmptied !== 'function') {
        throw new PolicyError('create() must return hooks with needPage and pageEmptied functions');
      }
      this.host.start();
      this.others.start(this.endUs);
      for (const event of this.scenario.events) this.scheduleTimedEvent(event);
      this.scheduleTimeline();
      this.scheduler.at(this.endUs, Priority.sample, () => {
        this.kvfree.syncAllCalls();
        this.snapshot = this.collect();
      });
      this.kvfree.start();
      const checker = this.options.checkInvariants ? new InvariantChecker(this) : undefined;
      const check = checker ? () => checker.check() : undefined;
      const drained = () => {
        // A tripped run is redone event by event (below): what it would compute from here on is waste.
        if (this.host.answerAheadTripped) return true;
        // Most events leave no footprint sample due before the next one.
        if (this.scheduler.nothingUntil(this.footprint.nextSampleUs)) this.footprint.sampleUntil(this.scheduler.nextTime());
        return this.snapshot !== null && this.kvfree.objectsOutstanding === 0;
      };
      this.footprint.sampleUntil(this.scheduler.nextTime());
      this.scheduler.run(this.endUs + DRAIN_LIMIT_US, drained, check);
      if (!this.host.answerAheadTripped) {
        checker?.finish();
        if (!this.snapshot) this.snapshot = this.collect();
        if (this.kvfree.objectsOutstanding !== 0) {
          throw new InvariantError(`${this.kvfree.objectsOutstanding} kvfree_rcu() objects were never freed ${DRAIN_LIMIT_US / 1e6} s after the arrival window`);
        }
        if (this.host.ledger.heldPages !== 0) throw new PolicyError(`${this.host.ledger.heldPages} page(s) leaked: held by the policy outside any reserve`);
      }
    } catch (error) {
      if (error instanceof PolicyError) {
        error.message = `${this.policy.name} at ${(this.scheduler.now / 1000).toFixed(3)} ms: ${error.message}`;
      }
      throw error;
    }
    if (this.host.answerAheadTripped) return this.redoEventByEvent();
    const snapshot = this.snapshot!;
    // Callers still in synchronize_rcu() at the end of the window are counted when they return.
    snapshot.latencyUs = this.latencySummary();
    snapshot.stalls = this.stallSummary();
    snapshot.slowPathUs = this.slowPathSummary();
    return { metrics: snapshot, timeline: this.timeline, eventsRun: this.scheduler.eventsRun, simulatedMs: this.scheduler.now / 1000 };
  }

  /**
   * This policy changed what another CPU's remembered answer rested on, after that CPU had
   * answered past that time: redo the run event by event so every answer is exact.
   */
  private redoEventByEvent(): SimulationResult {
    this.options.traceSink?.reset(); // trace: the redone run writes the trace afresh
    return new Simulation(this.scenario, this.policy, this.params, { ...this.options, answerAhead: false }).run();
  }

  private scheduleTimedEvent(event: TimedEvent): void {
    this.scheduler.at(event.atMs * 1000, Priority.memory, () => {
      if (event.kind === 'drainAllPages') this.allocator.drainAllPages();
      else if (event.kind === 'load') {
        if (event.change.workqueues) this.wakeLatency.setTiming(event.change.workqueues);
        if (event.change.gp) this.gracePeriods.setTiming(event.change.gp);
      } else this.others.borrow(this.host.stealShared(event.pages), event.holdMs);
    });
  }

  private scheduleTimeline(): void {
    const points = this.options.timelinePoints ?? 0;
    if (points <= 0) return;
    const stepUs = this.endUs / points;
    let lastFailures = 0;
    let lastBelowMinMs = 0;
    for (let index = 0; index <= points; index++) {
      this.scheduler.at(index * stepUs, Priority.sample, () => {
        const failures = this.kvfree.fallbacksBy(this.scheduler.now);
        const belowMinMs = this.allocator.belowMinMs;
        this.timeline.push({
          timeMs: this.scheduler.now / 1000,
          freePages: this.allocator.freePages,
          reservePages: this.host.reservePages(),
          inflightPages: this.kvfree.inflight.value,
          failures: failures - lastFailures,
          lowestFreePages: this.allocator.takeLowestFree(),
          belowMinMs: belowMinMs - lastBelowMinMs,
          peakInflightPages: this.kvfree.inflight.takeWindowPeak(),
        });
        lastFailures = failures;
        lastBelowMinMs = belowMinMs;
      });
    }
  }

  private latencySummary(): Metrics['latencyUs'] {
    this.kvfree.flushHistograms();
    const histogram = this.kvfree.latency;
    return { p50: histogram.quantile(0.5), p99: histogram.quantile(0.99), p999: histogram.quantile(0.999), max: histogram.max, mean: histogram.mean };
  }

  private stallSummary(): Metrics['stalls'] {
    const counters = this.kvfree.counters;
    const syncMs = counters.stallSyncUs.value / 1000;
    const reclaimMs = counters.stallReclaimUs.value / 1000;
    return { count: counters.stalls, totalMs: syncMs + reclaimMs, p99Ms: this.kvfree.stallLength.quantile(0.99) / 1000, syncMs, reclaimMs };
  }

  private slowPathSummary(): Metrics['slowPathUs'] {
    this.kvfree.flushHistograms();
    const histogram = this.kvfree.slowPath;
    return { p50: histogram.quantile(0.5), p99: histogram.quantile(0.99), max: histogram.max };
  }

  private collect(): Metrics {
    const counters = this.kvfree.counters;
    const violations = this.host.violations;
    return {
      calls: counters.calls,
      pagesAllocated: this.host.pagesAllocated,
      reserve: { avgPages: this.host.reserveLevel.average(this.endUs), peakPages: this.host.reserveLevel.peak },
      inflight: { avgPages: this.kvfree.inflight.average(this.endUs), peakPages: this.kvfree.inflight.peak },
      failures: {
        count: counters.fallbacks,
        rate: counters.calls > 0 ? counters.fallbacks / counters.calls : 0,
        rcuHead: counters.rcuHead,
        syncInline: counters.syncInline,
      },
      violations: { count: this.host.violationCount, ...violations },
      latencyUs: this.latencySummary(),
      harm: {
        otherAllocFailures: this.others.allocFailures,
        oomKills: this.allocator.oomKills,
        pcpRefills: this.allocator.pcpRefillsBy.others,
        belowMinMs: this.allocator.belowMinMs,
        kswapdWakeups: this.allocator.kswapdWakeups,
        lmkKills: this.others.lmkKills,
      },
      stalls: this.stallSummary(),
      fallbackCost: { extraFreeCpuMs: this.kvfree.extraFreeNs / 1e6 },
      slowPathUs: this.slowPathSummary(),
      irqsOffUs: { p99: this.kvfree.irqsOff.quantile(0.99), max: this.kvfree.irqsOff.max },
      footprint: this.footprint.summary(),
      pageFill: { p10: this.kvfree.pageFill.quantile(0.1), p50: this.kvfree.pageFill.quantile(0.5), p90: this.kvfree.pageFill.quantile(0.9) },
      gp: { count: this.gracePeriods.count },
      callsEndMs: this.kvfree.lastCallUs / 1000,
    };
  }
}
