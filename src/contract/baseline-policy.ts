// How a baseline file (compare or sweep) records each policy it ran, so `check` can run it again.
// Declared once, with TypeBox: the TypeScript type, the check `rcupool check` runs when it reads
// a baseline (src/runner/baseline-file.ts) and the `policy` definition of schema/sweep.schema.json
// all come from BASELINE_POLICY. `expected` is the phrase a reading error uses ("expected a
// sha256 in hex"); it is dropped from the JSON Schema files.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { PARAM_VALUE as POLICY_PARAM_VALUE } from '../policy/module-schema.js';
import { plainJsonSchema } from './json-schema-file.js';

/** One param's value (the policy API's declaration), as runs, results and baselines record it. */
export const PARAM_VALUE = Type.Union(POLICY_PARAM_VALUE.anyOf, { expected: 'a number, string or boolean' });

function paramValues(description: string) {
  return Type.Record(Type.String(), PARAM_VALUE, { expected: 'an object', description });
}

const name = Type.String({ minLength: 1, expected: 'a non-empty string', description: "The policy's own name (what `check --policy FILE` matches on)." });
const location = Type.String({
  minLength: 1,
  expected: 'a non-empty string',
  description: "A built-in's name, or the file path as it was given (relative paths are resolved from the directory `check` runs in).",
});
// `check` pins the overrides and takes every other param from the policy's defaults today, so a
// changed default in a policy file is a change `check` sees.
const params = paramValues('Every param as it ran (defaults included).');
const paramOverrides = paramValues('The params given with --param.');

export const BASELINE_POLICY = Type.Union(
  [
    Type.Object({ name, kind: Type.Literal('builtin'), location, params, paramOverrides }, { additionalProperties: false }),
    Type.Object(
      {
        name,
        kind: Type.Literal('file'),
        location,
        params,
        paramOverrides,
        sha256: Type.String({ pattern: '^[0-9a-f]{64}$', expected: 'a sha256 in hex (64 characters)', description: "sha256 of the file's contents (hex): `check` says when it changed." }),
      },
      { additionalProperties: false },
    ),
  ],
  { expected: 'an object', definition: 'policy' },
);

export type BaselinePolicy = Static<typeof BASELINE_POLICY>;

/** A TypeBox schema as a plain JSON Schema object, without the reading-error phrases. */
export function jsonSchemaOf(schema: TSchema): Record<string, unknown> {
  return plainJsonSchema(schema);
}
