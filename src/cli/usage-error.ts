// Exit codes and the usage error, in a module that imports nothing: every command needs them,
// and `rcupool --version` or `rcupool list` must not load the scenario validator to get them.

export const EXIT_OK = 0;
export const EXIT_REGRESSION = 1;
export const EXIT_USAGE = 2;

/** A mistake in what the user asked for. */
export class UsageError extends Error {
  override name = 'UsageError';
}
