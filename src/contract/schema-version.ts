// Apart from result-types.ts, whose TypeBox declarations (a few hundred modules) a `compare` that
// only prints a table never needs: the runner stamps every result with this number.

/**
 * The version of the --json document's shape: 2 since the stalls, footprint, slow-path and GP
 * metrics (and failures no longer counting stalled callers as anything but fallbacks).
 * Baselines record it and `check` refuses older ones.
 */
export const RESULT_SCHEMA_VERSION = 2;
