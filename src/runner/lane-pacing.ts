// How many threads a list of runs is worth. A thread costs its start-up and a cold JIT: its first
// run takes about 0.7 s longer than the same run in a warm thread, and a comparison about 1.7 s
// more CPU (`compare --seeds 3` on default: 7.6 s of CPU on two threads against 5.9 s on one).
// So runs start on one thread, and another starts when the estimate (run-cost.ts) or the runs
// measured so far give each thread seconds of work, or a run turns out long. And only with a
// core to run on: on a machine other processes kept busy, two threads got no more CPU than one
// (`--seeds 7`: 12.5 s of CPU in 12.3 s of wall on two, 10.4 s on one), while on a quiet one
// two won (`--seeds 3`: 3.9 s against 4.4 s); so the machine's idle time, measured while the
// first runs go, must show a core free. Which thread runs a task never changes its result.
import { cpus } from 'node:os';
import { REFERENCE_MS_PER_UNIT } from './run-cost.js';

/** Another thread starts when the estimate gives each thread, the new one included, this much work. */
export const ESTIMATED_MS_PER_LANE = 4_000;
/**
 * Or when the runs not yet started would take this long per running thread at the rate measured
 * so far: higher, as measured wall time also grows with the load of other processes.
 */
export const LATE_MS_PER_LANE = 10_000;
/** A run still going after this long says the runs are long, whatever their estimate. */
export const LONG_RUN_MS = 5_000;
/** Less idle than this much of a core, and another thread would only share one already busy. */
export const MIN_IDLE_CORES = 0.5;
/** Idle time is read over windows this long: CPU times tick every 10 ms. */
export const IDLE_WINDOW_MS = 400;

/** Idle cores over the last window (our own busy threads are not idle), undefined before the first window ends. */
export interface MachineIdle {
  idleCores(now: number): number | undefined;
}

/** This machine's idle time, from the kernel's per-CPU counters (os.cpus()). */
export class CpuIdle implements MachineIdle {
  private last = CpuIdle.sample();
  private lastAt: number;
  private idle: number | undefined;

  constructor(now: number) {
    this.lastAt = now;
  }

  private static sample(): { idle: number; total: number; cores: number } {
    const all = cpus();
    let idle = 0;
    let total = 0;
    for (const { times } of all) {
      idle += times.idle;
      total += times.user + times.nice + times.sys + times.idle + times.irq;
    }
    return { idle, total, cores: all.length };
  }

  idleCores(now: number): number | undefined {
    if (now - this.lastAt < IDLE_WINDOW_MS) return this.idle;
    const sample = CpuIdle.sample();
    const total = sample.total - this.last.total;
    if (total > 0) this.idle = ((sample.idle - this.last.idle) / total) * sample.cores;
    this.last = sample;
    this.lastAt = now;
    return this.idle;
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
    private readonly machine: MachineIdle,
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
    const idle = this.machine.idleCores(now);
    if (idle === undefined || idle < MIN_IDLE_CORES) return false;
    if (this.workAfter[next]! * REFERENCE_MS_PER_UNIT > ESTIMATED_MS_PER_LANE * (lanes + 1)) return true;
    // A long run counts only with at least one more like it waiting: a thread for short leftovers does not pay.
    for (const run of this.running.values()) if (now - run.startedAt > LONG_RUN_MS && this.workAfter[next]! >= this.costs[run.position]!) return true;
    if (this.warmUnits === 0) return false;
    return this.workAfter[next]! * (this.warmMs / this.warmUnits) > LATE_MS_PER_LANE * lanes;
  }
}
