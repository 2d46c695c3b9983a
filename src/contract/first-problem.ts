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

const KIND_WORDS: Record<string, string> = { Object: 'an object', Array: 'a list', Integer: 'an integer', Number: 'a number', String: 'a string', Boolean: 'true or false', Tuple: 'a list' };

/** "a number ≥ 0", "a list of at least 1 item": the kind and the bounds a value must keep. */
function expectedText(schema: TSchema): string {
  if (typeof schema['expected'] === 'string') return schema['expected'];
  if (schema['const'] !== undefined) return JSON.stringify(schema['const']);
  const kind = String(schema[Kind]);
  const between = schema['minimum'] !== undefined && schema['maximum'] !== undefined;
  const bounds = [
    between ? `from ${schema['minimum']} to ${schema['maximum']}` : '',
    schema['minimum'] !== undefined && !between ? `≥ ${schema['minimum']}` : '',
    schema['exclusiveMinimum'] !== undefined ? `> ${schema['exclusiveMinimum']}` : '',
    schema['maximum'] !== undefined && !between ? `≤ ${schema['maximum']}` : '',
    schema['minLength'] === 1 ? 'non-empty' : '',
    schema['pattern'] !== undefined ? `matching ${schema['pattern']}` : '',
    schema['minItems'] !== undefined ? `of at least ${schema['minItems']} item${schema['minItems'] === 1 ? '' : 's'}` : '',
  ].filter(Boolean);
  const word = KIND_WORDS[kind] ?? `a ${kind.toLowerCase()}`;
  if (bounds[0] === 'non-empty') return `a non-empty ${word.slice(2)}`;
  return bounds.length > 0 ? `${word} ${bounds.join(' ')}` : word;
}

/** The JSON pointer's parts, list positions as numbers (`points[3]`, not `points.3`). */
function pathOf(pointer: string, value: unknown): KeyPath {
  if (pointer === '') return [];
  let node = value;
  return pointer.slice(1).split('/').map((part) => {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) ? Number(key) : key;
    node = (node as Record<string | number, unknown> | undefined)?.[segment];
    return segment;
  });
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
  const path = [...at, ...pathOf(error.path, value)];
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return { path, unexpected: true };
  if (error.value === undefined) return { path };
  // A union below the top (a baseline policy in a list) is told apart by its `kind` the same way.
  if (error.schema[Kind] === 'Union') return firstProblem(error.schema, error.value, path);
  // A wrong field inside a union (a param value) is reported by the union's own phrase.
  return { path, expected: expectedText(error.schema), found: error.value };
}

/** `points[3].metrics.calls` */
export function dottedPath(path: KeyPath): string {
  let text = '';
  for (const segment of path) text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  return text;
}

/** A found value in a reading error: `null`, `a list`, `"text"`, `number -1`. */
export function shownValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

/** One phrase: `missing field "x"`, `field "x": expected a number, found null`, `field "x" is not part of <what>`. */
export function problemText(problem: Problem, what: string): string {
  const field = dottedPath(problem.path);
  if (field === '') return `expected ${problem.expected ?? what}, found ${shownValue(problem.found)}`;
  if (problem.unexpected) return `field "${field}" is not part of ${what}`;
  if (problem.expected === undefined) return `missing field "${field}"`;
  return `field "${field}": expected ${problem.expected}, found ${shownValue(problem.found)}`;
}
