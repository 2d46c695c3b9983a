// Worker thread: runs tasks it is sent, one at a time, and posts each outcome back.
import { parentPort } from 'node:worker_threads';
import { PolicyCache, runTask, type RunTask } from './task.js';

const cache = new PolicyCache();
parentPort!.on('message', (task: RunTask) => {
  runTask(task, cache).then((outcome) => parentPort!.postMessage(outcome));
});
