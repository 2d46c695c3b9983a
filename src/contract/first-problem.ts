// The first thing wrong with a value, against a TypeBox contract, in the words rcupool's reading
// errors use: the key path, what was expected and what was found. Between object shapes told
// apart by a literal field (`kind`), the shape that field names is the one checked, so a file
// policy without its sha256 reads "missing ... sha256", not "matches no shape".
import { Kind, type TSchema } from '@sinclair/typebox';
import { Value, ValueErrorType } from '@sinclair/typebox/value';

export type KeyPath = Array<string | number>;

export interface Problem {
  path: KeyPath;
  /** Undefined when the field is missing (or, with `unexpected`, should not be there). */
  expected?: string;
  found?: unknown;
  unexpected?: boolean;
}

/** The literal field every object shape of a union has, if there is one (`kind`). */
function discriminator(variants: readonly TSchema[]): string | undefined {
  const first = variants[0]?.['properties'] as Record<string, TSchema> | undefined;
  if (first === undefined) return undefined;
  return Object.keys(first).find((key) => variants.every((variant) => (variant['properties'] as Record<string, TSchema> | undefined)?.[key]?.['const'] !== undefined));
}

function expectedText(schema: TSchema): string {
  if (typeof schema['expected'] === 'string') return schema['expected'];
  if (schema['const'] !== undefined) return JSON.stringify(schema['const']);
  return `a ${String(schema[Kind]).toLowerCase()}`;
}

function pathOf(pointer: string): KeyPath {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The first problem of `value` against `schema`, with paths below `at`; undefined when it conforms. */
export function firstProblem(schema: TSchema, value: unknown, at: KeyPath = []): Problem | undefined {
  if (Value.Check(schema, value)) return undefined;
  if (schema[Kind] === 'Union') {
    const variants = schema['anyOf'] as TSchema[];
    const key = discriminator(variants);
    if (key !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const given = (value as Record<string, unknown>)[key];
      const chosen = variants.find((variant) => (variant['properties'] as Record<string, TSchema>)[key]!['const'] === given);
      if (chosen !== undefined) return firstProblem(chosen, value, at);
      const names = variants.map((variant) => JSON.stringify((variant['properties'] as Record<string, TSchema>)[key]!['const']));
      return given === undefined ? { path: [...at, key] } : { path: [...at, key], expected: names.join(' or '), found: given };
    }
    return { path: at, expected: expectedText(schema), found: value };
  }
  const error = Value.Errors(schema, value).First()!;
  const path = [...at, ...pathOf(error.path)];
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return { path, unexpected: true };
  if (error.value === undefined) return { path };
  // A wrong field inside a union (a param value) is reported by the union's own phrase.
  return { path, expected: expectedText(error.schema), found: error.value };
}
