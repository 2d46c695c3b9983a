// `rcupool <args>` like helpers/cli.ts's rcupool(), but without blocking the test worker's event
// loop while the CLI runs: a long spawnSync on a loaded machine starves vitest's worker RPC
// ("Timeout calling onTaskUpdate"). For the tests whose runs take several seconds.
import { spawn } from 'node:child_process';
import { BIN, cleanEnv, ROOT, type CliOptions, type CliResult } from './cli.js';

export function rcupoolAsync(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: cleanEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}
