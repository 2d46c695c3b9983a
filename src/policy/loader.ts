// Finds and loads policy modules: built-ins by name, users' files by path (.js, .mjs, .ts).
// Built-ins are loaded the same way as a user's file (a module path, then validation); users'
// files go through jiti so TypeScript works on Node 20 and `import ... from 'rcupool'` resolves
// to the running tool, wherever the file lives. In the CLI a user's file is only ever evaluated
// in a thread of its own (describe-worker.ts here, src/runner/worker.ts for runs): its top level
// may loop, patch globals or exit, and none of that may reach the host process.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { didYouMean } from '../shared/did-you-mean.js';
import type { PolicyModule } from './api.js';
import type { DescribeAnswer } from './describe-worker.js';
import type { ThreadLimits } from './supervise.js';
import { describeThrown } from './thrown.js';
import { PolicyLoadError } from './load-error.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/policies beside dist/src. */
const BUILTIN_DIR = resolve(here, '../../policies');
/** What `import ... from 'rcupool'` means inside a user's policy file. */
const PACKAGE_ENTRY = resolve(here, '../index.js');
const POLICY_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const DESCRIBE_WORKER_URL = new URL('./describe-worker.js', import.meta.url);
/** A policy file is source code a person wrote; past this it is something else. */
export const MAX_POLICY_FILE_BYTES = 16 * 1024 * 1024;

/** Budgets for loading a user's file when the caller gives none (the run defaults, src/runner/limits.ts). */
export const DEFAULT_LOAD_LIMITS: ThreadLimits = { timeoutMs: 60_000, heapLimitMb: 1024 };

/** What a policy module says about itself: everything but create(), which runs only in a run's thread. */
export type PolicyDescriptor = Pick<PolicyModule, 'name' | 'summary' | 'source' | 'params'>;

export interface PolicyLocation {
  /** As the user wrote it. */
  spec: string;
  /** "builtin" or the absolute file path. */
  kind: 'builtin' | 'file';
  path: string;
}

export interface LoadedPolicy {
  location: PolicyLocation;
  policy: PolicyModule;
  /** sha256 of a user file's contents. */
  fileHash?: string;
}

export function builtinPolicyNames(): string[] {
  if (!existsSync(BUILTIN_DIR)) return [];
  return readdirSync(BUILTIN_DIR)
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.slice(0, -3))
    .sort();
}

function looksLikePath(spec: string): boolean {
  return spec.includes('/') || spec.includes('\\') || POLICY_EXTENSIONS.includes(extname(spec)) || spec.startsWith('.');
}

export function locatePolicy(spec: string, cwd = process.cwd()): PolicyLocation {
  if (!looksLikePath(spec)) {
    const names = builtinPolicyNames();
    if (!names.includes(spec)) {
      throw new PolicyLoadError(
        `unknown policy "${spec.slice(0, 40)}"${didYouMean(spec, names)} (built-ins: ${names.join(', ')}; or a path)`,
      );
    }
    return { spec, kind: 'builtin', path: join(BUILTIN_DIR, `${spec}.js`) };
  }
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (!existsSync(path)) throw new PolicyLoadError(`${spec}: no such policy file (looked at ${path})`);
  if (!POLICY_EXTENSIONS.includes(extname(path))) throw new PolicyLoadError(`${spec}: a policy file must end in ${POLICY_EXTENSIONS.join(', ')}`);
  const stats = statSync(path);
  if (!stats.isFile()) throw new PolicyLoadError(`${spec}: expected a regular policy file, found ${stats.isDirectory() ? 'a directory' : 'a device, FIFO or socket'}`);
  if (stats.size > MAX_POLICY_FILE_BYTES) throw new PolicyLoadError(`${spec}: ${stats.size} bytes is over the ${MAX_POLICY_FILE_BYTES / 1048576} MiB limit for a policy file`);
  return { spec, kind: 'file', path };
}

/** A user's file, evaluated in this thread through jiti (only inside a thread of its own in the CLI). */
export async function importPolicyFile(location: PolicyLocation): Promise<unknown> {
  try {
    // jiti only when a user file needs it: it costs start-up time built-ins never pay.
    const { createJiti } = await import('jiti');
    // interopDefault would read `.then` of a null default export and fail with a message about neither.
    const jiti = createJiti(import.meta.url, { alias: { rcupool: PACKAGE_ENTRY }, moduleCache: false, fsCache: false, interopDefault: false });
    const namespace = await jiti.import<Record<string, unknown>>(location.path);
    return typeof namespace === 'object' && namespace !== null && 'default' in namespace ? namespace.default : namespace;
  } catch (error) {
    if (error instanceof PolicyLoadError) throw error;
    throw new PolicyLoadError(`${location.spec}: could not load the policy module: ${describeThrown(error)}`);
  }
}

