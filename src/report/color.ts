// Whether a report may use colour (docs/cli.md and docs/json.md). Decided once by the CLI
// from its stdout and environment, then passed down; chalk does not read NO_COLOR itself.

/** FORCE_COLOR values that mean "force off", as Node and chalk read them. */
const FORCE_OFF = new Set(['0', 'false']);

/**
 * `--no-color` (flag false) on this very command line wins over the environment. Then
 * FORCE_COLOR (non-empty) wins: on, unless it is '0' or 'false', which force colour off as in
 * Node and chalk. Otherwise colour is off for NO_COLOR non-empty, TERM=dumb or a stream that
 * is not a TTY. `flag` true (commander's default for --no-color) does not force colour on.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, flag?: boolean): boolean {
  if (flag === false) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return !FORCE_OFF.has(force.trim().toLowerCase());
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}
