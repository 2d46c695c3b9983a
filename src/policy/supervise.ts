// Waiting on a thread that runs policy code, with a wall-time budget. Whatever the thread does —
// answers, throws asynchronously, runs out of heap, calls process.exit, or never returns — the
// caller gets one of these ends and stops the thread; nothing it does reaches the host process.
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { describeThrown } from './thrown.js';

export type WorkerEnd<T> =
  | { kind: 'message'; value: T }
  | { kind: 'timeout' }
  | { kind: 'heap' }
  | { kind: 'exit'; code: number }
  | { kind: 'error'; message: string };

export interface ThreadLimits {
  /** Wall time a run (or a module load) may take, in ms; 0 or Infinity: no limit. */
  timeoutMs: number;
  /** V8 old-generation heap of the thread, in MiB. */
  heapLimitMb: number;
}

/** A thread for policy code: its own heap limit, and its console output on our stderr (never in a report on stdout). */
export function policyThread(url: URL, limits: ThreadLimits, workerData: unknown): Worker {
  const options: WorkerOptions = { workerData, stdout: true, resourceLimits: { maxOldGenerationSizeMb: limits.heapLimitMb } };
  const worker = new Worker(url, options);
  worker.stdout.pipe(process.stderr, { end: false });
  return worker;
}

/** The next thing that happens to `worker`: a message, an error, an exit or the budget running out. */
export function nextEnd<T>(worker: Worker, timeoutMs: number): Promise<WorkerEnd<T>> {
  return new Promise((resolve) => {
    const finish = (end: WorkerEnd<T>) => {
      if (timer !== undefined) clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      resolve(end);
    };
    const onMessage = (value: T) => finish({ kind: 'message', value });
    const onError = (error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      finish(code === 'ERR_WORKER_OUT_OF_MEMORY' ? { kind: 'heap' } : { kind: 'error', message: describeThrown(error) });
    };
    const onExit = (code: number) => finish({ kind: 'exit', code });
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    const timer = timeoutMs > 0 && Number.isFinite(timeoutMs) ? setTimeout(() => finish({ kind: 'timeout' }), timeoutMs) : undefined;
  });
}

/**
 * Loading a policy file (compiling its TypeScript, running its top level) takes a second of CPU,
 * several on a busy machine: it gets the run budget but never less than this.
 */
export const MIN_LOAD_BUDGET_MS = 15_000;

export function loadingBudgetMs(limits: ThreadLimits): number {
  return Math.max(limits.timeoutMs, MIN_LOAD_BUDGET_MS);
}

/** "60 s", "0.5 s". */
export function secondsText(ms: number): string {
  return `${Number((ms / 1000).toPrecision(6))} s`;
}

/** "1 GiB", "256 MiB". */
export function heapText(mb: number): string {
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GiB` : `${mb} MiB`;
}