/** Loads a policy module in this thread: a built-in, or (inside a run's own thread) a user's file. */
export async function importPolicy(location: PolicyLocation): Promise<LoadedPolicy> {
  let exported: unknown;
  if (location.kind === 'builtin') {
    try {
      exported = ((await import(pathToFileURL(location.path).href)) as { default?: unknown }).default;
    } catch (error) {
      throw new PolicyLoadError(`${location.spec}: could not load the policy module: ${describeThrown(error)}`);
    }
  } else exported = await importPolicyFile(location);
  // A built-in is our own code, checked against the module declaration by
  // test/policy-builtins.test.ts; checking it here too would load TypeBox for `rcupool list`.
  const policy = location.kind === 'builtin' ? (exported as PolicyModule) : (await import('./validate.js')).validatePolicyModule(exported, location.spec);
  return { location, policy, fileHash: location.kind === 'file' ? await hashFile(location) : undefined };
}

// node:crypto and the thread supervisor load only for users' files: `rcupool list` and the
// built-ins never need them, and they are a good part of what start-up would otherwise load.
async function hashFile(location: PolicyLocation): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(readFileSync(location.path)).digest('hex');
}

function outOfThread(descriptor: PolicyDescriptor, spec: string): PolicyModule {
  return {
    ...descriptor,
    create() {
      throw new PolicyLoadError(`${spec}: a user policy runs only in a thread of its own (src/runner/worker.ts)`);
    },
  };
}

/** Reads a user's file in a thread of its own, within `limits`; its create() stays there. */
async function describeInThread(location: PolicyLocation, limits: ThreadLimits): Promise<PolicyModule> {
  const { heapText, loadingBudgetMs, MIN_LOAD_BUDGET_MS, nextEnd, policyThread, secondsText } = await import('./supervise.js');
  const worker = policyThread(DESCRIBE_WORKER_URL, limits, location);
  try {
    const budgetMs = loadingBudgetMs(limits);
    const end = await nextEnd<DescribeAnswer>(worker, budgetMs);
    const loading = `${location.spec}: loading the policy module`;
    if (end.kind === 'message') {
      if (!end.value.ok) throw new PolicyLoadError(end.value.error);
      return outOfThread(end.value.descriptor, location.spec);
    }
    if (end.kind === 'timeout') throw new PolicyLoadError(`${loading} exceeded ${secondsText(budgetMs)} (a loop at its top level?); --run-timeout above ${secondsText(MIN_LOAD_BUDGET_MS)} raises it`);
    if (end.kind === 'heap') throw new PolicyLoadError(`${loading} exceeded the ${heapText(limits.heapLimitMb)} heap limit`);
    if (end.kind === 'exit') throw new PolicyLoadError(`${loading} ended its thread (exit code ${end.code}) before it was read`);
    throw new PolicyLoadError(`${loading}: ${end.message}`);
  } finally {
    void worker.terminate();
  }
}

/**
 * Loads and validates one policy for the host process. A user's file is read in a thread of its
 * own when the compiled worker is there (the CLI); tests running from source load it here.
 */
export async function loadPolicy(location: PolicyLocation, limits: ThreadLimits = DEFAULT_LOAD_LIMITS): Promise<LoadedPolicy> {
  if (location.kind === 'builtin' || !existsSync(fileURLToPath(DESCRIBE_WORKER_URL))) return importPolicy(location);
  const fileHash = await hashFile(location);
  return { location, policy: await describeInThread(location, limits), fileHash };
}

/** Loads and validates every policy before anything runs; rejects duplicate names. */
export async function loadPolicies(specs: string[], cwd = process.cwd(), limits: ThreadLimits = DEFAULT_LOAD_LIMITS): Promise<LoadedPolicy[]> {
  const loaded: LoadedPolicy[] = [];
  for (const spec of specs) loaded.push(await loadPolicy(locatePolicy(spec, cwd), limits));
  const seen = new Map<string, string>();
  for (const { policy, location } of loaded) {
    const earlier = seen.get(policy.name);
    if (earlier !== undefined) throw new PolicyLoadError(`${location.spec}: policy name "${policy.name}" is already used by ${earlier}; give it another name`);
    seen.set(policy.name, location.spec);
  }
  return loaded;
}
