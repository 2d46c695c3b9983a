// The JSON Schema of a scenario file (schema/scenario.schema.json), built from the field tree in
// schema.ts so editors check and complete the same fields the loader accepts. It describes
// input, not a resolved scenario: every field may be left out (the preset named by `extends`
// fills it), except inside list items, where nothing is inherited; input-only shorthands are
// allowed; numbers may carry a unit as text ("250ms", "64MiB", "3M", "50%"). Rules that tie
// fields together (shares adding up to 1, median ≤ p99) stay the loader's: its messages say more.
import { SCENARIO_SCHEMA, describeRange, unitLabel, type Field, type NumberField, type ObjectField } from './schema.js';

type JsonSchema = Record<string, unknown>;

/**
 * Where a scenario file finds its schema: the file the installed package ships, relative to a
 * scenario file at the project root (yaml-language-server resolves a relative path from the
 * file's folder). docs/scenarios.md says how to point it from elsewhere.
 */
export const SCENARIO_SCHEMA_PATH = './node_modules/rcupool/schema/scenario.schema.json';

/** The first line of `explain scenario --yaml`: editors with the YAML language server check and complete the file. */
export const SCENARIO_SCHEMA_MODELINE = `# yaml-language-server: $schema=${SCENARIO_SCHEMA_PATH}`;

/** The unit examples a number field accepts as text, as validate.ts parses them. */
const TEXT_EXAMPLES: Record<NumberField['unit'], string> = {
  ms: '"250ms", "30s", "2m"',
  us: '"500us", "2ms"',
  ns: '"300ns", "1us"',
  pages: '"64MiB", "4GiB", "1000 pages"',
  kbytes: '"8MiB"',
  perSec: '"20k", "3M"',
  share: '"50%"',
  probability: '"1%"',
  count: '"20k"',
  ratio: '"0.1"',
};

/** A number, or text that starts with one (the unit after it is the loader's to check). */
const NUMBER_TEXT = String.raw`^\s*[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*\S*\s*$`;

function describe(field: Field): string {
  if (field.type !== 'number') return field.doc;
  const unit = unitLabel(field.unit);
  const range = describeRange(field);
  return `${unit === '' ? '' : `[${unit}] `}${field.doc}${range === '' ? '' : ` (${range})`}`;
}

function numberSchema(field: NumberField): JsonSchema {
  const plain: JsonSchema = { type: field.integer ? 'integer' : 'number' };
  if (field.min !== undefined) plain['minimum'] = field.min;
  if (field.above !== undefined) plain['exclusiveMinimum'] = field.above;
  if (field.max !== undefined) plain['maximum'] = field.max;
  const text = { type: 'string', pattern: NUMBER_TEXT, description: `with a unit, e.g. ${TEXT_EXAMPLES[field.unit]}` };
  return { description: describe(field), anyOf: [plain, text] };
}

/**
 * `inItem`: inside a list item, where every field not marked optional must be given — unless a
 * shorthand (`load: loaded`) can fill them, which the loader checks with a better message.
 */
function objectSchema(field: ObjectField, inItem: boolean, leading: Record<string, JsonSchema> = {}): JsonSchema {
  const strict = inItem && field.shorthandHandler === undefined;
  const properties: Record<string, JsonSchema> = { ...leading };
  for (const [key, child] of Object.entries(field.fields)) properties[key] = fieldSchema(child, strict);
  for (const [key, child] of Object.entries(field.shorthands ?? {})) properties[key] = fieldSchema(child, false);
  const required = [...Object.keys(leading), ...(strict ? Object.keys(field.fields).filter((key) => !(field.optional ?? []).includes(key)) : [])];
  const schema: JsonSchema = { description: field.doc, type: 'object', additionalProperties: false, properties };
  if (required.length > 0) schema['required'] = required;
  return schema;
}

function fieldSchema(field: Field, inItem: boolean): JsonSchema {
  switch (field.type) {
    case 'number':
      return numberSchema(field);
    case 'boolean':
      return { description: field.doc, type: 'boolean' };
    case 'string':
      return { description: field.doc, type: 'string' };
    case 'enum':
      return { description: field.doc, enum: [...field.values] };
    case 'array': {
      const schema: JsonSchema = { description: field.doc, type: 'array', items: fieldSchema(field.items, true) };
      if (field.minItems !== undefined) schema['minItems'] = field.minItems;
      return schema;
    }
    case 'variant':
      return {
        description: field.doc,
        oneOf: Object.entries(field.variants).map(([kind, shape]) => objectSchema(shape, inItem, { kind: { description: shape.doc, const: kind } })),
      };
    case 'object':
      return objectSchema(field, inItem);
  }
}

/** schema/scenario.schema.json. */
export function scenarioJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'rcupool scenario file',
    ...fieldSchema(SCENARIO_SCHEMA, false),
    description: 'A scenario for rcupool --scenario (YAML or JSON): fields left out come from the preset named by `extends` ("default" when absent). docs/scenarios.md.',
  };
}
