// How the CLI fails: one line naming what is wrong and how to fix it, exit code 2 (usage,
// input or policy errors) — or 1, reserved for `check` regressions. No stack trace unless
// RCUPOOL_DEBUG=1.
import { InvalidArgumentError } from 'commander';
import { clipLine, describeThrown } from '../policy/thrown.js';
import { PolicyLoadError } from '../policy/validate.js';
import { ScenarioError } from '../scenario/validate.js';
import { UnitError } from '../scenario/units.js';
import { EXIT_USAGE, UsageError } from './usage-error.js';

export { EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, UsageError } from './usage-error.js';

export function isUserError(error: unknown): error is Error {
  return (
    error instanceof UsageError ||
    error instanceof PolicyLoadError ||
    error instanceof ScenarioError ||
    error instanceof UnitError ||
    error instanceof InvalidArgumentError
  );
}

/** One line of at most MAX_MESSAGE_CHARS, whatever was thrown (a policy's Proxy included). */
export function reportError(error: unknown): number {
  if (process.env.RCUPOOL_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  const message = describeThrown(error, Number.MAX_SAFE_INTEGER);
  const line = isUserError(error) ? `rcupool: ${message}` : `rcupool: internal error: ${message} (set RCUPOOL_DEBUG=1 for the stack trace)`;
  process.stderr.write(`${clipLine(line)}\n`);
  return EXIT_USAGE;
}
