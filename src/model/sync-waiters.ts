// The callers waiting in synchronize_rcu() for one GP, four numbers each, in a typed array that
// grows by doubling and is reused from GP to GP: in a flood, headless fallbacks put hundreds of
// thousands of callers in per run, and a plain array per GP kept the GC busy with them.

export class SyncWaiters {
  private data = new Float64Array(256);
  /** Callers in the list. */
  count = 0;

  /** One caller: when its call's latency started, when its synchronize_rcu() started, µs it slept in reclaim before, its CPU. */
  add(latencyStartUs: number, syncStartUs: number, blockedUs: number, cpu: number): void {
    let at = this.count * 4;
    if (at + 4 > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const data = this.data;
    data[at++] = latencyStartUs;
    data[at++] = syncStartUs;
    data[at++] = blockedUs;
    data[at] = cpu;
    this.count++;
  }

  latencyStartUs(index: number): number {
    return this.data[index * 4];
  }

  syncStartUs(index: number): number {
    return this.data[index * 4 + 1];
  }

  blockedUs(index: number): number {
    return this.data[index * 4 + 2];
  }

  cpu(index: number): number {
    return this.data[index * 4 + 3];
  }

  clear(): void {
    this.count = 0;
  }
}
