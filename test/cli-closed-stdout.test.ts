// A reader that stops early (`rcupool baseline --help | head -1`) closes the pipe: rcupool then
// stops quietly (exit 0, nothing on stderr), never with an EPIPE stack trace. The pipe is closed
// before the CLI writes anything, so every write fails and the test does not depend on timing.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, E2E_TIMEOUT_MS } from './helpers/cli.js';

function withClosedStdout(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

describe('stdout closed by the reader', { timeout: E2E_TIMEOUT_MS }, () => {
  it.each([
    [['baseline', '--help']],
    [['list', 'scenarios']],
    [['explain', 'scenario', 'default', '--yaml']],
    [['completion', 'bash']],
  ])('rcupool %j exits 0 without a word on stderr', async (args) => {
    const result = await withClosedStdout(args);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
