// A policy module's data shape, declared once with TypeBox (its schemas are JSON Schema): the
// types api.ts gives policy authors are Static<> of these, and validate.ts checks a user's
// module against them. Apart from api.ts so that loading a built-in policy (`rcupool list`)
// does not load TypeBox's few hundred modules.
import { Type, type Static } from '@sinclair/typebox';
import { TEXT_LIMITS, type Kernel, type PolicyHooks } from './api.js';

/** One param's value: what `--param` sets and results record. */
export const PARAM_VALUE = Type.Union([Type.Number(), Type.String(), Type.Boolean()]);

/** Text that is more than blanks. */
const SOME_TEXT = '\\S';

/** A tunable of a policy, as `explain` lists it and `--param <policy>.<name>=<value>` sets it. */
export const PARAM_SPEC = Type.Object({
  // Fits `--param <policy>.<name>=<value>`: letters, digits and "_".
  name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$', maxLength: TEXT_LIMITS.name }),
  default: Type.Union([Type.Number(), Type.String({ maxLength: TEXT_LIMITS.stringValue }), Type.Boolean()]),
  unit: Type.String({ maxLength: TEXT_LIMITS.unit }),
  /** May be left out in a file (it reads as ""). */
  description: Type.String({ maxLength: TEXT_LIMITS.description }),
  /** Integers only. */
  integer: Type.Optional(Type.Boolean()),
  /** Inclusive numeric range (number params), or the allowed strings (string params). */
  range: Type.Optional(
    Type.Union([Type.Object({ min: Type.Number(), max: Type.Number() }), Type.Unsafe<readonly string[]>(Type.Array(Type.String({ maxLength: TEXT_LIMITS.stringValue })))]),
  ),
});
export type ParamSpec = Static<typeof PARAM_SPEC>;

export type ParamValues = Record<string, Static<typeof PARAM_VALUE>>;

type CreateHooks = (kernel: Kernel, params: ParamValues) => PolicyHooks;

/** What a policy module default-exports. */
export const POLICY_MODULE = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$', maxLength: TEXT_LIMITS.name }),
  /** One line saying what the policy does. */
  summary: Type.String({ pattern: SOME_TEXT, maxLength: TEXT_LIMITS.summary }),
  /** The kernel commit or mailing-list message the policy models. */
  source: Type.String({ pattern: SOME_TEXT, maxLength: TEXT_LIMITS.source }),
  params: Type.Array(PARAM_SPEC),
  create: Type.Unsafe<CreateHooks>(Type.Function([], Type.Unknown())),
});
export type PolicyModule = Static<typeof POLICY_MODULE>;

