// Writing a resolved scenario as YAML: keys in schema order (the order of docs/model.md's story,
// not of object construction), optionally each field's meaning as a trailing comment.
import YAML, { isMap, isScalar, isSeq, type Node } from 'yaml';
import { SCENARIO_SCHEMA, describeRange, unitLabel, type Field, type ObjectField } from './schema.js';
import type { Scenario } from './types.js';

function orderObject(field: ObjectField, value: Record<string, unknown>, leading: Record<string, unknown> = {}): Record<string, unknown> {
  const ordered: Record<string, unknown> = { ...leading };
  for (const [key, child] of Object.entries(field.fields)) {
    if (value[key] !== undefined) ordered[key] = orderValue(child, value[key]);
  }
  return ordered;
}

/** A copy of `value` with keys in schema order; also breaks shared references, so YAML needs no aliases. */
function orderValue(field: Field, value: unknown): unknown {
  switch (field.type) {
    case 'object':
      return orderObject(field, value as Record<string, unknown>);
    case 'array':
      return (value as unknown[]).map((item) => orderValue(field.items, item));
    case 'variant': {
      const item = value as Record<string, unknown>;
      const kind = item['kind'] as string;
      return orderObject(field.variants[kind]!, item, { kind });
    }
    default:
      return value;
  }
}

/**
 * The scenario with every key in schema order, however it was built (a preset in code or a
 * file): the same scenario then gives the same JSON bytes whichever way it was loaded.
 */
export function canonicalScenario(scenario: Scenario): Scenario {
  return orderValue(SCENARIO_SCHEMA, scenario) as Scenario;
}

function fieldComment(field: Field): string {
  if (field.type !== 'number') return ` ${field.doc}`;
  const unit = unitLabel(field.unit);
  const range = describeRange(field, false);
  return ` ${unit === '' ? '' : `[${unit}] `}${field.doc}${range === '' ? '' : ` (${range})`}`;
}

/** Puts each field's doc next to it: after a scalar value, above a mapping or list. */
function annotate(field: Field, node: Node | null | undefined): void {
  if (!node) return;
  if (field.type === 'array' && isSeq(node)) {
    for (const item of node.items) annotate(field.items, item as Node);
    return;
  }
  if (!isMap(node) || (field.type !== 'object' && field.type !== 'variant')) return;
  const kind = node.get('kind');
  const shape = field.type === 'object' ? field : typeof kind === 'string' ? field.variants[kind] : undefined;
  if (!shape) return;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const child = shape.fields[key];
    if (!child) continue;
    if (isScalar(pair.value)) pair.value.comment = fieldComment(child);
    else if (isScalar(pair.key)) pair.key.commentBefore = fieldComment(child);
    annotate(child, pair.value as Node);
  }
}

export function orderedScenario(s: Scenario, comments: boolean): string {
  const doc = new YAML.Document(orderValue(SCENARIO_SCHEMA, s));
  doc.commentBefore =
    ` rcupool scenario "${s.name}", fully resolved: every field is explicit.\n` +
    ' Load it with --scenario <file>. Durations also take "30s"/"250ms", sizes "4GiB", rates "3M".';
  if (comments) annotate(SCENARIO_SCHEMA, doc.contents as Node);
  return doc.toString({ lineWidth: 0 });
}
