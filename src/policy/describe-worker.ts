// Thread that loads a user's policy file once, to read its name, summary and params before any
// run: the module's top level runs here, under the guards, never in the host process.
import { parentPort, workerData } from 'node:worker_threads';
import { installPolicyGuards } from './guards.js';
import { importPolicyFile, type PolicyDescriptor, type PolicyLocation } from './loader.js';
import { describeThrown } from './thrown.js';
import { PolicyLoadError, validatePolicyModule } from './validate.js';

export type DescribeAnswer = { ok: true; descriptor: PolicyDescriptor } | { ok: false; error: string };

const location = workerData as PolicyLocation;
let escaped: string | undefined;
process.on('uncaughtException', (error) => (escaped ??= describeThrown(error)));
process.on('unhandledRejection', (reason) => (escaped ??= describeThrown(reason)));
const settle = setImmediate;

async function describe(): Promise<DescribeAnswer> {
  try {
    const policy = validatePolicyModule(await importPolicyFile(location), location.spec);
    await new Promise((resolve) => settle(resolve));
    if (escaped !== undefined) return { ok: false, error: `${location.spec}: an error escaped the module asynchronously while loading: ${escaped}` };
    const { name, summary, source, params } = policy;
    return { ok: true, descriptor: { name, summary, source, params } };
  } catch (error) {
    return { ok: false, error: error instanceof PolicyLoadError ? error.message : `${location.spec}: ${describeThrown(error)}` };
  }
}

installPolicyGuards(0);
void describe().then((answer) => parentPort!.postMessage(answer));
