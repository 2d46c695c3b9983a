// How the CLI fails: one line naming what is wrong and how to fix it, exit code 2 (usage,
// input or policy errors) — or 1, reserved for `check` regressions. No stack trace unless
// RCUPOOL_DEBUG=1.
import { InvalidArgumentError } from 'commander';
import { PolicyLoadError } from '../policy/validate.js';
import { ScenarioError } from '../scenario/validate.js';
import { UnitError } from '../scenario/units.js';

export const EXIT_OK = 0;
export const EXIT_REGRESSION = 1;
export const EXIT_USAGE = 2;

/** A mistake in what the user asked for. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function isUserError(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof PolicyLoadError ||
    error instanceof ScenarioError ||
    error instanceof UnitError ||
    error instanceof InvalidArgumentError
  );
}

export function reportError(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  if (process.env.RCUPOOL_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  if (isUserError(error)) {
    process.stderr.write(`rcupool: ${message.split('\n')[0]}\n`);
    return EXIT_USAGE;
  }
  process.stderr.write(`rcupool: internal error: ${message.split('\n')[0]} (set RCUPOOL_DEBUG=1 for the stack trace)\n`);
  return EXIT_USAGE;
}
