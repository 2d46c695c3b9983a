// How many threads a list of runs is worth. A thread costs its start-up (about 0.15 s of a core
// for the isolate and the model's modules) and a cold JIT (a thread's first runs take up to
// twice as long as warm ones), and two threads slow each other: on this project's 2-core test
// machine, idle, `compare` on default (about 1.7 s of runs on one thread) took 3.4 s with a
// second thread started with the first runs against 2.7 s without (median of 7 pairs; its
// refill-worker run 1.4 s against 0.75 s alone). So runs start on one thread, and another starts
// only when the estimate (run-cost.ts) or the runs measured so far give each thread seconds of
// work, or a run turns out long. And only with a core to run on: on a machine other processes
// kept busy, two threads got no more CPU than one (`--seeds 7`: 12.5 s of CPU in 12.3 s of wall
// on two, 10.4 s on one); so other processes must leave a core free beyond the threads already
// running. That is measured from when the first thread starts (worker-pool.ts, SpareThread),
// leaving out this process's own CPU time, so it is known by the time the first runs are handed
// out. Which thread runs a task never changes its result.
import { cpus } from 'node:os';
import { REFERENCE_MS_PER_UNIT } from './run-cost.js';

/**
 * Another thread starts when the estimate gives each thread, the new one included, this much
 * work: default's eight runs (1.7 s estimated, 1.4 s left after the first) stay on one thread.
 */
export const ESTIMATED_MS_PER_LANE = 4_000;
/**
 * Or when the runs not yet started would take this long per running thread at the rate measured
 * so far: higher, as measured wall time also grows with the load of other processes.
 */
export const LATE_MS_PER_LANE = 10_000;
/** A run still going after this long says the runs are long, whatever their estimate. */
export const LONG_RUN_MS = 5_000;
/** Less than this much of a core free beyond our running threads, and another would only share one already busy. */
export const MIN_FREE_CORES = 0.5;
/** CPU times are read over windows this long: they tick every 10 ms, so 20 ticks on two cores. */
export const CPU_WINDOW_MS = 100;

/**
 * The cores other processes leave us over the last window: all of them, less the time others
 * kept them busy (our own threads, busy or not, are not others); undefined before the first
 * window ends.
 */
export interface MachineCores {
  freeCores(now: number): number | undefined;
}

/** CPU time so far, in ms: every core's busy and idle time, and this process's own (every thread). */
export interface CpuTimes {
  busyMs: number;
  idleMs: number;
  ownMs: number;
  cores: number;
}

/** The kernel's per-CPU counters (os.cpus()) and this process's CPU time (process.cpuUsage()). */
export function machineCpuTimes(): CpuTimes {
  const all = cpus();
  let busyMs = 0;
  let idleMs = 0;
  for (const { times } of all) {
    busyMs += times.user + times.nice + times.sys + times.irq;
    idleMs += times.idle;
  }
  const own = process.cpuUsage();
  return { busyMs, idleMs, ownMs: (own.user + own.system) / 1000, cores: all.length };
}

/**
 * Free cores from CPU times. Leaving our own time out lets the first window run while this
 * process starts up (the host loading modules, the first thread starting on the other core)
 * and still say whether others left a core free: a second thread can start with the first runs.
 */
export class CpuCores implements MachineCores {
  private last: CpuTimes;
  private lastAt: number;
  private free: number | undefined;

  constructor(
    now: number,
    private readonly read: () => CpuTimes = machineCpuTimes,
  ) {
    this.last = read();
    this.lastAt = now;
  }

  freeCores(now: number): number | undefined {
    if (now - this.lastAt < CPU_WINDOW_MS) return this.free;
    const times = this.read();
    const totalMs = times.busyMs + times.idleMs - (this.last.busyMs + this.last.idleMs);
    if (totalMs > 0) {
      const othersMs = Math.max(0, times.busyMs - this.last.busyMs - (times.ownMs - this.last.ownMs));
      this.free = times.cores * (1 - Math.min(1, othersMs / totalMs));
    }
    this.last = times;
    this.lastAt = now;
    return this.free;
  }
}

interface RunningRun {
  position: number;
  startedAt: number;
  /** The run's thread is new: its time includes the start-up and the cold JIT. */
  fresh: boolean;
}

/** Positions are places in the order runs are handed out; `costs[position]` is that run's estimate (run-cost.ts). */
export class LanePacing {
  private readonly workAfter: number[];
  private readonly running = new Map<number, RunningRun>();
  private warmMs = 0;
  private warmUnits = 0;

  constructor(
    private readonly costs: readonly number[],
    private readonly machine: MachineCores,
  ) {
    // workAfter[p]: estimated work of the runs at positions p and later.
    this.workAfter = new Array<number>(costs.length + 1).fill(0);
    for (let position = costs.length - 1; position >= 0; position--) this.workAfter[position] = this.workAfter[position + 1]! + costs[position]!;
  }

  started(lane: number, position: number, now: number, fresh: boolean): void {
    this.running.set(lane, { position, startedAt: now, fresh });
  }

  finished(lane: number, now: number): void {
    const run = this.running.get(lane);
    this.running.delete(lane);
    // A thread's first run also paid for the thread: it says little about the others.
    if (!run || run.fresh) return;
    this.warmMs += now - run.startedAt;
    this.warmUnits += this.costs[run.position]!;
  }

  /** Whether one more thread pays, with `lanes` running and the runs from position `next` on not yet started. */
  worthAnotherLane(now: number, next: number, lanes: number): boolean {
    const free = this.machine.freeCores(now);
    if (free === undefined || free - lanes < MIN_FREE_CORES) return false;
    if (this.workAfter[next]! * REFERENCE_MS_PER_UNIT > ESTIMATED_MS_PER_LANE * (lanes + 1)) return true;
    // A long run counts only with at least one more like it waiting: a thread for short leftovers does not pay.
    for (const run of this.running.values()) if (now - run.startedAt > LONG_RUN_MS && this.workAfter[next]! >= this.costs[run.position]!) return true;
    if (this.warmUnits === 0) return false;
    return this.workAfter[next]! * (this.warmMs / this.warmUnits) > LATE_MS_PER_LANE * lanes;
  }
}
