// The budgets every run gets (`--run-timeout`, `--run-heap`; docs/hardening.md).
import type { ThreadLimits } from '../policy/supervise.js';

/** Per-run budgets (`--run-timeout`, `--run-heap`). */
export type RunLimits = ThreadLimits;

/**
 * A legitimate run of any preset finishes far inside these: `flood`, the slowest, takes a few
 * seconds per run on a laptop core, and no model structure grows past a few hundred MiB.
 */
export const DEFAULT_RUN_LIMITS: Readonly<RunLimits> = Object.freeze({ timeoutMs: 600_000, heapLimitMb: 1024 });
