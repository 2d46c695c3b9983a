// Runs tasks on worker threads, each run supervised: a wall-time budget and a heap limit per
// run, and any way a thread can end (an answer, an async throw, out of heap, process.exit, an
// overrun) becomes that run's outcome, never the whole comparison's. Built-ins share one
// thread per lane; a user's policy file gets a fresh thread for every run (its own globals,
// module instance, guards and seeded Math.random), stopped as soon as the run has answered.
import type { Worker } from 'node:worker_threads';
import { heapText, loadingBudgetMs, nextEnd, policyThread, secondsText, type ThreadLimits } from '../policy/supervise.js';
import { RunProgress } from './policy-watch.js';
import { STARTED, type RunOutcome, type RunTask } from './task.js';
import type { WorkerSetup } from './worker.js';

export const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Per-run budgets (`--run-timeout`, `--run-heap`). */
export type RunLimits = ThreadLimits;

/**
 * A legitimate run of any preset finishes far inside these: `flood`, the slowest, takes a few
 * seconds per run on a laptop core, and no model structure grows past a few hundred MiB.
 */
export const DEFAULT_RUN_LIMITS: Readonly<RunLimits> = Object.freeze({ timeoutMs: 600_000, heapLimitMb: 1024 });

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

/** Every task, `jobs` at a time; outcomes in task order. */
export async function runInWorkers(tasks: readonly RunTask[], jobs: number, limits: RunLimits, onDone: () => void): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = new Array(tasks.length);
  let next = 0;
  const pacing = new LanePacing(Date.now());
  const lane = async (first: boolean) => {
    let shared: Thread | undefined;
    try {
      while (next < tasks.length) {
        const task = tasks[next++]!;
        if (first) pacing.started(Date.now());
        if (task.location.kind === 'file') {
          const own = startThread(true, limits);
          outcomes[task.index] = (await superviseRun(own, task, limits)).outcome;
          void own.worker.terminate();
        } else {
          shared ??= startThread(false, limits);
          const { outcome, healthy } = await superviseRun(shared, task, limits);
          outcomes[task.index] = outcome;
          if (!healthy) shared = undefined;
        }
        if (first) pacing.finished(Date.now());
        onDone();
      }
    } finally {
      if (shared) void shared.worker.terminate();
    }
  };
  const lanes = Math.max(1, Math.min(jobs, tasks.length));
  let firstDone = false;
  const firstLane = lane(true).finally(() => (firstDone = true));
  // Lanes beyond the first start only when the work left pays for a thread (see LanePacing);
  // which lane runs a task never changes its result, so the output is the same either way.
  const extraLane = async () => {
    while (!firstDone && next < tasks.length && !pacing.worthAnotherLane(Date.now(), tasks.length - next)) {
      await new Promise((resolve) => setTimeout(resolve, PACING_POLL_MS));
    }
    if (next < tasks.length) await lane(false);
  };
  await Promise.all([firstLane, ...Array.from({ length: lanes - 1 }, extraLane)]);
  return outcomes;
}

const PACING_POLL_MS = 100;

/**
 * Whether to start another worker thread. One costs its start-up and a cold JIT: about 1 s of
 * CPU over its first runs (measured: `compare` on default, --jobs 2 against --jobs 1), so it pays
 * only for work that outlasts that. Judged from the first lane: a run still going after
 * LONG_RUN_MS says the runs are long (a flood); otherwise the mean run so far times the runs
 * left must pass WORK_LEFT_MS.
 */
class LanePacing {
  private runStartedAt = -1;
  private runs = 0;
  private totalMs = 0;

  constructor(private readonly startMs: number) {}

  started(now: number): void {
    this.runStartedAt = now;
  }

  finished(now: number): void {
    // The first run also paid for the thread's start-up: it says nothing about the others.
    if (this.firstRunDone) {
      this.runs++;
      this.totalMs += now - this.runStartedAt;
    }
    this.firstRunDone = true;
    this.runStartedAt = -1;
  }

  private firstRunDone = false;

  worthAnotherLane(now: number, runsLeft: number): boolean {
    if (now - this.startMs > LONG_RUN_MS && this.runs === 0) return true;
    if (this.runStartedAt >= 0 && now - this.runStartedAt > LONG_RUN_MS) return true;
    return this.runs > 0 && (this.totalMs / this.runs) * runsLeft > WORK_LEFT_MS;
  }
}

const LONG_RUN_MS = 1_000;
const WORK_LEFT_MS = 2_500;
