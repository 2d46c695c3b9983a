// The event loop: a clock and a queue of actions. The model schedules closures; the loop runs
// them in (time, priority, sequence) order. One Scheduler per simulation, never shared.
import { EventQueue } from './event-queue.js';

export type Action = () => void;

/** Tie-break order for events at the same instant (lower runs first). */
export const Priority = {
  memory: 0,
  gracePeriod: 1,
  timer: 2,
  work: 3,
  calls: 4,
  sample: 5,
} as const;

export class Scheduler {
  now = 0;
  eventsRun = 0;
  private readonly queue = new EventQueue<Action>();
  /** Each CPU's next kvfree_rcu() call that needs a page, apart so the model can see past them. */
  private readonly callQueue = new EventQueue<Action>();
  private sequence = 0;

  at(time: number, priority: number, action: Action): void {
    this.queue.push(time < this.now ? this.now : time, priority, action, this.sequence++);
  }

  after(delay: number, priority: number, action: Action): void {
    this.at(this.now + delay, priority, action);
  }

  /**
   * Schedules a CPU's call event (Priority.calls, which no other event has). Calls of several
   * CPUs due at one instant run in CPU order, not in the order they were scheduled: when a CPU's
   * next call event is scheduled depends on how the model got there (a run counted in bulk, an
   * answer given ahead), never what the calls do.
   */
  atCall(time: number, cpu: number, action: Action): void {
    this.callQueue.push(time < this.now ? this.now : time, Priority.calls, action, cpu);
  }

  nextTime(): number {
    return Math.min(this.queue.peekTime(), this.callQueue.peekTime());
  }

  /** Whether every pending event comes after `time` (nextTime() > time, without a float to return). */
  nothingUntil(time: number): boolean {
    return this.queue.peekTime() > time && this.callQueue.peekTime() > time;
  }

  /** The earliest event that is not a CPU's call event. */
  nextNonCallTime(): number {
    return this.queue.peekTime();
  }

  get pending(): number {
    return this.queue.size + this.callQueue.size;
  }

  /** Runs events up to and including endTime, or until stop() says so; afterEvent runs after each. */
  run(endTime: number, stop: () => boolean = () => false, afterEvent?: () => void): void {
    for (;;) {
      const source = this.callQueue.headBefore(this.queue) ? this.callQueue : this.queue;
      if (source.size === 0) return;
      // Read once: a float returned twice a loop was boxed twice an event (a tenth of flood's garbage).
      const time = source.peekTime();
      if (time > endTime) return;
      this.now = time;
      const action = source.pop()!;
      this.eventsRun++;
      action();
      if (afterEvent) afterEvent();
      if (stop()) return;
    }
  }
}
