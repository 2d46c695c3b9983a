// Writing a resolved scenario as YAML: keys in schema order (the order of docs/model.md's story,
// not of object construction), optionally each field's meaning as a trailing comment.
import YAML, { isMap, isScalar, isSeq, type Node } from 'yaml';
import { SCENARIO_SCHEMA, describeRange, docOf, fieldKind, fieldsOf, itemsOf, unitLabel, unitOf, variantShapes, type Field, type Scenario } from './schema.js';

function orderObject(field: Field, value: Record<string, unknown>, leading: Record<string, unknown> = {}): Record<string, unknown> {
  const ordered: Record<string, unknown> = { ...leading };
  for (const [key, child] of Object.entries(fieldsOf(field))) {
    if (value[key] !== undefined) ordered[key] = orderValue(child, value[key]);
  }
  return ordered;
}

/** A copy of `value` with keys in schema order; also breaks shared references, so YAML needs no aliases. */
function orderValue(field: Field, value: unknown): unknown {
  switch (fieldKind(field)) {
    case 'object':
      return orderObject(field, value as Record<string, unknown>);
    case 'array':
      return (value as unknown[]).map((item) => orderValue(itemsOf(field), item));
    case 'variant': {
      const item = value as Record<string, unknown>;
      const kind = item['kind'] as string;
      return orderObject(variantShapes(field)[kind]!, item, { kind });
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
  if (fieldKind(field) !== 'number') return ` ${docOf(field)}`;
  const unit = unitLabel(unitOf(field));
  const range = describeRange(field, false);
  return ` ${unit === '' ? '' : `[${unit}] `}${docOf(field)}${range === '' ? '' : ` (${range})`}`;
}

/** Puts each field's doc next to it: after a scalar value, above a mapping or list. */
function annotate(field: Field, node: Node | null | undefined): void {
  if (!node) return;
  const fieldType = fieldKind(field);
  if (fieldType === 'array' && isSeq(node)) {
    for (const item of node.items) annotate(itemsOf(field), item as Node);
    return;
  }
  if (!isMap(node) || (fieldType !== 'object' && fieldType !== 'variant')) return;
  const kind = node.get('kind');
  const shape = fieldType === 'object' ? field : typeof kind === 'string' ? variantShapes(field)[kind] : undefined;
  if (!shape) return;
  const fields = fieldsOf(shape);
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const child = Object.hasOwn(fields, key) ? fields[key] : undefined;
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
