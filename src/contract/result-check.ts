// Checks a `compare --json` or `sweep --json` document read back from a file (a shard given to
// `merge`, a baseline) against its one declaration, and says the first problem in rcupool's
// words: the dotted field, what was expected and what was found.
import type { TSchema } from '@sinclair/typebox';
import { firstProblem, type KeyPath, type Problem } from './first-problem.js';

export { problemText } from './first-problem.js';
import { COMPARE_RESULT, RAN_ONLY, type CompareResult } from './result-types.js';
import { SWEEP_RESULT, type SweepResult } from './sweep-types.js';

/** The rule the schema's if/then/else states (TypeBox's checker leaves those keywords to JSON Schema tools). */
function ranOrFailedProblem(entry: Record<string, unknown>, at: KeyPath): Problem | undefined {
  if (entry['error'] === undefined) return entry['metrics'] === undefined ? { path: [...at, 'metrics'] } : undefined;
  const extra = RAN_ONLY.find((field) => entry[field] !== undefined);
  return extra === undefined ? undefined : { path: [...at, extra], expected: `no ${extra} in a failed run (it has an error)`, found: entry[extra] };
}

function documentProblem(schema: TSchema, value: unknown, list: 'results' | 'points'): Problem | undefined {
  const problem = firstProblem(schema, value);
  if (problem !== undefined) return problem;
  const entries = (value as Record<string, Array<Record<string, unknown>>>)[list]!;
  for (const [index, entry] of entries.entries()) {
    const found = ranOrFailedProblem(entry, [list, index]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The first problem of a `compare --json` document; undefined when it conforms. */
export function compareResultProblem(value: unknown): Problem | undefined {
  return documentProblem(COMPARE_RESULT, value, 'results');
}

/** The first problem of a `sweep --json` document (a shard, a merged sweep, a sweep baseline); undefined when it conforms. */
export function sweepResultProblem(value: unknown): Problem | undefined {
  return documentProblem(SWEEP_RESULT, value, 'points');
}

export function isCompareResult(value: unknown): value is CompareResult {
  return compareResultProblem(value) === undefined;
}

export function isSweepResult(value: unknown): value is SweepResult {
  return sweepResultProblem(value) === undefined;
}
