// Worker thread. Shared (built-ins): runs the tasks it is sent, one at a time, posting each
// outcome. Isolated (a user's policy file): runs exactly one task under the guards
// (src/policy/guards.ts) and is then stopped by its supervisor, so whatever the policy patched,
// started or leaked dies with its run.
import { parentPort, workerData } from 'node:worker_threads';
import { describeThrown } from '../policy/thrown.js';
import { RunProgress } from './policy-watch.js';
import { PolicyCache, runTask } from './task.js';
import { STARTED, type RunOutcome, type RunTask } from './task-message.js';

export interface WorkerSetup {
  isolated: boolean;
  progress: SharedArrayBuffer;
}

const started = () => parentPort!.postMessage(STARTED);

const setup = workerData as WorkerSetup;
const progress = new RunProgress(setup.progress);
const cache = new PolicyCache();
const settle = setImmediate;

/** An error thrown outside any hook: from a promise or a process.nextTick the policy left behind. */
let escaped: string | undefined;

async function runIsolated(task: RunTask): Promise<RunOutcome> {
  process.on('uncaughtException', (error) => (escaped ??= describeThrown(error)));
  process.on('unhandledRejection', (reason) => (escaped ??= describeThrown(reason)));
  // Loaded only here: a thread for built-ins never installs them.
  const { installPolicyGuards } = await import('../policy/guards.js');
  installPolicyGuards(task.seed);
  const outcome = await runTask(task, cache, progress, started);
  // Promise callbacks and ticks run once the synchronous run has returned: give them their turn,
  // so an error they throw is this run's error every time, not only when the thread is slow to stop.
  await new Promise((resolve) => settle(resolve));
  if (escaped !== undefined) {
    return { index: task.index, ok: false, error: `${task.policyName}: an error escaped the policy asynchronously (a promise or nextTick callback): ${escaped}` };
  }
  return outcome;
}

parentPort!.on('message', (task: RunTask) => {
  const run = setup.isolated ? runIsolated(task) : runTask(task, cache, progress, started);
  void run.then((outcome) => parentPort!.postMessage(outcome));
});
