// Runs the real CLI (`node bin/rcupool ...`, the compiled dist/ that `npm test` builds first)
// with a controlled environment, for the end-to-end tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'bin', 'rcupool');
export const SCHEMA_FILE = join(ROOT, 'schema', 'compare.schema.json');

/** A short, quick run: tests use it unless they need something else. */
export const QUICK = ['--scenario', 'steady', '--duration', '300ms'] as const;

/** The built-in policy names, as the built CLI sees them (dist/policies/*.js), sorted. */
export function builtinPolicies(): string[] {
  const folder = join(ROOT, 'dist', 'policies');
  return existsSync(folder) ? readdirSync(folder).filter((file) => file.endsWith('.js')).map((file) => file.slice(0, -3)).sort() : [];
}

/**
 * Two policies for tests that need rows to differ (best/worst colours): upstream and another
 * built-in, or the fixture user policy while upstream is the only built-in.
 */
export function twoPolicies(): string {
  const other = builtinPolicies().find((name) => name !== 'upstream');
  return `upstream,${other ?? 'test/fixtures/policies/give-back.ts'}`;
}

/** Variables that change colour, progress or error output: removed unless a test sets them. */
const CONTROLLED = ['FORCE_COLOR', 'NO_COLOR', 'TERM', 'COLUMNS', 'RCUPOOL_DEBUG', 'CI', 'NODE_OPTIONS'];

export interface CliOptions {
  /** Added to the cleaned environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CONTROLLED) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm test` (it runs tsc first) or `npm run build`');
  }
}

/** `rcupool <args>` with stdout and stderr as pipes (so: not a terminal). */
export function rcupool(args: readonly string[], options: CliOptions = {}): CliResult {
  assertBuilt();
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnv(options.env),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** util-linux `script`, which runs a command on a pseudo-terminal; undefined when absent. */
export const SCRIPT: string | undefined = ['/usr/bin/script', '/bin/script'].find((path) => existsSync(path));

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * `rcupool <args>` on a pseudo-terminal (stdout and stderr are both the terminal, so they
 * arrive merged, with CRLF line ends). Needs `script` (see SCRIPT).
 */
export function rcupoolOnTerminal(args: readonly string[], options: CliOptions = {}): CliResult {
  assertBuilt();
  if (!SCRIPT) throw new Error('util-linux `script` is not installed');
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  const result = spawnSync(SCRIPT, ['-qec', command, '/dev/null'], {
    cwd: options.cwd ?? ROOT,
    env: cleanEnv({ TERM: 'xterm-256color', ...options.env }),
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout.replace(/\r\n/g, '\n'), stderr: result.stderr };
}

/** SGR sequences (colour, bold): what "no colour" must not contain. */
export const SGR = /\x1b\[[0-9;]*m/;

export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

/**
 * Per-test and per-hook timeout for tests that spawn the CLI: each start costs ~0.2 s of Node
 * and module loading (more on a busy 2-core CI box), and a test may spawn several.
 */
export const E2E_TIMEOUT_MS = 120_000;
