// Runs tasks on worker threads, each run supervised: a wall-time budget and a heap limit per
// run, and any way a thread can end (an answer, an async throw, out of heap, process.exit, an
// overrun) becomes that run's outcome, never the whole comparison's. Built-ins share one
// thread per lane; a user's policy file gets a fresh thread for every run (its own globals,
// module instance, guards and seeded Math.random), stopped as soon as the run has answered.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { heapText, loadingBudgetMs, nextEnd, policyThread, secondsText } from '../policy/supervise.js';
import { CpuCores, LanePacing } from './lane-pacing.js';
import type { RunLimits } from './limits.js';
import { RunProgress } from './policy-watch.js';
import { estimatedCost, longestFirst } from './run-cost.js';
import { STARTED, type RunOutcome, type RunTask } from './task-message.js';
import type { WorkerSetup } from './worker.js';

export const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Whether runs can go to threads: the compiled worker is there (the CLI), not when tests run from source. */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

interface Thread {
  worker: Worker;
  progress: RunProgress;
}

function startThread(isolated: boolean, limits: RunLimits): Thread {
  const shared = RunProgress.shared();
  const setup: WorkerSetup = { isolated, progress: shared };
  return { worker: policyThread(WORKER_URL, limits, setup), progress: new RunProgress(shared) };
}

/** One run on `thread`; `healthy` says whether the thread can take another task. */
async function superviseRun(thread: Thread, task: RunTask, limits: RunLimits): Promise<{ outcome: RunOutcome; healthy: boolean }> {
  thread.worker.postMessage(task);
  // Loading (compiling a user's TypeScript) has the loading budget; the run's own starts after it.
  const loadBudgetMs = loadingBudgetMs(limits);
  let end = await nextEnd<RunOutcome | typeof STARTED>(thread.worker, loadBudgetMs);
  const loaded = end.kind === 'message' && end.value === STARTED;
  if (loaded) end = await nextEnd<RunOutcome | typeof STARTED>(thread.worker, limits.timeoutMs);
  if (end.kind === 'message' && end.value !== STARTED) return { outcome: end.value, healthy: true };
  void thread.worker.terminate();
  // The CLI prints these after "policy NAME failed: ", so they need not name the policy again.
  const where = thread.progress.where();
  const error =
    end.kind === 'timeout'
      ? `exceeded ${secondsText(loaded ? limits.timeoutMs : loadBudgetMs)} ${where}, seed ${task.seed}; --run-timeout sets the budget`
      : end.kind === 'heap'
        ? `exceeded the ${heapText(limits.heapLimitMb)} heap limit ${where}, seed ${task.seed}; --run-heap sets it`
        : end.kind === 'exit'
          ? `its thread ended (exit code ${end.code}) ${where}, seed ${task.seed}`
          : end.kind === 'error'
            ? `${end.message} (thrown ${where}, seed ${task.seed})`
            : `its thread answered twice ${where}, seed ${task.seed}`;
  return { outcome: { index: task.index, ok: false, error }, healthy: false };
}

/**
 * A thread for built-ins started before its tasks are known, so that its start-up (a new V8
 * isolate, then the model's modules) overlaps the host's own: reading the scenario, loading
 * and validating the policies. The machine's free cores are measured from then on too, so that
 * by the time the runs are handed out it is known whether a second thread has a core to run on.
 * It does not keep the process alive; close() it when done.
 */
export class SpareThread {
  private thread: Thread | undefined;
  readonly machine = new CpuCores(Date.now());

  constructor(private readonly limits: RunLimits) {
    this.thread = startThread(false, limits);
    this.thread.worker.unref();
  }

  /** The thread, once, if it was started with the same heap limit. */
  take(limits: RunLimits): Thread | undefined {
    const thread = this.thread;
    if (!thread || limits.heapLimitMb !== this.limits.heapLimitMb) return undefined;
    this.thread = undefined;
    thread.worker.ref();
    return thread;
  }

  close(): void {
    if (this.thread) void this.thread.worker.terminate();
    this.thread = undefined;
  }
}

/** A SpareThread when runs will go to threads, else nothing. */
export function startSpareThread(limits: RunLimits): SpareThread | undefined {
  return workersAvailable() ? new SpareThread(limits) : undefined;
}

const PACING_POLL_MS = 50;

/** Set to 1, every --jobs thread starts at once (tests use it: the output must not depend on threads). */
export const EAGER_THREADS_VARIABLE = 'RCUPOOL_EAGER_THREADS';

/**
 * Every task, on at most `jobs` threads; outcomes in task order. Tasks are handed out longest
 * expected first (run-cost.ts) and threads beyond the first start only when the work pays for
 * them (lane-pacing.ts); which thread runs a task never changes its result.
 */
export async function runInWorkers(tasks: readonly RunTask[], jobs: number, limits: RunLimits, onDone: () => void, spare?: SpareThread): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(tasks.length);
  const costs = tasks.map(estimatedCost);
  const order = longestFirst(costs);
  const pacing = new LanePacing(order.map((index) => costs[index]!), spare?.machine ?? new CpuCores(Date.now()));
  let next = 0;
  const lane = async (laneIndex: number) => {
    let shared: Thread | undefined;
    try {
      while (next < order.length) {
        const position = next++;
        const task = tasks[order[position]!]!;
        if (task.location.kind === 'file') {
          pacing.started(laneIndex, position, Date.now(), true);
          const own = startThread(true, limits);
          outcomes[task.index] = (await superviseRun(own, task, limits)).outcome;
          void own.worker.terminate();
        } else {
          const fresh = shared === undefined;
          shared ??= spare?.take(limits) ?? startThread(false, limits);
          pacing.started(laneIndex, position, Date.now(), fresh);
          const { outcome, healthy } = await superviseRun(shared, task, limits);
          outcomes[task.index] = outcome;
          if (!healthy) shared = undefined;
        }
        pacing.finished(laneIndex, Date.now());
        onDone();
      }
    } finally {
      if (shared) void shared.worker.terminate();
    }
  };
  const maxLanes = Math.max(1, Math.min(jobs, tasks.length));
  const lanes: Promise<void>[] = [];
  const startLane = () => {
    const running = lane(lanes.length);
    // Handled here so a failing lane is not reported as unhandled while the pacing loop waits; Promise.all below rethrows it.
    running.catch(() => undefined);
    lanes.push(running);
  };
  // One thread at once; more only once the machine shows a core free for them (lane-pacing.ts).
  const upFront = process.env[EAGER_THREADS_VARIABLE] === '1' ? maxLanes : 1;
  for (let count = upFront; count > 0; count--) startLane();
  // Asked at once too: with a spare thread the machine has been watched since it started.
  while (lanes.length < maxLanes && next < order.length) {
    if (pacing.worthAnotherLane(Date.now(), next, lanes.length)) startLane();
    else await new Promise((resolve) => setTimeout(resolve, PACING_POLL_MS));
  }
  await Promise.all(lanes);
  return outcomes;
}
