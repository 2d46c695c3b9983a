// What the model tells a trace writer (`rcupool run --trace-out`): the few moments that have a
// kernel tracepoint. The model calls these only when SimulationOptions.traceSink is set; each
// call site is one commented line, so the model does not depend on how traces are written.
// Times are simulated µs. A sink only observes: it must never change the run.

/** Random access to one CPU's call times (the model's CallSequence), for sinks that want every call. */
export interface CallTimes {
  timeOf(call: number): number;
}

export type TraceCallForm = 'two-arg' | 'headless';
export type TraceWorkQueue = 'highpri' | 'normal' | 'reclaim';
export type TraceGfp = 'NOWAIT' | 'ATOMIC' | 'KERNEL' | 'KERNEL_NORETRY' | 'lockless-pcp' | 'nolock';

export interface TraceSink {
  /** rcu_gp_init(): GP `seq` starts. */
  gpStart(seq: number, timeUs: number): void;
  /** rcu_gp_cleanup(): GP `seq` ends (callers of synchronize_rcu() waiting for it return). */
  gpEnd(seq: number, timeUs: number): void;
  /** A kvfree_rcu() call the model handles one by one (it needed a new pointer page and got one). */
  call(cpu: number, timeUs: number): void;
  /** Calls `first` … `first + count − 1` that went into a page with room, handled in bulk. Optional: costs a line per call. */
  bulkCalls?(cpu: number, first: number, count: number, times: CallTimes): void;
  /** A call that found no page: chained through its rcu_head, or (headless) synchronize_rcu() then kvfree(), after GP `gpSeq`. */
  fallback(cpu: number, timeUs: number, form: TraceCallForm, gpSeq: number): void;
  /** kfree_rcu_work(): one bulk free per pointer page (its record count), then the rcu_head objects one by one. */
  reclaim(cpu: number, timeUs: number, recordsPerPage: readonly number[], headObjects: number): void;
  /** A work item is queued; returns an id for workStarted. */
  workQueued(cpu: number, fn: string, queue: TraceWorkQueue, timeUs: number): number;
  workStarted(id: number, timeUs: number): void;
  /** A pointer page obtained from the page allocator, and one given back. */
  pageAllocated(cpu: number, page: number, gfp: TraceGfp, timeUs: number): void;
  pageFreed(cpu: number, page: number, timeUs: number): void;
  /** The run is being redone from the start (see Simulation.run): forget everything so far. */
  reset(): void;
}
