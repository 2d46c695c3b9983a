// A binary min-heap of events ordered by (time, priority, sequence). The sequence number makes
// ties deterministic: two events at the same time and priority run in the order scheduled.

export class EventQueue<T> {
  private times: number[] = [];
  private priorities: number[] = [];
  private sequences: number[] = [];
  private items: T[] = [];
  private nextSequence = 0;

  get size(): number {
    return this.items.length;
  }

  /** Adds an item; `sequence` lets several queues share one tie-break order (default: this queue's own). */
  push(time: number, priority: number, item: T, sequence = this.nextSequence++): void {
    let index = this.items.length;
    this.times.push(time);
    this.priorities.push(priority);
    this.sequences.push(sequence);
    this.items.push(item);
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(time, priority, sequence, parent)) break;
      this.move(parent, index);
      index = parent;
    }
    this.place(index, time, priority, sequence, item);
  }

  peekTime(): number {
    return this.items.length > 0 ? this.times[0] : Infinity;
  }

  /** True when this queue's head runs before the other queue's head. */
  headBefore(other: EventQueue<T>): boolean {
    if (other.items.length === 0) return this.items.length > 0;
    if (this.items.length === 0) return false;
    return other.lessThanEntry(0, this.times[0], this.priorities[0], this.sequences[0]) === false;
  }

  pop(): T | undefined {
    const count = this.items.length;
    if (count === 0) return undefined;
    const top = this.items[0];
    const time = this.times.pop()!;
    const priority = this.priorities.pop()!;
    const sequence = this.sequences.pop()!;
    const item = this.items.pop()!;
    const size = count - 1;
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
