// The `--json` document: the CompareResult as it is, validated by schema/compare.schema.json.
import type { CompareResult } from '../contract/result-types.js';

/**
 * NaN and ±Infinity are not JSON. They become null (what JSON.stringify does anyway; spelled
 * out so the rule does not depend on a reader knowing that). The schema requires numbers, so
 * a document with such a null fails validation: a non-finite metric is a bug to be caught,
 * not a value to be passed on silently. Keys keep the order the objects have them.
 */
export function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === 'number' && !Number.isFinite(value) ? null : value;
}

export function renderJson(result: CompareResult): string {
  return JSON.stringify(result, finiteOrNull, 2) + '\n';
}
