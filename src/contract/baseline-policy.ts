// How a baseline file (compare or sweep) records each policy it ran, so `check` can run it again.
import type { ParamValues } from '../policy/api.js';

export interface BaselinePolicy {
  /** The policy's own name (what `check --policy FILE` matches on). */
  name: string;
  kind: 'builtin' | 'file';
  /** A built-in's name, or the file path as it was given (relative paths are resolved from the directory `check` runs in). */
  location: string;
  /** Every param as it ran (defaults included): what the results came from. */
  params: ParamValues;
  /**
   * The params given with `--param`: `check` pins these and takes every other param from the
   * policy's defaults today, so changing a default in a policy file is a change `check` sees.
   */
  paramOverrides: ParamValues;
  /** sha256 of a user file's contents (hex); absent for built-ins. */
  sha256?: string;
}
