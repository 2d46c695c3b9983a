// A binary min-heap of events ordered by (time, priority, sequence). The sequence number makes
// ties deterministic: two events at the same time and priority run in the order scheduled.
// Keys live in typed arrays that only grow: a queue that fills and empties millions of times
// never reallocates, and the garbage collector has only the items to look at.

const INITIAL_CAPACITY = 64;

export class EventQueue<T> {
  private times = new Float64Array(INITIAL_CAPACITY);
  private priorities = new Float64Array(INITIAL_CAPACITY);
  private sequences = new Float64Array(INITIAL_CAPACITY);
  private items: Array<T | undefined> = new Array<T | undefined>(INITIAL_CAPACITY).fill(undefined);
  private count = 0;
  private nextSequence = 0;

  get size(): number {
    return this.count;
  }

  /** Adds an item; `sequence` lets several queues share one tie-break order (default: this queue's own). */
  push(time: number, priority: number, item: T, sequence = this.nextSequence++): void {
    if (this.count === this.times.length) this.grow();
    let index = this.count++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(time, priority, sequence, parent)) break;
      this.move(parent, index);
      index = parent;
    }
    this.place(index, time, priority, sequence, item);
  }

  peekTime(): number {
    return this.count > 0 ? this.times[0] : Infinity;
  }

  /** True when this queue's head runs before the other queue's head. */
  headBefore(other: EventQueue<T>): boolean {
    if (other.count === 0) return this.count > 0;
    if (this.count === 0) return false;
    return other.lessThanEntry(0, this.times[0], this.priorities[0], this.sequences[0]) === false;
  }

  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const top = this.items[0];
    const size = --this.count;
    const time = this.times[size];
    const priority = this.priorities[size];
    const sequence = this.sequences[size];
    const item = this.items[size]!;
    this.items[size] = undefined; // the action may hold a lot: let it go
    if (size === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.less(right, left) ? right : left;
      if (!this.lessThanEntry(child, time, priority, sequence)) break;
      this.move(child, index);
      index = child;
    }
    this.place(index, time, priority, sequence, item);
    return top;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const widen = (keys: Float64Array) => {
      const wider = new Float64Array(capacity);
      wider.set(keys);
      return wider;
    };
    this.times = widen(this.times);
    this.priorities = widen(this.priorities);
    this.sequences = widen(this.sequences);
    for (let index = this.items.length; index < capacity; index++) this.items.push(undefined);
  }

  /** True when (time, priority, sequence) orders before the entry at index. */
  private before(time: number, priority: number, sequence: number, index: number): boolean {
    const otherTime = this.times[index];
    if (time !== otherTime) return time < otherTime;
    const otherPriority = this.priorities[index];
    if (priority !== otherPriority) return priority < otherPriority;
    return sequence < this.sequences[index];
  }

  private lessThanEntry(index: number, time: number, priority: number, sequence: number): boolean {
    const entryTime = this.times[index];
    if (entryTime !== time) return entryTime < time;
    const entryPriority = this.priorities[index];
    if (entryPriority !== priority) return entryPriority < priority;
    return this.sequences[index] < sequence;
  }

  private less(a: number, b: number): boolean {
    return this.lessThanEntry(a, this.times[b], this.priorities[b], this.sequences[b]);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.priorities[to] = this.priorities[from];
    this.sequences[to] = this.sequences[from];
    this.items[to] = this.items[from];
  }

  private place(index: number, time: number, priority: number, sequence: number, item: T): void {
    this.times[index] = time;
    this.priorities[index] = priority;
    this.sequences[index] = sequence;
    this.items[index] = item;
  }
}
