// How many threads a list of runs is worth. A thread costs its start-up and a cold JIT: its first
// run takes about 0.7 s longer than the same run in a warm thread, and the whole comparison about
// 1.7 s more CPU (measured on a busy 2-core machine: `compare --seeds 3` on default, 7.6 s of CPU
// on two threads against 5.9 s on one, and 7.3 s of wall against 6.0 s). So a thread must have
// many seconds of work before it pays. The plan comes from the estimate (run-cost.ts), the same
// on every run of the same command; measured times only add a thread when the runs turn out much
// longer than estimated. And a thread pays only with a core to run on: on a machine other
// processes keep busy (as that one was, load 4-5 on 2 cores), two threads got no more CPU than
// one (`--seeds 7`: 12.5 s of CPU in 12.3 s of wall on two, 10.4 s on one), so another thread
// starts only while the load average leaves a core free. Which thread runs a task never changes
// its result.
import { availableParallelism, loadavg } from 'node:os';
import { REFERENCE_MS_PER_UNIT } from './run-cost.js';

/** Before anything has run, a thread starts for each this much of estimated work. */
export const UP_FRONT_MS_PER_LANE = 10_000;
/**
 * Later, another thread starts when the runs not yet started would take this long per running
 * thread at the rate measured so far. Higher than the up-front figure: measured wall time also
 * grows with the load other processes put on the machine, when another thread helps least.
 */
export const LATE_MS_PER_LANE = 20_000;
/** A run still going after this long says the runs are long, whatever their estimate. */
export const LONG_RUN_MS = 5_000;

/** Cores a thread could run on; `load` is the 1-minute load average, our own busy threads included. */
export interface MachineLoad {
  cores: number;
  load: () => number;
}

const THIS_MACHINE: MachineLoad = { cores: availableParallelism(), load: () => loadavg()[0]! };

/** Less than this much of a core left over, and another thread would only share one already busy. */
const MIN_FREE_CORE = 0.75;

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
    private readonly machine: MachineLoad = THIS_MACHINE,
  ) {
    // workAfter[p]: estimated work of the runs at positions p and later.
    this.workAfter = new Array<number>(costs.length + 1).fill(0);
    for (let position = costs.length - 1; position >= 0; position--) this.workAfter[position] = this.workAfter[position + 1]! + costs[position]!;
  }

  /** Threads to start before any run: one per UP_FRONT_MS_PER_LANE of estimated work and free core, at least one, at most `maxLanes`. */
  lanesUpFront(maxLanes: number): number {
    const estimatedMs = this.workAfter[0]! * REFERENCE_MS_PER_UNIT;
    const idle = Math.floor(this.freeCores(0) + 1 - MIN_FREE_CORE);
    return Math.max(1, Math.min(maxLanes, Math.floor(estimatedMs / UP_FRONT_MS_PER_LANE), idle));
  }

  /** Cores left by other processes, with `lanes` of our threads busy (they count in the load average). */
  private freeCores(lanes: number): number {
    return this.machine.cores - Math.max(0, this.machine.load() - lanes);
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
    if (this.freeCores(lanes) - lanes < MIN_FREE_CORE) return false;
    // The estimate's own rule, for a core that was busy when the runs began.
    if (this.workAfter[next]! * REFERENCE_MS_PER_UNIT > UP_FRONT_MS_PER_LANE * (lanes + 1)) return true;
    // A long run counts only with at least one more like it waiting: a thread for short leftovers does not pay.
    for (const run of this.running.values()) if (now - run.startedAt > LONG_RUN_MS && this.workAfter[next]! >= this.costs[run.position]!) return true;
    if (this.warmUnits === 0) return false;
    return this.workAfter[next]! * (this.warmMs / this.warmUnits) > LATE_MS_PER_LANE * lanes;
  }
}
