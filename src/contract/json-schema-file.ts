// A TypeBox declaration written out as a JSON Schema file: TypeBox schemas ARE JSON Schema, so
// the file is the declaration with rcupool's own annotations taken out. A sub-schema declared
// with `{ definition: 'name' }` is written once under `definitions` and referred to by `$ref`
// (the metrics object appears in `metrics`, in every `perSeed` item and in every sweep point).
import { Kind, type TSchema } from '@sinclair/typebox';

/** Annotations that are rcupool's, not JSON Schema: the reading-error phrase and the definition name. */
const OWN_KEYS = new Set(['expected', 'definition']);

/** The order keys are written in: the type and its bounds, then what it means, then its parts (anything else follows, as declared). */
const KEY_ORDER = [
  '$schema', 'title', 'const', 'enum', 'type',
  'minimum', 'exclusiveMinimum', 'maximum', 'minLength', 'pattern', 'minItems', 'maxItems', 'description',
  'additionalProperties', 'required', 'properties', 'patternProperties', 'items', 'anyOf',
  'if', 'then', 'else', 'not', 'definitions',
];

function ordered(keys: string[]): string[] {
  const rank = (key: string) => (KEY_ORDER.includes(key) ? KEY_ORDER.indexOf(key) : KEY_ORDER.length);
  return [...keys].sort((a, b) => rank(a) - rank(b));
}

function isTypeBox(node: object): boolean {
  return (node as Record<symbol, unknown>)[Kind] !== undefined;
}

class Writer {
  readonly definitions = new Map<string, unknown>();

  /** inline: write named parts in place (a part of another file), not as `$ref`s. */
  constructor(private readonly inline: boolean) {}

  write(node: unknown, atRoot = false): unknown {
    if (Array.isArray(node)) return node.map((item) => this.write(item));
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    const name = isTypeBox(node) ? record['definition'] : undefined;
    if (typeof name === 'string' && !atRoot && !this.inline) {
      if (!this.definitions.has(name)) {
        this.definitions.set(name, null);
        this.definitions.set(name, this.write(node, true));
      }
      return { $ref: `#/definitions/${name}` };
    }
    const out: Record<string, unknown> = {};
    for (const key of isTypeBox(node) ? ordered(Object.keys(record)) : Object.keys(record)) {
      if (isTypeBox(node) && OWN_KEYS.has(key)) continue;
      // `Type.Object({})` (any object) says nothing with an empty `properties`.
      if (key === 'properties' && isTypeBox(node) && Object.keys(record[key] as object).length === 0) continue;
      out[key] = this.write(record[key]);
    }
    return out;
  }
}

/** One schema as plain JSON Schema, its named parts inline (for a `definitions` entry of another file). */
export function plainJsonSchema(schema: TSchema): Record<string, unknown> {
  return new Writer(true).write(schema, true) as Record<string, unknown>;
}

/** The JSON Schema file of a contract: its named parts under `definitions`, in `definitionOrder` (any others after, as met). */
export function jsonSchemaFile(schema: TSchema, definitionOrder: readonly string[] = []): Record<string, unknown> {
  const writer = new Writer(false);
  const body = writer.write(schema, true) as Record<string, unknown>;
  const names = [...definitionOrder.filter((name) => writer.definitions.has(name)), ...[...writer.definitions.keys()].filter((name) => !definitionOrder.includes(name))];
  const definitions = Object.fromEntries(names.map((name) => [name, writer.definitions.get(name)]));
  const file: Record<string, unknown> = { $schema: 'http://json-schema.org/draft-07/schema#' };
  for (const key of ordered(Object.keys(body))) file[key] = body[key];
  if (names.length > 0) file['definitions'] = definitions;
  return file;
}
