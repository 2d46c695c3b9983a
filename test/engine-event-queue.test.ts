import { describe, it, expect } from 'vitest';
import { EventQueue } from '../src/engine/event-queue.js';
import { Priority, Scheduler } from '../src/engine/scheduler.js';

/** A tiny deterministic PRNG so the test itself needs no engine code. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function drain<T>(queue: EventQueue<T>): T[] {
  const out: T[] = [];
  for (let item = queue.pop(); item !== undefined; item = queue.pop()) out.push(item);
  return out;
}

describe('EventQueue', () => {
  it('pops by time first', () => {
    const queue = new EventQueue<string>();
    queue.push(30, 0, 'c');
    queue.push(10, 9, 'a');
    queue.push(20, 0, 'b');
    expect(queue.peekTime()).toBe(10);
    expect(drain(queue)).toEqual(['a', 'b', 'c']);
  });

  it('breaks time ties by priority (lower first)', () => {
    const queue = new EventQueue<string>();
    queue.push(5, 3, 'work');
    queue.push(5, 0, 'memory');
    queue.push(5, 1, 'gp');
    queue.push(4, 7, 'earlier');
    expect(drain(queue)).toEqual(['earlier', 'memory', 'gp', 'work']);
  });

  it('breaks (time, priority) ties by push order', () => {
    const queue = new EventQueue<number>();
    for (let index = 0; index < 50; index++) queue.push(1, 2, index);
    queue.push(1, 1, -1);
    expect(drain(queue)).toEqual([-1, ...Array.from({ length: 50 }, (_, index) => index)]);
  });

  it('is empty with Infinity as next time and undefined on pop', () => {
    const queue = new EventQueue<number>();
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Infinity);
    expect(queue.pop()).toBeUndefined();
    queue.push(1, 0, 1);
    expect(queue.size).toBe(1);
    expect(queue.pop()).toBe(1);
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Infinity);
  });

  it('matches a sorted reference over many random interleaved pushes and pops', () => {
    const random = lcg(12345);
    const queue = new EventQueue<number>();
    interface Entry {
      time: number;
      priority: number;
      sequence: number;
    }
    const reference: Entry[] = [];
    let sequence = 0;
    let popped = 0;
    const order = (a: Entry, b: Entry) => a.time - b.time || a.priority - b.priority || a.sequence - b.sequence;
    for (let step = 0; step < 20_000; step++) {
      if (random() < 0.6 || reference.length === 0) {
        // Few distinct times and priorities, so ties are common.
        const entry = { time: Math.floor(random() * 50), priority: Math.floor(random() * 4), sequence: sequence++ };
        // Insert in order (binary search) so the reference stays sorted.
        let low = 0;
        let high = reference.length;
        while (low < high) {
          const middle = (low + high) >> 1;
          if (order(reference[middle], entry) < 0) low = middle + 1;
          else high = middle;
        }
        reference.splice(low, 0, entry);
        queue.push(entry.time, entry.priority, entry.sequence);
      } else {
        const expected = reference.shift()!;
        expect(queue.peekTime()).toBe(expected.time);
        expect(queue.pop()).toBe(expected.sequence);
        popped++;
      }
      expect(queue.size).toBe(reference.length);
    }
    expect(drain(queue)).toEqual(reference.map((entry) => entry.sequence));
    expect(popped).toBeGreaterThan(5_000);
  });
});

describe('Scheduler', () => {
  it('runs actions in (time, priority, sequence) order and advances the clock', () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    scheduler.at(10, Priority.calls, () => log.push(`calls@${scheduler.now}`));
    scheduler.at(10, Priority.memory, () => log.push(`memory@${scheduler.now}`));
    scheduler.at(5, Priority.sample, () => {
      log.push(`sample@${scheduler.now}`);
      scheduler.after(5, Priority.gracePeriod, () => log.push(`gp@${scheduler.now}`));
    });
    scheduler.run(100);
    expect(log).toEqual(['sample@5', 'memory@10', 'gp@10', 'calls@10']);
    expect(scheduler.eventsRun).toBe(4);
  });

  it('never schedules into the past and stops at endTime or when told', () => {
    const scheduler = new Scheduler();
    const log: number[] = [];
    scheduler.at(20, 0, () => {
      scheduler.at(3, 0, () => log.push(scheduler.now));
    });
    scheduler.at(50, 0, () => log.push(scheduler.now));
    scheduler.run(30);
    expect(log).toEqual([20]);
    expect(scheduler.pending).toBe(1);
    expect(scheduler.nextTime()).toBe(50);
    let stop = false;
    scheduler.at(40, 0, () => (stop = true));
    scheduler.run(100, () => stop);
    expect(scheduler.now).toBe(40);
    expect(scheduler.pending).toBe(1);
  });
});
