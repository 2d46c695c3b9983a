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

  at(time: number, priority: number, action: Action): void {
    this.queue.push(time < this.now ? this.now : time, priority, action);
  }

  after(delay: number, priority: number, action: Action): void {
    this.at(this.now + delay, priority, action);
  }

  nextTime(): number {
    return this.queue.peekTime();
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Runs events up to and including endTime, or until stop() says so; afterEvent runs after each. */
  run(endTime: number, stop: () => boolean = () => false, afterEvent?: () => void): void {
    while (this.queue.size > 0 && this.queue.peekTime() <= endTime) {
      this.now = this.queue.peekTime();
      const action = this.queue.pop()!;
      this.eventsRun++;
      action();
      if (afterEvent) afterEvent();
      if (stop()) return;
    }
  }
}
