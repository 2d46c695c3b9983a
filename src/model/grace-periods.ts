// RCU grace periods: one runs at a time; a request made while one runs is served by the next,
// which starts as soon as the current one ends. Cookies follow get_state_synchronize_rcu():
// a cookie is the sequence number of the first GP that must complete after the request.
import { objectList } from '../engine/lists.js';
import { Priority, type Scheduler } from '../engine/scheduler.js';
import { lognormalFromMedianP99, type Lognormal, type Stream } from '../engine/random.js';
import type { TimingSpec } from '../scenario/types.js';
import type { TraceSink } from './trace-sink.js';

export class GracePeriods {
  completed = 0;
  private running = 0;
  private nextRequested = false;
  private duration!: Lognormal;
  private stall!: TimingSpec['gp'];
  private readonly waiters = new Map<number, Array<(endTime: number) => void>>();
  /** How many GPs have completed, for tests and diagnostics. */
  count = 0;
  /** `run --trace-out` only (trace-sink.ts). */
  trace?: TraceSink;
  /** Called as a GP ends, before anything of it changes: what waits for "the GP after this one" must have been counted by then. */
  beforeEnd: () => void = () => {};

  constructor(
    private readonly scheduler: Scheduler,
    private readonly stream: Stream,
    gp: TimingSpec['gp'],
  ) {
    this.setTiming(gp);
  }

  setTiming(gp: TimingSpec['gp']): void {
    this.duration = lognormalFromMedianP99(gp.medianMs * 1000, gp.p99Ms * 1000);
    this.stall = gp;
  }

  /** get_state_synchronize_rcu(): the GP that must complete for something queued now. Starts nothing. */
  snapshot(): number {
    return this.running ? this.running + 1 : this.completed + 1;
  }

  /** poll_state_synchronize_rcu(). */
  hasCompleted(cookie: number): boolean {
    return this.completed >= cookie;
  }

  get inProgress(): boolean {
    return this.running !== 0;
  }

  /** Asks for a full GP from now and calls done when it has ended. */
  request(done: (endTime: number) => void): number {
    const cookie = this.snapshot();
    let list = this.waiters.get(cookie);
    if (!list) this.waiters.set(cookie, (list = objectList<(endTime: number) => void>()));
    list.push(done);
    if (this.running) this.nextRequested = true;
    else this.start();
    return cookie;
  }

  private start(): void {
    this.running = this.completed + 1;
    this.nextRequested = false;
    this.trace?.gpStart(this.running, this.scheduler.now); // trace: rcu_grace_period start
    const stalled = this.stream.bernoulli(this.stall.stallProbability);
    const lengthUs = stalled ? this.stream.uniformRange(this.stall.stallMinMs, this.stall.stallMaxMs) * 1000 : this.stream.lognormal(this.duration);
    this.scheduler.after(lengthUs, Priority.gracePeriod, () => this.end());
  }

  private end(): void {
    this.beforeEnd();
    this.completed = this.running;
    this.running = 0;
    this.count++;
    this.trace?.gpEnd(this.completed, this.scheduler.now); // trace: rcu_grace_period end
    const list = this.waiters.get(this.completed);
    this.waiters.delete(this.completed);
    if (this.nextRequested || this.waiters.size > 0) this.start();
    if (list) for (const done of list) done(this.scheduler.now);
  }
}
