// The JSON Schema of a scenario file (schema/scenario.schema.json), built from the TypeBox
// declaration in schema.ts so editors check and complete the same fields the loader accepts.
// The declaration is the JSON Schema of a resolved scenario; this file is its input form: it describes
// input, not a resolved scenario: every field may be left out (the preset named by `extends`
// fills it), except inside list items, where nothing is inherited; input-only shorthands are
// allowed; numbers may carry a unit as text ("250ms", "64MiB", "3M", "50%"). Rules that tie
// fields together (shares adding up to 1, median ≤ p99) stay the loader's: its messages say more.
import { SCENARIO_SCHEMA, describeRange, docOf, enumValues, fieldKind, fieldsOf, isInteger, isRequired, itemsOf, unitLabel, unitOf, variantShapes, type Field, type Unit } from './schema.js';

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
const TEXT_EXAMPLES: Record<Unit, string> = {
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
  if (fieldKind(field) !== 'number') return docOf(field);
  const unit = unitLabel(unitOf(field));
  const range = describeRange(field);
  return `${unit === '' ? '' : `[${unit}] `}${docOf(field)}${range === '' ? '' : ` (${range})`}`;
}

/** The standard range keywords of the declaration, as they are. */
const RANGE_KEYWORDS = ['minimum', 'exclusiveMinimum', 'maximum'] as const;

function numberSchema(field: Field): JsonSchema {
  const plain: JsonSchema = { type: isInteger(field) ? 'integer' : 'number' };
  for (const keyword of RANGE_KEYWORDS) if (field[keyword] !== undefined) plain[keyword] = field[keyword];
  const text = { type: 'string', pattern: NUMBER_TEXT, description: `with a unit, e.g. ${TEXT_EXAMPLES[unitOf(field)]}` };
  return { description: describe(field), anyOf: [plain, text] };
}

/**
 * `inItem`: inside a list item, where every field the declaration requires must be given —
 * unless a shorthand (`load: loaded`) can fill them, which the loader checks with a better message.
 */
function objectSchema(field: Field, inItem: boolean, leading: Record<string, JsonSchema> = {}): JsonSchema {
  const strict = inItem && field.shorthandHandler === undefined;
  const fields = fieldsOf(field);
  const properties: Record<string, JsonSchema> = { ...leading };
  for (const [key, child] of Object.entries(fields)) properties[key] = fieldSchema(child, strict);
  for (const [key, child] of Object.entries(field.shorthands ?? {})) properties[key] = fieldSchema(child, false);
  const required = [...Object.keys(leading), ...(strict ? Object.keys(fields).filter((key) => isRequired(field, key)) : [])];
  const schema: JsonSchema = { description: docOf(field), type: 'object', additionalProperties: false, properties };
  if (required.length > 0) schema['required'] = required;
  return schema;
}

function fieldSchema(field: Field, inItem: boolean): JsonSchema {
  switch (fieldKind(field)) {
    case 'number':
      return numberSchema(field);
    case 'boolean':
      return { description: docOf(field), type: 'boolean' };
    case 'string':
      return { description: docOf(field), type: 'string' };
    case 'enum':
      return { description: docOf(field), enum: enumValues(field) };
    case 'array': {
      const schema: JsonSchema = { description: docOf(field), type: 'array', items: fieldSchema(itemsOf(field), true) };
      if (field['minItems'] !== undefined) schema['minItems'] = field['minItems'];
      return schema;
    }
    case 'variant':
      return {
        description: docOf(field),
        oneOf: Object.entries(variantShapes(field)).map(([kind, shape]) => objectSchema(shape, inItem, { kind: { description: docOf(shape), const: kind } })),
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
