// Finds and loads policy modules: built-ins by name, users' files by path (.js, .mjs, .ts).
// Built-ins are loaded the same way as a user's file (a module path, then validation); users'
// files go through jiti so TypeScript works on Node 20 and `import ... from 'rcupool'` resolves
// to the running tool, wherever the file lives.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { didYouMean } from '../scenario/did-you-mean.js';
import type { PolicyModule } from './api.js';
import { PolicyLoadError, validatePolicyModule } from './validate.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/policies beside dist/src. */
const BUILTIN_DIR = resolve(here, '../../policies');
/** What `import ... from 'rcupool'` means inside a user's policy file. */
const PACKAGE_ENTRY = resolve(here, '../index.js');
const POLICY_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];

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
        `unknown policy "${spec}"${didYouMean(spec, names)} (built-ins: ${names.join(', ')}; a policy file path must contain "/", e.g. ./${spec}.ts)`,
      );
    }
    return { spec, kind: 'builtin', path: join(BUILTIN_DIR, `${spec}.js`) };
  }
  const path = isAbsolute(spec) ? spec : resolve(cwd, spec);
  if (!existsSync(path)) throw new PolicyLoadError(`${spec}: no such policy file (looked at ${path})`);
  if (!POLICY_EXTENSIONS.includes(extname(path))) throw new PolicyLoadError(`${spec}: a policy file must end in ${POLICY_EXTENSIONS.join(', ')}`);
  return { spec, kind: 'file', path };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0];
}

export async function loadPolicy(location: PolicyLocation): Promise<LoadedPolicy> {
  let exported: unknown;
  let fileHash: string | undefined;
  try {
    if (location.kind === 'builtin') {
      exported = ((await import(pathToFileURL(location.path).href)) as { default?: unknown }).default;
    } else {
      fileHash = createHash('sha256').update(readFileSync(location.path)).digest('hex');
      // jiti only when a user file needs it: it costs start-up time built-ins never pay.
      const { createJiti } = await import('jiti');
      const jiti = createJiti(import.meta.url, { alias: { rcupool: PACKAGE_ENTRY }, moduleCache: false, fsCache: false, interopDefault: true });
      exported = await jiti.import(location.path, { default: true });
    }
  } catch (error) {
    if (error instanceof PolicyLoadError) throw error;
    throw new PolicyLoadError(`${location.spec}: could not load the policy module: ${firstLine(error)}`);
  }
  const policy = validatePolicyModule(exported, location.spec);
  return { location, policy, fileHash };
}

/** Loads and validates every policy before anything runs; rejects duplicate names. */
export async function loadPolicies(specs: string[], cwd = process.cwd()): Promise<LoadedPolicy[]> {
  const loaded: LoadedPolicy[] = [];
  for (const spec of specs) loaded.push(await loadPolicy(locatePolicy(spec, cwd)));
  const seen = new Map<string, string>();
  for (const { policy, location } of loaded) {
    const earlier = seen.get(policy.name);
    if (earlier !== undefined) throw new PolicyLoadError(`${location.spec}: policy name "${policy.name}" is already used by ${earlier}; give it another name`);
    seen.set(policy.name, location.spec);
  }
  return loaded;
}
